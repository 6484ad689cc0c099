/* yun-sim.c: the HTTP side of yunsim: Tencent's request checks, rate limits, faults, admin
 *
 * SPDX-License-Identifier: MIT
 *
 * libmicrohttpd runs one thread per connection, so a stalled or delayed answer only holds
 * its own connection; stopping the simulator wakes every sleeping handler at once.
 *
 * A request is checked in the order the real gateway checks it: action and version, then
 * the TC3 signature (built by libyun's signer from exactly what was received: the signed
 * header list the client sent, the header values as received, the body bytes, the raw
 * query), then the region, the rate limit, injected faults, and finally the parameters.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "yun-sim-hostile.h"

#define MAX_BODY_SIZE (10 * 1024 * 1024)
#define MAX_QUERY_SIZE (32 * 1024)
#define SIGNATURE_WINDOW 300 /* seconds */
#define STALL_SECONDS 120

typedef struct
{
  char *secret_key;
  char *token;
} SimCredential;

typedef struct
{
  double tokens;
  gint64 updated; /* monotonic µs */
} SimBucket;

/* One HTTP request, from its first line to its completion. */
typedef struct
{
  char *uri; /* as received, with the query */
  GByteArray *body;
  gboolean started;
  gboolean too_large;
} SimRequest;

static void
sim_credential_free (SimCredential *credential)
{
  explicit_bzero (credential->secret_key, strlen (credential->secret_key));
  g_free (credential->secret_key);
  g_free (credential->token);
  g_free (credential);
}

static void
sim_fault_free (SimFault *fault)
{
  g_free (fault->action);
  g_free (fault->region);
  g_free (fault->spec);
  g_free (fault);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimFault, sim_fault_free)

/**
 * yun_sim_options_init:
 * @options: (out caller-allocates): options to fill with the defaults
 */
void
yun_sim_options_init (YunSimOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->listen_address = "127.0.0.1";
  options->port = 0;
  options->seed = 1;
  options->n_regions = 6;
  options->n_instances = 200;
  options->windows_share = 0.2;
  options->n_images = 10;
  options->transition_ms = 2000;
  options->region_sizes = NULL;
}

/* ---- Clocks ---- */

gint64
sim_wall_now (YunSim *sim)
{
  return g_get_real_time () / G_USEC_PER_SEC + sim->clock_offset;
}

/* The server's wall-clock time at the monotonic instant @monotonic_us. */
gint64
sim_wall_at (YunSim *sim, gint64 monotonic_us, gint64 now)
{
  return (g_get_real_time () - (now - monotonic_us)) / G_USEC_PER_SEC + sim->clock_offset;
}

static char *
http_date (gint64 unix_seconds)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[]
    = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_strdup_printf (
    "%s, %02d %s %04d %02d:%02d:%02d GMT", days[g_date_time_get_day_of_week (time) - 1],
    g_date_time_get_day_of_month (time), months[g_date_time_get_month (time) - 1],
    g_date_time_get_year (time), g_date_time_get_hour (time), g_date_time_get_minute (time),
    g_date_time_get_second (time));
}

/* Sleeps, unless the simulator stops first. Returns FALSE when it was stopped. */
static gboolean
sim_sleep (YunSim *sim, gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  gboolean stopped;

  g_mutex_lock (&sim->stop_lock);
  while (!sim->stopping && g_cond_wait_until (&sim->stop_cond, &sim->stop_lock, end))
    ;
  stopped = sim->stopping;
  g_mutex_unlock (&sim->stop_lock);
  return !stopped;
}

/* ---- Faults ---- */

static guint64
splitmix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* A uniform number in [0, 1) that depends only on the seed, the fault and how many
 * matching requests it has seen: the same run of requests sees the same faults. */
static double
seeded_uniform (guint64 seed, guint64 stream, guint64 counter)
{
  guint64 x = splitmix64 (seed ^ splitmix64 (stream * 1000003 + counter));

  return (x >> 11) * (1.0 / 9007199254740992.0);
}

/* `KIND:RATE[:ACTION[:REGION]]`. An empty ACTION or `*` means every action; REGION must be
 * one of the simulated regions. */
static SimFault *
sim_fault_parse (YunSim *sim, const char *spec, GError **error)
{
  static const char *const kinds[] = {
    [SIM_FAULT_THROTTLE] = "throttle",
    [SIM_FAULT_INTERNAL] = "internal",
    [SIM_FAULT_DROP_BEFORE] = "drop-before",
    [SIM_FAULT_DROP_AFTER] = "drop-after",
    [SIM_FAULT_STALL] = "stall",
    [SIM_FAULT_OP_FAIL] = "op-fail",
  };
  static const char *const failable[] = {
    "StartInstances", "StopInstances", "RebootInstances", "ResetInstancesPassword", NULL,
  };
  g_auto (GStrv) parts = g_strsplit (spec, ":", 4);
  g_autoptr (SimFault) fault = NULL;
  char *end = NULL;
  gboolean found = FALSE;

  if (g_strv_length (parts) < 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Fault “%s” is not KIND:RATE[:ACTION[:REGION]]", spec);
      return NULL;
    }
  fault = g_new0 (SimFault, 1);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (parts[0], kinds[i]))
      {
        fault->kind = i;
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Fault kind “%s” is not one of throttle, internal, drop-before, drop-after, "
                   "stall, op-fail",
                   parts[0]);
      return NULL;
    }
  fault->rate = g_ascii_strtod (parts[1], &end);
  if (*parts[1] == '\0' || *end != '\0' || fault->rate < 0 || fault->rate > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Fault rate “%s” is not a fraction between 0 and 1", parts[1]);
      return NULL;
    }
  if (parts[2] != NULL && *parts[2] != '\0' && !g_str_equal (parts[2], "*"))
    fault->action = g_strdup (parts[2]);
  if (fault->kind == SIM_FAULT_OP_FAIL && fault->action != NULL
      && !g_strv_contains (failable, fault->action))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Fault op-fail applies to StartInstances, StopInstances, RebootInstances or "
                   "ResetInstancesPassword, not “%s”",
                   fault->action);
      return NULL;
    }
  if (parts[2] != NULL && parts[3] != NULL && *parts[3] != '\0')
    {
      if (sim_find_region (sim, parts[3]) == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Fault region “%s” is not one of the simulated regions", parts[3]);
          return NULL;
        }
      fault->region = g_strdup (parts[3]);
    }
  fault->spec = g_strdup (spec);
  return g_steal_pointer (&fault);
}

static GPtrArray *
sim_faults_parse (YunSim *sim, const char *const *specs, GError **error)
{
  g_autoptr (GPtrArray) faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_fault_free);

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      SimFault *fault = sim_fault_parse (sim, specs[i], error);

      if (fault == NULL)
        return NULL;
      g_ptr_array_add (faults, fault);
    }
  return g_steal_pointer (&faults);
}

typedef enum
{
  OUTCOME_NONE,
  OUTCOME_THROTTLE,
  OUTCOME_INTERNAL,
  OUTCOME_DROP_BEFORE,
  OUTCOME_DROP_AFTER,
  OUTCOME_STALL,
} FaultOutcome;

static gboolean
fault_matches (SimFault *fault, const char *action, const char *region)
{
  return (fault->action == NULL || g_str_equal (fault->action, action))
         && (fault->region == NULL || g_strcmp0 (fault->region, region) == 0);
}

static double
fault_draw (YunSim *sim, SimFault *fault, guint index)
{
  return seeded_uniform (sim->seed, g_str_hash (fault->spec) + index, fault->counter++);
}

