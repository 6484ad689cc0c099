/* test-jobs.c: batch jobs against a simulated cloud that throttles, fails, drops answers and
 * stalls: every instance ends where the job meant it to, each failure is reported with its
 * code, no action is applied twice and no instance is created twice
 *
 * SPDX-License-Identifier: MIT
 *
 * Each case has its own yunsim process. The fault-mix cases run one kind of job each over
 * a fleet of 1,000 instances in 8 regions, with 20 % RequestLimitExceeded, 5 % InternalError,
 * 2 % connections dropped after the change was applied and 1 % stalled answers (3 s each,
 * the client's total timeout), led by one more fault that loses the answer of half the
 * job's own calls after applying them, so that every job meets lost answers. They judge
 * every item against the simulator's own state and its per-instance Operations counts.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "yun-core-private.h"
#include "yun-job-private.h"
#include "yun-test-sim.h"

#define ACCOUNT "jobs-test"
#define POLL_INTERVAL_MS 200
#define JOB_DEADLINE_S 150
#define FAULT_MIX_ITEMS "\"throttle:0.2\",\"internal:0.05\",\"drop-after:0.02\",\"stall:0.01\""
#define FAULT_MIX "[" FAULT_MIX_ITEMS "]"

/* The fleets of the fault-mix cases: 1,000 instances in 8 regions, one seed each. */
#define FLEET(seed)                                                                                \
  {                                                                                                \
    "--seed", seed, "--regions", "8", "--instances", "1000", "--transition-ms", "500", NULL        \
  }

static const char *const fleet_stop_start[] = FLEET ("21");
static const char *const fleet_reboot[] = FLEET ("22");
static const char *const fleet_reset_password[] = FLEET ("23");
static const char *const fleet_terminate[] = FLEET ("24");
static const char *const fleet_create[] = FLEET ("25");
/* Smaller, for the cases without the fault mix; and one whose every answer takes 100 ms. */
static const char *const small_fleet[] = {
  "--seed", "26", "--regions", "4", "--instances", "400", "--transition-ms", "500", NULL,
};
static const char *const slow_fleet[] = {
  "--seed",          "27",  "--regions",    "8",   "--instances", "1000",
  "--transition-ms", "500", "--latency-ms", "100", NULL,
};

typedef struct
{
  YunTestSim *sim;
  char *directory;
  char *cache_path;
  YunCache *cache;
  YunClient *client;
  YunJobEngine *engine;
} Fixture;

/* The secret-leak check sets a distinctive password to look for afterwards. It satisfies
 * the Windows rules too: a batch mixing OS families gets the strictest. */
static const char *
new_password (void)
{
  const char *password = g_getenv ("YUN_TEST_PASSWORD");

  return password != NULL ? password : "Yun-Pass_2026x";
}

/* RunInstances does not accept '_'. */
static const char *
login_password (void)
{
  const char *password = g_getenv ("YUN_TEST_PASSWORD");

  return password != NULL ? password : "Yun-Login-2026x";
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  const char *const *sim_args = data;
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;

  fixture->sim = yun_test_sim_spawnv (sim_args);
  credentials = yun_credentials_new (yun_test_sim_get_secret_id (fixture->sim),
                                     yun_test_sim_get_secret_key (fixture->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (fixture->sim), &error);
  g_assert_no_error (error);
  fixture->client = yun_client_new (credentials, endpoint);
  /* A stalled answer costs 3 s, not the default minute. */
  yun_client_set_timeouts (fixture->client, 1000, 3000);

  fixture->directory = g_dir_make_tmp ("yun-jobs-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cache_path = g_build_filename (fixture->directory, "yundesk.db", NULL);
  fixture->cache = yun_cache_open (fixture->cache_path, &error);
  g_assert_no_error (error);

  fixture->engine = yun_job_engine_new (fixture->cache, ACCOUNT, fixture->client);
  yun_job_engine_set_poll_interval (fixture->engine, POLL_INTERVAL_MS);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  yun_test_release (&fixture->engine);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->client);
  dir = g_dir_open (fixture->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->directory, name, NULL);
      g_unlink (child);
    }
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->cache_path);
  yun_test_sim_free (fixture->sim);
}

/* ---- The simulator's truth ---- */

typedef struct
{
  json_object *state;
  GHashTable *by_id;  /* instance ID → its json_object, borrowed from state */
  GPtrArray *ordered; /* the same, in the simulator's order */
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_hash_table_unref (snapshot->by_id);
  g_ptr_array_unref (snapshot->ordered);
  json_object_put (snapshot->state);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static Snapshot *
snapshot_take (Fixture *fixture)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);
  json_object *instances = NULL;

  snapshot->state = yun_test_sim_admin_get (fixture->sim, "state");
  snapshot->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  snapshot->ordered = g_ptr_array_new ();
  g_assert_true (json_object_object_get_ex (snapshot->state, "instances", &instances));
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      g_hash_table_insert (snapshot->by_id,
                           (gpointer) yun_test_json_string (instance, "InstanceId"), instance);
      g_ptr_array_add (snapshot->ordered, instance);
    }
  return snapshot;
}

static json_object *
snapshot_lookup (Snapshot *snapshot, const char *instance_id)
{
  return instance_id != NULL ? g_hash_table_lookup (snapshot->by_id, instance_id) : NULL;
}

/* How many times @action was applied to @instance (0 for an instance that is gone). */
static gint64
operations (json_object *instance, const char *action)
{
  json_object *counts = NULL;
  json_object *count = NULL;

  if (instance == NULL)
    return 0;
  g_assert_true (json_object_object_get_ex (instance, "Operations", &counts));
  if (!json_object_object_get_ex (counts, action, &count))
    return 0;
  return json_object_get_int64 (count);
}

static gint64
requests (Snapshot *snapshot, const char *action)
{
  json_object *counts = NULL;
  json_object *count = NULL;

  g_assert_true (json_object_object_get_ex (snapshot->state, "requests", &counts));
  if (!json_object_object_get_ex (counts, action, &count))
    return 0;
  return json_object_get_int64 (count);
}

static gint64
run_instances_created (Snapshot *snapshot)
{
  json_object *count = NULL;

  g_assert_true (json_object_object_get_ex (snapshot->state, "run_instances_created", &count));
  return json_object_get_int64 (count);
}

