/* yun-sim-params.c: reading API parameters the way Tencent Cloud reads them
 *
 * SPDX-License-Identifier: MIT
 *
 * Parameters arrive either as a JSON body or as GET/form parameters flattened with dots
 * (`InstanceIds.0=…`, `Filters.0.Values.1=…`). The form is turned into the same JSON tree,
 * with every leaf a string, so the getters below accept a number written as a string too.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "yun-sim-private.h"

gboolean
sim_call_fail (SimCall *call, const char *code, const char *format, ...)
{
  va_list args;

  /* The first error wins: a handler may fail in a helper and again in its caller. */
  if (call->error_code != NULL)
    return FALSE;

  call->error_code = g_strdup (code);
  va_start (args, format);
  call->error_message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static json_object *
lookup (json_object *params, const char *name)
{
  json_object *value = NULL;

  if (params == NULL || !json_object_object_get_ex (params, name, &value))
    return NULL;
  return value;
}

gboolean
sim_param_string (
  SimCall *call, json_object *params, const char *name, gboolean required, const char **out)
{
  json_object *value = lookup (params, name);

  *out = NULL;
  if (value == NULL)
    {
      if (required)
        return sim_call_fail (call, "MissingParameter",
                              "The request is missing a required parameter `%s`.", name);
      return TRUE;
    }
  if (!json_object_is_type (value, json_type_string))
    return sim_call_fail (call, "InvalidParameter",
                          "The type of parameter `%s` is invalid, a String is required.", name);
  *out = json_object_get_string (value);
  return TRUE;
}

gboolean
sim_param_int (SimCall *call,
               json_object *params,
               const char *name,
               gint64 default_value,
               gint64 min,
               gint64 max,
               gint64 *out)
{
  json_object *value = lookup (params, name);
  gint64 number;

  *out = default_value;
  if (value == NULL)
    return TRUE;

  if (json_object_is_type (value, json_type_int))
    number = json_object_get_int64 (value);
  else if (json_object_is_type (value, json_type_string))
    {
      const char *text = json_object_get_string (value);
      char *end = NULL;

      number = g_ascii_strtoll (text, &end, 10);
      if (*text == '\0' || end == NULL || *end != '\0')
        return sim_call_fail (call, "InvalidParameter",
                              "The type of parameter `%s` is invalid, an Integer is required.",
                              name);
    }
  else
    return sim_call_fail (call, "InvalidParameter",
                          "The type of parameter `%s` is invalid, an Integer is required.", name);

  if (number < min || number > max)
    return sim_call_fail (call, "InvalidParameterValue",
                          "The value of parameter `%s` must be between %" G_GINT64_FORMAT
                          " and %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT ".",
                          name, min, max, number);
  *out = number;
  return TRUE;
}

gboolean
sim_param_bool (
  SimCall *call, json_object *params, const char *name, gboolean default_value, gboolean *out)
{
  json_object *value = lookup (params, name);

  *out = default_value;
  if (value == NULL)
    return TRUE;
  if (json_object_is_type (value, json_type_boolean))
    {
      *out = json_object_get_boolean (value);
      return TRUE;
    }
  if (json_object_is_type (value, json_type_string))
    {
      const char *text = json_object_get_string (value);

      if (g_ascii_strcasecmp (text, "true") == 0)
        *out = TRUE;
      else if (g_ascii_strcasecmp (text, "false") == 0)
        *out = FALSE;
      else
        return sim_call_fail (call, "InvalidParameter",
                              "The type of parameter `%s` is invalid, a Boolean is required.",
                              name);
      return TRUE;
    }
  return sim_call_fail (call, "InvalidParameter",
                        "The type of parameter `%s` is invalid, a Boolean is required.", name);
}

gboolean
sim_param_object (
  SimCall *call, json_object *params, const char *name, gboolean required, json_object **out)
{
  json_object *value = lookup (params, name);

  *out = NULL;
  if (value == NULL)
    {
      if (required)
        return sim_call_fail (call, "MissingParameter",
                              "The request is missing a required parameter `%s`.", name);
      return TRUE;
    }
  if (!json_object_is_type (value, json_type_object))
    return sim_call_fail (call, "InvalidParameter",
                          "The type of parameter `%s` is invalid, an Object is required.", name);
  *out = value;
  return TRUE;
}

