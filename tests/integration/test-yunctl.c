/* test-yunctl.c: the yunctl binary against a real yunsim process
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <json-c/json.h>
#include <string.h>

#include "yun-sim.h"
#include "yun-test-sim.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

/* Runs yunctl with the simulator's credentials and endpoint in its environment, the way a
 * user points it at any endpoint; @secret_key replaces the right key when not NULL. */
static void
run_yunctl (YunTestSim *sim, const char *secret_key, YunTestRun *run, ...)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  va_start (ap, run);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID",
                                yun_test_sim_get_secret_id (sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY",
                                secret_key != NULL ? secret_key : yun_test_sim_get_secret_key (sim),
                                TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", yun_test_sim_get_url (sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_tmp_dir (), TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->exit_status = g_subprocess_get_exit_status (process);
  /* Into the test log, where the secret-leak check reads everything yunctl printed. */
  g_test_message ("yunctl exited %d; stdout:\n%s\nstderr:\n%s", run->exit_status, run->out,
                  run->err);
}

/* What yunctl says to its user on stderr: lines that start with "yunctl: ". Debug logging
 * (G_MESSAGES_DEBUG, as the secret-leak check turns on) may add other lines around them. */
static guint
count_user_messages (const char *err)
{
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "yunctl: "))
      count++;
  return count;
}

static guint
count_instances_in_state (YunTestSim *sim)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "/_yunsim/state");
  json_object *instances = NULL;

  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  return (guint) json_object_array_length (instances);
}

/* Pages of 100 a full listing needs: at least one per region, even an empty one. */
static guint
count_pages (YunTestSim *sim)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "/_yunsim/state");
  g_autoptr (GHashTable) per_region = g_hash_table_new (g_str_hash, g_str_equal);
  json_object *instances = NULL;
  json_object *regions = NULL;
  guint pages = 0;

  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  g_assert_true (json_object_object_get_ex (state, "regions", &regions));
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *region = NULL;
      const char *name;

      g_assert_true (
        json_object_object_get_ex (json_object_array_get_idx (instances, i), "Region", &region));
      name = json_object_get_string (region);
      g_hash_table_insert (
        per_region, (gpointer) name,
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (per_region, name)) + 1));
    }
  for (size_t i = 0; i < json_object_array_length (regions); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (regions, i));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (per_region, name));

      pages += MAX (1, (count + 99) / 100);
    }
  return pages;
}

static void
test_all_regions_json (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "11", "--regions", "5", "--instances", "420", NULL);
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (json_object) parsed = NULL;
  json_object *instances = NULL;
  json_object *total = NULL;

  run_yunctl (sim, NULL, &run, "--json", "instances", "--all-regions", NULL);
  g_assert_cmpuint (count_user_messages (run.err), ==, 0);
  g_assert_cmpint (run.exit_status, ==, 0);

  parsed = json_tokener_parse (run.out);
  g_assert_nonnull (parsed);
  g_assert_true (json_object_object_get_ex (parsed, "Instances", &instances));
  g_assert_true (json_object_object_get_ex (parsed, "TotalCount", &total));
  g_assert_cmpint (json_object_array_length (instances), ==, 420);
  g_assert_cmpint (json_object_get_int (total), ==, 420);
  g_assert_cmpuint (count_instances_in_state (sim), ==, 420);
}

/* 30 % of every call answered RequestLimitExceeded: the listing still completes, whole,
 * and says nothing about it. */
static void
test_all_regions_under_throttling (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "12", "--regions", "6", "--instances",
                                                   "900", "--fault", "throttle:0.3", NULL);
  g_auto (YunTestRun) run = { 0 };
  g_auto (GStrv) lines = NULL;

  run_yunctl (sim, NULL, &run, "instances", "--all-regions", NULL);
  g_assert_cmpuint (count_user_messages (run.err), ==, 0);
  g_assert_cmpint (run.exit_status, ==, 0);

  lines = g_strsplit (g_strchomp (run.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 900 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "INSTANCE ID"));
  /* The fault really fired: more DescribeInstances requests than there are pages. */
  g_assert_cmpuint (yun_test_sim_count_requests (sim, "DescribeInstances"), >, count_pages (sim));
}

static void
test_wrong_secret_key (void)
{
  static const char wrong_key[] = "WrongKey-d41d8cd98f00b204e9800998";
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "13", NULL);
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (GRegex) request_id = g_regex_new ("RequestId [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                               "[0-9a-f]{4}-[0-9a-f]{12}",
                                               0, 0, NULL);

  run_yunctl (sim, wrong_key, &run, "regions", NULL);
  g_assert_cmpint (run.exit_status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpuint (count_user_messages (run.err), ==, 1);
  g_assert_nonnull (strstr (run.err, "yunctl: "));
  g_assert_nonnull (strstr (run.err, "AuthFailure.SignatureFailure"));
  g_assert_true (g_regex_match (request_id, run.err, 0, NULL));
  /* Neither key appears. */
  g_assert_null (strstr (run.err, wrong_key));
  g_assert_null (strstr (run.err, yun_test_sim_get_secret_key (sim)));
}

