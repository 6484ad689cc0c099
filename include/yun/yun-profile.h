/* yun-profile.h: a named account: which keys, which endpoint, which defaults
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-client.h>
#include <yun/yun-secret-store.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_PROFILE (yun_profile_get_type ())

#define YUN_PROFILE_DEFAULT_SSH_PORT 22
#define YUN_PROFILE_DEFAULT_SSH_USER "root"
#define YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER "Administrator"

G_DECLARE_FINAL_TYPE (YunProfile, yun_profile, YUN, PROFILE, GObject)

gboolean yun_profile_name_is_valid (const char *name);
YunProfile *yun_profile_new (const char *name);

char *yun_profile_dup_default_path (void);
YunProfile *yun_profile_load (const char *path, const char *name, GError **error);
GPtrArray *yun_profile_load_all (const char *path, GError **error);
gboolean yun_profile_save (YunProfile *self, const char *path, GError **error);
gboolean yun_profile_delete (const char *path, const char *name, GError **error);

const char *yun_profile_get_name (YunProfile *self);
const char *yun_profile_get_secret_id (YunProfile *self);
const char *yun_profile_get_endpoint (YunProfile *self);
const char *yun_profile_get_region (YunProfile *self);
const char *yun_profile_get_proxy (YunProfile *self);
const char *yun_profile_get_ca_file (YunProfile *self);
const char *yun_profile_get_language (YunProfile *self);
gboolean yun_profile_get_read_only (YunProfile *self);

void yun_profile_set_secret_id (YunProfile *self, const char *secret_id);
void yun_profile_set_endpoint (YunProfile *self, const char *endpoint);
void yun_profile_set_region (YunProfile *self, const char *region);
void yun_profile_set_proxy (YunProfile *self, const char *proxy);
void yun_profile_set_ca_file (YunProfile *self, const char *ca_file);
void yun_profile_set_language (YunProfile *self, const char *language);
void yun_profile_set_read_only (YunProfile *self, gboolean read_only);

guint yun_profile_get_ssh_port (YunProfile *self);
void yun_profile_set_ssh_port (YunProfile *self, guint port);
const char *yun_profile_get_ssh_user (YunProfile *self, YunOsFamily os_family);
void yun_profile_set_ssh_user (YunProfile *self, YunOsFamily os_family, const char *user);

YunCredentials *yun_profile_resolve_credentials (YunProfile *self,
                                                 YunSecretStore *secrets,
                                                 GCancellable *cancellable,
                                                 GError **error);
gboolean yun_profile_store_secret_key (YunProfile *self,
                                       YunSecretStore *secrets,
                                       const char *secret_key,
                                       const char *session_token,
                                       GCancellable *cancellable,
                                       GError **error);
YunClient *
yun_profile_create_client (YunProfile *self, YunCredentials *credentials, GError **error);

G_END_DECLS
