/* yun-error.c: the YUN_ERROR domain, carrying Tencent's code, message and RequestId
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-error"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-core-private.h"

typedef struct
{
  char *code;
  char *server_message;
  char *request_id;
} YunErrorPrivate;

static void
yun_error_private_init (YunErrorPrivate *priv)
{
  priv->code = NULL;
  priv->server_message = NULL;
  priv->request_id = NULL;
}

static void
yun_error_private_copy (const YunErrorPrivate *src, YunErrorPrivate *dest)
{
  dest->code = g_strdup (src->code);
  dest->server_message = g_strdup (src->server_message);
  dest->request_id = g_strdup (src->request_id);
}

static void
yun_error_private_clear (YunErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->server_message, g_free);
  g_clear_pointer (&priv->request_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (YunError, yun_error)

static gboolean
code_has_prefix (const char *code, const char *prefix)
{
  gsize len = strlen (prefix);

  /* "AuthFailure" matches "AuthFailure" and "AuthFailure.X", not "AuthFailureX" */
  return strncmp (code, prefix, len) == 0 && (code[len] == '\0' || code[len] == '.');
}

/**
 * yun_error_category_for_code:
 * @tencent_code: an error code from a Tencent Cloud response, such as
 *   `UnsupportedOperation.InstanceStateRunning`
 *
 * Returns: the #YunError category a caller should treat @tencent_code as
 */
YunError
yun_error_category_for_code (const char *tencent_code)
{
  g_return_val_if_fail (tencent_code != NULL, YUN_ERROR_FAILED);

  if (code_has_prefix (tencent_code, "AuthFailure")
      || code_has_prefix (tencent_code, "UnauthorizedOperation")
      || code_has_prefix (tencent_code, "IpInBlacklist")
      || code_has_prefix (tencent_code, "IpNotInWhitelist"))
    return YUN_ERROR_AUTHENTICATION;

  if (code_has_prefix (tencent_code, "RequestLimitExceeded"))
    return YUN_ERROR_THROTTLED;

  if (code_has_prefix (tencent_code, "InternalError")
      || code_has_prefix (tencent_code, "ServiceUnavailable")
      || code_has_prefix (tencent_code, "ResourceUnavailable"))
    return YUN_ERROR_UNAVAILABLE;

  if (g_str_has_suffix (tencent_code, "NotFound")
      || code_has_prefix (tencent_code, "ResourceNotFound"))
    return YUN_ERROR_NOT_FOUND;

  if (strstr (tencent_code, "InstanceState") != NULL
      || code_has_prefix (tencent_code, "InvalidInstanceState")
      || code_has_prefix (tencent_code, "OperationDenied")
      || code_has_prefix (tencent_code, "MutexOperation")
      || code_has_prefix (tencent_code, "ResourceInUse"))
    return YUN_ERROR_INVALID_STATE;

  if (code_has_prefix (tencent_code, "LimitExceeded")
      || code_has_prefix (tencent_code, "InstancesQuotaLimitExceeded")
      || code_has_prefix (tencent_code, "InvalidAccount")
      || code_has_prefix (tencent_code, "ResourceInsufficient")
      || code_has_prefix (tencent_code, "ResourcesSoldOut"))
    return YUN_ERROR_QUOTA;

  if (code_has_prefix (tencent_code, "InvalidParameter")
      || code_has_prefix (tencent_code, "InvalidParameterValue")
      || code_has_prefix (tencent_code, "MissingParameter")
      || code_has_prefix (tencent_code, "UnknownParameter")
      || code_has_prefix (tencent_code, "InvalidAction")
      || code_has_prefix (tencent_code, "InvalidFilter")
      || code_has_prefix (tencent_code, "InvalidPassword")
      || code_has_prefix (tencent_code, "UnsupportedRegion")
      || g_str_has_prefix (tencent_code, "Invalid"))
    return YUN_ERROR_INVALID_PARAMETER;

  return YUN_ERROR_FAILED;
}

/**
 * yun_error_new_tencent:
 * @tencent_code: the `Error.Code` of the response
 * @message: (nullable): the `Error.Message` of the response
 * @request_id: (nullable): the `RequestId` of the response
 *
 * Builds the error for a failed Tencent Cloud call. Its message reads
 * "Message (Code, RequestId …)" so that a log line or a terminal shows everything support
 * asks for; the parts are also available one by one.
 *
 * Returns: (transfer full): a new #GError in the %YUN_ERROR domain
 */
GError *
yun_error_new_tencent (const char *tencent_code, const char *message, const char *request_id)
{
  GError *error = NULL;

  yun_set_error_tencent (&error, tencent_code, message, request_id);
  return error;
}

