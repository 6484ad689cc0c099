/* yun-secret-store.h: SecretKeys, session tokens and passwords, in the system keyring
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

/**
 * YunSecretKind:
 * @YUN_SECRET_SECRET_KEY: the SecretKey of a profile; the account is the profile name, the
 *   key its SecretId
 * @YUN_SECRET_SESSION_TOKEN: the session token of a profile's temporary credentials; account
 *   and key as for %YUN_SECRET_SECRET_KEY
 * @YUN_SECRET_INSTANCE_PASSWORD: an instance password the user asked to remember; the account
 *   is the profile name, the key the instance ID
 * @YUN_SECRET_JOB_PASSWORD: the new password of a reset-password job, kept until the job
 *   ends so that it survives a crash; the account is the profile name, the key the job ID
 *
 * What a secret is, which also says what its account and key name.
 */
typedef enum
{
  YUN_SECRET_SECRET_KEY,
  YUN_SECRET_SESSION_TOKEN,
  YUN_SECRET_INSTANCE_PASSWORD,
  YUN_SECRET_JOB_PASSWORD,
} YunSecretKind;

/**
 * YunSecret:
 *
 * A secret string returned by libyun, to be freed with yun_secret_free(); declare it
 * `g_autoptr (YunSecret)` to have it wiped and freed at the end of the scope.
 */
typedef char YunSecret;

void yun_secret_wipe (char *secret);
void yun_secret_free (char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunSecret, yun_secret_free)

#define YUN_TYPE_SECRET_STORE (yun_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (YunSecretStore, yun_secret_store, YUN, SECRET_STORE, GObject)

YunSecretStore *yun_secret_store_new (void);
YunSecretStore *yun_secret_store_new_in_memory (void);

gboolean yun_secret_store_get_persistent (YunSecretStore *self);
char *yun_secret_store_dup_unavailable_reason (YunSecretStore *self);

gboolean yun_secret_store_store (YunSecretStore *self,
                                 YunSecretKind kind,
                                 const char *account,
                                 const char *key,
                                 const char *secret,
                                 GCancellable *cancellable,
                                 GError **error);
void yun_secret_store_store_async (YunSecretStore *self,
                                   YunSecretKind kind,
                                   const char *account,
                                   const char *key,
                                   const char *secret,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean yun_secret_store_store_finish (YunSecretStore *self, GAsyncResult *result, GError **error);

char *yun_secret_store_lookup (YunSecretStore *self,
                               YunSecretKind kind,
                               const char *account,
                               const char *key,
                               GCancellable *cancellable,
                               GError **error);
void yun_secret_store_lookup_async (YunSecretStore *self,
                                    YunSecretKind kind,
                                    const char *account,
                                    const char *key,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
char *yun_secret_store_lookup_finish (YunSecretStore *self, GAsyncResult *result, GError **error);

gboolean yun_secret_store_clear (YunSecretStore *self,
                                 YunSecretKind kind,
                                 const char *account,
                                 const char *key,
                                 GCancellable *cancellable,
                                 GError **error);

GStrv yun_secret_store_dup_keys (YunSecretStore *self,
                                 YunSecretKind kind,
                                 const char *account,
                                 GCancellable *cancellable,
                                 GError **error);

G_END_DECLS
