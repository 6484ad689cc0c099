/* yun-filters.c: the Filters of the Describe* calls
 *
 * SPDX-License-Identifier: MIT
 *
 * Filters are AND-ed; the values inside one filter are OR-ed. Adding a name twice adds
 * values to the same filter. The limits (10 filters, 5 values each) are checked when a
 * call is made, so the error reaches the caller as a GError, not a critical.
 */

#define G_LOG_DOMAIN "yun-filters"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>

#include "yun-api-private.h"

typedef struct
{
  char *name;
  GPtrArray *values; /* NULL-terminated array of char* */
} Filter;

struct _YunFilters
{
  gatomicrefcount ref_count;
  GArray *filters; /* of Filter */
};

G_DEFINE_BOXED_TYPE (YunFilters, yun_filters, yun_filters_ref, yun_filters_unref)

static void
filter_clear (gpointer data)
{
  Filter *filter = data;

  g_free (filter->name);
  g_ptr_array_unref (filter->values);
}

/**
 * yun_filters_new:
 *
 * Returns: (transfer full): an empty filter list
 */
YunFilters *
yun_filters_new (void)
{
  YunFilters *self = g_new0 (YunFilters, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->filters = g_array_new (FALSE, TRUE, sizeof (Filter));
  g_array_set_clear_func (self->filters, filter_clear);
  return self;
}

/**
 * yun_filters_ref:
 * @self: a #YunFilters
 *
 * Returns: (transfer full): @self
 */
YunFilters *
yun_filters_ref (YunFilters *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * yun_filters_unref:
 * @self: (transfer full): a #YunFilters
 */
void
yun_filters_unref (YunFilters *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->filters);
      g_free (self);
    }
}

static Filter *
lookup_or_add (YunFilters *self, const char *name)
{
  Filter filter;

  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *f = &g_array_index (self->filters, Filter, i);

      if (g_strcmp0 (f->name, name) == 0)
        return f;
    }

  filter.name = g_strdup (name);
  filter.values = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  g_array_append_val (self->filters, filter);
  return &g_array_index (self->filters, Filter, self->filters->len - 1);
}

/**
 * yun_filters_add:
 * @self: a #YunFilters
 * @name: a filter name, such as `instance-state` or `tag:env`
 * @first_value: the first value
 * @...: more values, then %NULL
 *
 * Adds a filter that matches any of the values. Do not change a filter list after
 * passing it to an asynchronous call.
 */
void
yun_filters_add (YunFilters *self, const char *name, const char *first_value, ...)
{
  Filter *filter;
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (first_value != NULL);

  filter = lookup_or_add (self, name);
  va_start (args, first_value);
  for (const char *value = first_value; value != NULL; value = va_arg (args, const char *))
    g_ptr_array_add (filter->values, g_strdup (value));
  va_end (args);
}

/**
 * yun_filters_add_values:
 * @self: a #YunFilters
 * @name: a filter name
 * @values: (array zero-terminated=1): the values
 */
void
yun_filters_add_values (YunFilters *self, const char *name, const char *const *values)
{
  Filter *filter;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (values != NULL && values[0] != NULL);

  filter = lookup_or_add (self, name);
  for (guint i = 0; values[i] != NULL; i++)
    g_ptr_array_add (filter->values, g_strdup (values[i]));
}

/**
 * yun_filters_get_n_filters:
 * @self: a #YunFilters
 *
 * Returns: how many distinct filter names were added
 */
guint
yun_filters_get_n_filters (YunFilters *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->filters->len;
}

/**
 * yun_filters_get_values:
 * @self: a #YunFilters
 * @name: a filter name
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the values of @name
 */
const char *const *
yun_filters_get_values (YunFilters *self, const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *f = &g_array_index (self->filters, Filter, i);

      if (g_strcmp0 (f->name, name) == 0)
        return (const char *const *) f->values->pdata;
    }
  return NULL;
}

gboolean
_yun_filters_check (YunFilters *self, GError **error)
{
  if (self == NULL)
    return TRUE;

  if (self->filters->len > YUN_FILTERS_MAX)
    {
      g_set_error (
        error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
        g_dngettext (GETTEXT_PACKAGE, "%u filter was given, but one call accepts at most %u",
                     "%u filters were given, but one call accepts at most %u", self->filters->len),
        self->filters->len, YUN_FILTERS_MAX);
      return FALSE;
    }
  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *f = &g_array_index (self->filters, Filter, i);

      if (f->values->len > YUN_FILTERS_MAX_VALUES)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       /* Translators: “%s” is the name of a filter of the API, such as
                        * instance-state. */
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Filter “%s” has %u value, but a filter accepts at most %u",
                                    "Filter “%s” has %u values, but a filter accepts at most %u",
                                    f->values->len),
                       f->name, f->values->len, YUN_FILTERS_MAX_VALUES);
          return FALSE;
        }
    }
  return TRUE;
}

json_object *
_yun_filters_to_json (YunFilters *self)
{
  json_object *array;

  if (self == NULL || self->filters->len == 0)
    return NULL;

  array = json_object_new_array ();
  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *f = &g_array_index (self->filters, Filter, i);
      json_object *filter = json_object_new_object ();

      json_object_object_add (filter, "Name", json_object_new_string (f->name));
      json_object_object_add (filter, "Values",
                              _yun_json_new_strv ((const char *const *) f->values->pdata));
      json_object_array_add (array, filter);
    }
  return array;
}
