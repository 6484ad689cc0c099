/* test-sim-faults.c: rate limits, injected faults and latency, repeatable from the seed
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-sim"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sim-call.h"
#include "yun-sim.h"

#define GZ "ap-guangzhou"
#define SH "ap-shanghai"

static guint
count_errors (YunTestSim *sim, const char *action, const char *region, guint n, const char *code)
{
  guint errors = 0;

  for (guint i = 0; i < n; i++)
    {
      g_auto (SimResponse) response = { 0 };

      sim_call (sim, &response, "cvm", action, region, "{}");
      if (g_strcmp0 (response.error_code, code) == 0)
        errors++;
      else
        sim_assert_success (&response);
    }
  return errors;
}

static void
test_rate_limit (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawnv (NULL);
  g_auto (SimResponse) response = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint throttled;
  double elapsed;

  /* DescribeRegions: 20/s. A burst of 20 passes (the bucket starts full); of 30, no more
   * pass than the bucket held plus what it refilled meanwhile, however slow the machine. */
  g_assert_cmpuint (count_errors (sim, "DescribeRegions", NULL, 20, "RequestLimitExceeded"), ==, 0);
  throttled = count_errors (sim, "DescribeRegions", NULL, 10, "RequestLimitExceeded");
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("30 calls in %.3f s, %u refused", elapsed, throttled);
  g_assert_cmpfloat (30 - throttled, <=, 20 + 20 * elapsed + 1);

  /* the limit is per action… */
  sim_call (sim, &response, "cvm", "DescribeZones", GZ, "{}");
  sim_assert_success (&response);

  /* …and it refills */
  g_usleep (G_USEC_PER_SEC);
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);
}

static void
test_rate_limit_per_secret_id (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunTestSim) sim = NULL;
  int fd = g_file_open_tmp ("yunsim-credentials-XXXXXX", &path, &error);
  SimRequest first = { .action = "RunInstances",
                       .region = GZ,
                       .body = "{}",
                       .secret_id = "AKIDonexxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                       .secret_key = "keyOnexxxxxxxxxxxxxxxxxxxxxxxxxx" };
  SimRequest second = first;
  guint throttled = 0;
  gint64 start;
  double elapsed;

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path,
                       "AKIDonexxxxxxxxxxxxxxxxxxxxxxxxxxxxx keyOnexxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                       "AKIDtwoxxxxxxxxxxxxxxxxxxxxxxxxxxxxx keyTwoxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                       -1, &error);
  g_assert_no_error (error);
  sim = yun_test_sim_spawn ("--credentials", path, NULL);
  second.secret_id = "AKIDtwoxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  second.secret_key = "keyTwoxxxxxxxxxxxxxxxxxxxxxxxxxx";

  /* RunInstances: 10/s (refused for a missing Placement, but counted): of 15, no more pass
   * than the bucket's 10 plus its refill meanwhile. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 15; i++)
    {
      g_auto (SimResponse) response = { 0 };

      sim_send (sim, &first, &response);
      throttled += g_strcmp0 (response.error_code, "RequestLimitExceeded") == 0;
    }
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("15 calls in %.3f s, %u refused", elapsed, throttled);
  g_assert_cmpfloat (15 - throttled, <=, 10 + 10 * elapsed + 1);
  {
    g_auto (SimResponse) response = { 0 };

    sim_send (sim, &second, &response);
    sim_assert_error (&response, "MissingParameter");
  }
  g_unlink (path);
}

static void
test_no_rate_limits (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--no-rate-limits", NULL);

  g_assert_cmpuint (count_errors (sim, "DescribeRegions", NULL, 40, "RequestLimitExceeded"), ==, 0);
}

static void
test_throttle_fault (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--fault", "throttle:1:DescribeZones", NULL);
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "DescribeZones", GZ, "{}");
  sim_assert_error (&response, "RequestLimitExceeded");
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);
}

static void
test_internal_fault (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--no-rate-limits", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[\"internal:1\"]}");
  g_autoptr (json_object) state = NULL;

  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_error (&response, "InternalError");
  state = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (json_object_array_length (json_object_object_get (state, "faults")), ==, 1);

  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[]}");
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);
}

static void
test_region_fault (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--fault", "internal:1:DescribeZones:" SH, NULL);
  g_auto (SimResponse) response = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      sim_call (sim, &response, "cvm", "DescribeZones", SH, "{}");
      sim_assert_error (&response, "InternalError");
    }
  /* the same action in another region */
  sim_call (sim, &response, "cvm", "DescribeZones", GZ, "{}");
  sim_assert_success (&response);
  /* another action in the same region */
  sim_call (sim, &response, "cvm", "DescribeImages", SH, "{}");
  sim_assert_success (&response);
  sim_call (sim, &response, "cvm", "DescribeRegions", SH, "{}");
  sim_assert_success (&response);
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);
}

