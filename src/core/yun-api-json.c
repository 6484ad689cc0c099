/* yun-api-json.c: typed readers of API answers, and the checks made before a call
 *
 * SPDX-License-Identifier: MIT
 *
 * An answer that does not have the shape of the contract is a YUN_ERROR_PROTOCOL error
 * whose message names the member ("Instance.CPU"), so a change on the service side is
 * found in one look at a log line. Members this code does not know are ignored.
 */

#define G_LOG_DOMAIN "yun-api"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"

/* The name of a JSON type, as in “Instance.CPU should be an integer, not a string”; the
 * callers of wrong_type() mark theirs with NC_ ("JSON type", …) too. */
static const char *
json_type_describe (json_type type)
{
  switch (type)
    {
    case json_type_null:
      return "null";
    case json_type_boolean:
      /* Translators: the type of a JSON value, in “Instance.CPU should be an integer, not a
       * string”. */
      return C_ ("JSON type", "a boolean");
    case json_type_double:
      return C_ ("JSON type", "a number");
    case json_type_int:
      return C_ ("JSON type", "an integer");
    case json_type_object:
      return C_ ("JSON type", "an object");
    case json_type_array:
      return C_ ("JSON type", "an array");
    case json_type_string:
      return C_ ("JSON type", "a string");
    default:
      return C_ ("JSON type", "an unknown JSON value");
    }
}

static gboolean
wrong_type (
  const char *where, const char *field, const char *expected, json_object *value, GError **error)
{
  g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
               /* Translators: the first two placeholders name a member of the answer
                * (“Instance.CPU”); the last two are JSON types (“a string”, “an integer”). */
               _ ("The service sent an answer that cannot be read: %s.%s should be %s, not %s"),
               where, field, g_dpgettext2 (GETTEXT_PACKAGE, "JSON type", expected),
               json_type_describe (json_object_get_type (value)));
  return FALSE;
}

/* Looks @field up; returns FALSE with an error if it is required and missing or null,
 * TRUE with *value NULL if it is optional and missing or null. */
static gboolean
lookup (json_object *object,
        const char *where,
        const char *field,
        gboolean required,
        json_object **value,
        GError **error)
{
  json_object *found = NULL;

  *value = NULL;
  if (object == NULL || !json_object_is_type (object, json_type_object))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: %s is not an object"),
                   where);
      return FALSE;
    }

  if (!json_object_object_get_ex (object, field, &found) || found == NULL)
    {
      if (required)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                       _ ("The service sent an answer that cannot be read: %s.%s is missing"),
                       where, field);
          return FALSE;
        }
      return TRUE;
    }

  *value = found;
  return TRUE;
}

gboolean
_yun_json_check_object (json_object *json, const char *where, GError **error)
{
  if (json == NULL || !json_object_is_type (json, json_type_object))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: %s is %s, not an object"),
                   where, json == NULL ? "null" : json_type_describe (json_object_get_type (json)));
      return FALSE;
    }
  return TRUE;
}

gboolean
_yun_json_get_string (json_object *object,
                      const char *where,
                      const char *field,
                      gboolean required,
                      char **out,
                      GError **error)
{
  json_object *value;

  *out = NULL;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_string))
    return wrong_type (where, field, NC_ ("JSON type", "a string"), value, error);

  *out = g_strdup (json_object_get_string (value));
  return TRUE;
}

gboolean
_yun_json_get_int64 (json_object *object,
                     const char *where,
                     const char *field,
                     gboolean required,
                     gint64 *out,
                     GError **error)
{
  json_object *value;

  *out = 0;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;

  if (json_object_is_type (value, json_type_int))
    {
      *out = json_object_get_int64 (value);
      return TRUE;
    }

  /* Some services print whole numbers as 2.0; accept those, not 2.5. */
  if (json_object_is_type (value, json_type_double))
    {
      double d = json_object_get_double (value);

      /* Range first: casting a double outside gint64 (or inf, NaN) is undefined. */
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == (double) (gint64) d)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }

  return wrong_type (where, field, NC_ ("JSON type", "an integer"), value, error);
}

gboolean
_yun_json_get_double (json_object *object,
                      const char *where,
                      const char *field,
                      gboolean required,
                      double *out,
                      GError **error)
{
  json_object *value;

  *out = 0.0;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_double) && !json_object_is_type (value, json_type_int))
    return wrong_type (where, field, NC_ ("JSON type", "a number"), value, error);

  *out = json_object_get_double (value);
  return TRUE;
}

