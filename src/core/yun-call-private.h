/* yun-call-private.h: the pieces of one API call that need no network: reading the answer
 * envelope and deciding whether a failed attempt is repeated
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-client-private.h"

G_BEGIN_DECLS

/**
 * YunAttemptOutcome:
 * @YUN_ATTEMPT_OK: a successful answer
 * @YUN_ATTEMPT_THROTTLED: refused by a rate limit (`RequestLimitExceeded*`, HTTP 429)
 *   before anything happened
 * @YUN_ATTEMPT_NOT_SENT: the connection never opened; nothing reached the service
 * @YUN_ATTEMPT_SERVER_ERROR: the service failed on its side (`InternalError*`,
 *   `ServiceUnavailable*`, HTTP 5xx); the call may or may not have taken effect
 * @YUN_ATTEMPT_TRANSPORT: a timeout or a dropped connection after the request may have left
 * @YUN_ATTEMPT_CLOCK_SKEW: `AuthFailure.SignatureExpire`: the local clock is off
 * @YUN_ATTEMPT_FATAL: any other failure; repeating cannot help
 * @YUN_ATTEMPT_CANCELLED: the caller cancelled
 */
typedef enum
{
  YUN_ATTEMPT_OK,
  YUN_ATTEMPT_THROTTLED,
  YUN_ATTEMPT_NOT_SENT,
  YUN_ATTEMPT_SERVER_ERROR,
  YUN_ATTEMPT_TRANSPORT,
  YUN_ATTEMPT_CLOCK_SKEW,
  YUN_ATTEMPT_FATAL,
  YUN_ATTEMPT_CANCELLED,
} YunAttemptOutcome;

#define YUN_BACKOFF_BASE_MS 200
#define YUN_BACKOFF_CAP_MS 5000

YunAttemptOutcome _yun_attempt_outcome_for_code (const char *tencent_code);
gboolean _yun_attempt_should_retry (YunAttemptOutcome outcome, YunCallFlags flags);
guint _yun_backoff_ceiling_ms (guint failed_attempts);
guint _yun_backoff_delay_ms (guint failed_attempts);

json_object *_yun_envelope_parse (const char *host,
                                  long http_status,
                                  const char *content_type,
                                  const guint8 *body,
                                  gsize body_len,
                                  YunAttemptOutcome *outcome,
                                  GError **error);

char *_yun_format_skew (gint64 skew_seconds);

G_END_DECLS