static gboolean
is_state (json_object *instance, const char *state)
{
  return g_strcmp0 (yun_test_json_string (instance, "InstanceState"), state) == 0;
}

static gboolean
is_protected (json_object *instance)
{
  json_object *value = NULL;

  g_assert_true (json_object_object_get_ex (instance, "DisableApiTermination", &value));
  return json_object_get_boolean (value);
}

static gboolean
password_matches (Fixture *fixture, const char *instance_id, const char *password)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) answer = NULL;
  g_autofree char *path = g_strdup_printf ("instances/%s/check-password", instance_id);
  json_object *match = NULL;

  json_object_object_add (body, "Password", json_object_new_string (password));
  answer = yun_test_sim_admin_post (fixture->sim, path, json_object_to_json_string (body));
  g_assert_true (json_object_object_get_ex (answer, "match", &match));
  return json_object_get_boolean (match);
}

static void
set_faults (Fixture *fixture, const char *faults)
{
  g_autofree char *body = g_strdup_printf ("{\"faults\":%s}", faults);
  g_autoptr (json_object) answer = yun_test_sim_admin_post (fixture->sim, "faults", body);
  g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "state");
  g_autoptr (json_object) expected = json_tokener_parse (faults);
  json_object *active = NULL;

  g_assert_true (json_object_object_get_ex (state, "faults", &active));
  g_assert_cmpuint (json_object_array_length (active), ==, json_object_array_length (expected));
}

/* ---- Running jobs ---- */

static gboolean
job_finished (gpointer job)
{
  return yun_job_get_finished (job);
}

static void
wait_for_job (YunJob *job)
{
  yun_test_run_until (job_finished, job, JOB_DEADLINE_S, "a job's end");
}

/* Submits @spec and waits for the job to finish. Returns: (transfer none): the job. */
static YunJob *
run_job (Fixture *fixture, YunJobSpec *spec)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  YunJob *job = yun_job_engine_submit (fixture->engine, spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  wait_for_job (job);
  g_test_message ("job %" G_GINT64_FORMAT ": %s, in %.1f s", yun_job_get_id (job),
                  yun_job_get_summary (job), (double) (g_get_monotonic_time () - start) / 1e6);
  return job;
}

static YunJobSpec *
spec_over (YunJobKind kind, GPtrArray *instances)
{
  YunJobSpec *spec = yun_job_spec_new (kind);

  for (guint i = 0; i < instances->len; i++)
    yun_job_spec_add_instance (spec, yun_test_json_string (instances->pdata[i], "InstanceId"),
                               yun_test_json_string (instances->pdata[i], "Region"));
  return spec;
}

/* Why the job must leave @instance alone, as its pre-filter words it; NULL when the job must
 * send its call. */
static char *
expected_skip_reason (YunJobKind kind, json_object *instance)
{
  const char *state = yun_test_json_string (instance, "InstanceState");

  switch (kind)
    {
    case YUN_JOB_KIND_START:
      if (g_str_equal (state, "STOPPED"))
        return NULL;
      return g_str_equal (state, "RUNNING") ? g_strdup ("already RUNNING")
                                            : g_strdup_printf ("cannot be started while %s", state);
    case YUN_JOB_KIND_STOP:
      if (g_str_equal (state, "RUNNING"))
        return NULL;
      return g_str_equal (state, "STOPPED") ? g_strdup ("already STOPPED")
                                            : g_strdup_printf ("cannot be stopped while %s", state);
    case YUN_JOB_KIND_REBOOT:
      return g_str_equal (state, "RUNNING")
               ? NULL
               : g_strdup_printf ("cannot be rebooted while %s", state);
    case YUN_JOB_KIND_TERMINATE:
      return is_protected (instance) ? g_strdup ("termination protection is on") : NULL;
    case YUN_JOB_KIND_RESET_PASSWORD:
      if (g_str_equal (state, "RUNNING") || g_str_equal (state, "STOPPED"))
        return NULL;
      return g_strdup_printf ("the password cannot be reset while %s", state);
    case YUN_JOB_KIND_CREATE:
    case YUN_JOB_KIND_RUN_COMMAND:
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
    default:
      return NULL;
    }
}

/* Whether a prepaid instance goes to the recycle bin (SHUTDOWN) rather than away. */
static gboolean
goes_to_recycle_bin (json_object *before)
{
  return g_strcmp0 (yun_test_json_string (before, "InstanceChargeType"), "PREPAID") == 0
         && !is_state (before, "SHUTDOWN");
}

/* What a succeeded item must show in the simulator. */
static void
check_succeeded (Fixture *fixture,
                 YunJobKind kind,
                 YunJobItem *item,
                 json_object *before,
                 json_object *after,
                 const char *password)
{
  const char *id = yun_job_item_get_instance_id (item);
  const char *action = yun_job_kind_get_action (kind);

  if (kind == YUN_JOB_KIND_TERMINATE)
    {
      if (goes_to_recycle_bin (before))
        {
          g_assert_nonnull (after);
          g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==, "SHUTDOWN");
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, "in the recycle bin");
          g_assert_cmpint (operations (after, action) - operations (before, action), ==, 1);
        }
      else
        {
          /* Destroyed: a postpaid instance, or a prepaid one already in the recycle bin. */
          g_assert_null (after);
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, "terminated");
        }
      return;
    }

  g_assert_nonnull (after);
  if (g_strcmp0 (yun_test_json_string (after, "LatestOperationState"), "SUCCESS") != 0)
    g_test_message ("%s: item %s/%s, reason %s, request %s, attempts %u; before %s; after %s", id,
                    yun_job_outcome_to_string (yun_job_item_get_outcome (item)),
                    yun_job_step_to_string (yun_job_item_get_step (item)),
                    yun_job_item_get_reason (item), yun_job_item_get_request_id (item),
                    yun_job_item_get_attempts (item), json_object_to_json_string (before),
                    json_object_to_json_string (after));
  g_assert_cmpstr (yun_test_json_string (after, "LatestOperationState"), ==, "SUCCESS");
  switch (kind)
    {
    case YUN_JOB_KIND_START:
      g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==, "RUNNING");
      break;
    case YUN_JOB_KIND_STOP:
      g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==, "STOPPED");
      break;
    case YUN_JOB_KIND_REBOOT:
      g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==, "RUNNING");
      g_assert_cmpstr (yun_test_json_string (after, "LatestOperation"), ==, "RebootInstances");
      break;
    case YUN_JOB_KIND_RESET_PASSWORD:
      /* Back in its source state: a running instance stopped for the reset is running. */
      g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==,
                       yun_test_json_string (before, "InstanceState"));
      g_assert_cmpint (operations (after, "StartInstances") - operations (before, "StartInstances"),
                       ==, is_state (before, "RUNNING") ? 1 : 0);
      g_assert_cmpint (operations (after, "StopInstances") - operations (before, "StopInstances"),
                       ==, 0);
      g_assert_true (password_matches (fixture, id, password));
      break;
    case YUN_JOB_KIND_CREATE:
      g_assert_null (before);
      g_assert_cmpstr (yun_test_json_string (after, "InstanceState"), ==, "RUNNING");
      g_assert_cmpstr (yun_test_json_string (after, "InstanceName"), ==,
                       yun_job_item_get_name (item));
      if (password != NULL)
        g_assert_true (password_matches (fixture, id, password));
      break;
    case YUN_JOB_KIND_TERMINATE:
    case YUN_JOB_KIND_RUN_COMMAND:
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpint (operations (after, action) - operations (before, action), ==, 1);
}

