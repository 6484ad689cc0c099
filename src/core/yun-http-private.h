/* yun-http-private.h: one HTTPS POST over libcurl, cancellable and size-capped
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

/**
 * YunHttpOutcome:
 * @YUN_HTTP_OK: a complete HTTP answer arrived, whatever its status
 * @YUN_HTTP_NOT_SENT: the connection never opened (name resolution or connect failed), so
 *   nothing reached the service
 * @YUN_HTTP_FAILED: the transfer failed once the request may have left (timeout, dropped
 *   connection, TLS failure)
 * @YUN_HTTP_TOO_LARGE: the answer went over the size limit and was abandoned
 * @YUN_HTTP_CANCELLED: the #GCancellable fired
 * @YUN_HTTP_UNTRUSTED: the server's certificate was not trusted, or the trust store could
 *   not be read; the request was not sent, and sending it again cannot help
 */
typedef enum
{
  YUN_HTTP_OK,
  YUN_HTTP_NOT_SENT,
  YUN_HTTP_FAILED,
  YUN_HTTP_TOO_LARGE,
  YUN_HTTP_CANCELLED,
  YUN_HTTP_UNTRUSTED,
} YunHttpOutcome;

/**
 * YunHttpRequest:
 * @url: where to POST
 * @host: the host named in error messages (the Host header value)
 * @headers: (array zero-terminated=1): "Name: value" lines
 * @body: the exact body bytes
 * @body_len: length of @body
 * @proxy: (nullable): a proxy URL, possibly with user:password; %NULL leaves libcurl to
 *   the environment (`https_proxy`, `no_proxy`)
 * @ca_file: (nullable): a PEM bundle replacing the system trust store (its file and its
 *   directory)
 * @connect_timeout_ms: limit for opening the connection
 * @total_timeout_ms: limit for the whole exchange
 * @max_response_size: larger answers fail with %YUN_HTTP_TOO_LARGE
 * @cancellable: (nullable): interrupts the transfer
 * @fresh_connection: open a new connection instead of reusing an idle one. libcurl
 *   silently sends a request again when a reused connection turns out to be dead before
 *   any answer arrived; for a call that may not be repeated that second send could act
 *   twice, so such calls never ride on a reused connection
 */
typedef struct
{
  const char *url;
  const char *host;
  const char *const *headers;
  const char *body;
  gsize body_len;
  const char *proxy;
  const char *ca_file;
  guint connect_timeout_ms;
  guint total_timeout_ms;
  gsize max_response_size;
  GCancellable *cancellable;
  gboolean fresh_connection;
} YunHttpRequest;

/**
 * YunHttpResponse:
 * @status: the HTTP status of the final answer, 0 when none arrived
 * @body: the answer's body (never %NULL after _yun_http_perform())
 * @server_date: the `Date` header as UNIX seconds, or -1 when absent or unreadable
 * @content_type: (nullable): the `Content-Type` header
 * @duration_us: how long the exchange took
 */
typedef struct
{
  long status;
  GByteArray *body;
  gint64 server_date;
  char *content_type;
  gint64 duration_us;
} YunHttpResponse;

void _yun_http_global_init (void);

YunHttpOutcome
_yun_http_perform (const YunHttpRequest *request, YunHttpResponse *response, GError **error);
void _yun_http_response_clear (YunHttpResponse *response);

char *_yun_http_format_duration (guint ms);
char *_yun_http_dup_safe_proxy (const char *proxy);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (YunHttpResponse, _yun_http_response_clear)

G_END_DECLS