static void
test_region_fault_any_action (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--no-rate-limits", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[\"throttle:1:*:" SH "\"]}");
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  json_object *faults = json_object_object_get (state, "faults");

  g_assert_cmpint (json_object_array_length (faults), ==, 1);
  g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (faults, 0)), ==,
                   "throttle:1:*:" SH);

  /* every action whose X-TC-Region is ap-shanghai, TAT included */
  sim_call (sim, &response, "cvm", "DescribeInstances", SH, "{}");
  sim_assert_error (&response, "RequestLimitExceeded");
  sim_call (sim, &response, "cvm", "DescribeZones", SH, "{}");
  sim_assert_error (&response, "RequestLimitExceeded");
  sim_call (sim, &response, "cvm", "DescribeRegions", SH, "{}");
  sim_assert_error (&response, "RequestLimitExceeded");
  sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", SH, "{}");
  sim_assert_error (&response, "RequestLimitExceeded");

  /* and nothing elsewhere */
  sim_call (sim, &response, "cvm", "DescribeInstances", GZ, "{}");
  sim_assert_success (&response);
  sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", GZ, "{}");
  sim_assert_success (&response);
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);

  /* `*` without a region: every request */
  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[\"internal:1:*\"]}");
  sim_call (sim, &response, "cvm", "DescribeInstances", GZ, "{}");
  sim_assert_error (&response, "InternalError");
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_error (&response, "InternalError");
}

/* '.' or 'x' for each of @n DescribeZones, in ap-shanghai only, or alternating between
 * ap-guangzhou and ap-shanghai. */
static char *
region_fault_pattern (guint n, gboolean alternate)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "9", "--no-rate-limits", "--fault", "throttle:0.5:*:" SH, NULL);
  GString *pattern = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_auto (SimResponse) response = { 0 };

      sim_call (sim, &response, "cvm", "DescribeZones", alternate && i % 2 == 0 ? GZ : SH, "{}");
      g_string_append_c (pattern, response.error_code != NULL ? 'x' : '.');
    }
  return g_string_free (pattern, FALSE);
}

static void
test_region_fault_seeded (void)
{
  g_autofree char *alone = region_fault_pattern (20, FALSE);
  g_autofree char *again = region_fault_pattern (20, FALSE);
  g_autofree char *mixed = region_fault_pattern (40, TRUE);
  GString *shanghai = g_string_new (NULL);
  g_autofree char *shanghai_part = NULL;

  g_assert_cmpstr (alone, ==, again);
  g_assert_nonnull (strchr (alone, 'x'));
  g_assert_nonnull (strchr (alone, '.'));
  /* ap-guangzhou never meets the fault, and does not shift ap-shanghai's draws */
  for (guint i = 0; i < 40; i++)
    if (i % 2 == 0)
      g_assert_cmpint (mixed[i], ==, '.');
    else
      g_string_append_c (shanghai, mixed[i]);
  shanghai_part = g_string_free (shanghai, FALSE);
  g_assert_cmpstr (shanghai_part, ==, alone);
}