typedef struct
{
  guint succeeded;
  guint failed;
  guint skipped;
  guint cancelled;
} Tally;

/* Judges every item of the finished @job against the simulator before and after it:
 * succeeded items reached the target once, skipped ones are those the pre-filter must skip
 * (with its reason) and were left alone, failed ones carry a code and a message, and are
 * at most 1 % of the items unless @failures_expected. No instance, in the job or not, got
 * the job's action more than once. */
static Tally
check_job (Fixture *fixture,
           YunJob *job,
           Snapshot *before,
           Snapshot *after,
           const char *password,
           gboolean failures_expected)
{
  YunJobKind kind = yun_job_get_kind (job);
  const char *action = yun_job_kind_get_action (kind);
  GListModel *items = yun_job_get_items (job);
  Tally tally = { 0 };

  g_assert_true (yun_job_get_finished (job));
  g_assert_false (yun_job_get_dry_run (job));
  g_assert_cmpuint (yun_job_get_n_done (job), ==, yun_job_get_n_items (job));
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_PENDING), ==, 0);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_WOULD_SEND), ==, 0);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      const char *id = yun_job_item_get_instance_id (item);
      json_object *was = snapshot_lookup (before, id);
      json_object *now = snapshot_lookup (after, id);
      g_autofree char *skip_reason = NULL;

      g_assert_nonnull (id);
      g_assert_cmpint (yun_job_item_get_step (item), ==, YUN_JOB_STEP_DONE);
      if (kind != YUN_JOB_KIND_CREATE)
        {
          g_assert_nonnull (was);
          skip_reason = expected_skip_reason (kind, was);
        }

      switch (yun_job_item_get_outcome (item))
        {
        case YUN_JOB_OUTCOME_SUCCEEDED:
          g_assert_null (skip_reason);
          check_succeeded (fixture, kind, item, was, now, password);
          tally.succeeded++;
          break;
        case YUN_JOB_OUTCOME_FAILED:
          g_test_message ("%s (%s) failed: %s: %s (request %s, %u attempts)", id,
                          yun_job_item_get_region (item), yun_job_item_get_code (item),
                          yun_job_item_get_message (item), yun_job_item_get_request_id (item),
                          yun_job_item_get_attempts (item));
          g_assert_null (skip_reason);
          g_assert_nonnull (yun_job_item_get_code (item));
          g_assert_nonnull (yun_job_item_get_message (item));
          /* Reported failed, never stranded: a reset puts the instance back as it was. */
          if (kind == YUN_JOB_KIND_RESET_PASSWORD)
            g_assert_cmpstr (yun_test_json_string (now, "InstanceState"), ==,
                             yun_test_json_string (was, "InstanceState"));
          tally.failed++;
          break;
        case YUN_JOB_OUTCOME_SKIPPED:
          g_assert_nonnull (skip_reason);
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, skip_reason);
          g_assert_cmpstr (yun_test_json_string (now, "InstanceState"), ==,
                           yun_test_json_string (was, "InstanceState"));
          g_assert_cmpint (operations (now, action), ==, operations (was, action));
          tally.skipped++;
          break;
        case YUN_JOB_OUTCOME_CANCELLED:
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, "cancelled before it was sent");
          g_assert_cmpstr (yun_test_json_string (now, "InstanceState"), ==,
                           yun_test_json_string (was, "InstanceState"));
          g_assert_cmpint (operations (now, action), ==, operations (was, action));
          tally.cancelled++;
          break;
        case YUN_JOB_OUTCOME_PENDING:
        case YUN_JOB_OUTCOME_WOULD_SEND:
        default:
          g_assert_not_reached ();
        }
    }

  /* Nothing applied twice, anywhere. */
  for (guint i = 0; i < after->ordered->len; i++)
    {
      json_object *now = after->ordered->pdata[i];
      json_object *was = snapshot_lookup (before, yun_test_json_string (now, "InstanceId"));

      g_assert_cmpint (operations (now, action) - operations (was, action), <=, 1);
      g_assert_cmpint (operations (now, "StartInstances") - operations (was, "StartInstances"), <=,
                       1);
    }

  g_test_message ("%s: %u succeeded, %u failed, %u skipped, %u cancelled of %u",
                  yun_job_kind_to_string (kind), tally.succeeded, tally.failed, tally.skipped,
                  tally.cancelled, yun_job_get_n_items (job));
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, tally.succeeded);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, tally.failed);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED), ==, tally.skipped);
  /* Each failure carries its code; with retries and reconciliation they stay exceptions. */
  if (!failures_expected)
    g_assert_cmpuint (tally.failed * 100, <=, yun_job_get_n_items (job));
  return tally;
}

