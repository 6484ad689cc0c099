/* yun-cache.h: the local SQLite database of the inventory
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_CACHE (yun_cache_get_type ())

G_DECLARE_FINAL_TYPE (YunCache, yun_cache, YUN, CACHE, GObject)

/* The schema version this build writes (`PRAGMA user_version`). */
#define YUN_CACHE_SCHEMA_VERSION 5

char *yun_cache_dup_default_path (void);
YunCache *yun_cache_open (const char *path, GError **error);
const char *yun_cache_get_path (YunCache *self);

gboolean yun_cache_set_protected (
  YunCache *self, const char *account, const char *instance_id, gboolean protect, GError **error);
GPtrArray *yun_cache_dup_protected (YunCache *self, const char *account, GError **error);

G_END_DECLS
