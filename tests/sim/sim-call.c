/* sim-call.c: raw signed HTTP requests to yunsim, independent of YunClient
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-sim"

#include "config.h"

#include "sim-call.h"

#include <string.h>

#include "yun-sim.h"

void
sim_response_clear (SimResponse *response)
{
  if (response->body != NULL)
    g_string_free (response->body, TRUE);
  g_clear_pointer (&response->json, json_object_put);
  g_free (response->date);
  memset (response, 0, sizeof *response);
}

static size_t
on_body (char *data, size_t size, size_t count, void *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

static size_t
on_header (char *data, size_t size, size_t count, void *user_data)
{
  SimResponse *response = user_data;
  gsize length = size * count;

  if (length > 5 && g_ascii_strncasecmp (data, "Date:", 5) == 0)
    {
      g_free (response->date);
      response->date = g_strstrip (g_strndup (data + 5, length - 5));
    }
  return length;
}

void
sim_send (YunTestSim *sim, const SimRequest *request, SimResponse *response)
{
  const char *method = request->method != NULL ? request->method : "POST";
  gboolean get = g_str_equal (method, "GET");
  const char *service = request->service != NULL ? request->service : "cvm";
  const char *version = request->version != NULL
                          ? request->version
                          : (g_str_equal (service, "cvm") ? "2017-03-12" : "2020-10-28");
  const char *body = get ? "" : (request->body != NULL ? request->body : "{}");
  const char *sent_body = request->sent_body != NULL ? request->sent_body : body;
  const char *content_type = request->content_type != NULL
                               ? request->content_type
                               : (get ? "application/x-www-form-urlencoded" : "application/json");
  const char *secret_id
    = request->secret_id != NULL ? request->secret_id : yun_test_sim_get_secret_id (sim);
  const char *secret_key
    = request->secret_key != NULL ? request->secret_key : yun_test_sim_get_secret_key (sim);
  gint64 timestamp
    = request->timestamp != 0 ? request->timestamp : g_get_real_time () / G_USEC_PER_SEC;
  const char *url_base = yun_test_sim_get_url (sim);
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  g_autofree char *line = NULL;
  struct curl_slist *headers = NULL;
  CURL *curl;

  memset (response, 0, sizeof *response);
  response->body = g_string_new (NULL);
  host = g_strdup (request->host != NULL ? request->host : url_base + strlen ("http://"));
  url = g_strdup_printf ("%s%s%s%s", url_base, request->path != NULL ? request->path : "/",
                         get && request->query != NULL ? "?" : "",
                         get && request->query != NULL ? request->query : "");

  {
    YunHeader signed_headers[] = {
      { "Content-Type", content_type },
      { "Host", host },
      { "X-TC-Action", request->action != NULL ? request->action : "" },
    };
    YunSignRequest sign = {
      .method = method,
      .canonical_query = get ? request->query : NULL,
      .headers = signed_headers,
      .n_headers = request->sign_action ? 3 : 2,
      .payload = body,
      .payload_len = strlen (body),
      .service = request->scope_service != NULL ? request->scope_service : service,
      .timestamp = request->sign_timestamp != 0 ? request->sign_timestamp : timestamp,
    };
    g_autoptr (YunSignature) signature = yun_signer_sign (&sign, secret_id, secret_key);

    if (request->authorization == NULL)
      {
        line = g_strdup_printf ("Authorization: %s", signature->authorization);
        headers = curl_slist_append (headers, line);
        g_clear_pointer (&line, g_free);
      }
    else if (*request->authorization != '\0')
      {
        line = g_strdup_printf ("Authorization: %s", request->authorization);
        headers = curl_slist_append (headers, line);
        g_clear_pointer (&line, g_free);
      }
  }

#define ADD_HEADER(...)                                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    line = g_strdup_printf (__VA_ARGS__);                                                          \
    headers = curl_slist_append (headers, line);                                                   \
    g_clear_pointer (&line, g_free);                                                               \
  }                                                                                                \
  G_STMT_END

  ADD_HEADER ("Content-Type: %s", content_type);
  if (request->host != NULL)
    ADD_HEADER ("Host: %s", request->host);
  if (request->action != NULL)
    ADD_HEADER ("X-TC-Action: %s", request->action);
  if (*version != '\0')
    ADD_HEADER ("X-TC-Version: %s", version);
  if (request->region != NULL)
    ADD_HEADER ("X-TC-Region: %s", request->region);
  ADD_HEADER ("X-TC-Timestamp: %" G_GINT64_FORMAT, timestamp);
  if (request->token != NULL)
    ADD_HEADER ("X-TC-Token: %s", request->token);
  if (request->language != NULL)
    ADD_HEADER ("X-TC-Language: %s", request->language);
  headers = curl_slist_append (headers, "Expect:");
#undef ADD_HEADER

  curl = curl_easy_init ();
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS,
                    request->timeout_ms > 0 ? request->timeout_ms : 10000L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, response->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, response);
  if (get)
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  else
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, sent_body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) strlen (sent_body));
      if (!g_str_equal (method, "POST"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    }
  response->curl_code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &response->http_status);
  curl_easy_getinfo (curl, CURLINFO_TOTAL_TIME, &response->elapsed);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);

  if (response->curl_code == CURLE_OK)
    {
      response->json = json_tokener_parse (response->body->str);
      if (response->json != NULL
          && json_object_object_get_ex (response->json, "Response", &response->response))
        {
          json_object *error = NULL, *code = NULL, *request_id = NULL;

          if (json_object_object_get_ex (response->response, "Error", &error)
              && json_object_object_get_ex (error, "Code", &code))
            response->error_code = json_object_get_string (code);
          if (json_object_object_get_ex (response->response, "RequestId", &request_id))
            response->request_id = json_object_get_string (request_id);
        }
    }
}

json_object *
sim_call (YunTestSim *sim,
          SimResponse *response,
          const char *service,
          const char *action,
          const char *region,
          const char *body_format,
          ...)
{
  g_autofree char *body = NULL;
  va_list args;
  SimRequest request = {
    .service = service,
    .action = action,
    .region = region,
  };

  va_start (args, body_format);
  body = g_strdup_vprintf (body_format, args);
  va_end (args);
  request.body = body;

  sim_response_clear (response);
  sim_send (sim, &request, response);
  if (response->curl_code != CURLE_OK)
    g_error ("%s: %s", action, curl_easy_strerror (response->curl_code));
  g_assert_cmpint (response->http_status, ==, 200);
  g_assert_nonnull (response->response);
  return response->response;
}

long
sim_admin_post (YunTestSim *sim, SimResponse *response, const char *path, const char *body)
{
  g_autofree char *full_path = g_strdup_printf ("/_yunsim/%s", path);
  /* Without X-TC-Action, the request is an admin one; the admin API ignores the signature. */
  SimRequest request = { .version = "", .path = full_path, .body = body };

  sim_response_clear (response);
  sim_send (sim, &request, response);
  g_assert_cmpint (response->curl_code, ==, CURLE_OK);
  return response->http_status;
}

