/* yun-password.h: instance password rules, checked before a call, and a generator
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
 * YunPasswordContext:
 * @YUN_PASSWORD_CONTEXT_RESET: ResetInstancesPassword
 * @YUN_PASSWORD_CONTEXT_CREATE: RunInstances (`LoginSettings.Password`)
 *
 * The API a password is for: their rules differ.
 */
typedef enum
{
  YUN_PASSWORD_CONTEXT_RESET,
  YUN_PASSWORD_CONTEXT_CREATE,
} YunPasswordContext;

#define YUN_PASSWORD_MAX_LENGTH 30

gboolean yun_password_check (const char *password,
                             YunOsFamily os_family,
                             YunPasswordContext context,
                             const char *username,
                             GError **error);
char *yun_password_generate (YunOsFamily os_family);

G_END_DECLS