/* Called with sim->lock held. Every matching fault (same action and X-TC-Region, when it
 * names them) draws once per request, so each fault's sequence is independent of the
 * others; the first that fires wins. op-fail faults are not drawn here, but once per
 * instance an operation is applied to (sim_fault_op_fails). */
static FaultOutcome
draw_faults (YunSim *sim, const char *action, const char *region)
{
  static const FaultOutcome outcomes[] = {
    [SIM_FAULT_THROTTLE] = OUTCOME_THROTTLE,
    [SIM_FAULT_INTERNAL] = OUTCOME_INTERNAL,
    [SIM_FAULT_DROP_BEFORE] = OUTCOME_DROP_BEFORE,
    [SIM_FAULT_DROP_AFTER] = OUTCOME_DROP_AFTER,
    [SIM_FAULT_STALL] = OUTCOME_STALL,
    [SIM_FAULT_OP_FAIL] = OUTCOME_NONE,
  };
  FaultOutcome outcome = OUTCOME_NONE;

  for (guint i = 0; i < sim->faults->len; i++)
    {
      SimFault *fault = g_ptr_array_index (sim->faults, i);
      double draw;

      if (fault->kind == SIM_FAULT_OP_FAIL || !fault_matches (fault, action, region))
        continue;
      draw = fault_draw (sim, fault, i);
      if (outcome == OUTCOME_NONE && draw < fault->rate)
        outcome = outcomes[fault->kind];
    }
  return outcome;
}

/* Whether the operation @action, applied to one instance in @region, is to end FAILED. Each
 * matching op-fail fault draws once per instance; called with sim->lock held. */
gboolean
sim_fault_op_fails (YunSim *sim, const char *action, const char *region)
{
  gboolean fails = FALSE;

  for (guint i = 0; i < sim->faults->len; i++)
    {
      SimFault *fault = g_ptr_array_index (sim->faults, i);

      if (fault->kind == SIM_FAULT_OP_FAIL && fault_matches (fault, action, region))
        fails |= fault_draw (sim, fault, i) < fault->rate;
    }
  return fails;
}

/* ---- Rate limits ---- */

/* A token bucket per SecretId and action, as large as the documented per-second limit, so a
 * burst of exactly the limit passes and a longer one is refused. Called with the lock. */
static gboolean
rate_allows (YunSim *sim, const char *secret_id, const SimAction *action, gint64 now)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", secret_id, action->action);
  SimBucket *bucket = g_hash_table_lookup (sim->buckets, key);

  if (bucket == NULL)
    {
      bucket = g_new0 (SimBucket, 1);
      bucket->tokens = action->rate;
      bucket->updated = now;
      g_hash_table_insert (sim->buckets, g_steal_pointer (&key), bucket);
    }
  bucket->tokens
    = MIN ((double) action->rate, bucket->tokens + (now - bucket->updated) * action->rate / 1e6);
  bucket->updated = now;
  if (bucket->tokens < 1.0)
    return FALSE;
  bucket->tokens -= 1.0;
  return TRUE;
}

/* ---- Responses ---- */

enum MHD_Result
sim_send_body (YunSim *sim,
               struct MHD_Connection *connection,
               unsigned int status,
               const char *content_type,
               char *body,
               gsize length)
{
  struct MHD_Response *response;
  g_autofree char *date = http_date (sim_wall_now (sim));
  enum MHD_Result result;

  response = MHD_create_response_from_buffer_with_free_callback (length, body, g_free);
  MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header (response, MHD_HTTP_HEADER_DATE, date);
  MHD_add_response_header (response, MHD_HTTP_HEADER_SERVER, "yunsim");
  result = MHD_queue_response (connection, status, response);
  MHD_destroy_response (response);
  return result;
}

static enum MHD_Result
send_json_object (YunSim *sim,
                  struct MHD_Connection *connection,
                  unsigned int status,
                  json_object *object)
{
  size_t length;
  const char *text = json_object_to_json_string_length (
    object, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &length);

  return sim_send_body (sim, connection, status, "application/json", g_memdup2 (text, length + 1),
                        length);
}

/* The error envelope of @call as JSON text; API errors travel with HTTP 200, as Tencent
 * Cloud sends them. */
static char *
call_error_text (SimCall *call, gsize *length)
{
  g_autoptr (json_object) root = json_object_new_object ();
  json_object *response = json_object_new_object ();
  json_object *error = json_object_new_object ();
  const char *text;
  size_t len;

  json_object_object_add (error, "Code", json_object_new_string (call->error_code));
  json_object_object_add (error, "Message", json_object_new_string (call->error_message));
  json_object_object_add (response, "Error", error);
  json_object_object_add (response, "RequestId", json_object_new_string (call->request_id));
  json_object_object_add (root, "Response", response);
  text = json_object_to_json_string_length (
    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
  *length = len;
  return g_memdup2 (text, len + 1);
}

/* Sends an API answer (@body, transfer full), spoiled as @hostile says. */
static enum MHD_Result
send_api_answer (
  YunSim *sim, struct MHD_Connection *connection, SimHostileKind hostile, char *body, gsize length)
{
  if (hostile != SIM_HOSTILE_NONE)
    return sim_hostile_send (sim, connection, hostile, body, length);
  return sim_send_body (sim, connection, MHD_HTTP_OK, "application/json", body, length);
}

/* ---- The Tencent API ---- */

static const SimAction *
find_action (const char *service, const char *name)
{
  const SimAction *tables[] = { sim_cvm_actions, sim_tat_actions };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const SimAction *action = tables[t]; action->action != NULL; action++)
      if ((service == NULL || g_str_equal (action->service, service))
          && g_str_equal (action->action, name))
        return action;
  return NULL;
}

static const char *
header (struct MHD_Connection *connection, const char *name)
{
  return MHD_lookup_connection_value (connection, MHD_HEADER_KIND, name);
}

typedef struct
{
  char *secret_id;
  char *date;
  char *service;
  char *signed_headers;
  char *signature;
} Authorization;

static void
authorization_clear (Authorization *auth)
{
  g_free (auth->secret_id);
  g_free (auth->date);
  g_free (auth->service);
  g_free (auth->signed_headers);
  g_free (auth->signature);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Authorization, authorization_clear)

/* `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=…,
 * Signature=…` */
static gboolean
parse_authorization (const char *text, Authorization *auth)
{
  g_auto (GStrv) parts = NULL;
  g_auto (GStrv) scope = NULL;
  const char *credential = NULL;

  if (!g_str_has_prefix (text, "TC3-HMAC-SHA256 "))
    return FALSE;
  parts = g_strsplit (text + strlen ("TC3-HMAC-SHA256 "), ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (g_str_has_prefix (part, "Credential="))
        credential = part + strlen ("Credential=");
      else if (g_str_has_prefix (part, "SignedHeaders="))
        auth->signed_headers = g_strdup (part + strlen ("SignedHeaders="));
      else if (g_str_has_prefix (part, "Signature="))
        auth->signature = g_strdup (part + strlen ("Signature="));
      else
        return FALSE;
    }
  if (credential == NULL || auth->signed_headers == NULL || auth->signature == NULL
      || *auth->signed_headers == '\0' || *auth->signature == '\0')
    return FALSE;
  scope = g_strsplit (credential, "/", -1);
  if (g_strv_length (scope) != 4 || !g_str_equal (scope[3], "tc3_request") || *scope[0] == '\0')
    return FALSE;
  auth->secret_id = g_strdup (scope[0]);
  auth->date = g_strdup (scope[1]);
  auth->service = g_strdup (scope[2]);
  return TRUE;
}

