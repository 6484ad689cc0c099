/* test-hostile.c: answers that should not be believed, through the real client over
 * loopback: truncated JSON, a 20 MB body, invalid UTF-8, wrong types, missing and unexpected
 * members, a proxy's HTML page, HTTP 502/503 and a connection dropped in the middle of the
 * body (yunsim's POST /_yunsim/hostile). Each is a clear error, or is tolerated, and is
 * retried only for calls that are safe to repeat.
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <curl/curl.h>
#include <string.h>
#include <yun/yun.h>

#include "yun-client-private.h"
#include "yun-test-sim.h"

typedef struct
{
  YunTestSim *sim;
  YunClient *client;
  char *region;      /* a region with instances */
  char *instance_id; /* a RUNNING instance there */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_object) state = NULL;
  json_object *instances = NULL;

  fixture->sim = yun_test_sim_spawn ("--seed", "9", "--regions", "3", "--instances", "30",
                                     "--transition-ms", "60000", NULL);
  credentials = yun_credentials_new (yun_test_sim_get_secret_id (fixture->sim),
                                     yun_test_sim_get_secret_key (fixture->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (fixture->sim), &error);
  g_assert_no_error (error);
  fixture->client = yun_client_new (credentials, endpoint);

  state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  for (gsize i = 0; i < json_object_array_length (instances) && fixture->region == NULL; i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (yun_test_json_string (instance, "InstanceState"), "RUNNING") == 0)
        {
          fixture->region = g_strdup (yun_test_json_string (instance, "Region"));
          fixture->instance_id = g_strdup (yun_test_json_string (instance, "InstanceId"));
        }
    }
  g_assert_nonnull (fixture->region);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->sim, yun_test_sim_free);
  g_clear_pointer (&fixture->region, g_free);
  g_clear_pointer (&fixture->instance_id, g_free);
}

/* The next @count calls of @action get a @kind answer. */
static void
arm (Fixture *fixture, const char *kind, const char *action, guint count)
{
  g_autofree char *body = g_strdup_printf (
    "{\"answers\": [{\"kind\": \"%s\", \"action\": \"%s\", \"count\": %u}]}", kind, action, count);
  g_autoptr (json_object) answer = yun_test_sim_admin_post (fixture->sim, "/_yunsim/hostile", body);

  g_assert_nonnull (answer);
}

/* How many hostile answers are still armed. */
static gint64
hostile_remaining (Fixture *fixture)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  json_object *list = NULL;
  gint64 remaining = 0;

  g_assert_true (json_object_object_get_ex (state, "hostile", &list));
  for (gsize i = 0; i < json_object_array_length (list); i++)
    {
      json_object *member = NULL;

      g_assert_true (
        json_object_object_get_ex (json_object_array_get_idx (list, i), "remaining", &member));
      remaining += json_object_get_int64 (member);
    }
  return remaining;
}

/* A message is about the answer, never a copy of it. */
static void
assert_clear_message (const GError *error, Fixture *fixture, const char *must_mention)
{
  g_autofree char *host = g_strdup (yun_test_sim_get_url (fixture->sim) + strlen ("http://"));

  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, must_mention));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strstr (error->message, "<html"));
  g_assert_null (strstr (error->message, "xxxxxxxx"));
  g_assert_null (strstr (error->message, "YunsimUnexpected"));
  g_assert_cmpuint (strlen (error->message), <, 1024);
  if (error->code != YUN_ERROR_PROTOCOL || strstr (error->message, "answer from") != NULL)
    g_assert_nonnull (strstr (error->message, host));
}

static GPtrArray *
describe_regions (Fixture *fixture, GError **error)
{
  return yun_client_describe_regions (fixture->client, NULL, error);
}

static GPtrArray *
describe_instances (Fixture *fixture, GError **error)
{
  guint total = 0;

  return yun_client_describe_instances_page (fixture->client, fixture->region, NULL, 0, 100, &total,
                                             NULL, error);
}