void
sim_assert_error (SimResponse *response, const char *code)
{
  g_assert_cmpint (response->curl_code, ==, CURLE_OK);
  g_assert_cmpint (response->http_status, ==, 200);
  g_assert_nonnull (response->response);
  if (g_strcmp0 (response->error_code, code) != 0)
    g_error ("expected error %s, got %s: %s", code,
             response->error_code != NULL ? response->error_code : "success", response->body->str);
  g_assert_true (sim_is_uuid (response->request_id));
}

void
sim_assert_success (SimResponse *response)
{
  g_assert_cmpint (response->curl_code, ==, CURLE_OK);
  g_assert_cmpint (response->http_status, ==, 200);
  if (response->error_code != NULL)
    g_error ("expected success, got %s", response->body->str);
  g_assert_true (sim_is_uuid (response->request_id));
}

gboolean
sim_is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

static gboolean
field_is (json_object *object, const char *name, const char *value)
{
  json_object *field = NULL;

  if (value == NULL)
    return TRUE;
  return json_object_object_get_ex (object, name, &field)
         && g_strcmp0 (json_object_get_string (field), value) == 0;
}

char *
sim_pick_instance (YunTestSim *sim,
                   const char *region,
                   const char *state,
                   const char *os_family,
                   const char *charge_type,
                   const char *agent)
{
  g_autoptr (json_object) dump = yun_test_sim_admin_get (sim, "state");
  json_object *instances = json_object_object_get (dump, "instances");

  for (gsize i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *item = json_object_array_get_idx (instances, i);

      if (field_is (item, "Region", region) && field_is (item, "InstanceState", state)
          && field_is (item, "OsFamily", os_family)
          && field_is (item, "InstanceChargeType", charge_type)
          && field_is (item, "AgentStatus", agent)
          && !json_object_get_boolean (json_object_object_get (item, "DisableApiTermination")))
        return g_strdup (json_object_get_string (json_object_object_get (item, "InstanceId")));
    }
  return NULL;
}