static GPtrArray *
instances_where (Snapshot *snapshot, const char *state, const char *region)
{
  GPtrArray *selected = g_ptr_array_new ();

  for (guint i = 0; i < snapshot->ordered->len; i++)
    {
      json_object *instance = snapshot->ordered->pdata[i];

      if ((state == NULL || is_state (instance, state))
          && (region == NULL || g_strcmp0 (yun_test_json_string (instance, "Region"), region) == 0))
        g_ptr_array_add (selected, instance);
    }
  return selected;
}

static guint
count_state (Snapshot *snapshot, const char *state)
{
  g_autoptr (GPtrArray) selected = instances_where (snapshot, state, NULL);

  return selected->len;
}

static const char *
first_region (Snapshot *snapshot)
{
  json_object *regions = NULL;

  g_assert_true (json_object_object_get_ex (snapshot->state, "regions", &regions));
  return json_object_get_string (json_object_array_get_idx (regions, 0));
}

/* The fault mix, led by a fault of the job's own: half its @action calls applied but
 * their answer lost. The first fault to fire wins, and this one is drawn for @action only,
 * so which of those calls it hits is the same every run. */
static void
set_fault_mix (Fixture *fixture, const char *action)
{
  g_autofree char *faults = g_strdup_printf ("[\"drop-after:0.5:%s\"," FAULT_MIX_ITEMS "]", action);

  set_faults (fixture, faults);
}

/* Calls whose answer was lost and that the engine found applied by the instances'
 * LatestOperationRequestId, as its debug log tells (any thread). */
static gint lost_answers_found_applied;

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0 && g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (fields[i].length < 0 && g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  if (g_strcmp0 (domain, "yun-job-engine") == 0 && message != NULL
      && strstr (message, "the lost ") != NULL && strstr (message, " was applied") != NULL)
    g_atomic_int_inc (&lost_answers_found_applied);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Runs @spec under the fault mix led by drop-after on the job's own action, and checks that
 * lost answers were met and reconciled rather than sent again. */
static YunJob *
run_job_under_faults (Fixture *fixture, YunJobSpec *spec)
{
  gint before = g_atomic_int_get (&lost_answers_found_applied);
  YunJob *job;

  set_fault_mix (fixture, yun_job_kind_get_action (yun_job_spec_get_kind (spec)));
  job = run_job (fixture, spec);
  g_test_message ("%d lost answers found applied",
                  g_atomic_int_get (&lost_answers_found_applied) - before);
  g_assert_cmpint (g_atomic_int_get (&lost_answers_found_applied), >, before);
  return job;
}

/* The journal, read by a fresh engine over a fresh connection to the same file, tells the
 * same story as the job that ran. */
static void
check_journal (Fixture *fixture, YunJob *job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunCache) cache = yun_cache_open (fixture->cache_path, &error);
  g_autoptr (YunJobEngine) reader = NULL;
  GListModel *items = yun_job_get_items (job);
  GListModel *journaled_items;
  YunJob *journaled;

  g_assert_no_error (error);
  reader = yun_job_engine_new (cache, ACCOUNT, fixture->client);
  g_assert_true (yun_job_engine_load_history (reader, 100, &error));
  g_assert_no_error (error);
  journaled = yun_job_engine_lookup (reader, yun_job_get_id (job));
  g_assert_nonnull (journaled);
  g_assert_true (yun_job_get_finished (journaled));
  g_assert_cmpint (yun_job_get_kind (journaled), ==, yun_job_get_kind (job));
  g_assert_cmpstr (yun_job_get_summary (journaled), ==, yun_job_get_summary (job));
  journaled_items = yun_job_get_items (journaled);
  g_assert_cmpuint (g_list_model_get_n_items (journaled_items), ==,
                    g_list_model_get_n_items (items));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      g_autoptr (YunJobItem) kept = g_list_model_get_item (journaled_items, i);

      g_assert_cmpstr (yun_job_item_get_instance_id (kept), ==,
                       yun_job_item_get_instance_id (item));
      g_assert_cmpint (yun_job_item_get_outcome (kept), ==, yun_job_item_get_outcome (item));
      g_assert_cmpint (yun_job_item_get_step (kept), ==, YUN_JOB_STEP_DONE);
      g_assert_cmpstr (yun_job_item_get_reason (kept), ==, yun_job_item_get_reason (item));
      g_assert_cmpstr (yun_job_item_get_code (kept), ==, yun_job_item_get_code (item));
      g_assert_cmpstr (yun_job_item_get_message (kept), ==, yun_job_item_get_message (item));
      g_assert_cmpstr (yun_job_item_get_request_id (kept), ==, yun_job_item_get_request_id (item));
      g_assert_cmpuint (yun_job_item_get_attempts (kept), ==, yun_job_item_get_attempts (item));
    }
  yun_test_release (&reader);
}

/* ---- Under the fault mix ---- */

/* Stop every RUNNING instance of the fleet, then start every STOPPED one. The jobs are
 * given the whole fleet: the others are skipped, each with its reason. */
static void
test_stop_start (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) initial = snapshot_take (fixture);
  g_autoptr (Snapshot) stopped = NULL;
  g_autoptr (Snapshot) started = NULL;
  g_autoptr (YunJobSpec) stop = spec_over (YUN_JOB_KIND_STOP, initial->ordered);
  g_autoptr (YunJobSpec) start = NULL;
  guint running = count_state (initial, "RUNNING");
  YunJob *job;
  Tally tally;

  g_assert_cmpuint (initial->ordered->len, ==, 1000);
  g_assert_cmpuint (running, >, 600);

  job = run_job_under_faults (fixture, stop);
  stopped = snapshot_take (fixture);
  tally = check_job (fixture, job, initial, stopped, NULL, FALSE);
  g_assert_cmpuint (tally.succeeded + tally.failed, ==, running);
  g_assert_cmpuint (count_state (stopped, "RUNNING"), ==, tally.failed);

  start = spec_over (YUN_JOB_KIND_START, stopped->ordered);
  job = run_job_under_faults (fixture, start);
  started = snapshot_take (fixture);
  tally = check_job (fixture, job, stopped, started, NULL, FALSE);
  g_assert_cmpuint (tally.succeeded + tally.failed, ==, count_state (stopped, "STOPPED"));
  g_assert_cmpuint (count_state (started, "STOPPED"), ==, tally.failed);
}