void
yun_set_error_tencent (GError **error,
                       const char *tencent_code,
                       const char *message,
                       const char *request_id)
{
  g_autofree char *text = NULL;
  YunErrorPrivate *priv;
  GError *new_error;

  g_return_if_fail (tencent_code != NULL);

  if (error == NULL)
    return;

  if (request_id != NULL && *request_id != '\0')
    text = g_strdup_printf ("%s (%s, RequestId %s)",
                            message != NULL && *message != '\0' ? message : tencent_code,
                            tencent_code, request_id);
  else
    text = g_strdup_printf ("%s (%s)", message != NULL && *message != '\0' ? message : tencent_code,
                            tencent_code);

  new_error = g_error_new_literal (YUN_ERROR, yun_error_category_for_code (tencent_code), text);
  priv = yun_error_get_private (new_error);
  priv->code = g_strdup (tencent_code);
  priv->server_message = g_strdup (message);
  priv->request_id = g_strdup (request_id);
  g_propagate_error (error, new_error);
}

/**
 * yun_error_describe_code:
 * @code: (nullable): a Tencent Cloud error code, such as `InternalError`, or a TAT task
 *   status, such as `AGENT_OFFLINE`
 *
 * The code in a sentence a user understands, translated, to show beside the code and the
 * service's own message (which support asks for).
 *
 * Returns: (nullable): the sentence, or %NULL for a code without one
 */
const char *
yun_error_describe_code (const char *code)
{
  static const struct
  {
    const char *code;
    const char *sentence;
  } sentences[] = {
    { "InvalidInstance.NotSupported", N_ ("The instance does not support this operation.") },
    { "OperationDenied.InstanceOperationInProgress",
      N_ ("Another operation is in progress on the instance; try again when it ends.") },
    { "RequestLimitExceeded", N_ ("Too many requests: Tencent Cloud's rate limit was reached.") },
    { "InternalError", N_ ("Tencent Cloud had an internal error; the call may be retried.") },
    { "UnauthorizedOperation", N_ ("The account's access policy does not allow this operation.") },
    { "InvalidParameterValue", N_ ("Tencent Cloud refused a parameter's value.") },
    { "InvalidParameter", N_ ("Tencent Cloud refused a parameter.") },
    { "ResourceInsufficient", N_ ("The region does not have enough resources for this.") },
    { "LimitExceeded", N_ ("An account quota was reached.") },
    { "InvalidInstanceId.NotFound", N_ ("The instance no longer exists.") },
    { "InvalidInstanceId.Malformed", N_ ("The instance ID is not valid.") },
    { "OperationDenied", N_ ("Tencent Cloud denied the operation.") },
    { "ResourceUnavailable", N_ ("The resource is not available.") },
    { "Timeout", N_ ("The operation did not end in time.") },
    { "LAUNCH_FAILED", N_ ("The instance failed to launch.") },
    { "OperationFailed", N_ ("The operation failed on the instance.") },
    /* TAT task statuses */
    { "FAILED", N_ ("The command ended with a non-zero exit code.") },
    { "TIMEOUT", N_ ("The command ran longer than its timeout and was stopped.") },
    { "AGENT_OFFLINE", N_ ("The TAT agent on the instance is offline.") },
    { "START_FAILED", N_ ("The command could not start on the instance.") },
    { "TERMINATED", N_ ("The command was stopped before it ended.") },
    { "CANCELLED", N_ ("The command was cancelled before it started.") },
    { "DELIVER_FAILED", N_ ("The command could not be delivered to the instance.") },
    { "TASK_TIMEOUT", N_ ("The task did not start in time.") },
  };

  if (code == NULL || *code == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
    if (g_str_equal (code, sentences[i].code))
      return _ (sentences[i].sentence);
  if (g_str_has_prefix (code, "AuthFailure"))
    return _ ("The credentials were refused: check the SecretId and SecretKey, and the clock.");
  if (g_str_has_prefix (code, "RequestLimitExceeded"))
    return _ ("Too many requests: Tencent Cloud's rate limit was reached.");
  if (g_str_has_prefix (code, "UnauthorizedOperation"))
    return _ ("The account's access policy does not allow this operation.");
  if (g_str_has_prefix (code, "LimitExceeded"))
    return _ ("An account quota was reached.");
  if (g_str_has_prefix (code, "ResourceInsufficient"))
    return _ ("The region does not have enough resources for this.");
  if (g_str_has_prefix (code, "InternalError"))
    return _ ("Tencent Cloud had an internal error; the call may be retried.");
  return NULL;
}

/**
 * yun_error_get_code:
 * @error: a #GError
 *
 * Returns: (nullable): the Tencent error code, or %NULL when @error did not come from
 *   Tencent Cloud (a network failure, a local check, another domain)
 */
const char *
yun_error_get_code (const GError *error)
{
  if (error == NULL || error->domain != YUN_ERROR)
    return NULL;
  return yun_error_get_private (error)->code;
}

/**
 * yun_error_get_server_message:
 * @error: a #GError
 *
 * Returns: (nullable): the message Tencent Cloud sent with the error
 */
const char *
yun_error_get_server_message (const GError *error)
{
  if (error == NULL || error->domain != YUN_ERROR)
    return NULL;
  return yun_error_get_private (error)->server_message;
}

/**
 * yun_error_get_request_id:
 * @error: a #GError
 *
 * Returns: (nullable): the RequestId of the failed call, when the call reached the service
 */
const char *
yun_error_get_request_id (const GError *error)
{
  if (error == NULL || error->domain != YUN_ERROR)
    return NULL;
  return yun_error_get_private (error)->request_id;
}
