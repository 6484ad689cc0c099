/* yun-sim-hostile.c: answers that a broken service or a proxy in the way would send
 *
 * SPDX-License-Identifier: MIT
 *
 * `POST /_yunsim/hostile` arms a list of entries; each replaces the answer of the next
 * `count` API calls of one action (and region) with a hostile one. The call itself runs as
 * usual first, so a state change is made even when its answer is spoiled, as happens when
 * a gateway fails after the service acted. The JSON-based kinds start from the real answer.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include "yun-sim-hostile.h"

#include <string.h>

typedef struct
{
  SimHostileKind kind;
  char *action;
  char *region; /* NULL: any region */
  guint remaining;
} SimHostile;

static const char *const kind_names[] = {
  [SIM_HOSTILE_NONE] = NULL,
  [SIM_HOSTILE_TRUNCATED_JSON] = "truncated-json",
  [SIM_HOSTILE_HUGE_BODY] = "huge-body",
  [SIM_HOSTILE_INVALID_UTF8] = "invalid-utf8",
  [SIM_HOSTILE_WRONG_TYPES] = "wrong-types",
  [SIM_HOSTILE_MISSING_FIELDS] = "missing-fields",
  [SIM_HOSTILE_UNEXPECTED_FIELDS] = "unexpected-fields",
  [SIM_HOSTILE_HTML_200] = "html-200",
  [SIM_HOSTILE_HTML_502] = "html-502",
  [SIM_HOSTILE_HTTP_502] = "http-502",
  [SIM_HOSTILE_HTTP_503] = "http-503",
  [SIM_HOSTILE_DROP_MID_BODY] = "drop-mid-body",
};

/* What an nginx in front of the service shows when its upstream fails. */
#define PROXY_PAGE                                                                                 \
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"                            \
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"                    \
  "</body>\r\n</html>\r\n"

static void
sim_hostile_free (SimHostile *hostile)
{
  g_free (hostile->action);
  g_free (hostile->region);
  g_free (hostile);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimHostile, sim_hostile_free)

static gboolean
optional_string (json_object *item, const char *name, const char **out)
{
  json_object *value = NULL;

  *out = NULL;
  if (!json_object_object_get_ex (item, name, &value) || value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_string))
    return FALSE;
  *out = json_object_get_string (value);
  return TRUE;
}

/**
 * sim_hostile_parse:
 * @list: a JSON array of `{"kind", "action", "count", "region"}` objects
 * @error: return location for a %G_OPTION_ERROR_BAD_VALUE error
 *
 * Returns: (transfer full) (nullable): the entries, or %NULL with @error set
 */
GPtrArray *
sim_hostile_parse (json_object *list, GError **error)
{
  g_autoptr (GPtrArray) entries
    = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_hostile_free);

  if (list == NULL || !json_object_is_type (list, json_type_array))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "expected {\"answers\": [{\"kind\": …, \"action\": …, \"count\": N}, …]}");
      return NULL;
    }

  for (gsize i = 0; i < json_object_array_length (list); i++)
    {
      json_object *item = json_object_array_get_idx (list, i);
      g_autoptr (SimHostile) entry = g_new0 (SimHostile, 1);
      const char *kind = NULL, *action = NULL, *region = NULL;
      json_object *count = NULL;

      if (!json_object_is_type (item, json_type_object) || !optional_string (item, "kind", &kind)
          || !optional_string (item, "action", &action)
          || !optional_string (item, "region", &region) || kind == NULL || action == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "answer %" G_GSIZE_FORMAT ": \"kind\" and \"action\" are strings", i);
          return NULL;
        }
      for (guint k = SIM_HOSTILE_NONE + 1; k < G_N_ELEMENTS (kind_names); k++)
        if (g_str_equal (kind, kind_names[k]))
          entry->kind = k;
      if (entry->kind == SIM_HOSTILE_NONE)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "answer %" G_GSIZE_FORMAT ": unknown kind “%s”", i, kind);
          return NULL;
        }
      if (json_object_object_get_ex (item, "count", &count))
        {
          if (!json_object_is_type (count, json_type_int) || json_object_get_int64 (count) < 1
              || json_object_get_int64 (count) > G_MAXINT)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "answer %" G_GSIZE_FORMAT ": \"count\" is a positive integer", i);
              return NULL;
            }
          entry->remaining = (guint) json_object_get_int64 (count);
        }
      else
        entry->remaining = 1;
      entry->action = g_strdup (action);
      entry->region = g_strdup (region);
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }
  return g_steal_pointer (&entries);
}