/* Reboot 300 RUNNING instances; a few STOPPED ones in the job are skipped. */
static void
test_reboot (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) running = instances_where (before, "RUNNING", NULL);
  g_autoptr (GPtrArray) stopped = instances_where (before, "STOPPED", NULL);
  g_autoptr (YunJobSpec) spec = NULL;
  YunJob *job;
  Tally tally;

  g_assert_cmpuint (running->len, >=, 300);
  g_assert_cmpuint (stopped->len, >=, 10);
  g_ptr_array_set_size (running, 300);
  g_ptr_array_set_size (stopped, 10);
  g_ptr_array_extend (running, stopped, NULL, NULL);
  spec = spec_over (YUN_JOB_KIND_REBOOT, running);

  job = run_job_under_faults (fixture, spec);
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, before, after, NULL, FALSE);
  g_assert_cmpuint (tally.succeeded + tally.failed, ==, 300);
  g_assert_cmpuint (tally.skipped, ==, 10);
}

/* Reset the password of every RUNNING and STOPPED instance: each ends in its source state
 * (none of the running ones left STOPPED) with the new password in force. */
static void
test_reset_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (YunJobSpec) spec = spec_over (YUN_JOB_KIND_RESET_PASSWORD, before->ordered);
  guint running = count_state (before, "RUNNING");
  guint stopped = count_state (before, "STOPPED");
  YunJob *job;
  Tally tally;

  yun_job_spec_set_password (spec, new_password (), NULL);

  job = run_job_under_faults (fixture, spec);
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, before, after, new_password (), FALSE);
  check_journal (fixture, job);
  g_assert_cmpuint (tally.succeeded + tally.failed, ==, running + stopped);
  g_assert_cmpuint (count_state (after, "RUNNING"), ==, running);
  g_assert_cmpuint (count_state (after, "STOPPED"), ==, stopped);
  for (guint i = 0; i < after->ordered->len; i++)
    g_assert_cmpint (operations (after->ordered->pdata[i], "ResetInstancesPassword"), <=, 1);
}

/* Terminate every instance of 4 regions: postpaid ones are destroyed, prepaid ones go to
 * the recycle bin (SHUTDOWN), protected ones are skipped. */
static void
test_terminate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) selected = g_ptr_array_new ();
  g_autoptr (YunJobSpec) spec = NULL;
  json_object *regions = NULL;
  guint protected = 0, recycled = 0;
  YunJob *job;
  Tally tally;

  g_assert_true (json_object_object_get_ex (before->state, "regions", &regions));
  for (size_t r = 0; r < 4; r++)
    {
      const char *region = json_object_get_string (json_object_array_get_idx (regions, r));
      g_autoptr (GPtrArray) in_region = instances_where (before, NULL, region);

      g_ptr_array_extend (selected, in_region, NULL, NULL);
    }
  for (guint i = 0; i < selected->len; i++)
    {
      protected += is_protected (selected->pdata[i]);
      recycled += !is_protected (selected->pdata[i]) && goes_to_recycle_bin (selected->pdata[i]);
    }
  g_test_message ("terminating %u instances: %u protected, %u prepaid", selected->len, protected,
                  recycled);
  g_assert_cmpuint (protected, >, 0);
  g_assert_cmpuint (recycled, >, 0);
  spec = spec_over (YUN_JOB_KIND_TERMINATE, selected);

  job = run_job_under_faults (fixture, spec);
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, before, after, NULL, FALSE);
  check_journal (fixture, job);
  g_assert_cmpuint (tally.skipped, ==, protected);
  g_assert_cmpuint (tally.succeeded + tally.failed, ==, selected->len - protected);

  /* What is gone was in the job and unprotected; the other regions lost nothing. */
  for (guint i = 0; i < before->ordered->len; i++)
    {
      json_object *was = before->ordered->pdata[i];

      if (snapshot_lookup (after, yun_test_json_string (was, "InstanceId")) == NULL)
        {
          g_assert_true (g_ptr_array_find (selected, was, NULL));
          g_assert_false (is_protected (was));
          g_assert_false (goes_to_recycle_bin (was));
        }
    }
}

/* Create 300 instances with a name pattern: exactly 300 are made, once each. */
static void
test_create (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_CREATE);
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) in_region = NULL;
  const char *region = first_region (before);
  json_object *model = NULL;
  GListModel *items;
  YunJob *job;
  Tally tally;

  /* An image and a zone the region has, taken from one of its Linux instances. */
  in_region = instances_where (before, NULL, region);
  for (guint i = 0; i < in_region->len && model == NULL; i++)
    if (g_strcmp0 (yun_test_json_string (in_region->pdata[i], "OsFamily"), "Linux") == 0)
      model = in_region->pdata[i];
  g_assert_nonnull (model);
  request = yun_run_instances_request_new (yun_test_json_string (model, "Zone"),
                                           yun_test_json_string (model, "ImageId"));
  yun_run_instances_request_set_instance_type (request, "S5.MEDIUM4");
  yun_run_instances_request_set_count (request, 300);
  yun_run_instances_request_set_name (request, "batch-{R:1,F:3}");
  yun_run_instances_request_set_password (request, login_password ());
  yun_job_spec_set_create (spec, region, request);
  /* The client sends a lost RunInstances again itself: its ClientToken makes that safe. */
  set_fault_mix (fixture, "RunInstances");

  job = run_job (fixture, spec);
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, before, after, login_password (), FALSE);
  g_assert_cmpuint (tally.succeeded, ==, 300);

  /* Three chunks of 100, some sent again after their answer was lost... */
  g_test_message ("%" G_GINT64_FORMAT " RunInstances requests",
                  requests (after, "RunInstances") - requests (before, "RunInstances"));
  g_assert_cmpint (requests (after, "RunInstances") - requests (before, "RunInstances"), >, 3);
  /* ...and exactly 300 new instances. */
  g_assert_cmpint (run_instances_created (after) - run_instances_created (before), ==, 300);
  g_assert_cmpuint (after->ordered->len, ==, before->ordered->len + 300);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *instance = snapshot_lookup (after, yun_job_item_get_instance_id (item));

      g_assert_true (g_hash_table_add (ids, (gpointer) yun_job_item_get_instance_id (item)));
      g_assert_true (
        g_hash_table_add (names, (gpointer) yun_test_json_string (instance, "InstanceName")));
      g_assert_cmpstr (yun_test_json_string (instance, "Region"), ==, region);
      g_assert_cmpint (operations (instance, "RunInstances"), ==, 1);
    }
  for (guint i = 1; i <= 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("batch-%03u", i);

      g_assert_true (g_hash_table_contains (names, name));
    }
  /* Every instance the simulator has and did not have before is one of the job's. */
  for (guint i = 0; i < after->ordered->len; i++)
    {
      const char *id = yun_test_json_string (after->ordered->pdata[i], "InstanceId");

      g_assert_true (snapshot_lookup (before, id) != NULL || g_hash_table_contains (ids, id));
    }
}

