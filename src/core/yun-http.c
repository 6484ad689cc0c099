/* yun-http.c: one HTTPS POST over libcurl, cancellable and size-capped
 *
 * SPDX-License-Identifier: MIT
 *
 * Threading: curl_global_init() runs once, before any thread (yun_init()). Each thread
 * keeps its own easy handle (GPrivate) and reuses it, so that handle's connection cache
 * gives keep-alive between the calls a thread makes; no easy handle is ever used by two
 * threads. The DNS cache and TLS sessions live in one process-wide CURLSH guarded by a
 * GMutex per data kind. Connections themselves are NOT put in the share: libcurl documents
 * CURL_LOCK_DATA_CONNECT as unsupported between concurrent threads (CURLSHOPT_SHARE(3)).
 */

#define G_LOG_DOMAIN "yun-http"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-http-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)

static CURLSH *http_share;
static GMutex http_share_locks[CURL_LOCK_DATA_LAST];

static void
easy_handle_free (gpointer data)
{
  curl_easy_cleanup (data);
}

static GPrivate thread_easy = G_PRIVATE_INIT (easy_handle_free);

static void
share_lock (CURL *handle, curl_lock_data data, curl_lock_access access, void *user_data)
{
  g_mutex_lock (&http_share_locks[data]);
}

static void
share_unlock (CURL *handle, curl_lock_data data, void *user_data)
{
  g_mutex_unlock (&http_share_locks[data]);
}

static gpointer
global_init_once (gpointer data)
{
  CURLcode code = curl_global_init (CURL_GLOBAL_DEFAULT);

  if (code != CURLE_OK)
    g_error ("libcurl could not be initialised: %s", curl_easy_strerror (code));

  http_share = curl_share_init ();
  if (http_share == NULL)
    g_error ("libcurl could not create a share handle");
  curl_share_setopt (http_share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt (http_share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt (http_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt (http_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  return NULL;
}

/**
 * _yun_http_global_init:
 *
 * Runs curl_global_init() and creates the shared DNS and TLS-session cache, once per
 * process. curl_global_init() is not thread-safe, so the first call must come before the
 * program starts any thread; yun_init() is that call.
 */
void
_yun_http_global_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, global_init_once, NULL);
}

typedef struct
{
  GByteArray *body;
  gsize max_size;
  gboolean too_large;
  gint64 server_date;
  char *content_type;
  GCancellable *cancellable;
} TransferState;

static size_t
write_cb (char *data, size_t size, size_t nmemb, void *user_data)
{
  TransferState *state = user_data;
  gsize len = size * nmemb;

  if (len > state->max_size || state->body->len > state->max_size - len)
    {
      state->too_large = TRUE;
      return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
  g_byte_array_append (state->body, (const guint8 *) data, len);
  return len;
}

static char *
header_value (const char *line, gsize len, const char *name)
{
  gsize name_len = strlen (name);

  if (len <= name_len || g_ascii_strncasecmp (line, name, name_len) != 0 || line[name_len] != ':')
    return NULL;
  return g_strstrip (g_strndup (line + name_len + 1, len - name_len - 1));
}

static size_t
header_cb (char *data, size_t size, size_t nmemb, void *user_data)
{
  TransferState *state = user_data;
  gsize len = size * nmemb;
  char *value;

  /* A new status line starts a new answer (a proxy's CONNECT reply, a 100 Continue):
   * only the final answer's headers count. */
  if (len >= 5 && strncmp (data, "HTTP/", 5) == 0)
    {
      state->server_date = -1;
      g_clear_pointer (&state->content_type, g_free);
      return len;
    }

  if ((value = header_value (data, len, "Date")) != NULL)
    {
      time_t t = curl_getdate (value, NULL);

      state->server_date = t > 0 ? (gint64) t : -1;
      g_free (value);
    }
  else if ((value = header_value (data, len, "Content-Type")) != NULL)
    {
      g_free (state->content_type);
      state->content_type = value;
    }
  return len;
}

static int
xferinfo_cb (
  void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  TransferState *state = user_data;

  return g_cancellable_is_cancelled (state->cancellable) ? 1 : 0;
}

/**
 * _yun_http_format_duration:
 * @ms: a duration in milliseconds
 *
 * Returns: (transfer full): "60 s", "1500 ms": what a person reads in an error message
 */
char *
_yun_http_format_duration (guint ms)
{
  if (ms >= 1000 && ms % 1000 == 0)
    return g_strdup_printf ("%u s", ms / 1000);
  return g_strdup_printf ("%u ms", ms);
}

/**
 * _yun_http_dup_safe_proxy:
 * @proxy: (nullable): a proxy URL, possibly with a user name and password
 *
 * Returns: (transfer full) (nullable): @proxy without its credentials, fit for a log line
 */
char *
_yun_http_dup_safe_proxy (const char *proxy)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;

  if (proxy == NULL)
    return NULL;

  if (strstr (proxy, "://") == NULL)
    proxy = with_scheme = g_strconcat ("http://", proxy, NULL);

  uri = g_uri_parse (proxy, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup ("(unreadable proxy URL)");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri),
                            g_uri_get_port (uri));
  return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), g_uri_get_host (uri));
}

