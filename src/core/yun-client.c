/* yun-client.c: a signed, rate-limited, retrying Tencent Cloud API client
 *
 * SPDX-License-Identifier: MIT
 *
 * A YunClient is immutable in what it is (credentials, endpoint) and holds a few settings
 * (proxy, CA file, timeouts, language, limits) under a mutex, so one client may serve
 * every thread of a job. _yun_client_call() is synchronous and blocks its thread: call it
 * from a worker (see _yun_client_run_async()), never from the main thread of a GUI.
 */

#define G_LOG_DOMAIN "yun-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <string.h>

#include "yun-call-private.h"
#include "yun-http-private.h"
#include "yun-log-private.h"
#include "yun-rate-limiter-private.h"

#define DEFAULT_CONNECT_TIMEOUT_MS (10 * 1000)
#define DEFAULT_TOTAL_TIMEOUT_MS (60 * 1000)
#define DEFAULT_MAX_RESPONSE_SIZE (10 * 1024 * 1024)
#define DEFAULT_MAX_ATTEMPTS 5
/* The largest clock error a Date header is believed about. */
#define MAX_CLOCK_SKEW_S (G_GINT64_CONSTANT (100) * 366 * 24 * 3600)
#define DEFAULT_LANGUAGE "zh-CN"
#define CONTENT_TYPE "application/json; charset=utf-8"

struct _YunClient
{
  GObject parent_instance;

  /* Immutable after construction */
  YunCredentials *credentials;
  YunEndpoint *endpoint;
  GMainContext *main_context; /* where "notify::clock-skew" is emitted */

  /* Settings, under lock */
  GMutex lock;
  char *proxy;
  char *ca_file;
  char *language;
  guint connect_timeout_ms;
  guint total_timeout_ms;
  gsize max_response_size;
  guint max_attempts;

  /* Server time minus local time, in seconds; atomic */
  gint64 clock_skew;
  gint skew_reported; /* atomic flag: the log line was written */
};

