/* test-client.c: the generic client call against a real yunsim process: throttling, clock
 * skew, stalls, wrong keys, server errors, dropped connections and cancellation
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "yun-client-private.h"
#include "yun-sim.h"
#include "yun-test-sim.h"

typedef struct
{
  YunTestSim *sim;
  YunClient *client;
} Fixture;

static YunClient *
new_client (YunTestSim *sim, const char *secret_key)
{
  g_autoptr (YunCredentials) credentials
    = yun_credentials_new (yun_test_sim_get_secret_id (sim), secret_key, NULL);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;

  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (sim), &error);
  g_assert_no_error (error);
  return yun_client_new (credentials, endpoint);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->sim = yun_test_sim_spawn ("--seed", "7", NULL);
  fixture->client = new_client (fixture->sim, yun_test_sim_get_secret_key (fixture->sim));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->sim, yun_test_sim_free);
}

static void
set_faults (Fixture *fixture, const char *faults_json)
{
  g_autofree char *body = g_strdup_printf ("{\"faults\": %s}", faults_json);
  g_autoptr (json_object) answer = yun_test_sim_admin_post (fixture->sim, "/_yunsim/faults", body);

  g_assert_nonnull (answer);
}

/* How many times yunsim saw @action */
static json_object *
describe_regions (Fixture *fixture, GCancellable *cancellable, GError **error)
{
  return _yun_client_call (fixture->client, YUN_SERVICE_CVM, "DescribeRegions", NULL, NULL,
                           YUN_CALL_SAFE, cancellable, error);
}

/* The first region that has instances, and the first instance there */
static void
find_instance (Fixture *fixture, char **region, char **instance_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (json_object) regions = describe_regions (fixture, NULL, &error);
  json_object *set = NULL;

  g_assert_no_error (error);
  g_assert_true (json_object_object_get_ex (regions, "RegionSet", &set));
  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      json_object *name = NULL;
      json_object *instances = NULL;
      g_autoptr (json_object) answer = NULL;

      g_assert_true (
        json_object_object_get_ex (json_object_array_get_idx (set, i), "Region", &name));
      answer = _yun_client_call (fixture->client, YUN_SERVICE_CVM, "DescribeInstances",
                                 json_object_get_string (name), NULL, YUN_CALL_SAFE, NULL, &error);
      g_assert_no_error (error);
      if (json_object_object_get_ex (answer, "InstanceSet", &instances)
          && json_object_array_length (instances) > 0)
        {
          json_object *id = NULL;

          g_assert_true (json_object_object_get_ex (json_object_array_get_idx (instances, 0),
                                                    "InstanceId", &id));
          *region = g_strdup (json_object_get_string (name));
          *instance_id = g_strdup (json_object_get_string (id));
          return;
        }
    }
  g_assert_not_reached ();
}

static json_object *
stop_instance (Fixture *fixture, const char *region, const char *instance_id, GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  json_object *ids = json_object_new_array ();

  json_object_array_add (ids, json_object_new_string (instance_id));
  json_object_object_add (params, "InstanceIds", ids);
  return _yun_client_call (fixture->client, YUN_SERVICE_CVM, "StopInstances", region, params,
                           YUN_CALL_MUTATING, NULL, error);
}

static void
test_throttling_is_absorbed (Fixture *fixture, gconstpointer data)
{
  /* 0.3^10: a call fails only if ten attempts in a row are throttled */
  yun_client_set_max_attempts (fixture->client, 10);
  set_faults (fixture, "[\"throttle:0.3\"]");

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (json_object) answer = describe_regions (fixture, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (answer);
    }
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), >=, 20);
}

static void
test_clock_skew_is_learned (Fixture *fixture, gconstpointer data)
{
  g_autoptr (json_object) clock = NULL;
  g_autoptr (json_object) answer = NULL;
  g_autoptr (json_object) again = NULL;
  g_autoptr (GError) error = NULL;
  gint64 before;

  clock = yun_test_sim_admin_post (fixture->sim, "/_yunsim/clock", "{\"offset_seconds\": 420}");
  g_assert_nonnull (clock);

  answer = describe_regions (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_cmpint (yun_client_get_clock_skew (fixture->client), >=, 420 - 3);
  g_assert_cmpint (yun_client_get_clock_skew (fixture->client), <=, 420 + 3);

  /* Later calls carry the corrected time from the start: one request each. */
  before = yun_test_sim_count_requests (fixture->sim, "DescribeRegions");
  again = describe_regions (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), ==, before + 1);
}

