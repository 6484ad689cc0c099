/* test-transport.c: envelope parsing, retry policy, redaction, and the whole client
 * against a tiny HTTP stub on loopback for the answers yunsim does not give (web pages,
 * huge bodies, malformed JSON)
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "yun-call-private.h"
#include "yun-client-private.h"
#include "yun-http-private.h"
#include "yun-log-private.h"
#include "yun-rate-limiter-private.h"

#define TEST_SECRET_ID "AKIDtransportTESTxxxxxxxxxxxxxxxxxxx"
#define TEST_SECRET_KEY "transportTestSecretKey0123456789"
#define TEST_TOKEN "sessionTokenThatMustNotLeak42"
#define TEST_PASSWORD "Hunter2!Password"

/* Everything logged by the process, to prove no secret reaches a log line. */
static GMutex log_lock;
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags log_level,
                const GLogField *fields,
                gsize n_fields,
                gpointer user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_lock);

  if (log_level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* ---- Pure pieces ------------------------------------------------------------------- */

static json_object *
parse (long status,
       const char *content_type,
       const char *body,
       YunAttemptOutcome *outcome,
       GError **error)
{
  return _yun_envelope_parse ("cvm.tencentcloudapi.com", status, content_type,
                              (const guint8 *) body, strlen (body), outcome, error);
}

static void
test_envelope_success (void)
{
  g_autoptr (json_object) response = NULL;
  g_autoptr (GError) error = NULL;
  YunAttemptOutcome outcome;
  json_object *member;

  response
    = parse (200, "application/json",
             "{\"Response\": {\"TotalCount\": 1, \"RequestId\": \"req-1\"}}\n", &outcome, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_OK);
  g_assert_true (json_object_object_get_ex (response, "RequestId", &member));
  g_assert_cmpstr (json_object_get_string (member), ==, "req-1");
}

static void
test_envelope_error (void)
{
  g_autoptr (GError) error = NULL;
  YunAttemptOutcome outcome;

  g_assert_null (parse (200, "application/json",
                        "{\"Response\": {\"Error\": {\"Code\": \"AuthFailure.SignatureFailure\", "
                        "\"Message\": \"bad signature\"}, \"RequestId\": \"req-2\"}}",
                        &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_AUTHENTICATION);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_FATAL);
  g_assert_cmpstr (yun_error_get_code (error), ==, "AuthFailure.SignatureFailure");
  g_assert_cmpstr (yun_error_get_request_id (error), ==, "req-2");
  g_assert_cmpstr (yun_error_get_server_message (error), ==, "bad signature");
  g_clear_error (&error);

  g_assert_null (parse (200, NULL,
                        "{\"Response\": {\"Error\": {\"Code\": \"RequestLimitExceeded\", "
                        "\"Message\": \"slow down\"}, \"RequestId\": \"r\"}}",
                        &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_THROTTLED);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_THROTTLED);
  g_clear_error (&error);

  g_assert_null (parse (200, NULL,
                        "{\"Response\": {\"Error\": {\"Code\": \"InternalError\", "
                        "\"Message\": \"oops\"}, \"RequestId\": \"r\"}}",
                        &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_SERVER_ERROR);
  g_clear_error (&error);

  g_assert_null (parse (200, NULL,
                        "{\"Response\": {\"Error\": {\"Code\": \"AuthFailure.SignatureExpire\", "
                        "\"Message\": \"expired\"}, \"RequestId\": \"r\"}}",
                        &outcome, &error));
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_CLOCK_SKEW);
}

/* Codes in a sentence: exact codes, families by their prefix, TAT task statuses; none for a
 * code it does not know. */
static void
test_describe_code (void)
{
  g_assert_cmpstr (yun_error_describe_code ("InternalError"), ==,
                   "Tencent Cloud had an internal error; the call may be retried.");
  g_assert_cmpstr (yun_error_describe_code ("InvalidInstanceId.NotFound"), ==,
                   "The instance no longer exists.");
  g_assert_cmpstr (
    yun_error_describe_code ("AuthFailure.SignatureExpire"), ==,
    "The credentials were refused: check the SecretId and SecretKey, and the clock.");
  g_assert_cmpstr (yun_error_describe_code ("LimitExceeded.InstanceQuota"), ==,
                   "An account quota was reached.");
  g_assert_cmpstr (yun_error_describe_code ("AGENT_OFFLINE"), ==,
                   "The TAT agent on the instance is offline.");
  g_assert_null (yun_error_describe_code ("FailedOperation.SomethingNew"));
  g_assert_null (yun_error_describe_code (""));
  g_assert_null (yun_error_describe_code (NULL));
}

static void
assert_protocol_error (long status,
                       const char *content_type,
                       const char *body,
                       const char *expected_part)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *status_text = g_strdup_printf ("HTTP %ld", status);
  YunAttemptOutcome outcome;

  g_assert_null (parse (status, content_type, body, &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_FATAL);
  g_assert_nonnull (strstr (error->message, status_text));
  g_assert_nonnull (strstr (error->message, "cvm.tencentcloudapi.com"));
  if (expected_part != NULL)
    g_assert_nonnull (strstr (error->message, expected_part));
  /* Never the body itself */
  g_assert_null (strstr (error->message, "s3cr3t"));
}

static void
test_envelope_malformed (void)
{
  g_autoptr (GError) error = NULL;
  YunAttemptOutcome outcome;

  assert_protocol_error (200, "text/html", "<html><body>Proxy login s3cr3t</body></html>",
                         "web page");
  assert_protocol_error (200, NULL, "  <!DOCTYPE html><p>s3cr3t</p>", "web page");
  assert_protocol_error (200, NULL, "{\"Response\": {\"RequestId\": \"s3cr3t", "middle");
  assert_protocol_error (200, NULL, "{\"Response\": {\"RequestId\": \"s3cr3t\xff\xfe\"}}", "UTF-8");
  assert_protocol_error (200, NULL, "{\"Response\": [\"s3cr3t\"]}", "Response");
  assert_protocol_error (200, NULL, "{\"response\": {\"RequestId\": \"s3cr3t\"}}", "Response");
  assert_protocol_error (200, NULL, "[1, 2, 3]", "Response");
  assert_protocol_error (200, NULL, "{\"Response\": {\"RequestId\": 42}}", "RequestId");
  assert_protocol_error (200, NULL,
                         "{\"Response\": {\"Error\": {\"Code\": 7, \"Message\": \"s3cr3t\"}, "
                         "\"RequestId\": \"r\"}}",
                         "Error");
  assert_protocol_error (200, NULL, "{\"Response\": {\"Error\": \"s3cr3t\", \"RequestId\": \"r\"}}",
                         "Error");
  assert_protocol_error (200, NULL, "{\"Response\": {\"RequestId\": \"r\"}} trailing s3cr3t",
                         "JSON");
  assert_protocol_error (200, NULL, "not json s3cr3t", "JSON");
  assert_protocol_error (404, NULL, "", "empty");
  assert_protocol_error (407, "text/html", "<html>Proxy Authentication Required</html>", NULL);

  /* A gateway's error page is the service being unavailable, not a protocol problem. */
  g_assert_null (parse (502, "text/html", "<html>Bad Gateway</html>", &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "HTTP 502"));
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_SERVER_ERROR);
  g_clear_error (&error);

  g_assert_null (parse (503, NULL, "", &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  g_assert_null (parse (429, NULL, "Too Many Requests", &outcome, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_THROTTLED);
  g_assert_cmpint (outcome, ==, YUN_ATTEMPT_THROTTLED);
}

static void
test_retry_policy (void)
{
  static const struct
  {
    YunAttemptOutcome outcome;
    gboolean mutating;
    gboolean safe;
  } table[] = {
    { YUN_ATTEMPT_THROTTLED, TRUE, TRUE },   { YUN_ATTEMPT_NOT_SENT, TRUE, TRUE },
    { YUN_ATTEMPT_CLOCK_SKEW, TRUE, TRUE },  { YUN_ATTEMPT_SERVER_ERROR, FALSE, TRUE },
    { YUN_ATTEMPT_TRANSPORT, FALSE, TRUE },  { YUN_ATTEMPT_FATAL, FALSE, FALSE },
    { YUN_ATTEMPT_CANCELLED, FALSE, FALSE }, { YUN_ATTEMPT_OK, FALSE, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_assert_cmpint (_yun_attempt_should_retry (table[i].outcome, YUN_CALL_MUTATING), ==,
                       table[i].mutating);
      g_assert_cmpint (_yun_attempt_should_retry (table[i].outcome, YUN_CALL_SAFE), ==,
                       table[i].safe);
    }

  g_assert_cmpint (_yun_attempt_outcome_for_code ("RequestLimitExceeded"), ==,
                   YUN_ATTEMPT_THROTTLED);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("RequestLimitExceeded.UinLimitExceeded"), ==,
                   YUN_ATTEMPT_THROTTLED);
  g_assert_cmpint (
    _yun_attempt_outcome_for_code ("RequestLimitExceeded.GlobalRegionUinLimitExceeded"), ==,
    YUN_ATTEMPT_THROTTLED);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("InternalError"), ==, YUN_ATTEMPT_SERVER_ERROR);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("InternalError.TradeUnknownError"), ==,
                   YUN_ATTEMPT_SERVER_ERROR);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("ServiceUnavailable"), ==,
                   YUN_ATTEMPT_SERVER_ERROR);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("AuthFailure.SignatureExpire"), ==,
                   YUN_ATTEMPT_CLOCK_SKEW);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("AuthFailure.SignatureFailure"), ==,
                   YUN_ATTEMPT_FATAL);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("LimitExceeded"), ==, YUN_ATTEMPT_FATAL);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("RequestLimitExceededX"), ==, YUN_ATTEMPT_FATAL);
  g_assert_cmpint (_yun_attempt_outcome_for_code ("InvalidInstanceId.NotFound"), ==,
                   YUN_ATTEMPT_FATAL);
}