/* The same instances, field by field, as an answer that was not spoiled. */
static void
assert_same_instances (GPtrArray *actual, GPtrArray *expected)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < actual->len; i++)
    {
      YunInstance *a = actual->pdata[i], *e = expected->pdata[i];

      g_assert_cmpstr (yun_instance_get_instance_id (a), ==, yun_instance_get_instance_id (e));
      g_assert_cmpstr (yun_instance_get_name (a), ==, yun_instance_get_name (e));
      g_assert_cmpstr (yun_instance_get_state (a), ==, yun_instance_get_state (e));
      g_assert_cmpstr (yun_instance_get_zone (a), ==, yun_instance_get_zone (e));
    }
}

/* A read whose answer cannot be believed fails once, not retried: asking again would get
 * the same broken thing. The next call is served normally. */
static void
assert_read_fails_once (Fixture *fixture, const char *kind, const char *must_mention)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;
  g_autoptr (GPtrArray) again = NULL;

  arm (fixture, kind, "DescribeRegions", 1);
  regions = describe_regions (fixture, &error);
  g_assert_null (regions);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, must_mention);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), ==, 1);
  g_assert_cmpint (hostile_remaining (fixture), ==, 0);
  g_clear_error (&error);

  again = describe_regions (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 3);
}

static void
test_truncated_json (Fixture *fixture, gconstpointer data)
{
  assert_read_fails_once (fixture, "truncated-json", "stops in the middle");
}

static void
test_huge_body (Fixture *fixture, gconstpointer data)
{
  /* 20 MB against the default limit of 10 MiB: abandoned as it arrives. */
  assert_read_fails_once (fixture, "huge-body", "limit");
}

static void
test_huge_body_smaller_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  yun_client_set_max_response_size (fixture->client, 8 * 1024 * 1024);
  arm (fixture, "huge-body", "DescribeRegions", 1);
  regions = describe_regions (fixture, &error);
  g_assert_null (regions);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, "8.0");
}

static void
test_invalid_utf8 (Fixture *fixture, gconstpointer data)
{
  assert_read_fails_once (fixture, "invalid-utf8", "UTF-8");
}

static void
test_html_200 (Fixture *fixture, gconstpointer data)
{
  assert_read_fails_once (fixture, "html-200", "web page");
}

static void
test_wrong_types (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  arm (fixture, "wrong-types", "DescribeInstances", 1);
  instances = describe_instances (fixture, &error);
  g_assert_null (instances);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, "should be");
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeInstances"), ==, 1);
  g_clear_error (&error);

  arm (fixture, "wrong-types", "DescribeRegions", 1);
  regions = describe_regions (fixture, &error);
  g_assert_null (regions);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, "should be");
}

static void
test_missing_fields (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  /* An answer without InstanceSet is not an empty region. */
  arm (fixture, "missing-fields", "DescribeInstances", 1);
  instances = describe_instances (fixture, &error);
  g_assert_null (instances);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, "missing");
  g_clear_error (&error);

  arm (fixture, "missing-fields", "DescribeRegions", 1);
  regions = describe_regions (fixture, &error);
  g_assert_null (regions);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  assert_clear_message (error, fixture, "missing");
}

static void
test_unexpected_fields (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) plain = NULL;
  g_autoptr (GPtrArray) extended = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  plain = describe_instances (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plain->len, >, 0);

  /* Members the client does not know are ignored, at every depth. */
  arm (fixture, "unexpected-fields", "DescribeInstances", 1);
  extended = describe_instances (fixture, &error);
  g_assert_no_error (error);
  assert_same_instances (extended, plain);
  g_assert_cmpint (hostile_remaining (fixture), ==, 0);

  arm (fixture, "unexpected-fields", "DescribeRegions", 1);
  regions = describe_regions (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regions->len, ==, 3);
}