/* Tencent's signature check, step by step. On failure the error is set on @call. */
static gboolean
check_signature (YunSim *sim,
                 SimCall *call,
                 struct MHD_Connection *connection,
                 SimRequest *request,
                 const char *method,
                 const char *service)
{
  const char *authorization = header (connection, "Authorization");
  const char *timestamp_text = header (connection, "X-TC-Timestamp");
  const char *token = header (connection, "X-TC-Token");
  g_auto (Authorization) auth = { 0 };
  g_auto (GStrv) names = NULL;
  g_autofree YunHeader *headers = NULL;
  g_autofree char *date = NULL;
  g_autoptr (YunSignature) expected = NULL;
  SimCredential *credential;
  const char *query = "";
  gint64 timestamp, server_now;
  char *end = NULL;
  guint n;
  gboolean has_host = FALSE, has_content_type = FALSE;

  if (authorization == NULL || *authorization == '\0')
    return sim_call_fail (call, "AuthFailure.InvalidAuthorization",
                          "The Authorization header is missing.");
  if (!parse_authorization (authorization, &auth))
    return sim_call_fail (call, "AuthFailure.InvalidAuthorization",
                          "The Authorization header is not a valid TC3-HMAC-SHA256 "
                          "authorization.");

  if (timestamp_text == NULL)
    return sim_call_fail (call, "MissingParameter",
                          "The request is missing a required parameter `Timestamp`.");
  timestamp = g_ascii_strtoll (timestamp_text, &end, 10);
  if (*timestamp_text == '\0' || *end != '\0' || timestamp <= 0)
    return sim_call_fail (call, "InvalidParameter",
                          "The value of parameter `Timestamp` is not an integer.");
  g_mutex_lock (&sim->lock);
  server_now = sim_wall_now (sim);
  g_mutex_unlock (&sim->lock);
  if (ABS (timestamp - server_now) > SIGNATURE_WINDOW)
    return sim_call_fail (call, "AuthFailure.SignatureExpire",
                          "Signature expired, Timestamp is %" G_GINT64_FORMAT
                          ", server time is %" G_GINT64_FORMAT ".",
                          timestamp, server_now);

  credential = g_hash_table_lookup (sim->credentials, auth.secret_id);
  if (credential == NULL)
    return sim_call_fail (call, "AuthFailure.SecretIdNotFound",
                          "The SecretId is not found, please ensure that your SecretId is "
                          "correct.");
  if (g_strcmp0 (credential->token, token != NULL && *token != '\0' ? token : NULL) != 0)
    return sim_call_fail (call, "AuthFailure.TokenFailure",
                          "The X-TC-Token does not belong to these credentials.");

  date = yun_signer_utc_date (timestamp);
  if (!g_str_equal (auth.date, date))
    return sim_call_fail (call, "AuthFailure.SignatureFailure",
                          "The credential scope date `%s` does not match the UTC date of "
                          "X-TC-Timestamp (%s).",
                          auth.date, date);
  if (!g_str_equal (auth.service, service))
    return sim_call_fail (call, "AuthFailure.SignatureFailure",
                          "The credential scope service `%s` does not match `%s`.", auth.service,
                          service);

  names = g_strsplit (auth.signed_headers, ";", -1);
  n = g_strv_length (names);
  headers = g_new0 (YunHeader, n);
  for (guint i = 0; i < n; i++)
    {
      const char *value = header (connection, names[i]);

      has_host |= g_str_equal (names[i], "host");
      has_content_type |= g_str_equal (names[i], "content-type");
      headers[i].name = names[i];
      headers[i].value = value != NULL ? value : "";
    }
  if (!has_host || !has_content_type)
    return sim_call_fail (call, "AuthFailure.SignatureFailure",
                          "SignedHeaders must include content-type and host.");

  if (g_str_equal (method, "GET"))
    {
      const char *mark = strchr (request->uri, '?');

      if (mark != NULL)
        query = mark + 1;
    }

  {
    YunSignRequest sign = {
      .method = method,
      .canonical_query = query,
      .headers = headers,
      .n_headers = n,
      .payload = request->body->data,
      .payload_len = request->body->len,
      .service = service,
      .timestamp = timestamp,
    };

    expected = yun_signer_sign (&sign, auth.secret_id, credential->secret_key);
  }
  if (!g_str_equal (expected->signature, auth.signature)
      || !g_str_equal (expected->signed_headers, auth.signed_headers))
    return sim_call_fail (call, "AuthFailure.SignatureFailure",
                          "The provided credentials could not be validated. Please check your "
                          "signature is correct.");
  call->secret_id = g_intern_string (auth.secret_id);
  return TRUE;
}

/* The whole body as JSON, or NULL. The body is not NUL-terminated, and bytes after the
 * value (a second document, garbage) make it invalid rather than being ignored. */
static json_object *
parse_json_body (GByteArray *body)
{
  struct json_tokener *tokener = json_tokener_new ();
  json_object *value = json_tokener_parse_ex (tokener, (const char *) body->data, (int) body->len);

  if (value != NULL
      && (json_tokener_get_error (tokener) != json_tokener_success
          || json_tokener_get_parse_end (tokener) != body->len))
    g_clear_pointer (&value, json_object_put);
  json_tokener_free (tokener);
  return value;
}

static json_object *
parse_params (SimCall *call, SimRequest *request, const char *method, const char *content_type)
{
  json_object *params = NULL;

  if (g_str_equal (method, "GET"))
    {
      const char *mark = strchr (request->uri, '?');

      params
        = mark != NULL ? sim_form_to_json (mark + 1, strlen (mark + 1)) : json_object_new_object ();
    }
  else if (content_type != NULL
           && g_ascii_strncasecmp (content_type, "application/x-www-form-urlencoded", 33) == 0)
    params = sim_form_to_json ((const char *) request->body->data, request->body->len);
  else if (content_type != NULL && g_ascii_strncasecmp (content_type, "application/json", 16) == 0)
    {
      if (request->body->len == 0)
        params = json_object_new_object ();
      else
        params = parse_json_body (request->body);
    }
  else
    {
      sim_call_fail (call, "InvalidParameter",
                     "Content-Type `%s` is not supported; use application/json.",
                     content_type != NULL ? content_type : "");
      return NULL;
    }

  if (params == NULL || !json_object_is_type (params, json_type_object))
    {
      g_clear_pointer (&params, json_object_put);
      sim_call_fail (call, "InvalidParameter",
                     "The request body is not a valid JSON object (or form).");
    }
  return params;
}

static gboolean
check_known_params (SimCall *call, const SimAction *action, json_object *params)
{
  g_auto (GStrv) known = g_strsplit (action->params, ",", -1);

  json_object_object_foreach (params, key, value)
    {
      (void) value;
      if (!g_strv_contains ((const char *const *) known, key))
        return sim_call_fail (call, "UnknownParameter", "The parameter `%s` is not recognized.",
                              key);
    }
  return TRUE;
}

static const char *
service_for_request (struct MHD_Connection *connection, const char *version)
{
  const char *host = header (connection, "Host");

  if (host != NULL && g_str_has_prefix (host, "cvm."))
    return "cvm";
  if (host != NULL && g_str_has_prefix (host, "tat."))
    return "tat";
  if (g_strcmp0 (version, "2017-03-12") == 0)
    return "cvm";
  if (g_strcmp0 (version, "2020-10-28") == 0)
    return "tat";
  return NULL;
}