static void
test_backoff (void)
{
  g_assert_cmpuint (_yun_backoff_ceiling_ms (1), ==, 200);
  g_assert_cmpuint (_yun_backoff_ceiling_ms (2), ==, 400);
  g_assert_cmpuint (_yun_backoff_ceiling_ms (3), ==, 800);
  g_assert_cmpuint (_yun_backoff_ceiling_ms (5), ==, 3200);
  g_assert_cmpuint (_yun_backoff_ceiling_ms (6), ==, 5000);
  g_assert_cmpuint (_yun_backoff_ceiling_ms (60), ==, 5000);

  for (guint i = 0; i < 1000; i++)
    {
      guint attempt = 1 + i % 8;

      g_assert_cmpuint (_yun_backoff_delay_ms (attempt), <=, _yun_backoff_ceiling_ms (attempt));
    }
}

static void
test_format (void)
{
  g_autofree char *behind = _yun_format_skew (420);
  g_autofree char *ahead = _yun_format_skew (-3);
  g_autofree char *hours = _yun_format_skew (3725);
  g_autofree char *sixty = _yun_http_format_duration (60000);
  g_autofree char *half = _yun_http_format_duration (1500);
  g_autofree char *proxy = _yun_http_dup_safe_proxy ("http://user:pa55word@proxy.example:3128");
  g_autofree char *bare = _yun_http_dup_safe_proxy ("bob:pa55word@proxy.example:8080");

  g_assert_cmpstr (behind, ==, "7 min 0 s behind");
  g_assert_cmpstr (ahead, ==, "3 s ahead of");
  g_assert_cmpstr (hours, ==, "1 h 2 min 5 s behind");
  g_assert_cmpstr (sixty, ==, "60 s");
  g_assert_cmpstr (half, ==, "1500 ms");
  g_assert_cmpstr (proxy, ==, "http://proxy.example:3128");
  g_assert_cmpstr (bare, ==, "http://proxy.example:8080");
}