/* Collects the strings of an array parameter; the strings stay owned by @params. */
gboolean
sim_param_strings (SimCall *call,
                   json_object *params,
                   const char *name,
                   guint max,
                   gboolean required,
                   GPtrArray **out)
{
  json_object *value = lookup (params, name);
  gsize length;

  *out = NULL;
  if (value == NULL)
    {
      if (required)
        return sim_call_fail (call, "MissingParameter",
                              "The request is missing a required parameter `%s`.", name);
      return TRUE;
    }
  if (!json_object_is_type (value, json_type_array))
    return sim_call_fail (call, "InvalidParameter",
                          "The type of parameter `%s` is invalid, an Array is required.", name);

  length = json_object_array_length (value);
  if (required && length == 0)
    return sim_call_fail (call, "MissingParameter",
                          "The request is missing a required parameter `%s`.", name);
  if (max > 0 && length > max)
    return sim_call_fail (call, "InvalidParameterValue.LimitExceeded",
                          "The number of elements in `%s` exceeds %u.", name, max);

  *out = g_ptr_array_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      json_object *item = json_object_array_get_idx (value, i);

      if (!json_object_is_type (item, json_type_string))
        {
          g_clear_pointer (out, g_ptr_array_unref);
          return sim_call_fail (call, "InvalidParameter",
                                "The type of parameter `%s.%zu` is invalid, a String is required.",
                                name, i);
        }
      g_ptr_array_add (*out, (gpointer) json_object_get_string (item));
    }
  return TRUE;
}

void
sim_filter_free (SimFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->name);
  g_clear_pointer (&filter->values, g_ptr_array_unref);
  g_free (filter);
}

gboolean
sim_filter_matches (SimFilter *filter, const char *value)
{
  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < filter->values->len; i++)
    if (strcmp (g_ptr_array_index (filter->values, i), value) == 0)
      return TRUE;
  return FALSE;
}

/* Filters: at most 10, each with at most 5 values; unknown names are refused, as Tencent
 * does, so a typo in a client is found by the tests and not by a user. */
gboolean
sim_param_filters (SimCall *call,
                   json_object *params,
                   const char *const *known,
                   gboolean allow_tag_prefix,
                   GPtrArray **out)
{
  json_object *value = lookup (params, "Filters");
  gsize length;

  *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_filter_free);
  if (value == NULL)
    return TRUE;
  if (!json_object_is_type (value, json_type_array))
    return sim_call_fail (call, "InvalidParameter",
                          "The type of parameter `Filters` is invalid, an Array is required.");

  length = json_object_array_length (value);
  if (length > 10)
    return sim_call_fail (call, "InvalidParameterValue.LimitExceeded",
                          "The number of `Filters` exceeds 10.");

  for (gsize i = 0; i < length; i++)
    {
      json_object *item = json_object_array_get_idx (value, i);
      g_autoptr (SimFilter) filter = g_new0 (SimFilter, 1);
      g_autoptr (GPtrArray) values = NULL;
      const char *name = NULL;
      gboolean is_known = FALSE;

      if (!json_object_is_type (item, json_type_object))
        return sim_call_fail (call, "InvalidParameter",
                              "The type of parameter `Filters.%zu` is invalid.", i);
      if (!sim_param_string (call, item, "Name", TRUE, &name))
        return FALSE;
      if (!sim_param_strings (call, item, "Values", 0, TRUE, &values))
        return FALSE;
      if (values->len > 5)
        return sim_call_fail (call, "InvalidFilterValue.LimitExceeded",
                              "The number of values of filter `%s` exceeds 5.", name);

      for (guint k = 0; known[k] != NULL; k++)
        if (strcmp (known[k], name) == 0)
          is_known = TRUE;
      if (allow_tag_prefix && g_str_has_prefix (name, "tag:") && name[4] != '\0')
        is_known = TRUE;
      if (!is_known)
        return sim_call_fail (call, "InvalidFilter", "The filter `%s` is not supported.", name);

      filter->name = g_strdup (name);
      filter->values = g_steal_pointer (&values);
      g_ptr_array_add (*out, g_steal_pointer (&filter));
    }
  return TRUE;
}