static enum MHD_Result
handle_api (YunSim *sim, struct MHD_Connection *connection, SimRequest *request, const char *method)
{
  SimCall call = { 0 };
  const char *action_name = header (connection, "X-TC-Action");
  const char *version = header (connection, "X-TC-Version");
  const char *region_name = header (connection, "X-TC-Region");
  const char *language = header (connection, "X-TC-Language");
  const char *service;
  const SimAction *action;
  g_autoptr (json_object) params = NULL;
  g_autoptr (json_object) result = NULL;
  FaultOutcome outcome;
  SimHostileKind hostile = SIM_HOSTILE_NONE;
  enum MHD_Result answer;
  gsize length;
  g_autofree char *uuid = g_uuid_string_random ();

  call.sim = sim;
  g_strlcpy (call.request_id, uuid, sizeof call.request_id);

  if (action_name != NULL)
    {
      guint count;

      g_mutex_lock (&sim->lock);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (sim->requests, action_name));
      g_hash_table_insert (sim->requests, (gpointer) g_intern_string (action_name),
                           GUINT_TO_POINTER (count + 1));
      g_mutex_unlock (&sim->lock);
    }

  if (!g_str_equal (method, "POST") && !g_str_equal (method, "GET"))
    sim_call_fail (&call, "UnsupportedProtocol", "The HTTP method %s is not supported.", method);
  else if (request->too_large)
    sim_call_fail (&call, "RequestSizeLimitExceeded", "The request is too large.");
  else if (action_name == NULL || *action_name == '\0')
    sim_call_fail (&call, "MissingParameter",
                   "The request is missing a required parameter `Action`.");
  else if (version == NULL || *version == '\0')
    sim_call_fail (&call, "MissingParameter",
                   "The request is missing a required parameter `Version`.");
  if (call.error_code != NULL)
    goto fail;

  service = service_for_request (connection, version);
  if (service == NULL)
    {
      sim_call_fail (&call, "NoSuchVersion", "The API version `%s` does not exist.", version);
      goto fail;
    }
  action = find_action (service, action_name);
  if (action == NULL)
    {
      sim_call_fail (&call, "InvalidAction", "The action `%s` is not valid for this endpoint.",
                     action_name);
      goto fail;
    }
  if (!g_str_equal (version, g_str_equal (service, "cvm") ? "2017-03-12" : "2020-10-28"))
    {
      sim_call_fail (&call, "NoSuchVersion", "The API version `%s` does not exist for %s.", version,
                     service);
      goto fail;
    }
  call.service = service;
  call.action = action->action;

  if (!check_signature (sim, &call, connection, request, method, service))
    goto fail;

  if (language != NULL && !g_str_equal (language, "zh-CN") && !g_str_equal (language, "en-US"))
    {
      sim_call_fail (&call, "InvalidParameterValue",
                     "X-TC-Language must be zh-CN or en-US, got `%s`.", language);
      goto fail;
    }
  call.language = language;

  g_mutex_lock (&sim->lock);
  if (region_name != NULL && *region_name != '\0')
    {
      call.region = sim_find_region (sim, region_name);
      if (call.region == NULL && action->needs_region)
        sim_call_fail (&call, "UnsupportedRegion", "The region `%s` is not supported.",
                       region_name);
    }
  else if (action->needs_region)
    sim_call_fail (&call, "MissingParameter",
                   "The request is missing a required parameter `Region`.");

  call.now = g_get_monotonic_time ();
  if (call.error_code == NULL && !sim->options.no_rate_limits
      && !rate_allows (sim, call.secret_id, action, call.now))
    sim_call_fail (&call, "RequestLimitExceeded",
                   "Your current request times equals to `%u` in a second, which exceeds the "
                   "frequency limit `%u` for a second. Please reduce the frequency of calls.",
                   action->rate + 1, action->rate);
  outcome = call.error_code == NULL ? draw_faults (sim, action->action, region_name) : OUTCOME_NONE;
  if (call.error_code == NULL && outcome == OUTCOME_NONE)
    hostile = sim_hostile_take (sim, action->action, region_name);
  if (call.error_code == NULL && (sim->options.latency_ms > 0 || sim->options.jitter_ms > 0))
    {
      gint64 delay = sim->options.latency_ms;

      if (sim->options.jitter_ms > 0)
        delay += (gint64) (seeded_uniform (sim->seed, 7, sim->jitter_counter++)
                           * (sim->options.jitter_ms + 1));
      g_mutex_unlock (&sim->lock);
      if (!sim_sleep (sim, delay))
        return MHD_NO;
      g_mutex_lock (&sim->lock);
    }
  g_mutex_unlock (&sim->lock);
  if (call.error_code != NULL)
    goto fail;

  switch (outcome)
    {
    case OUTCOME_STALL:
      /* Longer than any client timeout; then the connection is closed without an answer. */
      sim_sleep (sim, STALL_SECONDS * 1000);
      return MHD_NO;
    case OUTCOME_DROP_BEFORE:
      return MHD_NO;
    case OUTCOME_THROTTLE:
      sim_call_fail (&call, "RequestLimitExceeded",
                     "Your current request times exceeds the frequency limit. Please reduce "
                     "the frequency of calls.");
      goto fail;
    case OUTCOME_INTERNAL:
      sim_call_fail (&call, "InternalError", "An internal error occurred. Please try again later.");
      goto fail;
    case OUTCOME_DROP_AFTER:
    case OUTCOME_NONE:
    default:
      break;
    }

  params = parse_params (&call, request, method, header (connection, "Content-Type"));
  if (params == NULL || !check_known_params (&call, action, params))
    goto fail;

  g_mutex_lock (&sim->lock);
  call.now = g_get_monotonic_time ();
  if (call.region != NULL)
    sim_region_settle (sim, call.region, call.now);
  result = action->func (&call, params);
  g_mutex_unlock (&sim->lock);

  if (outcome == OUTCOME_DROP_AFTER)
    {
      /* The change is made, the answer is lost. */
      if (call.raw != NULL)
        g_string_free (call.raw, TRUE);
      g_free (call.error_code);
      g_free (call.error_message);
      return MHD_NO;
    }
  if (call.error_code != NULL)
    goto fail;

  if (call.raw != NULL)
    {
      GString *body = g_string_sized_new (call.raw->len + 96);

      g_string_append (body, "{\"Response\":{");
      g_string_append_len (body, call.raw->str, call.raw->len);
      g_string_append_printf (body, ",\"RequestId\":\"%s\"}}", call.request_id);
      g_string_free (call.raw, TRUE);
      length = body->len;
      return send_api_answer (sim, connection, hostile, g_string_free (body, FALSE), length);
    }
  else
    {
      g_autoptr (json_object) root = json_object_new_object ();
      const char *text;
      size_t len;

      json_object_object_add (result, "RequestId", json_object_new_string (call.request_id));
      json_object_object_add (root, "Response", g_steal_pointer (&result));
      text = json_object_to_json_string_length (
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
      return send_api_answer (sim, connection, hostile, g_memdup2 (text, len + 1), len);
    }

fail:
  if (call.raw != NULL)
    g_string_free (call.raw, TRUE);
  {
    char *text = call_error_text (&call, &length);

    answer = send_api_answer (sim, connection, hostile, text, length);
  }
  g_free (call.error_code);
  g_free (call.error_message);
  return answer;
}

/* ---- The admin API (loopback peers only) ---- */

static gboolean
peer_is_loopback (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info
    = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *address = info != NULL ? info->client_addr : NULL;

  if (address == NULL)
    return FALSE;
  if (address->sa_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) address;

      return (ntohl (in->sin_addr.s_addr) >> 24) == 127;
    }
  if (address->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) address;

      if (IN6_IS_ADDR_LOOPBACK (&in6->sin6_addr))
        return TRUE;
      return IN6_IS_ADDR_V4MAPPED (&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
    }
  return FALSE;
}