static void
test_region_fault_invalid (void)
{
  static const char *const invalid[] = {
    "internal",                  /* no rate */
    "boom:1",                    /* no such kind */
    "internal:2",                /* not a fraction */
    "internal:1:*:ap-nowhere",   /* no such region */
    "internal:1:*:ap-beijing",   /* not among the 2 simulated regions */
    "internal:1:*:" SH ":extra", /* one field too many */
    "op-fail:1:RunInstances",    /* not an operation that can fail */
    "op-fail:1:DescribeRegions",
    "op-fail:x",
  };
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--regions", "2", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) state = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      YunSimOptions options;
      const char *faults[] = { invalid[i], NULL };
      g_autoptr (GError) error = NULL;
      g_autofree char *body = g_strdup_printf ("{\"faults\":[\"%s\"]}", invalid[i]);
      YunSim *refused;

      yun_sim_options_init (&options);
      options.n_regions = 2;
      options.n_instances = 10;
      options.faults = faults;
      refused = yun_sim_start (&options, &error);
      g_assert_null (refused);
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);

      g_assert_cmpint (sim_admin_post (sim, &response, "faults", body), ==, 400);
      g_assert_nonnull (json_object_object_get (response.json, "error"));
    }
  g_assert_cmpint (sim_admin_post (sim, &response, "faults", "{\"faults\":[null]}"), ==, 400);

  /* the fault set is unchanged, and a valid region is accepted */
  state = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (json_object_array_length (json_object_object_get (state, "faults")), ==, 0);
  g_assert_cmpint (
    sim_admin_post (sim, &response, "faults", "{\"faults\":[\"stall:0.5::" SH "\"]}"), ==, 200);
  {
    YunSimOptions options;
    const char *faults[] = { "internal:1:*:" SH, NULL };
    g_autoptr (GError) error = NULL;
    YunSim *accepted;

    yun_sim_options_init (&options);
    options.n_regions = 2;
    options.n_instances = 10;
    options.faults = faults;
    accepted = yun_sim_start (&options, &error);
    g_assert_no_error (error);
    yun_sim_stop (accepted);
  }
}

static const char *
get_string (json_object *object, const char *name)
{
  return json_object_get_string (json_object_object_get (object, name));
}

static gint64
request_count (YunTestSim *sim, const char *action)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");

  return json_object_get_int64 (
    json_object_object_get (json_object_object_get (state, "requests"), action));
}

static void
drop_test (const char *kind, gboolean applied)
{
  g_autofree char *spec = g_strdup_printf ("%s:1:StopInstances", kind);
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--transition-ms", "200", "--fault", spec, NULL);
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", NULL, NULL, NULL);
  g_autofree char *body = g_strdup_printf ("{\"InstanceIds\":[\"%s\"]}", id);
  SimRequest request = { .action = "StopInstances", .region = GZ, .body = body };
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) item = NULL;
  g_autoptr (json_object) settled = NULL;
  g_autofree char *state = NULL;

  sim_send (sim, &request, &response);
  /* the connection closes without an answer */
  g_assert_cmpint (response.curl_code, ==, CURLE_GOT_NOTHING);
  item = sim_admin_instance (sim, id);
  if (applied)
    {
      /* as if the call had succeeded, under the RequestId of the answer that was lost */
      g_assert_cmpstr (get_string (item, "InstanceState"), !=, "RUNNING");
      g_assert_cmpstr (get_string (item, "LatestOperation"), ==, "StopInstances");
      g_assert_true (sim_is_uuid (get_string (item, "LatestOperationRequestId")));
    }
  else
    g_assert_cmpstr (get_string (item, "InstanceState"), ==, "RUNNING");

  /* a retry meets the fault again; it is refused by the state (drop-after) or never reaches
   * the instance (drop-before), so nothing is applied twice */
  sim_response_clear (&response);
  sim_send (sim, &request, &response);
  g_assert_cmpint (response.curl_code, ==, CURLE_GOT_NOTHING);

  g_usleep (300 * 1000);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, applied ? "STOPPED" : "RUNNING");
  g_assert_cmpint (sim_operation_count (sim, id, "StopInstances"), ==, applied ? 1 : 0);
  g_assert_cmpint (request_count (sim, "StopInstances"), ==, 2);
  if (applied)
    {
      settled = sim_admin_instance (sim, id);
      g_assert_cmpstr (get_string (settled, "LatestOperationState"), ==, "SUCCESS");
      g_assert_cmpstr (get_string (settled, "LatestOperationRequestId"), ==,
                       get_string (item, "LatestOperationRequestId"));
    }
}

static void
test_drop_before (void)
{
  drop_test ("drop-before", FALSE);
}

static void
test_drop_after (void)
{
  /* the change happened; only the answer was lost */
  drop_test ("drop-after", TRUE);
}