gboolean
_yun_json_get_boolean (json_object *object,
                       const char *where,
                       const char *field,
                       gboolean required,
                       gboolean *out,
                       GError **error)
{
  json_object *value;

  *out = FALSE;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_boolean))
    return wrong_type (where, field, NC_ ("JSON type", "a boolean"), value, error);

  *out = json_object_get_boolean (value);
  return TRUE;
}

gboolean
_yun_json_get_strv (json_object *object,
                    const char *where,
                    const char *field,
                    gboolean required,
                    char ***out,
                    GError **error)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  json_object *value;
  size_t n;

  *out = NULL;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_array))
    return wrong_type (where, field, NC_ ("JSON type", "an array of strings"), value, error);

  builder = g_strv_builder_new ();
  n = json_object_array_length (value);
  for (size_t i = 0; i < n; i++)
    {
      json_object *item = json_object_array_get_idx (value, i);

      if (item == NULL || !json_object_is_type (item, json_type_string))
        {
          g_autofree char *name = g_strdup_printf ("%s[%zu]", field, i);
          return wrong_type (where, name, NC_ ("JSON type", "a string"), item, error);
        }
      g_strv_builder_add (builder, json_object_get_string (item));
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

gboolean
_yun_json_get_datetime (json_object *object,
                        const char *where,
                        const char *field,
                        gboolean required,
                        GDateTime **out,
                        GError **error)
{
  g_autoptr (GTimeZone) utc = NULL;
  g_autofree char *text = NULL;
  GDateTime *parsed;

  *out = NULL;
  if (!_yun_json_get_string (object, where, field, required, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (*text == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: %s.%s is empty"), where,
                   field);
      return FALSE;
    }

  /* ISO 8601, normally in UTC ("2024-05-01T08:00:00Z"); a time without a zone is UTC. */
  utc = g_time_zone_new_utc ();
  parsed = g_date_time_new_from_iso8601 (text, utc);
  if (parsed == NULL)
    {
      /* TCE and TAT sometimes print "2024-05-01 08:00:00". */
      g_autofree char *with_t = g_strdup (text);
      char *space = strchr (with_t, ' ');

      if (space != NULL)
        {
          *space = 'T';
          parsed = g_date_time_new_from_iso8601 (with_t, utc);
        }
    }
  if (parsed == NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: %s.%s is not a date and "
                      "time (“%s”)"),
                   where, field, text);
      return FALSE;
    }

  *out = parsed;
  return TRUE;
}

gboolean
_yun_json_get_object (json_object *object,
                      const char *where,
                      const char *field,
                      gboolean required,
                      json_object **out,
                      GError **error)
{
  json_object *value;

  *out = NULL;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_object))
    return wrong_type (where, field, NC_ ("JSON type", "an object"), value, error);

  *out = value;
  return TRUE;
}

gboolean
_yun_json_get_array (json_object *object,
                     const char *where,
                     const char *field,
                     gboolean required,
                     json_object **out,
                     GError **error)
{
  json_object *value;

  *out = NULL;
  if (!lookup (object, where, field, required, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_array))
    return wrong_type (where, field, NC_ ("JSON type", "an array"), value, error);

  *out = value;
  return TRUE;
}

json_object *
_yun_json_new_strv (const char *const *strv)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_object_array_add (array, json_object_new_string (strv[i]));
  return array;
}

gboolean
_yun_strv_equal0 (const char *const *a, const char *const *b)
{
  static const char *const empty[] = { NULL };

  return g_strv_equal (a != NULL ? a : empty, b != NULL ? b : empty);
}

gboolean
_yun_date_time_equal0 (GDateTime *a, GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static gboolean
is_lower_alnum (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (s[i]) && !g_ascii_isdigit (s[i]))
      return FALSE;
  return s[len] == '\0';
}