char *
sim_instance_field (YunTestSim *sim, const char *region, const char *id, const char *field)
{
  g_auto (SimResponse) response = { 0 };
  json_object *result = sim_call (sim, &response, "cvm", "DescribeInstances", region,
                                  "{\"InstanceIds\":[\"%s\"]}", id);
  json_object *set;

  sim_assert_success (&response);
  set = json_object_object_get (result, "InstanceSet");
  if (json_object_array_length (set) == 0)
    return NULL;
  return g_strdup (
    json_object_get_string (json_object_object_get (json_object_array_get_idx (set, 0), field)));
}

void
sim_wait_state (
  YunTestSim *sim, const char *region, const char *id, const char *state, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      g_autofree char *current = sim_instance_field (sim, region, id, "InstanceState");

      if (g_strcmp0 (current, state) == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s stayed %s, expected %s", id, current != NULL ? current : "(gone)",
                 state != NULL ? state : "(gone)");
      g_usleep (50 * 1000);
    }
}

void
sim_wait_operation (
  YunTestSim *sim, const char *region, const char *id, const char *op_state, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      g_autofree char *current = sim_instance_field (sim, region, id, "LatestOperationState");

      if (g_strcmp0 (current, op_state) == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: LatestOperationState stayed %s, expected %s", id,
                 current != NULL ? current : "null", op_state);
      g_usleep (50 * 1000);
    }
}

gboolean
sim_check_password (YunTestSim *sim, const char *id, const char *password, gint64 *changed_at)
{
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) body = json_object_new_object ();
  g_autofree char *path = g_strdup_printf ("instances/%s/check-password", id);
  json_object *match = NULL;
  json_object *when = NULL;

  json_object_object_add (body, "Password", json_object_new_string (password));
  g_assert_cmpint (sim_admin_post (sim, &response, path, json_object_to_json_string (body)), ==,
                   200);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (response.json, "InstanceId")),
                   ==, id);
  g_assert_true (json_object_object_get_ex (response.json, "match", &match));
  g_assert_true (json_object_is_type (match, json_type_boolean));
  g_assert_true (json_object_object_get_ex (response.json, "password_changed_at", &when));
  g_assert_true (when == NULL || json_object_is_type (when, json_type_int));
  /* the answer never repeats the password */
  if (*password != '\0')
    g_assert_null (strstr (response.body->str, password));
  if (changed_at != NULL)
    *changed_at = when != NULL ? json_object_get_int64 (when) : 0;
  return json_object_get_boolean (match);
}

json_object *
sim_admin_instance (YunTestSim *sim, const char *id)
{
  g_autoptr (json_object) dump = yun_test_sim_admin_get (sim, "state");
  json_object *instances = json_object_object_get (dump, "instances");

  for (gsize i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *item = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (json_object_get_string (json_object_object_get (item, "InstanceId")), id) == 0)
        return json_object_get (item);
    }
  return NULL;
}

gint64
sim_operation_count (YunTestSim *sim, const char *id, const char *action)
{
  g_autoptr (json_object) item = sim_admin_instance (sim, id);
  json_object *operations = NULL;
  json_object *count = NULL;

  g_assert_nonnull (item);
  g_assert_true (json_object_object_get_ex (item, "Operations", &operations));
  g_assert_true (json_object_is_type (operations, json_type_object));
  if (!json_object_object_get_ex (operations, action, &count))
    return 0;
  /* zero counts are left out */
  g_assert_cmpint (json_object_get_int64 (count), >, 0);
  return json_object_get_int64 (count);
}