/**
 * sim_hostile_take:
 * @sim: the simulator, with its lock held
 * @action: the call's action
 * @region: (nullable): its X-TC-Region
 *
 * Uses up one call of the first armed entry that matches.
 *
 * Returns: how to spoil this call's answer
 */
SimHostileKind
sim_hostile_take (YunSim *sim, const char *action, const char *region)
{
  for (guint i = 0; sim->hostile != NULL && i < sim->hostile->len; i++)
    {
      SimHostile *entry = g_ptr_array_index (sim->hostile, i);

      if (entry->remaining == 0 || !g_str_equal (entry->action, action)
          || (entry->region != NULL && g_strcmp0 (entry->region, region) != 0))
        continue;
      entry->remaining--;
      return entry->kind;
    }
  return SIM_HOSTILE_NONE;
}

/**
 * sim_hostile_dump:
 * @sim: the simulator, with its lock held
 *
 * Returns: (transfer full): the entries, with the calls each has left, for the state
 */
json_object *
sim_hostile_dump (YunSim *sim)
{
  json_object *list = json_object_new_array ();

  for (guint i = 0; sim->hostile != NULL && i < sim->hostile->len; i++)
    {
      SimHostile *entry = g_ptr_array_index (sim->hostile, i);
      json_object *item = json_object_new_object ();

      json_object_object_add (item, "kind", json_object_new_string (kind_names[entry->kind]));
      json_object_object_add (item, "action", json_object_new_string (entry->action));
      if (entry->region != NULL)
        json_object_object_add (item, "region", json_object_new_string (entry->region));
      json_object_object_add (item, "remaining", json_object_new_int64 (entry->remaining));
      json_object_array_add (list, item);
    }
  return list;
}

/* Every scalar at any depth becomes a value of another type; RequestId stays, so the
 * client can still quote it. */
static json_object *
wrong_type_of (json_object *value)
{
  switch (json_object_get_type (value))
    {
    case json_type_string:
      return json_object_new_int (12345);
    case json_type_int:
    case json_type_double:
      return json_object_new_string ("12345");
    case json_type_boolean:
      return json_object_new_string ("yes");
    case json_type_null:
      return json_object_new_array ();
    case json_type_object:
    case json_type_array:
    default:
      return NULL;
    }
}

static void
make_wrong_types (json_object *value)
{
  if (json_object_is_type (value, json_type_object))
    {
      g_autoptr (GPtrArray) keys = g_ptr_array_new ();

      json_object_object_foreach (value, key, member)
        {
          if (g_str_equal (key, "RequestId"))
            continue;
          if (json_object_is_type (member, json_type_object)
              || json_object_is_type (member, json_type_array))
            make_wrong_types (member);
          else
            g_ptr_array_add (keys, key);
        }
      /* Replacing a member keeps its key alive: the object owns it. */
      for (guint i = 0; i < keys->len; i++)
        {
          json_object *scalar = json_object_object_get (value, keys->pdata[i]);

          json_object_object_add (value, keys->pdata[i], wrong_type_of (scalar));
        }
    }
  else if (json_object_is_type (value, json_type_array))
    {
      for (gsize i = 0; i < json_object_array_length (value); i++)
        {
          json_object *item = json_object_array_get_idx (value, i);

          if (json_object_is_type (item, json_type_object)
              || json_object_is_type (item, json_type_array))
            make_wrong_types (item);
          else
            json_object_array_put_idx (value, i, wrong_type_of (item));
        }
    }
}