gboolean
_yun_check_instance_id (const char *instance_id, gboolean allow_lighthouse, GError **error)
{
  if (instance_id != NULL)
    {
      if (g_str_has_prefix (instance_id, "ins-") && strlen (instance_id) == 12
          && is_lower_alnum (instance_id + 4, 8))
        return TRUE;
      if (allow_lighthouse && g_str_has_prefix (instance_id, "lhins-") && strlen (instance_id) == 14
          && is_lower_alnum (instance_id + 6, 8))
        return TRUE;
    }

  {
    /* Quote the ID only if it is printable ASCII of a sensible length. */
    gboolean printable = instance_id != NULL && strlen (instance_id) <= 64;

    for (const char *p = instance_id; printable && *p != '\0'; p++)
      if (!g_ascii_isprint (*p))
        printable = FALSE;

    if (printable)
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("“%s” is not an instance ID: an instance ID is “ins-” followed by 8 "
                      "lower-case letters or digits"),
                   instance_id);
    else
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("An instance ID is malformed: an instance ID is “ins-” followed by "
                              "8 lower-case letters or digits"));
  }
  return FALSE;
}

gboolean
_yun_check_instance_ids (const char *const *instance_ids,
                         guint max,
                         gboolean allow_lighthouse,
                         GError **error)
{
  g_autoptr (GHashTable) seen = NULL;
  guint n = instance_ids != NULL ? g_strv_length ((char **) instance_ids) : 0;

  if (n == 0)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("No instance was given"));
      return FALSE;
    }
  if (n > max)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u instance was given, but one call accepts at most %u",
                                "%u instances were given, but one call accepts at most %u", n),
                   n, max);
      return FALSE;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      if (!_yun_check_instance_id (instance_ids[i], allow_lighthouse, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) instance_ids[i]))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("Instance %s was given twice"), instance_ids[i]);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_yun_check_region (const char *region, GError **error)
{
  if (region == NULL || *region == '\0')
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("No region was given"));
      return FALSE;
    }
  for (const char *p = region; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      {
        g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                             _ ("A region name holds only letters, digits and “-”, such as "
                                "“ap-guangzhou”"));
        return FALSE;
      }
  return TRUE;
}

YunCallInput *
_yun_call_input_new (const char *region)
{
  YunCallInput *input = g_new0 (YunCallInput, 1);

  input->region = g_strdup (region);
  return input;
}

void
_yun_call_input_free (gpointer data)
{
  YunCallInput *input = data;

  g_free (input->region);
  g_strfreev (input->ids);
  g_free (input->a);
  g_free (input->b);
  g_free (input->c);
  if (input->secret != NULL)
    explicit_bzero (input->secret, strlen (input->secret));
  g_free (input->secret);
  g_clear_pointer (&input->filters, yun_filters_unref);
  if (input->request != NULL && input->request_free != NULL)
    input->request_free (input->request);
  g_free (input);
}

void
_yun_page_free (gpointer data)
{
  YunPage *page = data;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page);
}

gboolean
_yun_parse_set (json_object *response,
                const char *field,
                gboolean required,
                YunItemParser parse,
                const char *region,
                GPtrArray *into,
                GError **error)
{
  json_object *array;
  size_t n;

  if (!_yun_json_get_array (response, "Response", field, required, &array, error))
    return FALSE;

  n = array != NULL ? json_object_array_length (array) : 0;
  for (size_t i = 0; i < n; i++)
    {
      gpointer item = parse (json_object_array_get_idx (array, i), region, error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (into, item);
    }
  return TRUE;
}

/* One page of a paged list. Every paged list of the contract has TotalCount, so it is
 * required; @field may be missing or null only when TotalCount says that nothing is left
 * from @offset on. An answer that has neither is broken, not an empty list: taken for an
 * empty one, it would make a sync forget every cached instance of its region. */
gboolean
_yun_parse_page (json_object *response,
                 const char *field,
                 guint offset,
                 YunItemParser parse,
                 const char *region,
                 GPtrArray *into,
                 guint *total_count,
                 GError **error)
{
  gint64 total = 0;

  if (!_yun_json_get_int64 (response, "Response", "TotalCount", TRUE, &total, error))
    return FALSE;
  if (total < 0)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: Response.TotalCount is "
                      "negative"));
      return FALSE;
    }
  *total_count = (guint) MIN (total, (gint64) G_MAXUINT);
  return _yun_parse_set (response, field, (guint64) total > offset, parse, region, into, error);
}

char *
_yun_dup_request_id (json_object *response)
{
  json_object *value = NULL;

  if (response != NULL && json_object_object_get_ex (response, "RequestId", &value)
      && json_object_is_type (value, json_type_string))
    return g_strdup (json_object_get_string (value));
  return NULL;
}