/* A gateway's failure on a read is retried, and the retry is answered. */
static void
test_gateway_errors_retried_for_reads (Fixture *fixture, gconstpointer data)
{
  const char *const kinds[] = { "http-502", "http-503", "html-502", "drop-mid-body" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) regions = NULL;
      gint64 before = yun_test_sim_count_requests (fixture->sim, "DescribeRegions");

      arm (fixture, kinds[i], "DescribeRegions", 1);
      regions = describe_regions (fixture, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (regions->len, ==, 3);
      g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), ==,
                       before + 2);
      g_assert_cmpint (hostile_remaining (fixture), ==, 0);
    }
}

/* A gateway that keeps failing: the error says the service is unavailable, after the
 * attempt budget. */
static void
test_gateway_errors_persisting (Fixture *fixture, gconstpointer data)
{
  const struct
  {
    const char *kind;
    YunError code;
    const char *mention;
  } cases[] = {
    { "http-502", YUN_ERROR_UNAVAILABLE, "HTTP 502" },
    { "http-503", YUN_ERROR_UNAVAILABLE, "HTTP 503" },
    { "html-502", YUN_ERROR_UNAVAILABLE, "web page" },
    { "drop-mid-body", YUN_ERROR_NETWORK, "closed before the answer arrived" },
  };

  yun_client_set_max_attempts (fixture->client, 3);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) regions = NULL;
      gint64 before = yun_test_sim_count_requests (fixture->sim, "DescribeRegions");

      arm (fixture, cases[i].kind, "DescribeRegions", 10);
      regions = describe_regions (fixture, &error);
      g_assert_null (regions);
      g_assert_error (error, YUN_ERROR, cases[i].code);
      assert_clear_message (error, fixture, cases[i].mention);
      g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), ==,
                       before + 3);
    }
}

/* StopInstances is not safe to repeat: a gateway's failure after the service acted is
 * reported, never sent again. */
static void
test_gateway_errors_not_retried_for_changes (Fixture *fixture, gconstpointer data)
{
  const struct
  {
    const char *kind;
    YunError code;
  } cases[] = {
    { "http-502", YUN_ERROR_UNAVAILABLE },
    { "http-503", YUN_ERROR_UNAVAILABLE },
    { "html-502", YUN_ERROR_UNAVAILABLE },
    { "drop-mid-body", YUN_ERROR_NETWORK },
  };
  const char *ids[] = { fixture->instance_id, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autofree char *path = g_strdup_printf ("/_yunsim/instances/%s", fixture->instance_id);
      g_autoptr (json_object) reset = NULL;
      gint64 before = yun_test_sim_count_requests (fixture->sim, "StopInstances");

      /* Running again, so that each case stops it for real. */
      reset = yun_test_sim_admin_post (fixture->sim, path, "{\"InstanceState\": \"RUNNING\"}");
      arm (fixture, cases[i].kind, "StopInstances", 10);
      request_id = yun_client_stop_instances (fixture->client, fixture->region, ids, NULL, NULL,
                                              NULL, &error);
      g_assert_null (request_id);
      g_assert_error (error, YUN_ERROR, cases[i].code);
      assert_clear_message (error, fixture, cases[i].code == YUN_ERROR_NETWORK ? "closed" : "HTTP");
      g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "StopInstances"), ==, before + 1);
    }

  {
    g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
    json_object *instances = NULL, *operations = NULL, *stops = NULL;

    /* The service did act, once per call. */
    g_assert_true (json_object_object_get_ex (state, "instances", &instances));
    for (gsize i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *instance = json_object_array_get_idx (instances, i);

        if (g_strcmp0 (yun_test_json_string (instance, "InstanceId"), fixture->instance_id) != 0)
          continue;
        g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, "STOPPING");
        g_assert_true (json_object_object_get_ex (instance, "Operations", &operations));
        g_assert_true (json_object_object_get_ex (operations, "StopInstances", &stops));
        g_assert_cmpint (json_object_get_int64 (stops), ==, G_N_ELEMENTS (cases));
      }
    g_assert_nonnull (stops);
  }
}

static size_t
discard (char *data, size_t size, size_t count, void *user_data)
{
  return size * count;
}