G_DEFINE_FINAL_TYPE (YunClient, yun_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CREDENTIALS,
  PROP_ENDPOINT,
  PROP_CLOCK_SKEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What one call reads from the settings, copied under the lock. */
typedef struct
{
  char *proxy;
  char *ca_file;
  char *language;
  guint connect_timeout_ms;
  guint total_timeout_ms;
  gsize max_response_size;
  guint max_attempts;
} CallSettings;

static void
call_settings_clear (CallSettings *settings)
{
  g_clear_pointer (&settings->proxy, g_free);
  g_clear_pointer (&settings->ca_file, g_free);
  g_clear_pointer (&settings->language, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CallSettings, call_settings_clear)

/**
 * yun_init:
 *
 * Prepares libyun for use: initialises libcurl (curl_global_init()), which is not
 * thread-safe, and starts the redacted log file, `$XDG_STATE_HOME/yundesk/yundesk.log`.
 * Call it from main() before the program starts any thread; later calls do nothing.
 * yun_client_new() calls it too, as a safety net for programs with one thread.
 */
void
yun_init (void)
{
  /* OpenSSL's exit handler would free its state while a worker thread that signed a request
   * may still be freeing its own: the process ends without it, as it ends anyway. */
  OPENSSL_init_crypto (OPENSSL_INIT_NO_ATEXIT, NULL);
  _yun_http_global_init ();
  _yun_log_init ();
}

static void
yun_client_finalize (GObject *object)
{
  YunClient *self = (YunClient *) object;

  g_clear_pointer (&self->credentials, yun_credentials_unref);
  g_clear_pointer (&self->endpoint, yun_endpoint_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->proxy, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->language, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (yun_client_parent_class)->finalize (object);
}

static void
yun_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunClient *self = YUN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_boxed (value, self->credentials);
      break;
    case PROP_ENDPOINT:
      g_value_set_boxed (value, self->endpoint);
      break;
    case PROP_CLOCK_SKEW:
      g_value_set_int64 (value, yun_client_get_clock_skew (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  YunClient *self = YUN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_boxed (value);
      break;
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_client_constructed (GObject *object)
{
  YunClient *self = YUN_CLIENT (object);

  G_OBJECT_CLASS (yun_client_parent_class)->constructed (object);

  if (self->endpoint == NULL)
    self->endpoint = yun_endpoint_new_default ();
}

static void
yun_client_class_init (YunClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_client_finalize;
  object_class->get_property = yun_client_get_property;
  object_class->set_property = yun_client_set_property;
  object_class->constructed = yun_client_constructed;

  /**
   * YunClient:credentials:
   *
   * The keys every call is signed with.
   */
  properties[PROP_CREDENTIALS]
    = g_param_spec_boxed ("credentials", NULL, NULL, YUN_TYPE_CREDENTIALS,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * YunClient:endpoint:
   *
   * Where calls go; the public China site when not set.
   */
  properties[PROP_ENDPOINT]
    = g_param_spec_boxed ("endpoint", NULL, NULL, YUN_TYPE_ENDPOINT,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * YunClient:clock-skew:
   *
   * Server time minus local time, in seconds, as learned from an
   * `AuthFailure.SignatureExpire` answer; 0 until then. Its notification is emitted on the
   * main context the client was created in, never on a worker thread.
   */
  properties[PROP_CLOCK_SKEW]
    = g_param_spec_int64 ("clock-skew", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_client_init (YunClient *self)
{
  g_mutex_init (&self->lock);
  self->main_context = g_main_context_ref_thread_default ();
  self->language = g_strdup (DEFAULT_LANGUAGE);
  self->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  self->total_timeout_ms = DEFAULT_TOTAL_TIMEOUT_MS;
  self->max_response_size = DEFAULT_MAX_RESPONSE_SIZE;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
}

/**
 * yun_client_new:
 * @credentials: the keys to sign with
 * @endpoint: (nullable): where to send calls; %NULL for the public China site
 *
 * Creates a client. Its "notify::clock-skew" is emitted on the thread-default main
 * context of the calling thread.
 *
 * Returns: (transfer full): a new #YunClient
 */
YunClient *
yun_client_new (YunCredentials *credentials, YunEndpoint *endpoint)
{
  g_return_val_if_fail (credentials != NULL, NULL);

  yun_init ();

  return g_object_new (YUN_TYPE_CLIENT, "credentials", credentials, "endpoint", endpoint, NULL);
}

/**
 * yun_client_get_credentials:
 * @self: a #YunClient
 *
 * Returns: (transfer none): the credentials
 */
YunCredentials *
yun_client_get_credentials (YunClient *self)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  return self->credentials;
}

/**
 * yun_client_get_endpoint:
 * @self: a #YunClient
 *
 * Returns: (transfer none): the endpoint
 */
YunEndpoint *
yun_client_get_endpoint (YunClient *self)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  return self->endpoint;
}

static void
replace_string (YunClient *self, char **field, const char *value)
{
  g_mutex_lock (&self->lock);
  g_free (*field);
  *field = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  g_mutex_unlock (&self->lock);
}

/**
 * yun_client_set_proxy:
 * @self: a #YunClient
 * @proxy_url: (nullable): `http://[user:password@]host:port` (or `https://`, `socks5://`);
 *   %NULL to follow the environment (`https_proxy`, `no_proxy`), which is the default
 *
 * The proxy's password is never written to a log or an error message.
 */
void
yun_client_set_proxy (YunClient *self, const char *proxy_url)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  replace_string (self, &self->proxy, proxy_url);
}

/**
 * yun_client_set_ca_file:
 * @self: a #YunClient
 * @ca_file: (nullable): a PEM file of trusted certificates, replacing the system's (a
 *   private TCE deployment's own CA); %NULL for the system's
 *
 * Certificate verification itself cannot be switched off. A certificate that does not
 * verify fails the call with %YUN_ERROR_CERTIFICATE, whose message names the host and this
 * setting; it is never retried.
 */
void
yun_client_set_ca_file (YunClient *self, const char *ca_file)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  replace_string (self, &self->ca_file, ca_file);
}

/**
 * yun_client_set_timeouts:
 * @self: a #YunClient
 * @connect_timeout_ms: limit for opening a connection; 0 for the default, 10 s
 * @total_timeout_ms: limit for one attempt, from connecting to the last byte of the
 *   answer; 0 for the default, 60 s
 */
void
yun_client_set_timeouts (YunClient *self, guint connect_timeout_ms, guint total_timeout_ms)
{
  g_return_if_fail (YUN_IS_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->connect_timeout_ms
    = connect_timeout_ms != 0 ? connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
  self->total_timeout_ms = total_timeout_ms != 0 ? total_timeout_ms : DEFAULT_TOTAL_TIMEOUT_MS;
  g_mutex_unlock (&self->lock);
}

/**
 * yun_client_set_language:
 * @self: a #YunClient
 * @language: (nullable): `zh-CN` (the default) or `en-US`, the language of the service's
 *   error messages (X-TC-Language); %NULL for the default
 */
void
yun_client_set_language (YunClient *self, const char *language)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  replace_string (self, &self->language, language != NULL ? language : DEFAULT_LANGUAGE);
}

/**
 * yun_client_set_max_response_size:
 * @self: a #YunClient
 * @max_bytes: the largest answer accepted; 0 for the default, 10 MiB
 *
 * A larger answer fails the call with %YUN_ERROR_PROTOCOL.
 */
void
yun_client_set_max_response_size (YunClient *self, gsize max_bytes)
{
  g_return_if_fail (YUN_IS_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->max_response_size
    = max_bytes != 0 ? MIN (max_bytes, (gsize) G_MAXINT) : DEFAULT_MAX_RESPONSE_SIZE;
  g_mutex_unlock (&self->lock);
}

/**
 * yun_client_set_max_attempts:
 * @self: a #YunClient
 * @max_attempts: how many times a call may be sent, 1 for no retry; 0 for the default, 5
 */
void
yun_client_set_max_attempts (YunClient *self, guint max_attempts)
{
  g_return_if_fail (YUN_IS_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->max_attempts = max_attempts != 0 ? max_attempts : DEFAULT_MAX_ATTEMPTS;
  g_mutex_unlock (&self->lock);
}

/**
 * yun_client_get_clock_skew:
 * @self: a #YunClient
 *
 * Returns: server time minus local time in seconds, as learned from the service (0 until
 *   it refused a timestamp); positive when the local clock is behind
 */
gint64
yun_client_get_clock_skew (YunClient *self)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), 0);
  return __atomic_load_n (&self->clock_skew, __ATOMIC_SEQ_CST);
}

static gboolean
notify_clock_skew_cb (gpointer user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), properties[PROP_CLOCK_SKEW]);
  return G_SOURCE_REMOVE;
}

/* Called on a worker thread. The notification goes to the client's main context through
 * an idle source: g_main_context_invoke() would run it right here when that context is the
 * global default and nobody owns it at this moment. */
static void
learn_clock_skew (YunClient *self, gint64 skew)
{
  g_autoptr (GSource) source = NULL;
  g_autofree char *text = NULL;

  __atomic_store_n (&self->clock_skew, skew, __ATOMIC_SEQ_CST);

  if (g_atomic_int_compare_and_exchange (&self->skew_reported, 0, 1))
    {
      text = _yun_format_skew (skew);
      g_message ("Local clock is %s the service; corrected", text);
    }

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, notify_clock_skew_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[yun] notify clock-skew");
  g_source_attach (source, self->main_context);
}

static void
copy_settings (YunClient *self, CallSettings *settings)
{
  g_mutex_lock (&self->lock);
  settings->proxy = g_strdup (self->proxy);
  settings->ca_file = g_strdup (self->ca_file);
  settings->language = g_strdup (self->language);
  settings->connect_timeout_ms = self->connect_timeout_ms;
  settings->total_timeout_ms = self->total_timeout_ms;
  settings->max_response_size = self->max_response_size;
  settings->max_attempts = self->max_attempts;
  g_mutex_unlock (&self->lock);
}

/* One signed POST. Returns the Response object or NULL with @error and @outcome. */
static json_object *
attempt_once (YunClient *self,
              const CallSettings *settings,
              YunService service,
              const char *url,
              const char *host,
              const char *action,
              const char *region,
              const char *body,
              gsize body_len,
              YunCallFlags flags,
              GCancellable *cancellable,
              YunAttemptOutcome *outcome,
              YunHttpResponse *response,
              GError **error)
{
  const char *session_token = yun_credentials_peek_session_token (self->credentials);
  g_autoptr (YunSignature) signature = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *timestamp = NULL;
  YunHttpRequest request = { 0 };
  YunHeader signed_headers[] = {
    { "Content-Type", CONTENT_TYPE },
    { "Host", host },
    { "X-TC-Action", action },
  };
  YunSignRequest sign_request = {
    .method = "POST",
    .headers = signed_headers,
    .n_headers = G_N_ELEMENTS (signed_headers),
    .payload = body,
    .payload_len = body_len,
    .service = yun_service_get_name (service),
  };
  GError *local_error = NULL;
  json_object *result;

  /* A fresh timestamp per attempt, corrected by what the service taught us. */
  sign_request.timestamp = g_get_real_time () / G_USEC_PER_SEC + yun_client_get_clock_skew (self);
  timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, sign_request.timestamp);
  signature = yun_signer_sign (&sign_request, yun_credentials_get_secret_id (self->credentials),
                               yun_credentials_peek_secret_key (self->credentials));

  g_ptr_array_add (lines, g_strdup ("Content-Type: " CONTENT_TYPE));
  g_ptr_array_add (lines, g_strdup_printf ("Host: %s", host));
  g_ptr_array_add (lines, g_strdup_printf ("X-TC-Action: %s", action));
  g_ptr_array_add (lines, g_strdup_printf ("X-TC-Version: %s", yun_service_get_version (service)));
  g_ptr_array_add (lines, g_strdup_printf ("X-TC-Timestamp: %s", timestamp));
  if (region != NULL && *region != '\0')
    g_ptr_array_add (lines, g_strdup_printf ("X-TC-Region: %s", region));
  if (session_token != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("X-TC-Token: %s", session_token));
  if (settings->language != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("X-TC-Language: %s", settings->language));
  g_ptr_array_add (lines, g_strdup ("X-TC-RequestClient: " PACKAGE_NAME "/" PACKAGE_VERSION));
  g_ptr_array_add (lines, g_strdup_printf ("Authorization: %s", signature->authorization));
  g_ptr_array_add (lines, NULL);

  request.url = url;
  request.host = host;
  request.headers = (const char *const *) lines->pdata;
  request.body = body;
  request.body_len = body_len;
  request.proxy = settings->proxy;
  request.ca_file = settings->ca_file;
  request.connect_timeout_ms = settings->connect_timeout_ms;
  request.total_timeout_ms = settings->total_timeout_ms;
  request.max_response_size = settings->max_response_size;
  request.cancellable = cancellable;
  /* A mutating call must reach the service at most once per attempt we decide on. */
  request.fresh_connection = (flags & YUN_CALL_SAFE) == 0;

  switch (_yun_http_perform (&request, response, &local_error))
    {
    case YUN_HTTP_OK:
      break;
    case YUN_HTTP_NOT_SENT:
      *outcome = YUN_ATTEMPT_NOT_SENT;
      g_propagate_error (error, local_error);
      return NULL;
    case YUN_HTTP_FAILED:
      *outcome = YUN_ATTEMPT_TRANSPORT;
      g_propagate_error (error, local_error);
      return NULL;
    case YUN_HTTP_CANCELLED:
      *outcome = YUN_ATTEMPT_CANCELLED;
      g_propagate_error (error, local_error);
      return NULL;
    case YUN_HTTP_TOO_LARGE:
    case YUN_HTTP_UNTRUSTED:
    default:
      *outcome = YUN_ATTEMPT_FATAL;
      g_propagate_error (error, local_error);
      return NULL;
    }

  result = _yun_envelope_parse (host, response->status, response->content_type,
                                response->body->data, response->body->len, outcome, error);

  if (_yun_log_debug_enabled ("http"))
    {
      g_autofree char *redacted
        = _yun_log_redact_body ((const char *) response->body->data, response->body->len);

      g_debug ("answer to %s: HTTP %ld %s", action, response->status, redacted);
    }

  return result;
}

static void
log_attempt (const char *action,
             const char *region,
             const char *host,
             const char *proxy,
             const YunHttpResponse *response,
             json_object *result,
             const GError *error,
             guint attempt,
             guint max_attempts)
{
  const char *request_id = NULL;
  json_object *member;

  if (result != NULL && json_object_object_get_ex (result, "RequestId", &member))
    request_id = json_object_get_string (member);
  else if (error != NULL)
    request_id = yun_error_get_request_id (error);

  /* error->message never holds a secret: the messages are built here and in yun-http.c
   * from the host, a status and libcurl's own text. */
  g_debug ("%s region=%s host=%s%s%s HTTP %ld RequestId=%s attempt %u/%u %.0f ms%s%s", action,
           region != NULL ? region : "-", host, proxy != NULL ? " via " : "",
           proxy != NULL ? proxy : "", response->status, request_id != NULL ? request_id : "-",
           attempt, max_attempts, (double) response->duration_us / 1000.0,
           error != NULL ? ": " : "", error != NULL ? error->message : "");
}

/**
 * _yun_client_call:
 * @self: a #YunClient
 * @service: the product
 * @action: the API action, such as `DescribeInstances`
 * @region: (nullable): the X-TC-Region, %NULL for an action that takes none
 * @params: (nullable) (transfer none): the request parameters, %NULL for `{}`
 * @flags: whether the call is safe to repeat after an ambiguous failure
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError in the %YUN_ERROR domain
 *
 * See yun-client-private.h. Blocks the calling thread.
 *
 * Returns: (transfer full) (nullable): the `Response` object of the answer
 */
json_object *
_yun_client_call (YunClient *self,
                  YunService service,
                  const char *action,
                  const char *region,
                  json_object *params,
                  YunCallFlags flags,
                  GCancellable *cancellable,
                  GError **error)
{
  g_auto (CallSettings) settings = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  g_autofree char *safe_proxy = NULL;
  const char *body;
  gsize body_len;
  gboolean skew_retried = FALSE;
  guint max_attempts;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  g_return_val_if_fail (action != NULL && *action != '\0', NULL);
  g_return_val_if_fail (params == NULL || json_object_is_type (params, json_type_object), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  copy_settings (self, &settings);
  url = yun_endpoint_dup_url (self->endpoint, service);
  host = yun_endpoint_dup_host (self->endpoint, service);
  safe_proxy = _yun_http_dup_safe_proxy (settings.proxy);
  max_attempts = settings.max_attempts;

  body = params != NULL ? json_object_to_json_string_ext (params, JSON_C_TO_STRING_PLAIN) : "{}";
  body_len = strlen (body);

  if (_yun_log_debug_enabled ("http"))
    {
      g_autofree char *redacted = params != NULL ? _yun_log_redact_json (params) : g_strdup ("{}");

      g_debug ("request to %s: %s region=%s %s", host, action, region != NULL ? region : "-",
               redacted);
    }

  for (guint attempt = 1;; attempt++)
    {
      g_auto (YunHttpResponse) response = { 0 };
      g_autoptr (GError) local_error = NULL;
      YunAttemptOutcome outcome = YUN_ATTEMPT_FATAL;
      json_object *result;

      if (!_yun_rate_limiter_acquire (_yun_rate_limiter_get_default (),
                                      yun_credentials_get_secret_id (self->credentials), action,
                                      cancellable, error))
        return NULL;

      result = attempt_once (self, &settings, service, url, host, action, region, body, body_len,
                             flags, cancellable, &outcome, &response, &local_error);
      log_attempt (action, region, host, safe_proxy, &response, result, local_error, attempt,
                   max_attempts);

      if (result != NULL)
        return result;

      g_assert (local_error != NULL);

      if (outcome == YUN_ATTEMPT_CLOCK_SKEW)
        {
          gint64 skew;

          /* Learn the offset from the answer's Date header and try once more, outside
           * the attempt budget: the service refused before doing anything. */
          if (skew_retried || response.server_date < 0)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          skew_retried = TRUE;
          skew = response.server_date - g_get_real_time () / G_USEC_PER_SEC;
          /* No clock is a century off: a Date header that says so is not believed. */
          if (ABS (skew) > MAX_CLOCK_SKEW_S)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          learn_clock_skew (self, skew);
          max_attempts++;
          continue;
        }

      if (attempt >= max_attempts || !_yun_attempt_should_retry (outcome, flags))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (!_yun_wait_until (
            g_get_monotonic_time () + (gint64) _yun_backoff_delay_ms (attempt) * 1000, cancellable))
        {
          /* Translators: %s is the name of a Tencent Cloud API action, such as
           * DescribeInstances. */
          g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED, _ ("%s was cancelled"), action);
          return NULL;
        }
    }
}

typedef struct
{
  YunClientWorkFunc func;
  gpointer input;
  GDestroyNotify input_free;
  GDestroyNotify result_free;
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  if (run->input_free != NULL && run->input != NULL)
    run->input_free (run->input);
  g_free (run);
}

static void
run_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = run->func (YUN_CLIENT (source_object), run->input, cancellable, &error);
  if (error != NULL)
    {
      if (result != NULL && run->result_free != NULL)
        run->result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, run->result_free);
}