/* A new Linux instance in ap-guangzhou (admin API) in @state. */
static char *
new_instance (YunTestSim *sim, const char *state)
{
  g_autofree char *body = g_strdup_printf ("{\"InstanceState\":\"%s\"}", state);
  g_autoptr (json_object) reply = yun_test_sim_admin_post (sim, "instances", body);

  return g_strdup (get_string (reply, "InstanceId"));
}

/* After an accepted @action on a new instance in @source, meeting op-fail: the operation
 * runs as usual, then ends FAILED with an error message, the instance in @source again. */
static void
assert_op_fail (YunTestSim *sim, const char *action, const char *source, const char *extra)
{
  g_autofree char *id = new_instance (sim, source);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *request_id = NULL;
  g_autofree char *state = NULL;
  g_autofree char *message = NULL;
  g_autoptr (json_object) item = NULL;

  sim_call (sim, &response, "cvm", action, GZ, "{\"InstanceIds\":[\"%s\"]%s}", id, extra);
  sim_assert_success (&response);
  request_id = g_strdup (response.request_id);
  item = sim_admin_instance (sim, id);
  g_assert_cmpstr (get_string (item, "LatestOperation"), ==, action);
  g_assert_cmpstr (get_string (item, "LatestOperationState"), ==, "OPERATING");

  sim_wait_operation (sim, GZ, id, "FAILED", 3000);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, source);
  message = sim_instance_field (sim, GZ, id, "LatestOperationErrorMsg");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_clear_pointer (&item, json_object_put);
  item = sim_admin_instance (sim, id);
  g_assert_cmpstr (get_string (item, "LatestOperation"), ==, action);
  g_assert_cmpstr (get_string (item, "LatestOperationRequestId"), ==, request_id);
  g_assert_cmpstr (get_string (item, "LatestOperationErrorMsg"), ==, message);
  /* accepted and applied, so counted */
  g_assert_cmpint (sim_operation_count (sim, id, action), ==, 1);
  /* a failed reset sets no password */
  g_assert_false (sim_check_password (sim, id, "Yun-Desk-2025!", NULL));
}

static void
test_op_fail (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--transition-ms", "200", "--fault", "op-fail:1",
                          "--fault", "op-fail:1:*:" SH, NULL);
  g_autoptr (json_object) reply = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = NULL;
  g_auto (SimResponse) response = { 0 };

  assert_op_fail (sim, "StopInstances", "RUNNING", "");
  assert_op_fail (sim, "StartInstances", "STOPPED", "");
  assert_op_fail (sim, "RebootInstances", "RUNNING", "");
  assert_op_fail (sim, "ResetInstancesPassword", "STOPPED", ",\"Password\":\"Yun-Desk-2025!\"");
  assert_op_fail (sim, "ResetInstancesPassword", "RUNNING",
                  ",\"Password\":\"Yun-Desk-2025!\",\"ForceStop\":true");

  /* TerminateInstances never fails this way */
  id = new_instance (sim, "STOPPED");
  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, NULL, 3000);

  /* once the fault is gone, the same operation succeeds and the message is cleared */
  reply = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[\"op-fail:1:*:" SH "\"]}");
  g_clear_pointer (&id, g_free);
  id = new_instance (sim, "RUNNING");
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  message = sim_instance_field (sim, GZ, id, "LatestOperationErrorMsg");
  g_assert_null (message);
}

static void
test_op_fail_then_retry (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--no-rate-limits", "--transition-ms", "200",
                                                   "--fault", "op-fail:1:StopInstances", NULL);
  g_autofree char *id = new_instance (sim, "RUNNING");
  g_autoptr (json_object) reply = NULL;
  g_autofree char *message = NULL;
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_operation (sim, GZ, id, "FAILED", 3000);
  /* other actions are not affected */
  sim_call (sim, &response, "cvm", "RebootInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);

  /* back in RUNNING, the instance takes the operation again; this time it succeeds */
  reply = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[]}");
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  message = sim_instance_field (sim, GZ, id, "LatestOperationErrorMsg");
  g_assert_null (message);
  g_assert_cmpint (sim_operation_count (sim, id, "StopInstances"), ==, 2);
  g_assert_cmpint (sim_operation_count (sim, id, "RebootInstances"), ==, 1);
}