static void
test_redaction (void)
{
  g_autoptr (json_object) obj = json_tokener_parse (
    "{\"SecretId\": \"AKIDvisible\", \"SecretKey\": \"k3y\", \"Token\": \"t0k\","
    " \"ClientToken\": \"ct-visible\", \"InstanceIds\": [\"ins-visible\"],"
    " \"LoginSettings\": {\"Password\": \"pw1\", \"KeyIds\": [\"skey-visible\"]},"
    " \"Nested\": [{\"password\": \"pw2\"}, {\"authorization\": \"TC3 abc\"}],"
    " \"UserData\": \"dXNlcmRhdGE=\", \"Credentials\": {\"x\": \"c1\"},"
    " \"X-TC-Token\": \"t2\", \"Content\": \"Y29udGVudA==\"}");
  g_autofree char *text = NULL;
  g_autofree char *original = NULL;
  g_autofree char *body = NULL;
  g_autofree char *not_json = NULL;

  g_assert_nonnull (obj);
  original = g_strdup (json_object_to_json_string (obj));
  text = _yun_log_redact_json (obj);

  for (const char *const *s = (const char *const[]){ "k3y", "t0k", "pw1", "pw2", "TC3 abc",
                                                     "dXNlcmRhdGE=", "c1", "t2", NULL };
       *s != NULL; s++)
    g_assert_null (strstr (text, *s));
  for (const char *const *s = (const char *const[]){ "AKIDvisible", "ct-visible", "ins-visible",
                                                     "skey-visible", "Y29udGVudA==", "***", NULL };
       *s != NULL; s++)
    g_assert_nonnull (strstr (text, *s));

  /* The caller's object is not touched. */
  g_assert_cmpstr (json_object_to_json_string (obj), ==, original);

  body = _yun_log_redact_body ("{\"Password\": \"pw3\"}", 19);
  g_assert_null (strstr (body, "pw3"));
  not_json = _yun_log_redact_body ("Password=pw4", 12);
  g_assert_null (strstr (not_json, "pw4"));

  g_assert_true (_yun_log_key_is_secret ("password"));
  g_assert_true (_yun_log_key_is_secret ("NewPassword"));
  g_assert_true (_yun_log_key_is_secret ("SecretKey"));
  g_assert_true (_yun_log_key_is_secret ("SessionToken"));
  g_assert_false (_yun_log_key_is_secret ("SecretId"));
  g_assert_false (_yun_log_key_is_secret ("ClientToken"));
  g_assert_false (_yun_log_key_is_secret ("InstanceName"));
}