static CURL *
get_thread_easy_handle (void)
{
  CURL *easy = g_private_get (&thread_easy);

  if (easy == NULL)
    {
      easy = curl_easy_init ();
      if (easy == NULL)
        return NULL;
      g_private_set (&thread_easy, easy);
    }
  else
    {
      /* Forgets the options of the previous call, keeps its live connections. */
      curl_easy_reset (easy);
    }
  return easy;
}

/* Verification failed: the connection was refused before a byte of the request went out,
 * so nothing reached the service. libcurl checks the host name itself once OpenSSL has
 * accepted the chain, and says so in its message ("…subject name … target host name…");
 * OpenSSL's own check says "Hostname mismatch". Anything else is a chain that no trusted
 * authority vouches for (unknown issuer, self-signed, expired). */
static YunHttpOutcome
certificate_refused (const YunHttpRequest *request, const char *detail, GError **error)
{
  if (strstr (detail, "host name") != NULL || strstr (detail, "Hostname mismatch") != NULL)
    g_set_error (error, YUN_ERROR, YUN_ERROR_CERTIFICATE,
                 /* Translators: in these messages about certificates, the first placeholder
                  * is a host name and the one in parentheses what the TLS library said (in
                  * English). */
                 _ ("The TLS certificate presented by %s is made out to another host name (%s); "
                    "check the endpoint's host name: the connection was refused"),
                 request->host, detail);
  else if (request->ca_file != NULL)
    g_set_error (error, YUN_ERROR, YUN_ERROR_CERTIFICATE,
                 _ ("The TLS certificate of %s is not trusted: it was not issued by a certificate "
                    "authority in “%s”, the profile's “ca-file” (%s). Name the file of the "
                    "authority that issued it"),
                 request->host, request->ca_file, detail);
  else
    g_set_error (error, YUN_ERROR, YUN_ERROR_CERTIFICATE,
                 _ ("The TLS certificate of %s is not trusted: no certificate authority of this "
                    "system issued it (%s). If the service uses a private certificate authority, "
                    "set the profile's “ca-file” to the PEM file of that authority"),
                 request->host, detail);
  return YUN_HTTP_UNTRUSTED;
}

static YunHttpOutcome
transfer_failed (const YunHttpRequest *request,
                 CURL *easy,
                 CURLcode code,
                 const char *error_buffer,
                 TransferState *state,
                 GError **error)
{
  const char *detail = *error_buffer != '\0' ? error_buffer : curl_easy_strerror (code);
  long request_size = 0;
  g_autofree char *limit = NULL;

  switch ((int) code)
    {
    case CURLE_ABORTED_BY_CALLBACK:
      if (g_cancellable_is_cancelled (request->cancellable))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED, _ ("The request to %s was cancelled"),
                       request->host);
          return YUN_HTTP_CANCELLED;
        }
      break;

    case CURLE_WRITE_ERROR:
      if (state->too_large)
        {
          g_autofree char *size
            = g_format_size_full (request->max_response_size, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                       /* Translators: a host name, then a size such as “16.0 MiB”. */
                       _ ("The answer from %s is larger than the %s limit; it was abandoned"),
                       request->host, size);
          return YUN_HTTP_TOO_LARGE;
        }
      break;

    case CURLE_COULDNT_RESOLVE_HOST:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   _ ("Could not resolve the host name %s (%s)"), request->host, detail);
      return YUN_HTTP_NOT_SENT;

    case CURLE_COULDNT_RESOLVE_PROXY:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   _ ("Could not resolve the proxy's host name while connecting to %s"),
                   request->host);
      return YUN_HTTP_NOT_SENT;

    case CURLE_COULDNT_CONNECT:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK, _ ("Could not connect to %s (%s)"),
                   request->host, detail);
      return YUN_HTTP_NOT_SENT;

    case CURLE_OPERATION_TIMEDOUT:
      /* Not the connect time: it is 0 on a reused connection too, where the request may
       * well have gone out. Only a request of which not one byte was sent is unsent. */
      curl_easy_getinfo (easy, CURLINFO_REQUEST_SIZE, &request_size);
      if (request_size == 0)
        {
          limit = _yun_http_format_duration (
            MIN (request->connect_timeout_ms, request->total_timeout_ms));
          g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                       /* Translators: a host name, then a duration such as “30 s”. */
                       _ ("Connection to %s timed out after %s"), request->host, limit);
          return YUN_HTTP_NOT_SENT;
        }
      limit = _yun_http_format_duration (request->total_timeout_ms);
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   /* Translators: a host name, then a duration such as “30 s”. */
                   _ ("Request to %s timed out after %s without a complete answer"), request->host,
                   limit);
      return YUN_HTTP_FAILED;

    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return certificate_refused (request, detail, error);

    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_CERTIFICATE,
                   _ ("The certificate file “%s” could not be read to check %s (%s); fix the "
                      "profile's “ca-file” setting"),
                   request->ca_file != NULL
                     ? request->ca_file
                     /* Translators: in place of the name of a certificate file, when the
                      * system's certificate authorities are used. */
                     : C_ ("certificate file", "(system)"),
                   request->host, detail);
      return YUN_HTTP_UNTRUSTED;

    case CURLE_SSL_CERTPROBLEM:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   _ ("The TLS certificate of %s could not be verified (%s)"), request->host,
                   detail);
      return YUN_HTTP_FAILED;

    case CURLE_SSL_CONNECT_ERROR:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK, _ ("The TLS handshake with %s failed (%s)"),
                   request->host, detail);
      return YUN_HTTP_FAILED;

    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   _ ("The connection to %s was closed before the answer arrived (%s)"),
                   request->host, detail);
      return YUN_HTTP_FAILED;

    default:
      break;
    }

  g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK, _ ("The request to %s failed (%s)"),
               request->host, detail);
  return YUN_HTTP_FAILED;
}