static enum MHD_Result
admin_reply (YunSim *sim, struct MHD_Connection *connection, unsigned int status, json_object *body)
{
  enum MHD_Result result = send_json_object (sim, connection, status, body);

  json_object_put (body);
  return result;
}

static enum MHD_Result
admin_error (YunSim *sim,
             struct MHD_Connection *connection,
             unsigned int status,
             const char *message)
{
  json_object *body = json_object_new_object ();

  json_object_object_add (body, "error", json_object_new_string (message));
  return admin_reply (sim, connection, status, body);
}

static const char *
agent_name (guint8 agent)
{
  switch (agent)
    {
    case SIM_AGENT_ONLINE:
      return "Online";
    case SIM_AGENT_OFFLINE:
      return "Offline";
    case SIM_AGENT_NONE:
    default:
      return "NotInstalled";
    }
}

static gboolean
agent_from_name (const char *name, guint8 *out)
{
  if (g_strcmp0 (name, "Online") == 0)
    *out = SIM_AGENT_ONLINE;
  else if (g_strcmp0 (name, "Offline") == 0)
    *out = SIM_AGENT_OFFLINE;
  else if (g_strcmp0 (name, "NotInstalled") == 0)
    *out = SIM_AGENT_NONE;
  else
    return FALSE;
  return TRUE;
}

/* The admin view of an instance: the API object's key fields plus what only the simulator
 * knows (region, agent). */
static json_object *
admin_instance (SimInstance *instance)
{
  g_autoptr (json_object) full = sim_instance_to_json (instance);
  json_object *item = json_object_new_object ();
  static const char *const copied[] = { "InstanceId",
                                        "InstanceName",
                                        "InstanceState",
                                        "InstanceType",
                                        "InstanceChargeType",
                                        "OsName",
                                        "ImageId",
                                        "LatestOperation",
                                        "LatestOperationState",
                                        "LatestOperationRequestId",
                                        "LatestOperationErrorMsg",
                                        "PrivateIpAddresses",
                                        "PublicIpAddresses",
                                        "StopChargingMode",
                                        "DisableApiTermination",
                                        "Tags",
                                        "IsolatedSource",
                                        "CreatedTime" };

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      json_object *value = json_object_object_get (full, copied[i]);

      json_object_object_add (item, copied[i], json_object_get (value));
    }
  json_object_object_add (item, "Region", json_object_new_string (instance->region->region));
  json_object_object_add (item, "Zone", json_object_new_string (instance->zone->zone));
  json_object_object_add (
    item, "OsFamily",
    json_object_new_string (sim_instance_is_windows (instance) ? "Windows" : "Linux"));
  json_object_object_add (item, "AgentStatus",
                          json_object_new_string (agent_name (instance->agent)));
  json_object_object_add (item, "Operations", sim_instance_operations (instance));
  return item;
}