/* ---- The HTTP stub ----------------------------------------------------------------- */

typedef struct _Stub Stub;

typedef struct
{
  int status;
  char *headers; /* extra "Name: value\r\n" lines */
  GBytes *body;
  guint stall_ms;
  gboolean drop; /* close without an answer */
} StubReply;

typedef StubReply *(*StubHandler) (Stub *stub, guint n, GHashTable *headers, const char *body);

struct _Stub
{
  GSocketListener *listener;
  GCancellable *cancellable;
  GThread *accept_thread;
  char *url;
  GMutex lock;
  GPtrArray *threads;
  guint n_requests;
  GHashTable *last_headers;
  char *last_body;
  StubHandler handler;
};

static StubReply *
reply_new (int status, const char *headers, const char *body)
{
  StubReply *reply = g_new0 (StubReply, 1);

  reply->status = status;
  reply->headers = g_strdup (headers != NULL ? headers : "");
  reply->body = g_bytes_new (body, strlen (body));
  return reply;
}

static StubReply *
reply_ok (void)
{
  return reply_new (200, "Content-Type: application/json\r\n",
                    "{\"Response\": {\"Answer\": 42, \"RequestId\": \"stub-ok\"}}");
}

static StubReply *
reply_tencent_error (const char *code)
{
  g_autofree char *body = g_strdup_printf (
    "{\"Response\": {\"Error\": {\"Code\": \"%s\", \"Message\": \"stub says %s\"}, "
    "\"RequestId\": \"stub-err\"}}",
    code, code);

  return reply_new (200, "Content-Type: application/json\r\n", body);
}

static void
reply_free (StubReply *reply)
{
  g_free (reply->headers);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

typedef struct
{
  Stub *stub;
  GSocketConnection *connection;
} ConnectionJob;

static gpointer
connection_thread (gpointer data)
{
  ConnectionJob *job = data;
  Stub *stub = job->stub;
  g_autoptr (GSocketConnection) connection = job->connection;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GDataInputStream) lines = g_data_input_stream_new (input);
  g_autoptr (GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  StubReply *reply;
  gsize content_length = 0;
  gsize got = 0;
  char *line;
  guint n;

  g_free (job);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  /* Request line, then headers */
  line = g_data_input_stream_read_line (lines, NULL, stub->cancellable, NULL);
  if (line == NULL)
    return NULL;
  g_free (line);
  while ((line = g_data_input_stream_read_line (lines, NULL, stub->cancellable, NULL)) != NULL)
    {
      char *colon = strchr (line, ':');

      if (*line == '\0')
        {
          g_free (line);
          break;
        }
      if (colon != NULL)
        {
          *colon = '\0';
          g_hash_table_replace (headers, g_ascii_strdown (line, -1),
                                g_strstrip (g_strdup (colon + 1)));
        }
      g_free (line);
    }
  if (g_hash_table_contains (headers, "content-length"))
    content_length = g_ascii_strtoull (g_hash_table_lookup (headers, "content-length"), NULL, 10);
  body = g_malloc0 (content_length + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (lines), body, content_length, &got,
                                stub->cancellable, NULL)
      || got != content_length)
    return NULL;

  g_mutex_lock (&stub->lock);
  n = ++stub->n_requests;
  g_clear_pointer (&stub->last_headers, g_hash_table_unref);
  stub->last_headers = g_hash_table_ref (headers);
  g_free (stub->last_body);
  stub->last_body = g_strdup (body);
  g_mutex_unlock (&stub->lock);

  reply = stub->handler (stub, n, headers, body);

  if (reply->stall_ms > 0)
    _yun_wait_until (g_get_monotonic_time () + (gint64) reply->stall_ms * 1000, stub->cancellable);

  if (!reply->drop)
    {
      gsize len = g_bytes_get_size (reply->body);

      head = g_strdup_printf ("HTTP/1.1 %d Stub\r\nContent-Length: %" G_GSIZE_FORMAT
                              "\r\nConnection: close\r\n%s\r\n",
                              reply->status, len, reply->headers);
      if (g_output_stream_write_all (output, head, strlen (head), NULL, NULL, NULL))
        g_output_stream_write_all (output, g_bytes_get_data (reply->body, NULL), len, NULL, NULL,
                                   NULL);
    }
  reply_free (reply);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  Stub *stub = data;

  for (;;)
    {
      GSocketConnection *connection;
      ConnectionJob *job;

      connection = g_socket_listener_accept (stub->listener, NULL, stub->cancellable, NULL);
      if (connection == NULL)
        break;
      job = g_new0 (ConnectionJob, 1);
      job->stub = stub;
      job->connection = connection;
      g_mutex_lock (&stub->lock);
      g_ptr_array_add (stub->threads, g_thread_new ("stub-connection", connection_thread, job));
      g_mutex_unlock (&stub->lock);
    }
  return NULL;
}

