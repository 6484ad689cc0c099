/* yunctl-output.c: tables for people, JSON for scripts, both from GObject properties
 *
 * SPDX-License-Identifier: MIT
 *
 * Every object libyun returns describes itself through its properties, so the output of
 * every command is derived from them: a new field in a model shows up in --json without a
 * change here.
 */

#define G_LOG_DOMAIN "yunctl"

#include "config.h"

#include "yunctl-output.h"

#include <json-c/json.h>
#include <stdio.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

/* Terminal cells: CJK characters take two, combining marks none. */
static gsize
display_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

static char *
dup_value_text (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_STRING)
    return g_strdup (g_value_get_string (value) != NULL ? g_value_get_string (value) : "");
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (value) ? "yes" : "no");
  if (type == G_TYPE_STRV)
    {
      const char *const *strv = g_value_get_boxed (value);
      return strv != NULL ? g_strjoinv (", ", (char **) strv) : g_strdup ("");
    }
  if (type == G_TYPE_DATE_TIME)
    {
      GDateTime *date_time = g_value_get_boxed (value);
      g_autoptr (GDateTime) local = NULL;

      if (date_time == NULL)
        return g_strdup ("");
      local = g_date_time_to_local (date_time);
      return g_date_time_format (local, "%Y-%m-%d %H:%M");
    }
  if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *enum_class = g_type_class_peek (type);
      GEnumValue *enum_value = g_enum_get_value (enum_class, g_value_get_enum (value));
      return g_strdup (enum_value != NULL ? enum_value->value_nick : "");
    }
  if (g_value_type_transformable (type, G_TYPE_STRING))
    {
      g_auto (GValue) text = G_VALUE_INIT;

      g_value_init (&text, G_TYPE_STRING);
      g_value_transform (value, &text);
      return g_strdup (g_value_get_string (&text) != NULL ? g_value_get_string (&text) : "");
    }
  return g_strdup ("");
}

/**
 * yunctl_dup_property_text:
 * @object: a model object
 * @property: one of its property names
 *
 * Returns: (transfer full): the property as a person reads it in a table cell
 */
char *
yunctl_dup_property_text (GObject *object, const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_val_if_fail (pspec != NULL, NULL);

  g_value_init (&value, pspec->value_type);
  g_object_get_property (object, property, &value);
  return dup_value_text (&value);
}

void
yunctl_print_table (GPtrArray *objects, const YunctlColumn *columns, guint n_columns)
{
  g_autofree gsize *widths = g_new0 (gsize, n_columns);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < n_columns; c++)
    widths[c] = display_width (columns[c].heading);

  for (guint r = 0; r < objects->len; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        char *text = yunctl_dup_property_text (objects->pdata[r], columns[c].property);

        widths[c] = MAX (widths[c], display_width (text));
        g_ptr_array_add (cells, text);
      }

  for (guint r = 0; r <= objects->len; r++)
    {
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c < n_columns; c++)
        {
          const char *text = r == 0 ? columns[c].heading : cells->pdata[(r - 1) * n_columns + c];

          g_string_append (line, text);
          if (c + 1 < n_columns)
            for (gsize pad = display_width (text); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      puts (line->str);
    }
}

static json_object *
value_to_json (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_STRING)
    return g_value_get_string (value) != NULL ? json_object_new_string (g_value_get_string (value))
                                              : NULL;
  if (type == G_TYPE_BOOLEAN)
    return json_object_new_boolean (g_value_get_boolean (value));
  if (type == G_TYPE_INT)
    return json_object_new_int64 (g_value_get_int (value));
  if (type == G_TYPE_UINT)
    return json_object_new_int64 (g_value_get_uint (value));
  if (type == G_TYPE_INT64)
    return json_object_new_int64 (g_value_get_int64 (value));
  if (type == G_TYPE_UINT64)
    return json_object_new_uint64 (g_value_get_uint64 (value));
  if (type == G_TYPE_DOUBLE)
    return json_object_new_double (g_value_get_double (value));
  if (type == G_TYPE_STRV)
    {
      const char *const *strv = g_value_get_boxed (value);
      json_object *array = json_object_new_array ();

      for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
        json_object_array_add (array, json_object_new_string (strv[i]));
      return array;
    }
  if (type == G_TYPE_DATE_TIME)
    {
      GDateTime *date_time = g_value_get_boxed (value);
      g_autofree char *iso = NULL;

      if (date_time == NULL)
        return NULL;
      iso = g_date_time_format_iso8601 (date_time);
      return json_object_new_string (iso);
    }
  {
    g_autofree char *text = dup_value_text (value);
    return json_object_new_string (text);
  }
}

/**
 * yunctl_object_to_json:
 * @object: a model object
 *
 * Returns: (transfer full): a JSON object of every readable property of @object
 */
json_object *
yunctl_object_to_json (GObject *object)
{
  json_object *item = json_object_new_object ();
  guint n_pspecs = 0;
  g_autofree GParamSpec **pspecs
    = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);

  for (guint p = 0; p < n_pspecs; p++)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      if (!(pspecs[p]->flags & G_PARAM_READABLE))
        continue;
      g_value_init (&value, pspecs[p]->value_type);
      g_object_get_property (object, pspecs[p]->name, &value);
      json_object_object_add (item, pspecs[p]->name, value_to_json (&value));
    }
  return item;
}

void
yunctl_print_json (GPtrArray *objects, const char *list_name)
{
  g_autoptr (json_object) root = json_object_new_object ();
  json_object *array = json_object_new_array_ext ((int) objects->len);

  json_object_object_add (root, list_name, array);
  json_object_object_add (root, "TotalCount", json_object_new_int64 (objects->len));

  for (guint r = 0; r < objects->len; r++)
    json_object_array_add (array, yunctl_object_to_json (objects->pdata[r]));

  yunctl_print_json_object (root);
}

void
yunctl_print_json_object (json_object *root)
{
  puts (json_object_to_json_string_ext (root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                                                | JSON_C_TO_STRING_NOSLASHESCAPE));
}
