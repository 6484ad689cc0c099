/* yun-credentials.h: a SecretId, its SecretKey and an optional session token
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_CREDENTIALS (yun_credentials_get_type ())

GType yun_credentials_get_type (void) G_GNUC_CONST;

YunCredentials *
yun_credentials_new (const char *secret_id, const char *secret_key, const char *session_token);
YunCredentials *yun_credentials_new_from_environment (GError **error);
YunCredentials *yun_credentials_ref (YunCredentials *self);
void yun_credentials_unref (YunCredentials *self);

const char *yun_credentials_get_secret_id (YunCredentials *self);
const char *yun_credentials_peek_secret_key (YunCredentials *self);
const char *yun_credentials_peek_session_token (YunCredentials *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunCredentials, yun_credentials_unref)

G_END_DECLS