static Stub *
stub_new (StubHandler handler)
{
  Stub *stub = g_new0 (Stub, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  g_mutex_init (&stub->lock);
  stub->handler = handler;
  stub->threads = g_ptr_array_new ();
  stub->cancellable = g_cancellable_new ();
  stub->listener = g_socket_listener_new ();
  g_socket_listener_add_address (stub->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  stub->url = g_strdup_printf ("http://127.0.0.1:%u/",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  stub->accept_thread = g_thread_new ("stub-accept", accept_thread, stub);
  return stub;
}

static guint
stub_get_requests (Stub *stub)
{
  guint n;

  g_mutex_lock (&stub->lock);
  n = stub->n_requests;
  g_mutex_unlock (&stub->lock);
  return n;
}

static void
stub_free (Stub *stub)
{
  g_cancellable_cancel (stub->cancellable);
  g_thread_join (stub->accept_thread);
  for (guint i = 0; i < stub->threads->len; i++)
    g_thread_join (g_ptr_array_index (stub->threads, i));
  g_socket_listener_close (stub->listener);
  g_object_unref (stub->listener);
  g_object_unref (stub->cancellable);
  g_ptr_array_unref (stub->threads);
  g_clear_pointer (&stub->last_headers, g_hash_table_unref);
  g_free (stub->last_body);
  g_free (stub->url);
  g_mutex_clear (&stub->lock);
  g_free (stub);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stub, stub_free)

static YunClient *
client_for_stub (Stub *stub, const char *session_token)
{
  g_autoptr (YunCredentials) credentials
    = yun_credentials_new (TEST_SECRET_ID, TEST_SECRET_KEY, session_token);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  YunClient *client;

  endpoint = yun_endpoint_new_for_base_url (stub->url, &error);
  g_assert_no_error (error);
  client = yun_client_new (credentials, endpoint);
  yun_client_set_max_attempts (client, 3);
  return client;
}

static void
json_free (gpointer data)
{
  json_object_put (data);
}

static json_object *
call (YunClient *client,
      const char *action,
      YunCallFlags flags,
      GCancellable *cancellable,
      GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();

  json_object_object_add (params, "Limit", json_object_new_int (10));
  return _yun_client_call (client, YUN_SERVICE_CVM, action, "ap-guangzhou", params, flags,
                           cancellable, error);
}

/* ---- Against the stub -------------------------------------------------------------- */

/* How far the request's X-TC-Timestamp is from the local clock, in seconds */
static gint64
request_age (GHashTable *headers)
{
  const char *timestamp = g_hash_table_lookup (headers, "x-tc-timestamp");

  g_assert_nonnull (timestamp);
  return g_get_real_time () / G_USEC_PER_SEC - g_ascii_strtoll (timestamp, NULL, 10);
}

static StubReply *
handle_ok (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  return reply_ok ();
}

static void
test_client_request_shape (void)
{
  g_autoptr (Stub) stub = stub_new (handle_ok);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (json_object) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSignature) signature = NULL;
  g_autofree char *host = NULL;
  GHashTable *h;
  json_object *member;

  response = call (client, "DescribeInstances", YUN_CALL_SAFE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_object_get_ex (response, "Answer", &member));
  g_assert_cmpint (json_object_get_int (member), ==, 42);

  h = stub->last_headers;
  host = g_strdup_printf ("127.0.0.1:%s", strrchr (stub->url, ':') + 1);
  host[strlen (host) - 1] = '\0'; /* the URL's trailing '/' */
  g_assert_cmpstr (g_hash_table_lookup (h, "host"), ==, host);
  g_assert_cmpstr (g_hash_table_lookup (h, "content-type"), ==, "application/json; charset=utf-8");
  g_assert_cmpstr (g_hash_table_lookup (h, "x-tc-action"), ==, "DescribeInstances");
  g_assert_cmpstr (g_hash_table_lookup (h, "x-tc-version"), ==, "2017-03-12");
  g_assert_cmpstr (g_hash_table_lookup (h, "x-tc-region"), ==, "ap-guangzhou");
  g_assert_cmpstr (g_hash_table_lookup (h, "x-tc-language"), ==, "zh-CN");
  g_assert_cmpstr (g_hash_table_lookup (h, "x-tc-requestclient"), ==, "YunDesk/" PACKAGE_VERSION);
  g_assert_false (g_hash_table_contains (h, "x-tc-token"));
  g_assert_false (g_hash_table_contains (h, "expect"));
  g_assert_cmpstr (stub->last_body, ==, "{\"Limit\":10}");

  /* The signature covers exactly what was sent. */
  {
    YunHeader signed_headers[] = {
      { "content-type", g_hash_table_lookup (h, "content-type") },
      { "host", g_hash_table_lookup (h, "host") },
      { "x-tc-action", g_hash_table_lookup (h, "x-tc-action") },
    };
    YunSignRequest request = {
      .method = "POST",
      .headers = signed_headers,
      .n_headers = 3,
      .payload = stub->last_body,
      .payload_len = strlen (stub->last_body),
      .service = "cvm",
      .timestamp = g_ascii_strtoll (g_hash_table_lookup (h, "x-tc-timestamp"), NULL, 10),
    };

    signature = yun_signer_sign (&request, TEST_SECRET_ID, TEST_SECRET_KEY);
    g_assert_cmpstr (g_hash_table_lookup (h, "authorization"), ==, signature->authorization);
    g_assert_nonnull (
      strstr (signature->authorization, "SignedHeaders=content-type;host;x-tc-action"));
  }
  g_assert_cmpint (ABS (request_age (h)), <=, 5);
}

static void
test_client_session_token_and_language (void)
{
  g_autoptr (Stub) stub = stub_new (handle_ok);
  g_autoptr (YunClient) client = client_for_stub (stub, TEST_TOKEN);
  g_autoptr (json_object) response = NULL;
  g_autoptr (GError) error = NULL;

  yun_client_set_language (client, "en-US");
  response = _yun_client_call (client, YUN_SERVICE_TAT, "DescribeInvocations", NULL, NULL,
                               YUN_CALL_SAFE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (stub->last_headers, "x-tc-token"), ==, TEST_TOKEN);
  g_assert_cmpstr (g_hash_table_lookup (stub->last_headers, "x-tc-language"), ==, "en-US");
  g_assert_cmpstr (g_hash_table_lookup (stub->last_headers, "x-tc-version"), ==, "2020-10-28");
  g_assert_false (g_hash_table_contains (stub->last_headers, "x-tc-region"));
  g_assert_cmpstr (stub->last_body, ==, "{}");
}

static StubReply *
handle_html (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  return reply_new (200, "Content-Type: text/html\r\n",
                    "<html><body>Please log in to the proxy. s3cr3t</body></html>");
}

static void
test_client_html_page (void)
{
  g_autoptr (Stub) stub = stub_new (handle_html);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (call (client, "DescribeInstances", YUN_CALL_SAFE, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "HTTP 200"));
  g_assert_null (strstr (error->message, "s3cr3t"));
  g_assert_cmpuint (stub_get_requests (stub), ==, 1);
}

static StubReply *
handle_huge (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  StubReply *reply = g_new0 (StubReply, 1);
  gsize size = 20 * 1024 * 1024;
  char *data = g_malloc (size);

  memset (data, ' ', size);
  memcpy (data, "{\"Response\": {\"Data\": \"", 23);
  reply->status = 200;
  reply->headers = g_strdup ("Content-Type: application/json\r\n");
  reply->body = g_bytes_new_take (data, size);
  return reply;
}

static void
test_client_huge_answer (void)
{
  g_autoptr (Stub) stub = stub_new (handle_huge);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (call (client, "DescribeInstances", YUN_CALL_SAFE, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "MiB limit"));
  g_assert_cmpuint (stub_get_requests (stub), ==, 1);
}

static StubReply *
handle_503 (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  return reply_new (503, "Content-Type: text/html\r\n", "<html>Service Unavailable</html>");
}

static StubReply *
handle_internal_error (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  return reply_tencent_error ("InternalError");
}

static StubReply *
handle_drop (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  StubReply *reply = reply_ok ();

  reply->drop = TRUE;
  return reply;
}

static void
check_retries (StubHandler handler, YunError expected)
{
  g_autoptr (Stub) stub = stub_new (handler);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error));
  g_assert_error (error, YUN_ERROR, (gint) expected);
  g_assert_cmpuint (stub_get_requests (stub), ==, 1);
  g_clear_error (&error);

  g_assert_null (call (client, "DescribeInstances", YUN_CALL_SAFE, NULL, &error));
  g_assert_error (error, YUN_ERROR, (gint) expected);
  g_assert_cmpuint (stub_get_requests (stub), ==, 1 + 3);
}