static void
add_unexpected_fields (json_object *value)
{
  if (json_object_is_type (value, json_type_object))
    {
      json_object *nested = json_object_new_object ();
      json_object *list = json_object_new_array ();

      json_object_object_foreach (value, key, member)
        {
          (void) key;
          add_unexpected_fields (member);
        }
      json_object_array_add (list, json_object_new_int (1));
      json_object_array_add (list, json_object_new_string ("二"));
      json_object_array_add (list, NULL);
      json_object_object_add (nested, "List", list);
      json_object_object_add (nested, "Flag", json_object_new_boolean (TRUE));
      json_object_object_add (value, "YunsimUnexpected", nested);
      json_object_object_add (value, "YunsimUnexpectedText", json_object_new_string ("新字段"));
    }
  else if (json_object_is_type (value, json_type_array))
    {
      for (gsize i = 0; i < json_object_array_length (value); i++)
        add_unexpected_fields (json_object_array_get_idx (value, i));
    }
}

static char *
serialise (json_object *root, gsize *length)
{
  size_t len;
  const char *text = json_object_to_json_string_length (
    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

  *length = len;
  return g_memdup2 (text, len + 1);
}

/* The answer, reshaped as a JSON tree; a body yunsim made itself always parses. */
static char *
reshape (SimHostileKind kind, const char *body, gsize *length)
{
  g_autoptr (json_object) root = json_tokener_parse (body);
  json_object *response = NULL;

  if (root == NULL || !json_object_object_get_ex (root, "Response", &response))
    g_error ("yunsim made an answer it cannot read back");

  if (kind == SIM_HOSTILE_WRONG_TYPES)
    make_wrong_types (response);
  else if (kind == SIM_HOSTILE_UNEXPECTED_FIELDS)
    add_unexpected_fields (root);
  else
    {
      g_autoptr (GPtrArray) keys = g_ptr_array_new ();

      json_object_object_foreach (response, key, member)
        {
          (void) member;
          if (!g_str_equal (key, "RequestId"))
            g_ptr_array_add (keys, key);
        }
      /* Deleting frees the key: copy the names first. */
      for (guint i = 0; i < keys->len; i++)
        keys->pdata[i] = g_strdup (keys->pdata[i]);
      for (guint i = 0; i < keys->len; i++)
        {
          json_object_object_del (response, keys->pdata[i]);
          g_free (keys->pdata[i]);
        }
    }
  return serialise (root, length);
}

/* A valid envelope of SIM_HOSTILE_HUGE_SIZE bytes: only a size limit stops it. */
static char *
huge_body (gsize *length)
{
  static const char head[] = "{\"Response\":{\"Padding\":\"";
  static const char tail[] = "\",\"RequestId\":\"huge\"}}";
  gsize padding = SIM_HOSTILE_HUGE_SIZE - (sizeof head - 1) - (sizeof tail - 1);
  char *body = g_malloc (SIM_HOSTILE_HUGE_SIZE + 1);

  memcpy (body, head, sizeof head - 1);
  memset (body + sizeof head - 1, 'x', padding);
  memcpy (body + sizeof head - 1 + padding, tail, sizeof tail);
  *length = SIM_HOSTILE_HUGE_SIZE;
  return body;
}

/* Bytes that are UTF-8 in no position, inside the RequestId string. */
static char *
invalid_utf8 (const char *body, gsize length, gsize *new_length)
{
  static const char marker[] = "\"RequestId\":\"";
  const char *at = strstr (body, marker);
  gsize offset = at != NULL ? (gsize) (at - body) + sizeof marker - 1 : length / 2;
  GString *text = g_string_new_len (body, offset);

  g_string_append (text, "\xff\xfe\xc3\x28");
  g_string_append_len (text, body + offset, length - offset);
  *new_length = text->len;
  return g_string_free (text, FALSE);
}

typedef struct
{
  char *body;
  gsize sent; /* how much of body goes out before the connection drops */
} DropBody;

static ssize_t
drop_read (void *cls, uint64_t pos, char *buf, size_t max)
{
  DropBody *drop = cls;
  gsize n;

  if (pos >= drop->sent)
    return MHD_CONTENT_READER_END_WITH_ERROR; /* closes the connection mid-body */
  n = MIN (max, drop->sent - (gsize) pos);
  memcpy (buf, drop->body + pos, n);
  return (ssize_t) n;
}

static void
drop_free (void *cls)
{
  DropBody *drop = cls;

  g_free (drop->body);
  g_free (drop);
}

/**
 * sim_hostile_send:
 * @sim: the simulator (its lock not held)
 * @connection: where the answer goes
 * @kind: how to spoil it, not %SIM_HOSTILE_NONE
 * @body: (transfer full): the JSON answer the call would have had
 * @length: its length
 *
 * Returns: what libmicrohttpd expects from the request handler
 */
enum MHD_Result
sim_hostile_send (
  YunSim *sim, struct MHD_Connection *connection, SimHostileKind kind, char *body, gsize length)
{
  g_autofree char *answer = body;
  gsize new_length = 0;
  char *spoiled;

  switch (kind)
    {
    case SIM_HOSTILE_TRUNCATED_JSON:
      /* Cut between two characters: the JSON ends early, its UTF-8 is whole. */
      new_length = length / 2;
      while (new_length > 0 && ((guchar) answer[new_length] & 0xc0) == 0x80)
        new_length--;
      return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json",
                            g_steal_pointer (&answer), new_length);
    case SIM_HOSTILE_HUGE_BODY:
      spoiled = huge_body (&new_length);
      return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json", spoiled, new_length);
    case SIM_HOSTILE_INVALID_UTF8:
      spoiled = invalid_utf8 (answer, length, &new_length);
      return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json", spoiled, new_length);
    case SIM_HOSTILE_WRONG_TYPES:
    case SIM_HOSTILE_MISSING_FIELDS:
    case SIM_HOSTILE_UNEXPECTED_FIELDS:
      spoiled = reshape (kind, answer, &new_length);
      return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json", spoiled, new_length);
    case SIM_HOSTILE_HTML_200:
    case SIM_HOSTILE_HTML_502:
      return sim_send_body (sim, connection,
                            kind == SIM_HOSTILE_HTML_200 ? MHD_HTTP_OK : MHD_HTTP_BAD_GATEWAY,
                            "text/html", g_strdup (PROXY_PAGE), strlen (PROXY_PAGE));
    case SIM_HOSTILE_HTTP_502:
      return sim_send_body (sim, connection, MHD_HTTP_BAD_GATEWAY, "text/plain",
                            g_strdup ("Bad Gateway\n"), strlen ("Bad Gateway\n"));
    case SIM_HOSTILE_HTTP_503:
      return sim_send_body (sim, connection, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
                            g_strdup ("Service Unavailable\n"), strlen ("Service Unavailable\n"));
    case SIM_HOSTILE_DROP_MID_BODY:
      {
        DropBody *drop = g_new0 (DropBody, 1);
        struct MHD_Response *response;
        enum MHD_Result result;

        drop->sent = length / 2;
        drop->body = g_steal_pointer (&answer);
        /* The Content-Length promises the whole answer; half of it arrives. */
        response = MHD_create_response_from_callback (length, 4096, drop_read, drop, drop_free);
        MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        result = MHD_queue_response (connection, MHD_HTTP_OK, response);
        MHD_destroy_response (response);
        return result;
      }
    case SIM_HOSTILE_NONE:
    default:
      return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json",
                            g_steal_pointer (&answer), length);
    }
}