static json_object *
admin_state (YunSim *sim)
{
  json_object *root = json_object_new_object ();
  json_object *instances = json_object_new_array ();
  json_object *requests = json_object_new_object ();
  json_object *faults = json_object_new_array ();
  json_object *failures = json_object_new_object ();
  json_object *regions = json_object_new_array ();
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;

  sim_settle_all (sim, now);
  for (guint r = 0; r < sim->regions->len; r++)
    {
      SimRegion *region = g_ptr_array_index (sim->regions, r);

      json_object_array_add (regions, json_object_new_string (region->region));
      for (guint i = 0; i < region->instances->len; i++)
        json_object_array_add (instances,
                               admin_instance (g_ptr_array_index (region->instances, i)));
    }
  g_hash_table_iter_init (&iter, sim->requests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_object_add (requests, key, json_object_new_int (GPOINTER_TO_UINT (value)));
  for (guint i = 0; i < sim->faults->len; i++)
    json_object_array_add (
      faults, json_object_new_string (((SimFault *) g_ptr_array_index (sim->faults, i))->spec));
  g_hash_table_iter_init (&iter, sim->failures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_object_add (failures, key, json_object_new_string (value));

  json_object_object_add (root, "seed", json_object_new_uint64 (sim->seed));
  json_object_object_add (root, "server_time", json_object_new_int64 (sim_wall_now (sim)));
  json_object_object_add (root, "clock_offset", json_object_new_int64 (sim->clock_offset));
  json_object_object_add (root, "regions", regions);
  json_object_object_add (root, "instances", instances);
  json_object_object_add (root, "run_instances_created",
                          json_object_new_uint64 (sim->run_instances_created));
  json_object_object_add (root, "requests", requests);
  json_object_object_add (root, "faults", faults);
  json_object_object_add (root, "failures", failures);
  json_object_object_add (root, "hostile", sim_hostile_dump (sim));
  json_object_object_add (root, "invocations", sim_tat_dump (sim, now));
  return root;
}

/* Changes an instance behind the client's back. Called with the lock held. */
static gboolean
admin_patch_instance (YunSim *sim, SimInstance *instance, json_object *body, GString *error)
{
  json_object_object_foreach (body, key, value)
    {
      const char *text
        = json_object_is_type (value, json_type_string) ? json_object_get_string (value) : NULL;

      if (g_str_equal (key, "InstanceState"))
        {
          SimState state;

          if (!sim_state_from_name (text, &state) || state == SIM_STATE_GONE)
            {
              g_string_printf (error, "InstanceState “%s” is not a state", text ? text : "");
              return FALSE;
            }
          sim_instance_cancel_transition (instance);
          instance->state = instance->target_state = state;
        }
      else if (g_str_equal (key, "InstanceName") && text != NULL)
        {
          g_free (instance->name);
          instance->name = g_strdup (text);
        }
      else if (g_str_equal (key, "LatestOperation"))
        instance->latest_op = text != NULL ? g_intern_string (text) : NULL;
      else if (g_str_equal (key, "LatestOperationState"))
        instance->op_state = g_strcmp0 (text, "SUCCESS") == 0     ? SIM_OP_SUCCESS
                             : g_strcmp0 (text, "OPERATING") == 0 ? SIM_OP_OPERATING
                             : g_strcmp0 (text, "FAILED") == 0    ? SIM_OP_FAILED
                                                                  : SIM_OP_NONE;
      else if (g_str_equal (key, "LatestOperationRequestId"))
        {
          g_free (instance->latest_op_request_id);
          instance->latest_op_request_id = g_strdup (text);
        }
      else if (g_str_equal (key, "DisableApiTermination"))
        instance->protected = json_object_get_boolean (value);
      else if (g_str_equal (key, "PublicIpAddress"))
        {
          if (!sim_instance_set_public_ip (instance, text, error))
            return FALSE;
        }
      else if (g_str_equal (key, "InstanceChargeType") && text != NULL)
        instance->prepaid = g_str_equal (text, "PREPAID");
      else if (g_str_equal (key, "AgentStatus"))
        {
          guint8 agent;

          if (!agent_from_name (text, &agent))
            {
              g_string_printf (error, "AgentStatus must be Online, Offline or NotInstalled");
              return FALSE;
            }
          instance->agent = agent;
          sim_tat_agent_changed (sim, instance, g_get_monotonic_time ());
        }
      else
        {
          g_string_printf (error, "Field “%s” cannot be changed", key);
          return FALSE;
        }
    }
  sim_instance_invalidate (instance);
  return TRUE;
}

/* The string field @name of an admin body: *out is NULL when it is absent. */
static gboolean
admin_string (json_object *body, const char *name, const char **out, GString *error)
{
  json_object *value = NULL;

  *out = NULL;
  if (!json_object_object_get_ex (body, name, &value))
    return TRUE;
  if (!json_object_is_type (value, json_type_string))
    {
      g_string_printf (error, "%s must be a string", name);
      return FALSE;
    }
  *out = json_object_get_string (value);
  return TRUE;
}

/* Creates an instance behind the client's back, as the console would. Called with the lock
 * held. */
static SimInstance *
admin_create_instance (YunSim *sim, json_object *body, GString *error)
{
  static const char *const fields[] = {
    "Region", "Zone", "InstanceName", "OsFamily", "InstanceState", "InstanceChargeType", NULL,
  };
  const char *region_name, *zone_name, *name, *os_family, *state_name, *charge;
  SimRegion *region;
  SimZone *zone;
  SimState state = SIM_STATE_RUNNING;
  gboolean windows = FALSE;

  json_object_object_foreach (body, key, value)
    {
      (void) value;
      if (!g_strv_contains (fields, key))
        {
          g_string_printf (error,
                           "Field “%s” is not one of Region, Zone, InstanceName, OsFamily, "
                           "InstanceState, InstanceChargeType",
                           key);
          return NULL;
        }
    }
  if (!admin_string (body, "Region", &region_name, error)
      || !admin_string (body, "Zone", &zone_name, error)
      || !admin_string (body, "InstanceName", &name, error)
      || !admin_string (body, "OsFamily", &os_family, error)
      || !admin_string (body, "InstanceState", &state_name, error)
      || !admin_string (body, "InstanceChargeType", &charge, error))
    return NULL;

  region = region_name != NULL ? sim_find_region (sim, region_name)
                               : g_ptr_array_index (sim->regions, 0);
  if (region == NULL)
    {
      g_string_printf (error, "Region “%s” is not one of the simulated regions", region_name);
      return NULL;
    }
  zone
    = zone_name != NULL ? sim_find_zone (region, zone_name) : g_ptr_array_index (region->zones, 0);
  if (zone == NULL)
    {
      g_string_printf (error, "Zone “%s” is not in region %s", zone_name, region->region);
      return NULL;
    }
  if (name != NULL && (*name == '\0' || strlen (name) > 60))
    {
      g_string_assign (error, "InstanceName must be 1 to 60 bytes long");
      return NULL;
    }
  if (os_family != NULL)
    windows = g_ascii_strcasecmp (os_family, "WINDOWS") == 0;
  if (os_family != NULL && !windows && g_ascii_strcasecmp (os_family, "LINUX") != 0)
    {
      g_string_assign (error, "OsFamily must be LINUX or WINDOWS");
      return NULL;
    }
  if (state_name != NULL
      && (!sim_state_from_name (state_name, &state)
          || (state != SIM_STATE_RUNNING && state != SIM_STATE_STOPPED)))
    {
      g_string_assign (error, "InstanceState must be RUNNING or STOPPED");
      return NULL;
    }
  if (charge != NULL && !g_str_equal (charge, "POSTPAID_BY_HOUR")
      && !g_str_equal (charge, "PREPAID"))
    {
      g_string_assign (error, "InstanceChargeType must be POSTPAID_BY_HOUR or PREPAID");
      return NULL;
    }
  return sim_instance_create (sim, region, zone, windows, name, state,
                              g_strcmp0 (charge, "PREPAID") == 0);
}

/* Whether {"Password": "…"} is the password in force on @instance. The password is neither
 * kept nor repeated, not even in an error. Called with the lock held. */
static json_object *
admin_check_password (YunSim *sim, SimInstance *instance, json_object *body, GString *error)
{
  json_object *password = NULL;
  json_object *reply;

  if (!json_object_object_get_ex (body, "Password", &password)
      || !json_object_is_type (password, json_type_string))
    {
      g_string_assign (error, "expected {\"Password\": \"…\"}");
      return NULL;
    }
  reply = json_object_new_object ();
  json_object_object_add (reply, "InstanceId", json_object_new_string (instance->id));
  json_object_object_add (reply, "match",
                          json_object_new_boolean (sim_instance_check_password (
                            sim, instance, json_object_get_string (password))));
  json_object_object_add (reply, "password_changed_at",
                          instance->history != NULL && instance->history->has_password
                            ? json_object_new_int64 (instance->history->password_changed_at)
                            : NULL);
  return reply;
}

static enum MHD_Result
handle_admin (YunSim *sim,
              struct MHD_Connection *connection,
              SimRequest *request,
              const char *url,
              const char *method)
{
  const char *path = url + strlen ("/_yunsim/");
  g_autoptr (json_object) body = NULL;
  g_autoptr (GString) error = g_string_new (NULL);
  json_object *reply = NULL;

  if (!peer_is_loopback (connection))
    return admin_error (sim, connection, MHD_HTTP_FORBIDDEN, "admin is for loopback peers only");

  if (g_str_equal (method, "GET") && g_str_equal (path, "state"))
    {
      g_mutex_lock (&sim->lock);
      reply = admin_state (sim);
      g_mutex_unlock (&sim->lock);
      return admin_reply (sim, connection, MHD_HTTP_OK, reply);
    }
  if (!g_str_equal (method, "POST"))
    return admin_error (sim, connection, MHD_HTTP_NOT_FOUND, "no such admin endpoint");

  body = request->body->len > 0 ? parse_json_body (request->body) : json_object_new_object ();
  if (body == NULL || !json_object_is_type (body, json_type_object))
    return admin_error (sim, connection, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");

  g_mutex_lock (&sim->lock);
  if (g_str_equal (path, "faults"))
    {
      json_object *list = NULL;
      g_autoptr (GPtrArray) specs = g_ptr_array_new ();
      g_autoptr (GPtrArray) faults = NULL;
      g_autoptr (GError) parse_error = NULL;
      gboolean strings = TRUE;

      if (json_object_object_get_ex (body, "faults", &list)
          && json_object_is_type (list, json_type_array))
        for (gsize i = 0; i < json_object_array_length (list); i++)
          {
            json_object *item = json_object_array_get_idx (list, i);

            strings &= json_object_is_type (item, json_type_string);
            g_ptr_array_add (specs, (gpointer) json_object_get_string (item));
          }
      if (list == NULL || !json_object_is_type (list, json_type_array) || !strings)
        g_string_assign (error, "expected {\"faults\": [\"KIND:RATE[:ACTION[:REGION]]\", …]}");
      else
        {
          g_ptr_array_add (specs, NULL);
          faults = sim_faults_parse (sim, (const char *const *) specs->pdata, &parse_error);
          if (faults == NULL)
            g_string_assign (error, parse_error->message);
          else
            {
              g_ptr_array_unref (sim->faults);
              sim->faults = g_steal_pointer (&faults);
              reply = json_object_new_object ();
              json_object_object_add (reply, "faults", json_object_get (list));
            }
        }
    }
  else if (g_str_equal (path, "hostile"))
    {
      json_object *list = NULL;
      g_autoptr (GPtrArray) entries = NULL;
      g_autoptr (GError) parse_error = NULL;

      json_object_object_get_ex (body, "answers", &list);
      entries = sim_hostile_parse (list, &parse_error);
      if (entries == NULL)
        g_string_assign (error, parse_error->message);
      else
        {
          g_clear_pointer (&sim->hostile, g_ptr_array_unref);
          sim->hostile = g_steal_pointer (&entries);
          reply = json_object_new_object ();
          json_object_object_add (reply, "answers", sim_hostile_dump (sim));
        }
    }
  else if (g_str_equal (path, "clock"))
    {
      json_object *offset = NULL;

      if (!json_object_object_get_ex (body, "offset_seconds", &offset)
          || !json_object_is_type (offset, json_type_int))
        g_string_assign (error, "expected {\"offset_seconds\": N}");
      else
        {
          sim->clock_offset = json_object_get_int64 (offset);
          reply = json_object_new_object ();
          json_object_object_add (reply, "clock_offset", json_object_new_int64 (sim->clock_offset));
          json_object_object_add (reply, "server_time", json_object_new_int64 (sim_wall_now (sim)));
        }
    }
  else if (g_str_equal (path, "failures"))
    {
      gboolean valid = TRUE;

      json_object_object_foreach (body, key, value)
        {
          (void) key;
          valid &= json_object_is_type (value, json_type_string);
        }
      if (!valid)
        g_string_assign (error, "expected {\"Action\": \"ErrorCode\", …}");
      else
        {
          g_hash_table_remove_all (sim->failures);
          json_object_object_foreach (body, action, code)
            g_hash_table_insert (sim->failures, g_strdup (action),
                                 g_strdup (json_object_get_string (code)));
          reply = json_object_get (body);
        }
    }
  else if (g_str_equal (path, "instances"))
    {
      SimInstance *instance = admin_create_instance (sim, body, error);

      if (instance != NULL)
        reply = admin_instance (instance);
    }
  else if (g_str_has_prefix (path, "instances/") || g_str_has_prefix (path, "agents/"))
    {
      gboolean agents = g_str_has_prefix (path, "agents/");
      g_autofree char *id = g_strdup (strchr (path, '/') + 1);
      char *slash = strchr (id, '/');
      gboolean delete = FALSE, check_password = FALSE;
      SimInstance *instance;

      if (slash != NULL)
        {
          delete = !agents && g_str_equal (slash, "/delete");
          check_password = !agents && g_str_equal (slash, "/check-password");
          *slash = '\0';
        }
      sim_settle_all (sim, g_get_monotonic_time ());
      instance = g_hash_table_lookup (sim->instances, id);
      if (instance == NULL)
        {
          g_mutex_unlock (&sim->lock);
          return admin_error (sim, connection, MHD_HTTP_NOT_FOUND, "no such instance");
        }
      if (check_password)
        reply = admin_check_password (sim, instance, body, error);
      else if (slash != NULL && !delete)
        g_string_assign (error, "no such admin endpoint");
      else if (delete)
        {
          reply = json_object_new_object ();
          json_object_object_add (reply, "deleted", json_object_new_string (instance->id));
          sim_instance_remove (sim, instance);
        }
      else if (agents)
        {
          json_object *status = NULL;
          guint8 agent;

          if (!json_object_object_get_ex (body, "AgentStatus", &status)
              || !agent_from_name (json_object_get_string (status), &agent))
            g_string_assign (error, "expected {\"AgentStatus\": \"Online|Offline|NotInstalled\"}");
          else
            {
              instance->agent = agent;
              sim_tat_agent_changed (sim, instance, g_get_monotonic_time ());
              reply = admin_instance (instance);
            }
        }
      else if (admin_patch_instance (sim, instance, body, error))
        reply = admin_instance (instance);
    }
  else
    {
      g_mutex_unlock (&sim->lock);
      return admin_error (sim, connection, MHD_HTTP_NOT_FOUND, "no such admin endpoint");
    }
  g_mutex_unlock (&sim->lock);

  if (reply == NULL)
    return admin_error (sim, connection, MHD_HTTP_BAD_REQUEST, error->str);
  return admin_reply (sim, connection, MHD_HTTP_OK, reply);
}

/* ---- libmicrohttpd glue ---- */

static void *
on_uri (void *cls, const char *uri, struct MHD_Connection *connection)
{
  SimRequest *request = g_new0 (SimRequest, 1);

  request->uri = g_strdup (uri);
  request->body = g_byte_array_new ();
  return request;
}

static void
on_completed (void *cls,
              struct MHD_Connection *connection,
              void **con_cls,
              enum MHD_RequestTerminationCode code)
{
  SimRequest *request = *con_cls;

  if (request == NULL)
    return;
  g_free (request->uri);
  g_byte_array_unref (request->body);
  g_free (request);
  *con_cls = NULL;
}

static enum MHD_Result
on_request (void *cls,
            struct MHD_Connection *connection,
            const char *url,
            const char *method,
            const char *version,
            const char *upload_data,
            size_t *upload_data_size,
            void **con_cls)
{
  YunSim *sim = cls;
  SimRequest *request = *con_cls;

  if (request == NULL)
    return MHD_NO;
  if (!request->started)
    {
      request->started = TRUE;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      if (request->body->len + *upload_data_size > MAX_BODY_SIZE)
        request->too_large = TRUE;
      else
        g_byte_array_append (request->body, (const guint8 *) upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
  if (strlen (request->uri) > MAX_QUERY_SIZE)
    request->too_large = TRUE;

  /* A request that names an action is an API call, whatever its path: the admin API is
   * never reachable through the Tencent API. */
  if (g_str_has_prefix (url, "/_yunsim/") && header (connection, "X-TC-Action") == NULL)
    return handle_admin (sim, connection, request, url, method);
  if (!g_str_equal (url, "/") && header (connection, "X-TC-Action") == NULL)
    return sim_send_body (sim, connection, MHD_HTTP_NOT_FOUND, "text/plain",
                          g_strdup ("not found\n"), strlen ("not found\n"));
  return handle_api (sim, connection, request, method);
}

static gboolean
load_credentials (YunSim *sim, const YunSimOptions *options, GError **error)
{
  sim->credentials
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sim_credential_free);

  if (options->credentials_file != NULL)
    {
      g_autofree char *contents = NULL;
      g_auto (GStrv) lines = NULL;

      if (!g_file_get_contents (options->credentials_file, &contents, NULL, error))
        return FALSE;
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto (GStrv) fields = NULL;
          SimCredential *credential;
          char *line = g_strstrip (lines[i]);

          if (*line == '\0' || *line == '#')
            continue;
          fields = g_strsplit_set (line, " \t", -1);
          {
            /* drop empty fields left by repeated separators */
            guint n = 0;

            for (guint k = 0; fields[k] != NULL; k++)
              if (*fields[k] != '\0')
                fields[n++] = fields[k];
              else
                g_free (fields[k]);
            fields[n] = NULL;
            if (n < 2 || n > 3)
              {
                g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                             "%s:%u: expected “SecretId SecretKey [Token]”",
                             options->credentials_file, i + 1);
                return FALSE;
              }
          }
          credential = g_new0 (SimCredential, 1);
          credential->secret_key = g_strdup (fields[1]);
          credential->token = g_strdup (fields[2]);
          g_hash_table_replace (sim->credentials, g_strdup (fields[0]), credential);
        }
      if (g_hash_table_size (sim->credentials) == 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s holds no credentials",
                       options->credentials_file);
          return FALSE;
        }
    }
  if (options->secret_id != NULL)
    {
      SimCredential *credential = g_new0 (SimCredential, 1);

      if (options->secret_key == NULL)
        {
          g_free (credential);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "A SecretId needs its SecretKey");
          return FALSE;
        }
      credential->secret_key = g_strdup (options->secret_key);
      g_hash_table_replace (sim->credentials, g_strdup (options->secret_id), credential);
    }
  if (g_hash_table_size (sim->credentials) == 0)
    {
      SimCredential *credential = g_new0 (SimCredential, 1);

      credential->secret_key = g_strdup (YUN_SIM_DEMO_SECRET_KEY);
      g_hash_table_replace (sim->credentials, g_strdup (YUN_SIM_DEMO_SECRET_ID), credential);
    }
  return TRUE;
}