static void
test_client_server_errors_retried_when_safe (void)
{
  check_retries (handle_503, YUN_ERROR_UNAVAILABLE);
  check_retries (handle_internal_error, YUN_ERROR_UNAVAILABLE);
  check_retries (handle_drop, YUN_ERROR_NETWORK);
}

static StubReply *
handle_throttle_twice (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  if (n % 3 != 0)
    return reply_tencent_error ("RequestLimitExceeded.UinLimitExceeded");
  return reply_ok ();
}

static void
test_client_throttle_retried_always (void)
{
  g_autoptr (Stub) stub = stub_new (handle_throttle_twice);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (json_object) response = NULL;
  g_autoptr (GError) error = NULL;

  /* Throttling proves the call was not made: even a mutating call is repeated. */
  response = call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (stub_get_requests (stub), ==, 3);
}

#define STUB_SKEW 420

static StubReply *
handle_skewed_clock (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  gint64 server_now = g_get_real_time () / G_USEC_PER_SEC + STUB_SKEW;
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (server_now);
  g_autofree char *date = g_date_time_format (dt, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n");
  StubReply *reply;

  if (ABS (server_now - g_ascii_strtoll (g_hash_table_lookup (headers, "x-tc-timestamp"), NULL, 10))
      > 300)
    reply = reply_tencent_error ("AuthFailure.SignatureExpire");
  else
    reply = reply_ok ();
  g_free (reply->headers);
  reply->headers = g_strconcat ("Content-Type: application/json\r\n", date, NULL);
  return reply;
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *count = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*count)++;
}