/* '.' or 'x' for each instance of one StopInstances batch of 12, under op-fail:0.5. */
static char *
op_fail_pattern (const char *seed)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", seed, "--no-rate-limits", "--transition-ms", "200", "--fault",
                          "op-fail:0.5:StopInstances:" GZ, NULL);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) body = g_string_new ("{\"InstanceIds\":[");
  GString *pattern = g_string_new (NULL);
  g_auto (SimResponse) response = { 0 };

  for (guint i = 0; i < 12; i++)
    {
      g_ptr_array_add (ids, new_instance (sim, "RUNNING"));
      g_string_append_printf (body, "%s\"%s\"", i > 0 ? "," : "",
                              (char *) g_ptr_array_index (ids, i));
    }
  g_string_append (body, "]}");
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "%s", body->str);
  sim_assert_success (&response);
  g_usleep (400 * 1000);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (json_object) item = sim_admin_instance (sim, g_ptr_array_index (ids, i));
      gboolean failed = g_str_equal (get_string (item, "LatestOperationState"), "FAILED");

      /* each instance either stopped, or failed and is still running */
      g_assert_cmpstr (get_string (item, "LatestOperationState"), ==,
                       failed ? "FAILED" : "SUCCESS");
      g_assert_cmpstr (get_string (item, "InstanceState"), ==, failed ? "RUNNING" : "STOPPED");
      g_string_append_c (pattern, failed ? 'x' : '.');
    }
  return g_string_free (pattern, FALSE);
}

static void
test_op_fail_per_instance (void)
{
  g_autofree char *a = op_fail_pattern ("9");
  g_autofree char *b = op_fail_pattern ("9");

  /* drawn per instance: one batch can partly fail, the same way for the same seed */
  g_assert_cmpstr (a, ==, b);
  g_assert_nonnull (strchr (a, 'x'));
  g_assert_nonnull (strchr (a, '.'));
}
static void
test_stall (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--fault", "stall:1:DescribeZones", NULL);
  SimRequest request = { .action = "DescribeZones", .region = GZ, .timeout_ms = 1000 };
  g_auto (SimResponse) response = { 0 };
  gint64 start;

  sim_send (sim, &request, &response);
  g_assert_cmpint (response.curl_code, ==, CURLE_OPERATION_TIMEDOUT);
  /* other requests are served meanwhile */
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);

  /* and the simulator stops at once, stall or not */
  start = g_get_monotonic_time ();
  yun_test_sim_free (g_steal_pointer (&sim));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

typedef struct
{
  char *url;
  CURLcode code;
} StallRequest;

static size_t
discard (char *data, size_t size, size_t count, void *user_data)
{
  return size * count;
}

static gpointer
stall_thread (gpointer data)
{
  StallRequest *request = data;
  CURL *curl = curl_easy_init ();
  struct curl_slist *headers = curl_slist_append (NULL, "X-TC-Action: DescribeRegions");

  /* not even signed: the stall fault comes after the signature check, so this one fails
   * fast; the point is the in-process stop below */
  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  request->code = curl_easy_perform (curl);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return NULL;
}