static void
test_stall_times_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 started;

  set_faults (fixture, "[\"stall:1.0\"]");
  yun_client_set_timeouts (fixture->client, 1000, 1000);
  yun_client_set_max_attempts (fixture->client, 1);

  started = g_get_monotonic_time ();
  g_assert_null (describe_regions (fixture, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "timed out after 1 s"));
  /* Well under any stall yunsim makes (it holds the answer until stopped) */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
}

static void
test_wrong_secret_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunClient) client = new_client (fixture->sim, "notTheRightKeyAtAll0000000000000");
  g_autoptr (GError) error = NULL;

  g_assert_null (_yun_client_call (client, YUN_SERVICE_CVM, "DescribeRegions", NULL, NULL,
                                   YUN_CALL_SAFE, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_AUTHENTICATION);
  g_assert_cmpstr (yun_error_get_code (error), ==, "AuthFailure.SignatureFailure");
  g_assert_nonnull (yun_error_get_request_id (error));
  g_assert_cmpstr (yun_error_get_request_id (error), !=, "");
  g_assert_null (strstr (error->message, yun_test_sim_get_secret_key (fixture->sim)));
  g_assert_null (strstr (error->message, "notTheRightKey"));
  /* Not retried: a wrong key stays wrong */
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), <=, 1);
}

static void
test_internal_error_retried_only_when_safe (Fixture *fixture, gconstpointer data)
{
  g_autofree char *region = NULL;
  g_autofree char *instance_id = NULL;
  g_autoptr (GError) error = NULL;
  gint64 stops, reads;

  find_instance (fixture, &region, &instance_id);
  yun_client_set_max_attempts (fixture->client, 3);
  set_faults (fixture, "[\"internal:1.0:StopInstances\", \"internal:1.0:DescribeZones\"]");

  stops = yun_test_sim_count_requests (fixture->sim, "StopInstances");
  g_assert_null (stop_instance (fixture, region, instance_id, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE);
  g_assert_cmpstr (yun_error_get_code (error), ==, "InternalError");
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "StopInstances"), ==, stops + 1);
  g_clear_error (&error);

  reads = yun_test_sim_count_requests (fixture->sim, "DescribeZones");
  g_assert_null (_yun_client_call (fixture->client, YUN_SERVICE_CVM, "DescribeZones", region, NULL,
                                   YUN_CALL_SAFE, NULL, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_UNAVAILABLE);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeZones"), ==, reads + 3);
}

static void
test_drop_after_mutating_not_retried (Fixture *fixture, gconstpointer data)
{
  g_autofree char *region = NULL;
  g_autofree char *instance_id = NULL;
  g_autoptr (GError) error = NULL;
  gint64 stops;

  /* find_instance() leaves an idle keep-alive connection behind. libcurl would resend a
   * request whose reused connection dies without an answer; the client must not let it. */
  find_instance (fixture, &region, &instance_id);
  set_faults (fixture, "[\"drop-after:1.0:StopInstances\"]");

  stops = yun_test_sim_count_requests (fixture->sim, "StopInstances");
  g_assert_null (stop_instance (fixture, region, instance_id, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "StopInstances"), ==, stops + 1);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel_is_prompt (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GThread *canceller;
  gint64 started;

  set_faults (fixture, "[\"stall:1.0\"]");
  started = g_get_monotonic_time ();
  canceller = g_thread_new ("canceller", cancel_later, cancellable);
  g_assert_null (describe_regions (fixture, cancellable, &error));
  g_thread_join (canceller);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
  /* The total timeout is 60 s: returning long before it means the cancel worked */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
}

int
main (int argc, char *argv[])
{
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  yun_init ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/yun/integration/client/" path, Fixture, NULL, fixture_set_up, func,                \
              fixture_tear_down)

  ADD ("throttling-is-absorbed", test_throttling_is_absorbed);
  ADD ("clock-skew-is-learned", test_clock_skew_is_learned);
  ADD ("stall-times-out", test_stall_times_out);
  ADD ("wrong-secret-key", test_wrong_secret_key);
  ADD ("internal-error-retried-only-when-safe", test_internal_error_retried_only_when_safe);
  ADD ("drop-after-mutating-not-retried", test_drop_after_mutating_not_retried);
  ADD ("cancel-is-prompt", test_cancel_is_prompt);

#undef ADD

  return g_test_run ();
}