static void
test_client_clock_skew (void)
{
  g_autoptr (Stub) stub = stub_new (handle_skewed_clock);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (json_object) response = NULL;
  g_autoptr (json_object) second = NULL;
  g_autoptr (GError) error = NULL;
  guint notified = 0;
  gint64 skew = 0;

  g_signal_connect (client, "notify::clock-skew", G_CALLBACK (on_notify), &notified);
  yun_client_set_max_attempts (client, 1); /* the skew retry comes on top */

  response = call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stub_get_requests (stub), ==, 2);
  g_assert_cmpint (ABS (yun_client_get_clock_skew (client) - STUB_SKEW), <=, 2);
  g_object_get (client, "clock-skew", &skew, NULL);
  g_assert_cmpint (skew, ==, yun_client_get_clock_skew (client));

  /* Not emitted from the worker: only once the client's main context runs. */
  g_assert_cmpuint (notified, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notified, ==, 1);

  /* The next call uses the learned offset at once. */
  second = call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stub_get_requests (stub), ==, 3);
  g_assert_cmpint (ABS (request_age (stub->last_headers) + STUB_SKEW), <=, 2);
}

static StubReply *
handle_stall (Stub *stub, guint n, GHashTable *headers, const char *body)
{
  StubReply *reply = reply_ok ();

  reply->stall_ms = 30 * 1000;
  return reply;
}

static void
test_client_timeout (void)
{
  g_autoptr (Stub) stub = stub_new (handle_stall);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  yun_client_set_timeouts (client, 1000, 1000);
  g_assert_null (call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "timed out after 1 s"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpuint (stub_get_requests (stub), ==, 1);
  /* Far below the 30 s stall */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static gpointer
cancel_work (YunClient *client, gpointer input, GCancellable *cancellable, GError **error)
{
  return call (client, "DescribeInstances", YUN_CALL_SAFE, cancellable, error);
}

static void
on_cancel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  g_assert_null (_yun_client_run_finish (YUN_CLIENT (source), result, cancel_work, error));
  g_assert_nonnull (*error);
}

static void
test_client_cancel (void)
{
  g_autoptr (Stub) stub = stub_new (handle_stall);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) cancellable2 = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  GThread *canceller;

  canceller = g_thread_new ("canceller", cancel_later, cancellable);
  g_assert_null (call (client, "DescribeInstances", YUN_CALL_SAFE, cancellable, &error));
  g_thread_join (canceller);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The same through the async runner, with the error in our domain */
  _yun_client_run_async (client, cancel_work, NULL, NULL, json_free, cancel_work, cancellable2,
                         on_cancel_done, &error);
  canceller = g_thread_new ("canceller", cancel_later, cancellable2);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (canceller);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
}

static gpointer
ok_work (YunClient *client, gpointer input, GCancellable *cancellable, GError **error)
{
  g_assert_cmpstr (input, ==, "input");
  return call (client, "DescribeInstances", YUN_CALL_SAFE, cancellable, error);
}

static void
on_ok_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  json_object **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = _yun_client_run_finish (YUN_CLIENT (source), result, ok_work, &error);
  g_assert_no_error (error);
}