/* ---- Dry runs ---- */

/* A dry run sends no mutating request and journals nothing; it says what would be sent. */
static void
test_dry_run (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (YunJobSpec) stop = spec_over (YUN_JOB_KIND_STOP, before->ordered);
  g_autoptr (YunJobSpec) reset = spec_over (YUN_JOB_KIND_RESET_PASSWORD, before->ordered);
  g_autoptr (YunJobSpec) create = yun_job_spec_new (YUN_JOB_KIND_CREATE);
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (YunJobEngine) reader = NULL;
  g_autoptr (GError) error = NULL;
  json_object *model = before->ordered->pdata[0];
  YunJob *jobs[3];

  yun_job_spec_set_dry_run (stop, TRUE);
  yun_job_spec_set_dry_run (reset, TRUE);
  yun_job_spec_set_password (reset, new_password (), NULL);
  request = yun_run_instances_request_new (yun_test_json_string (model, "Zone"),
                                           yun_test_json_string (model, "ImageId"));
  yun_run_instances_request_set_instance_type (request, "S5.MEDIUM4");
  yun_run_instances_request_set_count (request, 150);
  yun_run_instances_request_set_name (request, "dry-{R:1}");
  yun_job_spec_set_create (create, yun_test_json_string (model, "Region"), request);
  yun_job_spec_set_dry_run (create, TRUE);

  jobs[0] = run_job (fixture, stop);
  jobs[1] = run_job (fixture, reset);
  jobs[2] = run_job (fixture, create);
  after = snapshot_take (fixture);

  /* Not one mutating request, nothing created, nothing changed. */
  g_assert_cmpint (requests (after, "StopInstances"), ==, requests (before, "StopInstances"));
  g_assert_cmpint (requests (after, "ResetInstancesPassword"), ==,
                   requests (before, "ResetInstancesPassword"));
  g_assert_cmpint (requests (after, "StartInstances"), ==, requests (before, "StartInstances"));
  g_assert_cmpint (run_instances_created (after), ==, run_instances_created (before));
  g_assert_cmpuint (after->ordered->len, ==, before->ordered->len);
  for (guint i = 0; i < after->ordered->len; i++)
    {
      json_object *now = after->ordered->pdata[i];
      json_object *was = snapshot_lookup (before, yun_test_json_string (now, "InstanceId"));

      g_assert_cmpstr (yun_test_json_string (now, "InstanceState"), ==,
                       yun_test_json_string (was, "InstanceState"));
      g_assert_cmpstr (json_object_to_json_string (json_object_object_get (now, "Operations")), ==,
                       json_object_to_json_string (json_object_object_get (was, "Operations")));
    }

  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      GListModel *items = yun_job_get_items (jobs[j]);
      YunJobKind kind = yun_job_get_kind (jobs[j]);

      g_assert_true (yun_job_get_dry_run (jobs[j]));
      g_assert_true (yun_job_get_finished (jobs[j]));
      for (guint i = 0; i < g_list_model_get_n_items (items); i++)
        {
          g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
          json_object *was = snapshot_lookup (before, yun_job_item_get_instance_id (item));
          g_autofree char *skip_reason = NULL;

          if (kind == YUN_JOB_KIND_CREATE)
            {
              g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_WOULD_SEND);
              g_assert_cmpstr (yun_job_item_get_reason (item), ==,
                               "the checks of price, quota and stock passed");
              continue;
            }
          skip_reason = expected_skip_reason (kind, was);
          if (skip_reason != NULL)
            {
              g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SKIPPED);
              g_assert_cmpstr (yun_job_item_get_reason (item), ==, skip_reason);
            }
          else
            {
              g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_WOULD_SEND);
              g_assert_cmpstr (yun_job_item_get_reason (item), ==,
                               kind == YUN_JOB_KIND_RESET_PASSWORD && is_state (was, "RUNNING")
                                 ? "would be stopped, reset and started again"
                                 : "would be sent");
            }
        }
    }
  g_assert_cmpuint (yun_job_get_n_outcome (jobs[0], YUN_JOB_OUTCOME_WOULD_SEND), ==,
                    count_state (before, "RUNNING"));
  g_assert_cmpuint (yun_job_get_n_outcome (jobs[1], YUN_JOB_OUTCOME_WOULD_SEND), ==,
                    count_state (before, "RUNNING") + count_state (before, "STOPPED"));
  g_assert_cmpuint (yun_job_get_n_outcome (jobs[2], YUN_JOB_OUTCOME_WOULD_SEND), ==, 150);

  /* Not journaled: a restarted YunDesk knows of no job. */
  reader = yun_job_engine_new (fixture->cache, ACCOUNT, fixture->client);
  g_assert_true (yun_job_engine_load_history (reader, 100, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (yun_job_engine_get_jobs (reader)), ==, 0);
}

/* ---- Failed operations, exports, the journal and retrying ---- */

/* One CSV record starting at *@cursor (quotes doubled inside quoted fields). */
static GPtrArray *
csv_next_record (const char **cursor)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *value = g_string_new (NULL);
  const char *p = *cursor;
  gboolean quoted = FALSE;

  for (; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (value, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (value, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (fields, g_string_free (value, FALSE));
          value = g_string_new (NULL);
        }
      else if (*p == '\n')
        break;
      else
        g_string_append_c (value, *p);
    }
  g_assert_false (quoted);
  g_assert_true (*p == '\n');
  g_ptr_array_add (fields, g_string_free (value, FALSE));
  *cursor = p + 1;
  return fields;
}