/* RunInstances carries a ClientToken: a gateway's failure after the service created the
 * instances is retried, and the token makes the retry return the same instances instead of
 * creating more. */
static void
test_gateway_errors_retried_with_client_token (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) zones = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (YunFilters) filters = yun_filters_new ();
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (YunRunInstancesResult) result = NULL;
  g_autoptr (json_object) state = NULL;
  g_autofree char *password = yun_password_generate (YUN_OS_FAMILY_LINUX);
  json_object *created = NULL;
  YunImage *image = NULL;

  zones = yun_client_describe_zones (fixture->client, fixture->region, NULL, &error);
  g_assert_no_error (error);
  yun_filters_add (filters, "image-type", "PUBLIC_IMAGE", NULL);
  images = yun_client_describe_images (fixture->client, fixture->region, filters, NULL, NULL, NULL,
                                       &error);
  g_assert_no_error (error);
  for (guint i = 0; i < images->len && image == NULL; i++)
    if (yun_image_get_os_family (images->pdata[i]) == YUN_OS_FAMILY_LINUX)
      image = images->pdata[i];
  g_assert_nonnull (image);

  request = yun_run_instances_request_new (yun_zone_get_zone (zones->pdata[0]),
                                           yun_image_get_image_id (image));
  yun_run_instances_request_set_count (request, 2);
  yun_run_instances_request_set_password (request, password);
  yun_run_instances_request_set_os_family (request, YUN_OS_FAMILY_LINUX);
  yun_run_instances_request_set_dry_run (request, FALSE);
  yun_run_instances_request_ensure_client_token (request);

  arm (fixture, "http-503", "RunInstances", 2);
  result = yun_client_run_instances (fixture->client, fixture->region, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (result->instance_ids), ==, 2);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "RunInstances"), ==, 3);

  state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  g_assert_true (json_object_object_get_ex (state, "run_instances_created", &created));
  g_assert_cmpint (json_object_get_int64 (created), ==, 2);
}

/* The admin API refuses what it cannot arm. */
static void
test_admin_validation (Fixture *fixture, gconstpointer data)
{
  const char *const bad[] = {
    "{\"answers\": [{\"kind\": \"nonsense\", \"action\": \"DescribeRegions\"}]}",
    "{\"answers\": [{\"kind\": \"http-502\"}]}",
    "{\"answers\": [{\"kind\": \"http-502\", \"action\": \"DescribeRegions\", \"count\": 0}]}",
    "{\"answers\": {}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *url
        = g_strdup_printf ("%s/_yunsim/hostile", yun_test_sim_get_url (fixture->sim));
      CURL *curl = curl_easy_init ();
      long status = 0;

      curl_easy_setopt (curl, CURLOPT_URL, url);
      curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, bad[i]);
      curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_cleanup (curl);
      g_assert_cmpint (status, ==, 400);
    }
  g_assert_cmpint (hostile_remaining (fixture), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  yun_init ();

#define ADD(path, func)                                                                            \
  g_test_add ("/yun/hostile/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("truncated-json", test_truncated_json);
  ADD ("huge-body", test_huge_body);
  ADD ("huge-body-smaller-limit", test_huge_body_smaller_limit);
  ADD ("invalid-utf8", test_invalid_utf8);
  ADD ("html-200", test_html_200);
  ADD ("wrong-types", test_wrong_types);
  ADD ("missing-fields", test_missing_fields);
  ADD ("unexpected-fields", test_unexpected_fields);
  ADD ("gateway-errors-retried-for-reads", test_gateway_errors_retried_for_reads);
  ADD ("gateway-errors-persisting", test_gateway_errors_persisting);
  ADD ("gateway-errors-not-retried-for-changes", test_gateway_errors_not_retried_for_changes);
  ADD ("gateway-errors-retried-with-client-token", test_gateway_errors_retried_with_client_token);
  ADD ("admin-validation", test_admin_validation);
#undef ADD

  return g_test_run ();
}
