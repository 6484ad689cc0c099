/* yun-profile.h: a named account: which keys, which endpoint, which defaults
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_PROFILE (yun_profile_get_type ())

G_DECLARE_FINAL_TYPE (YunProfile, yun_profile, YUN, PROFILE, GObject)

char *yun_profile_dup_default_path (void);
YunProfile *yun_profile_load (const char *path, const char *name, GError **error);

const char *yun_profile_get_name (YunProfile *self);
const char *yun_profile_get_secret_id (YunProfile *self);
const char *yun_profile_get_endpoint (YunProfile *self);
const char *yun_profile_get_region (YunProfile *self);
const char *yun_profile_get_proxy (YunProfile *self);
const char *yun_profile_get_ca_file (YunProfile *self);
const char *yun_profile_get_language (YunProfile *self);
gboolean yun_profile_get_read_only (YunProfile *self);

G_END_DECLS