static void
check_csv (YunJob *job)
{
  g_autofree char *csv = yun_job_to_csv (job);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, yun_job_get_id (job));
  GListModel *items = yun_job_get_items (job);
  const char *cursor = csv;
  guint records = 0;

  g_assert_true (g_str_has_prefix (csv, "job,kind,instance_id,region,name,outcome,reason,code,"
                                        "message,request_id,attempts,exit_code,output\n"));
  g_ptr_array_unref (csv_next_record (&cursor));
  while (*cursor != '\0')
    {
      g_autoptr (GPtrArray) fields = csv_next_record (&cursor);
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, records);
      g_autofree char *attempts = g_strdup_printf ("%u", yun_job_item_get_attempts (item));

      g_assert_cmpuint (fields->len, ==, 13);
      g_assert_cmpstr (fields->pdata[0], ==, id);
      g_assert_cmpstr (fields->pdata[1], ==, "stop");
      g_assert_cmpstr (fields->pdata[2], ==, yun_job_item_get_instance_id (item));
      g_assert_cmpstr (fields->pdata[3], ==, yun_job_item_get_region (item));
      g_assert_cmpstr (fields->pdata[5], ==,
                       yun_job_outcome_to_string (yun_job_item_get_outcome (item)));
      g_assert_cmpstr (fields->pdata[7], ==,
                       yun_job_item_get_code (item) != NULL ? yun_job_item_get_code (item) : "");
      g_assert_cmpstr (fields->pdata[8], ==,
                       yun_job_item_get_message (item) != NULL ? yun_job_item_get_message (item)
                                                               : "");
      g_assert_cmpstr (fields->pdata[10], ==, attempts);
      /* A stop job runs no command: no exit code, no output. */
      g_assert_cmpstr (fields->pdata[11], ==, "");
      g_assert_cmpstr (fields->pdata[12], ==, "");
      records++;
    }
  /* One line per instance after the header. */
  g_assert_cmpuint (records, ==, yun_job_get_n_items (job));
}

static void
check_json (YunJob *job)
{
  g_autofree char *text = yun_job_to_json (job);
  g_autoptr (json_object) root = json_tokener_parse (text);
  GListModel *items = yun_job_get_items (job);
  json_object *array = NULL;

  g_assert_nonnull (root);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (root, "job")), ==,
                   yun_job_get_id (job));
  g_assert_cmpstr (yun_test_json_string (root, "kind"), ==, "stop");
  g_assert_false (json_object_get_boolean (json_object_object_get (root, "dry_run")));
  g_assert_true (json_object_get_boolean (json_object_object_get (root, "finished")));
  g_assert_cmpstr (yun_test_json_string (root, "summary"), ==, yun_job_get_summary (job));
  g_assert_true (json_object_object_get_ex (root, "items", &array));
  g_assert_cmpuint (json_object_array_length (array), ==, yun_job_get_n_items (job));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *object = json_object_array_get_idx (array, i);

      g_assert_cmpstr (yun_test_json_string (object, "instance_id"), ==,
                       yun_job_item_get_instance_id (item));
      g_assert_cmpstr (yun_test_json_string (object, "region"), ==, yun_job_item_get_region (item));
      g_assert_cmpstr (yun_test_json_string (object, "name"), ==, yun_job_item_get_name (item));
      g_assert_cmpstr (yun_test_json_string (object, "outcome"), ==,
                       yun_job_outcome_to_string (yun_job_item_get_outcome (item)));
      g_assert_cmpstr (yun_test_json_string (object, "reason"), ==, yun_job_item_get_reason (item));
      g_assert_cmpstr (yun_test_json_string (object, "code"), ==, yun_job_item_get_code (item));
      g_assert_cmpstr (yun_test_json_string (object, "message"), ==,
                       yun_job_item_get_message (item));
      g_assert_cmpstr (yun_test_json_string (object, "request_id"), ==,
                       yun_job_item_get_request_id (item));
      g_assert_cmpint (json_object_get_int64 (json_object_object_get (object, "attempts")), ==,
                       yun_job_item_get_attempts (item));
    }
}

/* Every StopInstances in one region ends FAILED (op-fail): those items fail with code
 * OperationFailed and the operation's message, the others succeed; the exports and the
 * journal say so; retrying runs the failed ones, and only those, again. */
static void
test_operation_failed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (Snapshot) retried = NULL;
  g_autoptr (GPtrArray) running = instances_where (before, "RUNNING", NULL);
  g_autoptr (YunJobSpec) spec = spec_over (YUN_JOB_KIND_STOP, running);
  g_autoptr (GHashTable) failed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *faults = NULL;
  const char *region = first_region (before);
  guint in_region = 0;
  GListModel *items;
  YunJob *job, *retry;
  Tally tally;

  faults = g_strdup_printf ("[\"op-fail:1:StopInstances:%s\"]", region);
  set_faults (fixture, faults);
  job = run_job (fixture, spec);
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, before, after, NULL, TRUE);

  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *now = snapshot_lookup (after, yun_job_item_get_instance_id (item));

      if (g_strcmp0 (yun_job_item_get_region (item), region) != 0)
        {
          g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SUCCEEDED);
          continue;
        }
      in_region++;
      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_cmpstr (yun_job_item_get_code (item), ==, "OperationFailed");
      g_assert_nonnull (yun_test_json_string (now, "LatestOperationErrorMsg"));
      g_assert_cmpstr (yun_job_item_get_message (item), ==,
                       yun_test_json_string (now, "LatestOperationErrorMsg"));
      /* The operation ran once, failed, and left the instance running. */
      g_assert_cmpstr (yun_test_json_string (now, "InstanceState"), ==, "RUNNING");
      g_assert_cmpstr (yun_test_json_string (now, "LatestOperationState"), ==, "FAILED");
      g_assert_cmpint (operations (now, "StopInstances"), ==, 1);
      g_hash_table_add (failed, (gpointer) yun_job_item_get_instance_id (item));
    }
  g_assert_cmpuint (in_region, >, 0);
  g_assert_cmpuint (tally.failed, ==, in_region);

  check_csv (job);
  check_json (job);
  check_journal (fixture, job);

  set_faults (fixture, "[]");
  retry = yun_job_engine_retry_failed (fixture->engine, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retry);
  g_assert_cmpint (yun_job_get_id (retry), !=, yun_job_get_id (job));
  g_assert_cmpuint (yun_job_get_n_items (retry), ==, g_hash_table_size (failed));
  wait_for_job (retry);
  retried = snapshot_take (fixture);
  tally = check_job (fixture, retry, after, retried, NULL, FALSE);
  g_assert_cmpuint (tally.succeeded, ==, g_hash_table_size (failed));

  items = yun_job_get_items (retry);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_assert_true (g_hash_table_contains (failed, yun_job_item_get_instance_id (item)));
    }
  /* The instances the first job stopped got nothing more. */
  for (guint i = 0; i < retried->ordered->len; i++)
    {
      json_object *now = retried->ordered->pdata[i];
      const char *id = yun_test_json_string (now, "InstanceId");

      if (g_hash_table_contains (failed, id))
        g_assert_cmpint (operations (now, "StopInstances"), ==, 2);
      else
        g_assert_cmpint (operations (now, "StopInstances"), ==,
                         is_state (snapshot_lookup (before, id), "RUNNING") ? 1 : 0);
    }
}

