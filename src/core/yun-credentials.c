/* yun-credentials.c: immutable, reference-counted API credentials
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-credentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-core-private.h"

struct _YunCredentials
{
  gatomicrefcount ref_count;
  char *secret_id;
  char *secret_key;
  char *session_token;
};

G_DEFINE_BOXED_TYPE (YunCredentials, yun_credentials, yun_credentials_ref, yun_credentials_unref)

/* Keys pasted from a web console often carry a stray space or newline, which Tencent
 * answers with AuthFailure.SecretIdNotFound; strip it here instead. */
static char *
dup_trimmed (const char *text)
{
  if (text == NULL)
    return NULL;
  return g_strstrip (g_strdup (text));
}

/**
 * yun_credentials_new:
 * @secret_id: the SecretId (AKID…)
 * @secret_key: the SecretKey
 * @session_token: (nullable): the token of temporary (STS) credentials
 *
 * Returns: (transfer full): new credentials
 */
YunCredentials *
yun_credentials_new (const char *secret_id, const char *secret_key, const char *session_token)
{
  YunCredentials *self;

  g_return_val_if_fail (secret_id != NULL, NULL);
  g_return_val_if_fail (secret_key != NULL, NULL);

  self = g_new0 (YunCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->secret_id = dup_trimmed (secret_id);
  self->secret_key = dup_trimmed (secret_key);
  if (session_token != NULL && *session_token != '\0')
    self->session_token = dup_trimmed (session_token);
  return self;
}

/**
 * yun_credentials_new_from_environment:
 * @error: return location for a #GError
 *
 * Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and
 * `TENCENTCLOUD_SESSION_TOKEN`, the names of Tencent's own SDKs and tccli, and falls back
 * to the older `TENCENT_SECRET_ID` / `TENCENT_SECRET_KEY`.
 *
 * Returns: (transfer full): the credentials, or %NULL with %G_IO_ERROR_NOT_FOUND when the
 *   environment names none
 */
YunCredentials *
yun_credentials_new_from_environment (GError **error)
{
  const char *secret_id = g_getenv ("TENCENTCLOUD_SECRET_ID");
  const char *secret_key = g_getenv ("TENCENTCLOUD_SECRET_KEY");

  if (secret_id == NULL || secret_key == NULL)
    {
      secret_id = g_getenv ("TENCENT_SECRET_ID");
      secret_key = g_getenv ("TENCENT_SECRET_KEY");
    }

  if (secret_id == NULL || *secret_id == '\0' || secret_key == NULL || *secret_key == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _ ("No credentials in the environment: set TENCENTCLOUD_SECRET_ID "
                              "and TENCENTCLOUD_SECRET_KEY"));
      return NULL;
    }

  return yun_credentials_new (secret_id, secret_key, g_getenv ("TENCENTCLOUD_SESSION_TOKEN"));
}

YunCredentials *
yun_credentials_ref (YunCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
yun_credentials_unref (YunCredentials *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->secret_id);
  free_secret (self->secret_key);
  free_secret (self->session_token);
  g_free (self);
}

const char *
yun_credentials_get_secret_id (YunCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_id;
}

/**
 * yun_credentials_peek_secret_key:
 * @self: credentials
 *
 * "peek" because the value is a secret: only the signer may use it, and it must never be
 * copied into a log, an error, a file or the database.
 *
 * Returns: the SecretKey
 */
const char *
yun_credentials_peek_secret_key (YunCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_key;
}

/**
 * yun_credentials_peek_session_token:
 * @self: credentials
 *
 * Returns: (nullable): the session token of temporary credentials; a secret, like the key
 */
const char *
yun_credentials_peek_session_token (YunCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->session_token;
}