/* The service's clock is 7 minutes ahead: the first answer is SignatureExpire, the client
 * learns the offset from the Date header, and the user only sees a note. */
static void
test_clock_skew_corrected (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "14", NULL);
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (sim, "/_yunsim/clock", "{\"offset_seconds\": 420}");
  g_auto (YunTestRun) run = { 0 };

  run_yunctl (sim, NULL, &run, "zones", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "ZONE"));
  g_assert_nonnull (strstr (run.err, "clock is 7 min 0 s behind"));
}

static void
test_stall_times_out (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "15", "--fault", "stall:1:DescribeRegions", NULL);
  g_auto (YunTestRun) run = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed_ms;

  run_yunctl (sim, NULL, &run, "--timeout", "2", "regions", NULL);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (run.exit_status, !=, 0);
  g_assert_nonnull (strstr (run.err, "timed out"));
  /* It gave up on its own timeout (with retries of a safe call), not the stall's end. */
  g_assert_cmpint (elapsed_ms, <, 60000);
}

static void
test_search_and_state (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "16", "--instances", "150", NULL);
  g_auto (YunTestRun) running = { 0 };
  g_auto (YunTestRun) search = { 0 };
  g_autoptr (json_object) parsed = NULL;
  json_object *instances = NULL;
  json_object *first = NULL;
  json_object *id = NULL;
  g_auto (GStrv) lines = NULL;

  run_yunctl (sim, NULL, &running, "--json", "instances", "--all-regions", "--state", "running",
              NULL);
  g_assert_cmpint (running.exit_status, ==, 0);
  parsed = json_tokener_parse (running.out);
  g_assert_true (json_object_object_get_ex (parsed, "Instances", &instances));
  g_assert_cmpint (json_object_array_length (instances), >, 0);
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *state = NULL;

      g_assert_true (
        json_object_object_get_ex (json_object_array_get_idx (instances, i), "state", &state));
      g_assert_cmpstr (json_object_get_string (state), ==, "RUNNING");
    }

  first = json_object_array_get_idx (instances, 0);
  g_assert_true (json_object_object_get_ex (first, "instance-id", &id));
  run_yunctl (sim, NULL, &search, "instances", "--all-regions", "--search",
              json_object_get_string (id), NULL);
  g_assert_cmpint (search.exit_status, ==, 0);
  g_assert_nonnull (strstr (search.out, json_object_get_string (id)));
  lines = g_strsplit (g_strchomp (search.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
}

static void
test_usage_errors (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "17", NULL);
  g_auto (YunTestRun) unknown = { 0 };
  g_auto (YunTestRun) bad_type = { 0 };
  g_auto (YunTestRun) plain_http = { 0 };

  run_yunctl (sim, NULL, &unknown, "launch-rockets", NULL);
  g_assert_cmpint (unknown.exit_status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "unknown command"));

  run_yunctl (sim, NULL, &bad_type, "images", "--type", "stolen", NULL);
  g_assert_cmpint (bad_type.exit_status, ==, 1);
  g_assert_nonnull (strstr (bad_type.err, "public, private or shared"));

  run_yunctl (sim, NULL, &plain_http, "--endpoint", "http://example.com", "regions", NULL);
  g_assert_cmpint (plain_http.exit_status, ==, 1);
  g_assert_nonnull (strstr (plain_http.err, "plain HTTP"));
}

static void
test_demo (void)
{
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (GError) error = NULL;
  const char *argv[] = { YUNCTL_PATH, "--demo", "instances", "--all-regions", NULL };
  g_autoptr (GSubprocess) process = g_subprocess_newv (
    argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);

  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "INSTANCE ID"));
  g_assert_nonnull (strstr (run.out, "RUNNING"));
  g_assert_nonnull (strstr (run.out, "STOPPED"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/yunctl/all-regions-json", test_all_regions_json);
  g_test_add_func ("/yun/yunctl/all-regions-under-throttling", test_all_regions_under_throttling);
  g_test_add_func ("/yun/yunctl/wrong-secret-key", test_wrong_secret_key);
  g_test_add_func ("/yun/yunctl/clock-skew-corrected", test_clock_skew_corrected);
  g_test_add_func ("/yun/yunctl/stall-times-out", test_stall_times_out);
  g_test_add_func ("/yun/yunctl/search-and-state", test_search_and_state);
  g_test_add_func ("/yun/yunctl/usage-errors", test_usage_errors);
  g_test_add_func ("/yun/yunctl/demo", test_demo);

  return g_test_run ();
}
