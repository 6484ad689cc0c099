/* yun-source.c: the main-context sources the models use to hear from workers
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "yun-source-private.h"

/**
 * _yun_idle_add_for_object:
 * @context: the context of @object's thread
 * @func: called once with @object
 * @object: a #GObject, referenced until @func has run or the source is destroyed (a worker
 *   may add the source while the object's last other reference goes)
 * @name: a static name, for profilers
 *
 * Any thread. The caller keeps the returned reference, to know the source is pending and
 * to destroy it with _yun_source_clear().
 *
 * Returns: (transfer full): the attached idle source, at default priority
 */
GSource *
_yun_idle_add_for_object (GMainContext *context,
                          GSourceFunc func,
                          gpointer object,
                          const char *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, g_object_ref (object), g_object_unref);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  return source;
}

/**
 * _yun_source_clear:
 * @source: a source pointer, or a pointer to %NULL
 *
 * Destroys *@source, drops its reference and sets it to %NULL.
 */
void
_yun_source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
