/* yun-call.c: reading the answer envelope and the retry policy
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-call-private.h"

static gboolean
code_has_prefix (const char *code, const char *prefix)
{
  gsize len = strlen (prefix);

  return strncmp (code, prefix, len) == 0 && (code[len] == '\0' || code[len] == '.');
}

/**
 * _yun_attempt_outcome_for_code:
 * @tencent_code: the `Error.Code` of an answer
 *
 * Returns: what the code says about repeating the call
 */
YunAttemptOutcome
_yun_attempt_outcome_for_code (const char *tencent_code)
{
  g_return_val_if_fail (tencent_code != NULL, YUN_ATTEMPT_FATAL);

  if (code_has_prefix (tencent_code, "RequestLimitExceeded"))
    return YUN_ATTEMPT_THROTTLED;
  if (strcmp (tencent_code, "AuthFailure.SignatureExpire") == 0)
    return YUN_ATTEMPT_CLOCK_SKEW;
  if (code_has_prefix (tencent_code, "InternalError")
      || code_has_prefix (tencent_code, "ServiceUnavailable"))
    return YUN_ATTEMPT_SERVER_ERROR;
  return YUN_ATTEMPT_FATAL;
}

/**
 * _yun_attempt_should_retry:
 * @outcome: how an attempt failed
 * @flags: the call's flags
 *
 * A refusal that proves nothing happened (throttling, a connection that never opened, an
 * expired signature) is repeated for every call. A failure after which the call may have
 * taken effect (a server error, a timeout, a dropped connection) is repeated only for
 * %YUN_CALL_SAFE calls: reads, idempotent changes and calls with a ClientToken.
 *
 * Returns: whether another attempt may be made
 */
gboolean
_yun_attempt_should_retry (YunAttemptOutcome outcome, YunCallFlags flags)
{
  switch (outcome)
    {
    case YUN_ATTEMPT_THROTTLED:
    case YUN_ATTEMPT_NOT_SENT:
    case YUN_ATTEMPT_CLOCK_SKEW:
      return TRUE;
    case YUN_ATTEMPT_SERVER_ERROR:
    case YUN_ATTEMPT_TRANSPORT:
      return (flags & YUN_CALL_SAFE) != 0;
    case YUN_ATTEMPT_OK:
    case YUN_ATTEMPT_FATAL:
    case YUN_ATTEMPT_CANCELLED:
    default:
      return FALSE;
    }
}

/**
 * _yun_backoff_ceiling_ms:
 * @failed_attempts: how many attempts failed so far, >= 1
 *
 * Returns: the exponential ceiling, 200 ms doubling per failure up to 5 s
 */
guint
_yun_backoff_ceiling_ms (guint failed_attempts)
{
  guint ceiling = YUN_BACKOFF_BASE_MS;

  for (guint i = 1; i < failed_attempts && ceiling < YUN_BACKOFF_CAP_MS; i++)
    ceiling *= 2;
  return MIN (ceiling, YUN_BACKOFF_CAP_MS);
}

/**
 * _yun_backoff_delay_ms:
 * @failed_attempts: how many attempts failed so far, >= 1
 *
 * "Full jitter": a uniform random delay between 0 and the exponential ceiling, so that
 * many threads throttled together do not come back together.
 *
 * Returns: how long to wait before the next attempt
 */
guint
_yun_backoff_delay_ms (guint failed_attempts)
{
  return (guint) g_random_int_range (0, (gint32) _yun_backoff_ceiling_ms (failed_attempts) + 1);
}

/**
 * _yun_format_skew:
 * @skew_seconds: server time minus local time
 *
 * Returns: (transfer full): "7 min 0 s behind", "3 s ahead of"…, to be followed by "the
 *   service"
 */
char *
_yun_format_skew (gint64 skew_seconds)
{
  gint64 s = ABS (skew_seconds);
  const char *direction = skew_seconds >= 0 ? "behind" : "ahead of";

  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min %" G_GINT64_FORMAT
                            " s %s",
                            s / 3600, (s / 60) % 60, s % 60, direction);
  if (s >= 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s %s", s / 60, s % 60,
                            direction);
  return g_strdup_printf ("%" G_GINT64_FORMAT " s %s", s, direction);
}

static gboolean
looks_like_html (const char *content_type, const guint8 *body, gsize len)
{
  if (content_type != NULL && strstr (content_type, "html") != NULL)
    return TRUE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (body[i]))
        continue;
      return body[i] == '<';
    }
  return FALSE;
}

/* Fails the attempt for an answer that is not a Tencent envelope. The status decides the
 * category: a gateway's 502 page is the service being unavailable, not a protocol bug. */
static json_object *
not_an_envelope (
  const char *host, long status, YunAttemptOutcome *outcome, GError **error, const char *what)
{
  if (status >= 500)
    {
      *outcome = YUN_ATTEMPT_SERVER_ERROR;
      g_set_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE,
                   /* Translators: the first placeholder is a host name, the last why the answer
                    * could not be read (“the body is empty”). */
                   _ ("%s is unavailable: it answered HTTP %ld (%s)"), host, status, what);
    }
  else if (status == 429)
    {
      *outcome = YUN_ATTEMPT_THROTTLED;
      g_set_error (error, YUN_ERROR, YUN_ERROR_THROTTLED,
                   _ ("%s refused the request as too frequent (HTTP 429)"), host);
    }
  else
    {
      *outcome = YUN_ATTEMPT_FATAL;
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The answer from %s (HTTP %ld) is not a Tencent Cloud API answer: %s"), host,
                   status, what);
    }
  return NULL;
}

