/* yun-source-private.h: the main-context sources the models use to hear from workers
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

GSource *_yun_idle_add_for_object (GMainContext *context,
                                   GSourceFunc func,
                                   gpointer object,
                                   const char *name);
void _yun_source_clear (GSource **source);

G_END_DECLS