/**
 * _yun_client_run_async:
 * @self: a #YunClient
 * @func: the work, run on a worker thread
 * @input: (transfer full) (nullable): handed to @func
 * @input_free: (nullable): frees @input once the task is done
 * @result_free: (nullable): frees a result nobody collected
 * @source_tag: the public `_async` function, checked by _yun_client_run_finish()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 */
void
_yun_client_run_async (YunClient *self,
                       YunClientWorkFunc func,
                       gpointer input,
                       GDestroyNotify input_free,
                       GDestroyNotify result_free,
                       gpointer source_tag,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RunData *run;

  g_return_if_fail (YUN_IS_CLIENT (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run = g_new0 (RunData, 1);
  run->func = func;
  run->input = input;
  run->input_free = input_free;
  run->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, run, run_data_free);
  g_task_run_in_thread (task, run_in_thread);
}

/**
 * _yun_client_run_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @source_tag: the same tag as given to _yun_client_run_async()
 * @error: return location for a #GError; cancellation is reported as
 *   %YUN_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): what the work function returned
 */
gpointer
_yun_client_run_finish (YunClient *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  GError *local_error = NULL;
  gpointer ret;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  ret = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      /* GTask reports cancellation in the GIO domain; callers of libyun expect ours. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&local_error);
          g_set_error_literal (&local_error, YUN_ERROR, YUN_ERROR_CANCELLED,
                               _ ("The operation was cancelled"));
        }
      g_propagate_error (error, local_error);
      return NULL;
    }
  return ret;
}