static gboolean
get_optional_string (json_object *obj, const char *key, const char **value)
{
  json_object *member = NULL;

  *value = NULL;
  if (!json_object_object_get_ex (obj, key, &member) || member == NULL)
    return TRUE;
  if (!json_object_is_type (member, json_type_string))
    return FALSE;
  *value = json_object_get_string (member);
  return TRUE;
}

/**
 * _yun_envelope_parse:
 * @host: the host that answered, for messages
 * @http_status: the answer's HTTP status
 * @content_type: (nullable): its `Content-Type`
 * @body: (array length=body_len): its body
 * @body_len: length of @body
 * @outcome: (out): how the attempt ended
 * @error: return location for a #GError
 *
 * Reads `{"Response": {…, "RequestId": …}}`. `Response.Error` becomes a Tencent error with
 * its code, message and RequestId; anything else that is not the envelope (a proxy's HTML
 * page, truncated JSON, invalid UTF-8, wrong types) becomes %YUN_ERROR_PROTOCOL, or
 * %YUN_ERROR_UNAVAILABLE for HTTP 5xx. No message ever quotes the body.
 *
 * Returns: (transfer full) (nullable): the `Response` object of a successful answer
 */
json_object *
_yun_envelope_parse (const char *host,
                     long http_status,
                     const char *content_type,
                     const guint8 *body,
                     gsize body_len,
                     YunAttemptOutcome *outcome,
                     GError **error)
{
  g_autoptr (json_object) root = NULL;
  enum json_tokener_error parse_error;
  json_object *response = NULL;
  json_object *error_obj = NULL;
  const char *request_id = NULL;
  const char *code = NULL;
  const char *message = NULL;
  json_tokener *tok;
  gsize parse_end;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (outcome != NULL, NULL);
  g_return_val_if_fail (body != NULL || body_len == 0, NULL);

  *outcome = YUN_ATTEMPT_FATAL;

  if (body_len == 0)
    return not_an_envelope (host, http_status, outcome, error,
                            /* Translators: this and the other reasons below say why an
                             * answer is not a Tencent Cloud API answer; they follow “…: ” or
                             * stand in parentheses. Keep “Response”, “RequestId”, “Error”,
                             * “Code” and “Message” as they are: they are names of the API. */
                            _ ("the body is empty"));

  if (looks_like_html (content_type, body, body_len))
    return not_an_envelope (host, http_status, outcome, error,
                            _ ("it is a web page; a proxy or a captive portal may be in the way"));

  if (body_len > G_MAXINT)
    return not_an_envelope (host, http_status, outcome, error, _ ("the body is too large"));

  if (!g_utf8_validate_len ((const char *) body, body_len, NULL))
    return not_an_envelope (host, http_status, outcome, error, _ ("the body is not valid UTF-8"));

  tok = json_tokener_new_ex (64);
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  root = json_tokener_parse_ex (tok, (const char *) body, (int) body_len);
  parse_error = json_tokener_get_error (tok);
  parse_end = json_tokener_get_parse_end (tok);
  json_tokener_free (tok);

  if (parse_error == json_tokener_continue)
    {
      g_autofree char *what = g_strdup_printf (
        /* Translators: why an answer is not a Tencent Cloud API answer, as in “The answer
         * from cvm.tencentcloudapi.com (HTTP 200) is not a Tencent Cloud API answer: …” */
        _ ("the JSON stops in the middle, after %zu bytes"), (size_t) body_len);
      return not_an_envelope (host, http_status, outcome, error, what);
    }
  if (parse_error != json_tokener_success || root == NULL)
    {
      g_autofree char *what = g_strdup_printf (
        /* Translators: the first placeholder is json-c's description of the error. */
        _ ("the body is not valid JSON (%s, near byte %zu)"), json_tokener_error_desc (parse_error),
        (size_t) parse_end);
      return not_an_envelope (host, http_status, outcome, error, what);
    }
  for (gsize i = parse_end; i < body_len; i++)
    if (!g_ascii_isspace (body[i]))
      return not_an_envelope (host, http_status, outcome, error,
                              _ ("there is more data after the JSON value"));

  if (!json_object_is_type (root, json_type_object)
      || !json_object_object_get_ex (root, "Response", &response)
      || !json_object_is_type (response, json_type_object))
    return not_an_envelope (host, http_status, outcome, error, _ ("it has no \"Response\" object"));

  if (!get_optional_string (response, "RequestId", &request_id))
    return not_an_envelope (host, http_status, outcome, error,
                            _ ("\"Response.RequestId\" is not a string"));

  if (json_object_object_get_ex (response, "Error", &error_obj) && error_obj != NULL)
    {
      if (!json_object_is_type (error_obj, json_type_object)
          || !get_optional_string (error_obj, "Code", &code) || code == NULL || *code == '\0'
          || !get_optional_string (error_obj, "Message", &message))
        return not_an_envelope (host, http_status, outcome, error,
                                _ ("\"Response.Error\" has no string \"Code\" and \"Message\""));

      *outcome = _yun_attempt_outcome_for_code (code);
      yun_set_error_tencent (error, code, message, request_id);
      return NULL;
    }

  if (http_status != 200)
    return not_an_envelope (host, http_status, outcome, error,
                            _ ("a success envelope with an error status"));

  if (request_id == NULL)
    g_debug ("The answer from %s has no RequestId", host);

  *outcome = YUN_ATTEMPT_OK;
  return json_object_get (response);
}