/* From the system's entropy rather than the seeded stream, which the salt would shift (the
 * IDs of new instances and invocations depend only on the seed and the requests). */
static void
random_salt (guint8 *salt, gsize size)
{
  g_autoptr (GRand) rand = g_rand_new ();

  for (gsize i = 0; i < size; i++)
    salt[i] = (guint8) g_rand_int (rand);
}

/* Reads the certificate and key files into memory, where libmicrohttpd wants them. */
static gboolean
load_tls (YunSim *sim, const YunSimOptions *options, GError **error)
{
  if (options->tls_cert_file == NULL && options->tls_key_file == NULL)
    return TRUE;
  if (options->tls_cert_file == NULL || options->tls_key_file == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "a TLS certificate and its key go together");
      return FALSE;
    }
  if (!MHD_is_feature_supported (MHD_FEATURE_TLS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "this libmicrohttpd was built without TLS");
      return FALSE;
    }
  return g_file_get_contents (options->tls_cert_file, &sim->tls_cert, NULL, error)
         && g_file_get_contents (options->tls_key_file, &sim->tls_key, NULL, error);
}

static void
sim_free (YunSim *sim)
{
  if (sim->tls_key != NULL)
    explicit_bzero (sim->tls_key, strlen (sim->tls_key));
  g_free (sim->tls_key);
  g_free (sim->tls_cert);
  g_free (sim->listen_address);
  g_free (sim->url);
  g_clear_pointer (&sim->credentials, g_hash_table_unref);
  g_clear_pointer (&sim->buckets, g_hash_table_unref);
  g_clear_pointer (&sim->faults, g_ptr_array_unref);
  g_clear_pointer (&sim->hostile, g_ptr_array_unref);
  g_clear_pointer (&sim->requests, g_hash_table_unref);
  g_clear_pointer (&sim->failures, g_hash_table_unref);
  g_clear_pointer (&sim->tokens, g_hash_table_unref);
  sim_tat_free (sim);
  sim_fleet_free (sim);
  g_clear_pointer (&sim->rand, g_rand_free);
  g_mutex_clear (&sim->lock);
  g_mutex_clear (&sim->stop_lock);
  g_cond_clear (&sim->stop_cond);
  g_free (sim);
}