static void
test_in_process_stop (void)
{
  YunSimOptions options;
  const char *faults[] = { "stall:1", NULL };
  g_autoptr (GError) error = NULL;
  YunSim *sim;
  g_autofree char *url = NULL;
  gint64 start;
  CURL *curl;
  CURLcode code;
  char *body_url;

  yun_sim_options_init (&options);
  options.n_instances = 50;
  options.faults = faults;
  options.latency_ms = 0;
  sim = yun_sim_start (&options, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (yun_sim_get_url (sim), "http://127.0.0.1:"));

  /* A signed request stalls; stopping the simulator ends it at once. */
  {
    YunHeader headers[] = { { "Content-Type", "application/json" },
                            { "Host", yun_sim_get_url (sim) + strlen ("http://") } };
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    YunSignRequest sign = { .method = "POST",
                            .headers = headers,
                            .n_headers = 2,
                            .payload = "{}",
                            .payload_len = 2,
                            .service = "cvm",
                            .timestamp = now };
    g_autoptr (YunSignature) signature
      = yun_signer_sign (&sign, YUN_SIM_DEMO_SECRET_ID, YUN_SIM_DEMO_SECRET_KEY);
    g_autofree char *auth = g_strdup_printf ("Authorization: %s", signature->authorization);
    g_autofree char *stamp = g_strdup_printf ("X-TC-Timestamp: %" G_GINT64_FORMAT, now);
    struct curl_slist *list = NULL;
    GThread *thread;
    StallRequest request = { 0 };

    list = curl_slist_append (list, "Content-Type: application/json");
    list = curl_slist_append (list, "X-TC-Action: DescribeRegions");
    list = curl_slist_append (list, "X-TC-Version: 2017-03-12");
    list = curl_slist_append (list, auth);
    list = curl_slist_append (list, stamp);
    curl = curl_easy_init ();
    body_url = g_strdup_printf ("%s/", yun_sim_get_url (sim));
    curl_easy_setopt (curl, CURLOPT_URL, body_url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 500L);
    code = curl_easy_perform (curl);
    g_assert_cmpint (code, ==, CURLE_OPERATION_TIMEDOUT);
    curl_easy_cleanup (curl);
    curl_slist_free_all (list);
    g_free (body_url);

    /* a second connection still waiting when the simulator stops */
    request.url = g_strdup_printf ("%s/", yun_sim_get_url (sim));
    thread = g_thread_new ("stall", stall_thread, &request);
    g_usleep (100 * 1000);
    start = g_get_monotonic_time ();
    yun_sim_stop (sim);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
    g_thread_join (thread);
    g_free (request.url);
  }
}

static void
test_latency (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--no-rate-limits", "--latency-ms", "300", "--jitter-ms", "50", NULL);
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions" };

  sim_send (sim, &request, &response);
  sim_assert_success (&response);
  g_assert_cmpfloat (response.elapsed, >=, 0.3);
  g_assert_cmpfloat (response.elapsed, <, 2.0);
}

static char *
fault_pattern (const char *seed)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", seed, "--no-rate-limits", "--fault", "throttle:0.5", NULL);
  GString *pattern = g_string_new (NULL);

  for (guint i = 0; i < 40; i++)
    {
      g_auto (SimResponse) response = { 0 };

      sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
      g_string_append_c (pattern, response.error_code != NULL ? 'x' : '.');
    }
  return g_string_free (pattern, FALSE);
}

static void
test_seeded (void)
{
  g_autofree char *a = fault_pattern ("9");
  g_autofree char *b = fault_pattern ("9");
  g_autofree char *c = fault_pattern ("10");
  guint hits = 0;

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  for (const char *p = a; *p != '\0'; p++)
    hits += *p == 'x';
  g_assert_cmpuint (hits, >=, 8);
  g_assert_cmpuint (hits, <=, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/yun/sim/faults/rate-limit", test_rate_limit);
  g_test_add_func ("/yun/sim/faults/rate-limit-per-secret-id", test_rate_limit_per_secret_id);
  g_test_add_func ("/yun/sim/faults/no-rate-limits", test_no_rate_limits);
  g_test_add_func ("/yun/sim/faults/throttle", test_throttle_fault);
  g_test_add_func ("/yun/sim/faults/internal", test_internal_fault);
  g_test_add_func ("/yun/sim/faults/region", test_region_fault);
  g_test_add_func ("/yun/sim/faults/region-any-action", test_region_fault_any_action);
  g_test_add_func ("/yun/sim/faults/region-seeded", test_region_fault_seeded);
  g_test_add_func ("/yun/sim/faults/region-invalid", test_region_fault_invalid);
  g_test_add_func ("/yun/sim/faults/drop-before", test_drop_before);
  g_test_add_func ("/yun/sim/faults/drop-after", test_drop_after);
  g_test_add_func ("/yun/sim/faults/op-fail", test_op_fail);
  g_test_add_func ("/yun/sim/faults/op-fail-then-retry", test_op_fail_then_retry);
  g_test_add_func ("/yun/sim/faults/op-fail-per-instance", test_op_fail_per_instance);
  g_test_add_func ("/yun/sim/faults/stall", test_stall);
  g_test_add_func ("/yun/sim/faults/in-process-stop", test_in_process_stop);
  g_test_add_func ("/yun/sim/faults/latency", test_latency);
  g_test_add_func ("/yun/sim/faults/seeded", test_seeded);

  return g_test_run ();
}
