/* yun-log.c: debug logging that never shows a secret
 *
 * SPDX-License-Identifier: MIT
 *
 * Request and response bodies are logged only when YUNDESK_DEBUG names "http", and then
 * only after a walk over the JSON that replaces the value of every secret-looking key
 * (passwords, SecretKey, tokens, Authorization, UserData, credentials) with "***". A body
 * that is not JSON is never logged, only its size: it cannot be redacted reliably.
 */

#define G_LOG_DOMAIN "yun-log"

#include "config.h"

#include <string.h>

#include "yun-log-private.h"

#define REDACTED "***"

/* Substrings, compared case-insensitively. SecretId and ClientToken are not secrets and
 * stay readable: support asks for them. */
static const char *const secret_key_parts[] = {
  "password",      "passwd",   "secretkey",  "secret_key", "token",
  "authorization", "userdata", "credential", "privatekey", "private_key",
};

/**
 * _yun_log_key_is_secret:
 * @key: a JSON object key or a header name
 *
 * Returns: whether the value under @key must never be shown
 */
gboolean
_yun_log_key_is_secret (const char *key)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (key != NULL, TRUE);

  if (g_ascii_strcasecmp (key, "ClientToken") == 0)
    return FALSE;

  lower = g_ascii_strdown (key, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (secret_key_parts); i++)
    if (strstr (lower, secret_key_parts[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
redact_in_place (json_object *obj, guint depth)
{
  if (obj == NULL || depth > 64)
    return;

  if (json_object_is_type (obj, json_type_object))
    {
      g_autoptr (GPtrArray) secret_keys = g_ptr_array_new ();

      json_object_object_foreach (obj, key, value)
        {
          if (_yun_log_key_is_secret (key))
            g_ptr_array_add (secret_keys, key);
          else
            redact_in_place (value, depth + 1);
        }
      /* Replacing a value keeps the key (owned by the object) alive. */
      for (guint i = 0; i < secret_keys->len; i++)
        json_object_object_add (obj, g_ptr_array_index (secret_keys, i),
                                json_object_new_string (REDACTED));
    }
  else if (json_object_is_type (obj, json_type_array))
    {
      gsize n = json_object_array_length (obj);

      for (gsize i = 0; i < n; i++)
        redact_in_place (json_object_array_get_idx (obj, i), depth + 1);
    }
}

/**
 * _yun_log_redact_json:
 * @obj: (nullable): a JSON value, which is not changed
 *
 * Returns: (transfer full): @obj as compact JSON text, with the value of every secret key
 *   (see _yun_log_key_is_secret()), at any depth, replaced by "***"
 */
char *
_yun_log_redact_json (json_object *obj)
{
  g_autoptr (json_object) copy = NULL;

  if (obj == NULL)
    return g_strdup ("null");

  if (json_object_deep_copy (obj, &copy, NULL) != 0 || copy == NULL)
    return g_strdup ("(unprintable JSON)");

  redact_in_place (copy, 0);
  return g_strdup (
    json_object_to_json_string_ext (copy, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/**
 * _yun_log_redact_body:
 * @body: (array length=len): bytes received or sent
 * @len: length of @body
 *
 * Returns: (transfer full): the redacted JSON text of @body, or only its size when it is
 *   not JSON
 */
char *
_yun_log_redact_body (const char *body, gsize len)
{
  g_autoptr (json_object) obj = NULL;
  json_tokener *tok;

  if (body == NULL || len == 0)
    return g_strdup ("(empty)");

  if (len <= G_MAXINT && g_utf8_validate_len (body, len, NULL))
    {
      tok = json_tokener_new ();
      obj = json_tokener_parse_ex (tok, body, (int) len);
      if (json_tokener_get_error (tok) != json_tokener_success)
        g_clear_pointer (&obj, json_object_put);
      json_tokener_free (tok);
    }

  if (obj == NULL)
    return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes, not JSON, not shown)", len);
  return _yun_log_redact_json (obj);
}

/**
 * _yun_log_debug_enabled:
 * @topic: such as "http"
 *
 * Returns: whether `YUNDESK_DEBUG` (comma- or space-separated, or "all") names @topic
 */
gboolean
_yun_log_debug_enabled (const char *topic)
{
  const char *value = g_getenv ("YUNDESK_DEBUG");
  g_auto (GStrv) parts = NULL;

  if (value == NULL || *value == '\0')
    return FALSE;

  parts = g_strsplit_set (value, ", :", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_ascii_strcasecmp (parts[i], topic) == 0 || g_ascii_strcasecmp (parts[i], "all") == 0)
      return TRUE;
  return FALSE;
}