static gboolean
is_index (const char *segment)
{
  if (*segment == '\0')
    return FALSE;
  for (const char *p = segment; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static char *
form_unescape (const char *text, gsize length)
{
  g_autofree char *plus = g_strndup (text, length);

  for (char *p = plus; *p != '\0'; p++)
    if (*p == '+')
      *p = ' ';
  return g_uri_unescape_string (plus, NULL);
}

/* Places @value at the dotted @key inside @root. Numeric segments are array indices; the
 * arrays are filled in index order, with gaps left as null. */
static gboolean
form_insert (json_object *root, const char *key, const char *value)
{
  g_auto (GStrv) segments = g_strsplit (key, ".", -1);
  json_object *node = root;
  guint n = g_strv_length (segments);

  for (guint i = 0; i < n; i++)
    {
      const char *segment = segments[i];
      gboolean last = i + 1 == n;
      const char *next = last ? NULL : segments[i + 1];
      json_object *child = NULL;

      if (json_object_is_type (node, json_type_array))
        {
          guint64 index;

          if (!is_index (segment))
            return FALSE;
          index = g_ascii_strtoull (segment, NULL, 10);
          if (index > 1000)
            return FALSE;
          child = json_object_array_get_idx (node, index);
          if (child == NULL)
            {
              child = last
                        ? json_object_new_string (value)
                        : (is_index (next) ? json_object_new_array () : json_object_new_object ());
              json_object_array_put_idx (node, index, child);
            }
          else if (last)
            return FALSE;
        }
      else
        {
          if (*segment == '\0')
            return FALSE;
          if (!json_object_object_get_ex (node, segment, &child))
            {
              child = last
                        ? json_object_new_string (value)
                        : (is_index (next) ? json_object_new_array () : json_object_new_object ());
              json_object_object_add (node, segment, child);
            }
          else if (last)
            return FALSE;
        }
      if (!last && json_object_is_type (child, json_type_string))
        return FALSE;
      node = child;
    }
  return TRUE;
}

/**
 * sim_form_to_json:
 * @query: `a=1&b.0=x…`, URL-encoded
 * @length: its length
 *
 * Returns: (transfer full) (nullable): the parameters as a JSON object, or %NULL when the
 *   flattening is inconsistent (a key both a leaf and a parent, a duplicated key)
 */
json_object *
sim_form_to_json (const char *query, gsize length)
{
  g_autoptr (json_object) root = json_object_new_object ();
  g_autofree char *copy = g_strndup (query, length);
  g_auto (GStrv) pairs = g_strsplit (copy, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (*pairs[i] == '\0')
        continue;
      eq = strchr (pairs[i], '=');
      if (eq == NULL)
        {
          key = form_unescape (pairs[i], strlen (pairs[i]));
          value = g_strdup ("");
        }
      else
        {
          key = form_unescape (pairs[i], eq - pairs[i]);
          value = form_unescape (eq + 1, strlen (eq + 1));
        }
      if (key == NULL || value == NULL || !form_insert (root, key, value))
        return NULL;
    }
  return g_steal_pointer (&root);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
canonical_append (GString *out, json_object *object)
{
  switch (json_object_get_type (object))
    {
    case json_type_object:
      {
        g_autoptr (GPtrArray) keys = g_ptr_array_new ();

        json_object_object_foreach (object, key, value)
          {
            (void) value;
            g_ptr_array_add (keys, key);
          }
        g_ptr_array_sort (keys, compare_strings);
        g_string_append_c (out, '{');
        for (guint i = 0; i < keys->len; i++)
          {
            const char *name_text = g_ptr_array_index (keys, i);
            json_object *member = json_object_object_get (object, name_text);
            json_object *name = json_object_new_string (name_text);

            if (i > 0)
              g_string_append_c (out, ',');
            g_string_append (out, json_object_to_json_string_ext (name, JSON_C_TO_STRING_PLAIN));
            json_object_put (name);
            g_string_append_c (out, ':');
            canonical_append (out, member);
          }
        g_string_append_c (out, '}');
        break;
      }
    case json_type_array:
      g_string_append_c (out, '[');
      for (gsize i = 0; i < json_object_array_length (object); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          canonical_append (out, json_object_array_get_idx (object, i));
        }
      g_string_append_c (out, ']');
      break;
    case json_type_string:
    case json_type_int:
    case json_type_double:
    case json_type_boolean:
    case json_type_null:
    default:
      /* A number sent as a string (GET) and as a number (JSON) mean the same request. */
      if (object == NULL)
        g_string_append (out, "null");
      else
        {
          json_object *text = json_object_new_string (json_object_get_string (object));

          g_string_append (out, json_object_to_json_string_ext (text, JSON_C_TO_STRING_PLAIN));
          json_object_put (text);
        }
      break;
    }
}

/**
 * sim_json_canonical:
 * @object: parameters
 *
 * Returns: (transfer full): a serialisation that does not depend on key order or on
 *   whether scalars were sent as strings, to compare two requests' parameters
 */
char *
sim_json_canonical (json_object *object)
{
  GString *out = g_string_new (NULL);

  canonical_append (out, object);
  return g_string_free (out, FALSE);
}

void
sim_uuid (GRand *rand, char out[40])
{
  guint8 bytes[16];

  for (guint i = 0; i < 16; i += 4)
    {
      guint32 word = g_rand_int (rand);

      memcpy (bytes + i, &word, 4);
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  g_snprintf (out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
              bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
              bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

/* `<prefix>-` followed by 8 lower-case letters and digits, like `ins-r8hr2upy`. */
void
sim_random_id (GRand *rand, const char *prefix, char *out, gsize out_size)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char suffix[9];

  for (guint i = 0; i < 8; i++)
    suffix[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
  suffix[8] = '\0';
  g_snprintf (out, out_size, "%s-%s", prefix, suffix);
}

/* Tencent's timestamps: ISO 8601 in UTC, `2020-09-22T00:00:00Z`. */
char *
sim_iso8601 (gint64 unix_seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
