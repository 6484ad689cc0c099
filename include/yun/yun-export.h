/* yun-export.h: writing what the user exports, readable by the user only
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

gboolean yun_export_save (const char *path, const char *contents, GError **error);

G_END_DECLS
