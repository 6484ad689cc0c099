/* yun-error.h: the YUN_ERROR domain
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_ERROR (yun_error_quark ())

/**
 * YunError:
 * @YUN_ERROR_AUTHENTICATION: the credentials were refused (`AuthFailure.*`)
 * @YUN_ERROR_THROTTLED: a rate limit was hit (`RequestLimitExceeded*`)
 * @YUN_ERROR_NOT_FOUND: the resource does not exist (`*NotFound`)
 * @YUN_ERROR_INVALID_PARAMETER: the request was refused as malformed, or failed the
 *   checks made before sending it
 * @YUN_ERROR_QUOTA: quota, balance or stock ran out
 * @YUN_ERROR_INVALID_STATE: the resource is in a state that does not allow the operation
 * @YUN_ERROR_UNAVAILABLE: the service failed on its side (`InternalError`,
 *   `ServiceUnavailable`, HTTP 5xx)
 * @YUN_ERROR_NETWORK: the request or its answer was lost on the way (DNS, TCP, TLS, timeout)
 * @YUN_ERROR_PROTOCOL: the answer could not be understood
 * @YUN_ERROR_CANCELLED: the caller cancelled the operation
 * @YUN_ERROR_FAILED: any other error reported by Tencent Cloud
 * @YUN_ERROR_STORAGE: the local database could not be opened, read or written
 * @YUN_ERROR_CERTIFICATE: the server's TLS certificate was not trusted (an unknown
 *   certificate authority, another host's name, expired); the connection was refused
 *
 * A small set of categories a caller can act on. The exact Tencent error code, its
 * message and the RequestId travel with the error; see yun_error_get_code().
 */
typedef enum
{
  YUN_ERROR_AUTHENTICATION,
  YUN_ERROR_THROTTLED,
  YUN_ERROR_NOT_FOUND,
  YUN_ERROR_INVALID_PARAMETER,
  YUN_ERROR_QUOTA,
  YUN_ERROR_INVALID_STATE,
  YUN_ERROR_UNAVAILABLE,
  YUN_ERROR_NETWORK,
  YUN_ERROR_PROTOCOL,
  YUN_ERROR_CANCELLED,
  YUN_ERROR_FAILED,
  YUN_ERROR_STORAGE,
  YUN_ERROR_CERTIFICATE,
} YunError;

GQuark yun_error_quark (void);

YunError yun_error_category_for_code (const char *tencent_code);

GError *
yun_error_new_tencent (const char *tencent_code, const char *message, const char *request_id);

void yun_set_error_tencent (GError **error,
                            const char *tencent_code,
                            const char *message,
                            const char *request_id);

const char *yun_error_get_code (const GError *error);
const char *yun_error_get_server_message (const GError *error);
const char *yun_error_get_request_id (const GError *error);
const char *yun_error_describe_code (const char *code);

G_END_DECLS