static void
test_client_async (void)
{
  g_autoptr (Stub) stub = stub_new (handle_ok);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  g_autoptr (json_object) response = NULL;

  _yun_client_run_async (client, ok_work, g_strdup ("input"), g_free, json_free, ok_work, NULL,
                         on_ok_done, &response);
  while (response == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (json_object_is_type (response, json_type_object));
}

static void
test_client_connection_refused (void)
{
  g_autoptr (Stub) stub = stub_new (handle_ok);
  g_autoptr (YunClient) client = NULL;
  g_autoptr (GError) error = NULL;

  /* Take a free port, then close it: nobody listens there any more. */
  client = client_for_stub (stub, NULL);
  g_cancellable_cancel (stub->cancellable);
  g_socket_listener_close (stub->listener);
  yun_client_set_max_attempts (client, 2);

  g_assert_null (call (client, "StopInstances", YUN_CALL_MUTATING, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "Could not connect to 127.0.0.1"));
}

static gpointer
parallel_worker (gpointer data)
{
  YunClient *client = data;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (json_object) response
        = call (client, "DescribeImages", YUN_CALL_SAFE, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (response);
    }
  return NULL;
}

static void
test_client_parallel (void)
{
  g_autoptr (Stub) stub = stub_new (handle_ok);
  g_autoptr (YunClient) client = client_for_stub (stub, NULL);
  GThread *threads[4];

  /* One client, four threads: each thread uses its own easy handle, sharing DNS and TLS
   * sessions through the locked share. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("parallel", parallel_worker, client);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (stub_get_requests (stub), ==, 40);
}

static void
test_no_secret_in_logs (void)
{
  g_autoptr (Stub) stub = stub_new (handle_internal_error);
  g_autoptr (YunClient) client = client_for_stub (stub, TEST_TOKEN);
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) login = json_object_new_object ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  json_object_object_add (login, "Password", json_object_new_string (TEST_PASSWORD));
  json_object_object_add (params, "LoginSettings", json_object_get (login));
  yun_client_set_proxy (client, NULL);
  g_assert_null (_yun_client_call (client, YUN_SERVICE_CVM, "ResetInstancesPassword",
                                   "ap-guangzhou", params, YUN_CALL_MUTATING, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, TEST_PASSWORD));

  g_mutex_lock (&log_lock);
  text = g_strdup (log_text->str);
  g_mutex_unlock (&log_lock);

  /* The log did record the calls and the bodies… */
  g_assert_nonnull (strstr (text, "ResetInstancesPassword"));
  g_assert_nonnull (strstr (text, "LoginSettings"));
  g_assert_nonnull (strstr (text, "stub-err"));
  /* …and no secret at all */
  g_assert_null (strstr (text, TEST_SECRET_KEY));
  g_assert_null (strstr (text, TEST_TOKEN));
  g_assert_null (strstr (text, TEST_PASSWORD));
  g_assert_null (strstr (text, "Signature="));
  g_assert_null (strstr (text, "TC3-HMAC-SHA256"));
}

int
main (int argc, char *argv[])
{
  /* Before any thread: the environment and libcurl. */
  g_setenv ("YUNDESK_DEBUG", "http", TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  yun_init ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/transport/envelope-success", test_envelope_success);
  g_test_add_func ("/yun/core/transport/envelope-error", test_envelope_error);
  g_test_add_func ("/yun/core/transport/envelope-malformed", test_envelope_malformed);
  g_test_add_func ("/yun/core/transport/describe-code", test_describe_code);
  g_test_add_func ("/yun/core/transport/retry-policy", test_retry_policy);
  g_test_add_func ("/yun/core/transport/backoff", test_backoff);
  g_test_add_func ("/yun/core/transport/format", test_format);
  g_test_add_func ("/yun/core/transport/redaction", test_redaction);
  g_test_add_func ("/yun/core/transport/client/request-shape", test_client_request_shape);
  g_test_add_func ("/yun/core/transport/client/session-token-and-language",
                   test_client_session_token_and_language);
  g_test_add_func ("/yun/core/transport/client/html-page", test_client_html_page);
  g_test_add_func ("/yun/core/transport/client/huge-answer", test_client_huge_answer);
  g_test_add_func ("/yun/core/transport/client/server-errors-retried-when-safe",
                   test_client_server_errors_retried_when_safe);
  g_test_add_func ("/yun/core/transport/client/throttle-retried-always",
                   test_client_throttle_retried_always);
  g_test_add_func ("/yun/core/transport/client/clock-skew", test_client_clock_skew);
  g_test_add_func ("/yun/core/transport/client/timeout", test_client_timeout);
  g_test_add_func ("/yun/core/transport/client/cancel", test_client_cancel);
  g_test_add_func ("/yun/core/transport/client/async", test_client_async);
  g_test_add_func ("/yun/core/transport/client/connection-refused", test_client_connection_refused);
  g_test_add_func ("/yun/core/transport/client/parallel", test_client_parallel);
  g_test_add_func ("/yun/core/transport/client/no-secret-in-logs", test_no_secret_in_logs);

  return g_test_run ();
}