/**
 * yun_sim_start:
 * @options: what to simulate
 * @error: return location for an error
 *
 * Builds the fleet and starts serving on @options->listen_address, which must be a
 * loopback address.
 *
 * Returns: (transfer full) (nullable): the running simulator, or %NULL with @error set
 */
YunSim *
yun_sim_start (const YunSimOptions *options, GError **error)
{
  YunSim *sim;
  g_autoptr (GInetAddress) address = NULL;
  struct sockaddr_storage storage = { 0 };
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
                       | MHD_USE_POLL | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
  const union MHD_DaemonInfo *info;
  struct MHD_OptionItem tls_options[3] = { { MHD_OPTION_END, 0, NULL } };
  const char *scheme = "http";
  guint16 port;
  guint32 seed32[2];

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = g_inet_address_new_from_string (
    options->listen_address != NULL ? options->listen_address : "127.0.0.1");
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "yunsim listens on loopback addresses only, not “%s”",
                   options->listen_address != NULL ? options->listen_address : "");
      return NULL;
    }

  sim = g_new0 (YunSim, 1);
  sim->options = *options;
  sim->options.faults = NULL;
  sim->options.region_sizes = NULL;
  sim->options.loopback_ips = NULL;
  sim->options.credentials_file = NULL;
  sim->options.secret_id = NULL;
  sim->options.secret_key = NULL;
  sim->options.listen_address = NULL;
  sim->options.tls_cert_file = NULL;
  sim->options.tls_key_file = NULL;
  sim->listen_address = g_inet_address_to_string (address);
  sim->seed = options->seed;
  sim->transition_us = (gint64) options->transition_ms * 1000;
  g_mutex_init (&sim->lock);
  g_mutex_init (&sim->stop_lock);
  g_cond_init (&sim->stop_cond);
  sim->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sim->requests = g_hash_table_new (g_str_hash, g_str_equal);
  sim->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  seed32[0] = (guint32) options->seed;
  seed32[1] = (guint32) (options->seed >> 32);
  sim->rand = g_rand_new_with_seed_array (seed32, 2);
  random_salt (sim->password_salt, sizeof sim->password_salt);

  if (!load_credentials (sim, options, error) || !load_tls (sim, options, error))
    {
      sim_free (sim);
      return NULL;
    }
  /* Fault regions are checked against the fleet's regions. */
  if (!sim_fleet_build (sim, options->region_sizes, error)
      || !sim_loopback_apply (sim, options->loopback_ips, error))
    {
      sim_free (sim);
      return NULL;
    }
  sim->faults = sim_faults_parse (sim, options->faults, error);
  if (sim->faults == NULL)
    {
      sim_free (sim);
      return NULL;
    }
  sim_tat_init (sim);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &storage;

      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (options->port);
      memcpy (&in6->sin6_addr, g_inet_address_to_bytes (address), 16);
      flags |= MHD_USE_IPv6;
    }
  else
    {
      struct sockaddr_in *in = (struct sockaddr_in *) &storage;

      in->sin_family = AF_INET;
      in->sin_port = htons (options->port);
      memcpy (&in->sin_addr, g_inet_address_to_bytes (address), 4);
    }

  if (sim->tls_cert != NULL)
    {
      flags |= MHD_USE_TLS;
      scheme = "https";
      tls_options[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, sim->tls_cert };
      tls_options[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, sim->tls_key };
      tls_options[2] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    }

  sim->daemon = MHD_start_daemon (
    flags, options->port, NULL, NULL, on_request, sim, MHD_OPTION_SOCK_ADDR, &storage,
    MHD_OPTION_URI_LOG_CALLBACK, on_uri, sim, MHD_OPTION_NOTIFY_COMPLETED, on_completed, sim,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 600, MHD_OPTION_LISTENING_ADDRESS_REUSE,
    (unsigned int) 1, MHD_OPTION_ARRAY, tls_options, MHD_OPTION_END);
  if (sim->daemon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "yunsim cannot listen on %s port %u",
                   sim->listen_address, options->port);
      sim_free (sim);
      return NULL;
    }
  info = MHD_get_daemon_info (sim->daemon, MHD_DAEMON_INFO_BIND_PORT);
  port = info != NULL ? info->port : options->port;
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    sim->url = g_strdup_printf ("%s://[%s]:%u", scheme, sim->listen_address, port);
  else
    sim->url = g_strdup_printf ("%s://%s:%u", scheme, sim->listen_address, port);
  return sim;
}

/**
 * yun_sim_get_url:
 * @self: a running simulator
 *
 * Returns: (transfer none): `http://HOST:PORT` (`https://` with a certificate), without a
 *   trailing slash
 */
const char *
yun_sim_get_url (YunSim *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

/**
 * yun_sim_stop:
 * @self: (transfer full) (nullable): a running simulator
 *
 * Stops serving and frees everything. Returns promptly even while a stall is in progress:
 * sleeping handlers are woken up and close their connections.
 */
void
yun_sim_stop (YunSim *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->stop_lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->stop_cond);
  g_mutex_unlock (&self->stop_lock);

  if (self->daemon != NULL)
    MHD_stop_daemon (self->daemon);
  sim_free (self);
}