/**
 * _yun_http_perform:
 * @request: what to send
 * @response: (out caller-allocates): the answer; release it with _yun_http_response_clear()
 *   whatever the outcome
 * @error: return location for a #GError
 *
 * POSTs @request on this thread's easy handle. TLS verification is always on; there is no
 * way to turn it off. Every failure other than %YUN_HTTP_OK sets @error with a message that
 * names the host and what went wrong, never a proxy password or a header value.
 *
 * Returns: how the exchange ended
 */
YunHttpOutcome
_yun_http_perform (const YunHttpRequest *request, YunHttpResponse *response, GError **error)
{
  char error_buffer[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  TransferState state = { 0 };
  YunHttpOutcome outcome;
  gint64 started;
  CURLcode code;
  CURL *easy;

  g_return_val_if_fail (request != NULL, YUN_HTTP_FAILED);
  g_return_val_if_fail (response != NULL, YUN_HTTP_FAILED);

  _yun_http_global_init ();

  memset (response, 0, sizeof *response);
  response->body = g_byte_array_new ();
  response->server_date = -1;

  if (g_cancellable_is_cancelled (request->cancellable))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED, _ ("The request to %s was cancelled"),
                   request->host);
      return YUN_HTTP_CANCELLED;
    }

  easy = get_thread_easy_handle ();
  if (easy == NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_NETWORK,
                   _ ("The request to %s could not be prepared (out of memory)"), request->host);
      return YUN_HTTP_NOT_SENT;
    }

  for (guint i = 0; request->headers != NULL && request->headers[i] != NULL; i++)
    headers = curl_slist_append (headers, request->headers[i]);
  /* No "Expect: 100-continue" round trip for large bodies. */
  headers = curl_slist_append (headers, "Expect:");

  state.body = response->body;
  state.max_size = request->max_response_size;
  state.server_date = -1;
  state.cancellable = request->cancellable;

  curl_easy_setopt (easy, CURLOPT_SHARE, http_share);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt (easy, CURLOPT_URL, request->url);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (easy, CURLOPT_POST, 1L);
  curl_easy_setopt (easy, CURLOPT_POSTFIELDS, request->body);
  curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request->body_len);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (easy, CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
  /* A profile's CA file replaces the system's trust store, directory included. */
  if (request->ca_file != NULL)
    {
      curl_easy_setopt (easy, CURLOPT_CAINFO, request->ca_file);
      curl_easy_setopt (easy, CURLOPT_CAPATH, NULL);
    }
  /* Unset, libcurl reads https_proxy/no_proxy from the environment. */
  if (request->proxy != NULL)
    curl_easy_setopt (easy, CURLOPT_PROXY, request->proxy);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long) request->connect_timeout_ms);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) request->total_timeout_ms);
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
  if (request->fresh_connection)
    curl_easy_setopt (easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, &state);

  started = g_get_monotonic_time ();
  code = curl_easy_perform (easy);
  response->duration_us = g_get_monotonic_time () - started;

  if (code == CURLE_OK)
    {
      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &response->status);
      response->server_date = state.server_date;
      response->content_type = g_steal_pointer (&state.content_type);
      outcome = YUN_HTTP_OK;
    }
  else
    {
      outcome = transfer_failed (request, easy, code, error_buffer, &state, error);
      g_clear_pointer (&state.content_type, g_free);
      g_byte_array_set_size (response->body, 0);
    }

  /* The handle outlives this call; leave no pointer to the stack or the header list in it. */
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt (easy, CURLOPT_POSTFIELDS, NULL);
  curl_slist_free_all (headers);

  return outcome;
}

/**
 * _yun_http_response_clear:
 * @response: a response filled by _yun_http_perform()
 *
 * Frees what @response holds, not @response itself.
 */
void
_yun_http_response_clear (YunHttpResponse *response)
{
  g_clear_pointer (&response->body, g_byte_array_unref);
  g_clear_pointer (&response->content_type, g_free);
}