/* ---- Cancelling ---- */

/* Runs the main loop until some item of @job has had its call sent. */
static void
wait_for_first_call (YunJob *job)
{
  gint64 deadline = g_get_monotonic_time () + JOB_DEADLINE_S * G_USEC_PER_SEC;
  GListModel *items = yun_job_get_items (job);

  for (;;)
    {
      for (guint i = 0; i < g_list_model_get_n_items (items); i++)
        {
          g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

          if (yun_job_item_get_step (item) == YUN_JOB_STEP_WAITING)
            return;
        }
      g_assert_false (yun_job_get_finished (job));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Cancelled right after it was submitted, and again once its first chunk was sent: what
 * had not gone out is "cancelled" and untouched, what had is followed to its end. */
/* Waits, without running the main context, for the journal to say job @id finished: the
 * worker is done with it, and the main context has not heard yet. */
static void
wait_for_journal_finished (Fixture *fixture, gint64 id)
{
  gint64 deadline = g_get_monotonic_time () + JOB_DEADLINE_S * G_USEC_PER_SEC;

  while (TRUE)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) records = _yun_journal_load (fixture->cache, ACCOUNT, FALSE, 1, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < records->len; i++)
        if (((YunJobRecord *) records->pdata[i])->id == id
            && ((YunJobRecord *) records->pdata[i])->finished)
          return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) middle = NULL;
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (YunJobSpec) first = spec_over (YUN_JOB_KIND_STOP, before->ordered);
  g_autoptr (YunJobSpec) second = spec_over (YUN_JOB_KIND_STOP, before->ordered);
  g_autoptr (GError) error = NULL;
  YunJob *job;
  Tally tally;

  job = yun_job_engine_submit (fixture->engine, first, &error);
  g_assert_no_error (error);
  yun_job_cancel (job);
  g_assert_true (yun_job_get_cancel_requested (job));
  wait_for_job (job);
  g_test_message ("cancelled at once: %s", yun_job_get_summary (job));
  middle = snapshot_take (fixture);
  tally = check_job (fixture, job, before, middle, NULL, FALSE);
  g_assert_cmpuint (tally.cancelled, >, 0);
  g_assert_cmpuint (tally.failed, ==, 0);
  g_assert_cmpuint (count_state (middle, "RUNNING"), ==,
                    count_state (before, "RUNNING") - tally.succeeded);

  /* Each answer takes 100 ms: cancelled once the first chunk's answer is in, the job has
   * chunks of other regions left to send. */
  job = yun_job_engine_submit (fixture->engine, second, &error);
  g_assert_no_error (error);
  wait_for_first_call (job);
  yun_job_cancel (job);
  wait_for_job (job);
  g_test_message ("cancelled after its first call: %s", yun_job_get_summary (job));
  after = snapshot_take (fixture);
  tally = check_job (fixture, job, middle, after, NULL, FALSE);
  g_assert_cmpuint (tally.succeeded, >, 0);
  g_assert_cmpuint (tally.cancelled, >, 0);
  g_assert_cmpuint (tally.failed, ==, 0);
  g_assert_cmpuint (count_state (after, "RUNNING"), ==,
                    count_state (middle, "RUNNING") - tally.succeeded);

  /* Cancelled after its worker let go of it, before the main context heard: a job whose
   * every instance is skipped ends at once on the worker, and the cancel must find the run
   * still there (it used to be freed by then). */
  {
    g_autoptr (GPtrArray) stopped = instances_where (after, "STOPPED", NULL);
    g_autoptr (YunJobSpec) third = spec_over (YUN_JOB_KIND_STOP, stopped);

    g_assert_cmpuint (stopped->len, >, 0);
    job = yun_job_engine_submit (fixture->engine, third, &error);
    g_assert_no_error (error);
    wait_for_journal_finished (fixture, yun_job_get_id (job));
    g_assert_false (yun_job_get_finished (job));
    yun_job_cancel (job);
    wait_for_job (job);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED), ==, stopped->len);
  }
}

int
main (int argc, char *argv[])
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  yun_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/yun/jobs/faults/stop-start", Fixture, fleet_stop_start, fixture_set_up,
              test_stop_start, fixture_tear_down);
  g_test_add ("/yun/jobs/faults/reboot", Fixture, fleet_reboot, fixture_set_up, test_reboot,
              fixture_tear_down);
  g_test_add ("/yun/jobs/faults/reset-password", Fixture, fleet_reset_password, fixture_set_up,
              test_reset_password, fixture_tear_down);
  g_test_add ("/yun/jobs/faults/terminate", Fixture, fleet_terminate, fixture_set_up,
              test_terminate, fixture_tear_down);
  g_test_add ("/yun/jobs/faults/create", Fixture, fleet_create, fixture_set_up, test_create,
              fixture_tear_down);
  g_test_add ("/yun/jobs/dry-run", Fixture, small_fleet, fixture_set_up, test_dry_run,
              fixture_tear_down);
  g_test_add ("/yun/jobs/operation-failed", Fixture, small_fleet, fixture_set_up,
              test_operation_failed, fixture_tear_down);
  g_test_add ("/yun/jobs/cancel", Fixture, slow_fleet, fixture_set_up, test_cancel,
              fixture_tear_down);

  return g_test_run ();
}
