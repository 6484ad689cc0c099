/* test-commands.c: commands through TAT against a simulated cloud: one invocation per region
 * and OS, every terminal status of a task reported with its code, exit code and output
 * (Windows output in GBK decoded, long output shown cut), cancelling, the limits of the
 * script, the journal, the recent commands (never a secret one) and yunctl run-command
 *
 * SPDX-License-Identifier: MIT
 *
 * Each case has its own yunsim process, whose deterministic interpreter makes every output
 * predictable: `echo TEXT`, `exit N`, `sleep N`, `seq N` and `hostname`. Its Windows agents
 * answer in GBK with CRLF line ends, and it cuts output at 24 KB. Every item is judged
 * against the simulator's own state: its instances, agents, invocations, tasks and request
 * counts.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "yun-core-private.h"
#include "yun-job-private.h"
#include "yun-test-sim.h"

#define ACCOUNT "commands-test"
#define POLL_INTERVAL_MS 150
#define JOB_DEADLINE_S 60
/* The simulator keeps at most this much of a task's output (docs/yunsim.md). */
#define SIM_OUTPUT_LIMIT (24 * 1024)
/* The longest script whose base64 text TAT takes. */
#define MAX_SCRIPT_BYTES (YUN_TAT_MAX_CONTENT_BASE64 / 4 * 3)
#define AGENT_OFFLINE_INFO "The TAT agent went offline."
#define WINDOWS_DEFAULT_DIRECTORY "C:\\Program Files\\qcloud\\tat_agent\\workdir"
/* "测试" in GBK: not UTF-8. */
#define GBK_SCRIPT "echo \xb2\xe2\xca\xd4\n"

/* 200 instances in 2 regions, 40 % Windows; tasks last about 400 ms. */
static const char *const mixed_fleet[] = {
  "--seed",          "41",  "--regions",       "2",   "--instances", "200",
  "--windows-share", "0.4", "--transition-ms", "400", NULL,
};
/* One region of Linux instances, more than one invocation can take. */
static const char *const large_region[] = {
  "--seed",          "42", "--regions",       "1",   "--instances", "400",
  "--windows-share", "0",  "--transition-ms", "400", NULL,
};
static const char *const small_fleet[] = {
  "--seed",          "43",  "--regions",       "2",   "--instances", "60",
  "--windows-share", "0.4", "--transition-ms", "400", NULL,
};
/* Slow steps (PENDING and DELIVERING 500 ms each), to take an agent away at a chosen one. */
static const char *const slow_fleet[] = {
  "--seed",          "44",  "--regions",       "1",    "--instances", "40",
  "--windows-share", "0.4", "--transition-ms", "2000", NULL,
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

/* The secret-leak check sets a distinctive password: the secret script carries it. */
static const char *
secret_token (void)
{
  const char *password = g_getenv ("YUN_TEST_PASSWORD");

  return password != NULL ? password : "Tok-7d1e-only-in-the-script";
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
  yun_client_set_timeouts (fixture->client, 1000, 5000);

  fixture->directory = g_dir_make_tmp ("yun-commands-XXXXXX", &error);
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
  yun_test_release (&fixture->engine);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->client);
  yun_test_remove_tree (fixture->directory);
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

static json_object *
member (json_object *object, const char *name)
{
  json_object *value = NULL;

  g_assert_true (json_object_object_get_ex (object, name, &value));
  return value;
}

static Snapshot *
snapshot_take (Fixture *fixture)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);
  json_object *instances;

  snapshot->state = yun_test_sim_admin_get (fixture->sim, "state");
  snapshot->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  snapshot->ordered = g_ptr_array_new ();
  instances = member (snapshot->state, "instances");
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
  json_object *instance = g_hash_table_lookup (snapshot->by_id, instance_id);

  g_assert_nonnull (instance);
  return instance;
}

static gint64
requests (Snapshot *snapshot, const char *action)
{
  json_object *count = NULL;

  if (!json_object_object_get_ex (member (snapshot->state, "requests"), action, &count))
    return 0;
  return json_object_get_int64 (count);
}

static json_object *
invocations (Snapshot *snapshot)
{
  return member (snapshot->state, "invocations");
}

/* The status of @instance_id's task in the simulator, NULL when it got none; asserts it got
 * at most one. */
static const char *
sim_task_status (Snapshot *snapshot, const char *instance_id)
{
  json_object *list = invocations (snapshot);
  const char *status = NULL;

  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *tasks = member (json_object_array_get_idx (list, i), "Tasks");

      for (size_t t = 0; t < json_object_array_length (tasks); t++)
        {
          json_object *task = json_object_array_get_idx (tasks, t);

          if (g_strcmp0 (yun_test_json_string (task, "InstanceId"), instance_id) != 0)
            continue;
          g_assert_null (status);
          status = yun_test_json_string (task, "TaskStatus");
        }
    }
  return status;
}

static gboolean
is_windows (json_object *instance)
{
  return g_strcmp0 (yun_test_json_string (instance, "OsFamily"), "Windows") == 0;
}

/* Why a run-command job must leave @instance alone, as its pre-filter words it; NULL when it
 * must run the command there. */
static char *
expected_skip_reason (json_object *instance)
{
  const char *state = yun_test_json_string (instance, "InstanceState");
  const char *agent = yun_test_json_string (instance, "AgentStatus");

  if (g_strcmp0 (state, "RUNNING") != 0)
    return g_strdup_printf ("not RUNNING (%s)", state);
  if (g_strcmp0 (agent, "NotInstalled") == 0)
    return g_strdup ("the TAT agent is not installed");
  if (g_strcmp0 (agent, "Online") != 0)
    return g_strdup ("the TAT agent is offline");
  return NULL;
}

static gboolean
is_eligible (json_object *instance)
{
  g_autofree char *reason = expected_skip_reason (instance);

  return reason == NULL;
}

/* The instances a command can run on (RUNNING, agent online) of one OS, in @region or
 * anywhere. */
static GPtrArray *
eligible (Snapshot *snapshot, gboolean windows, const char *region)
{
  GPtrArray *selected = g_ptr_array_new ();

  for (guint i = 0; i < snapshot->ordered->len; i++)
    {
      json_object *instance = snapshot->ordered->pdata[i];

      if (is_eligible (instance) && is_windows (instance) == windows
          && (region == NULL || g_strcmp0 (yun_test_json_string (instance, "Region"), region) == 0))
        g_ptr_array_add (selected, instance);
    }
  return selected;
}

/* @n_linux Linux and @n_windows Windows instances a command can run on, in @region or
 * anywhere. */
static GPtrArray *
pick_eligible (Snapshot *snapshot, guint n_linux, guint n_windows, const char *region)
{
  g_autoptr (GPtrArray) linux_ones = eligible (snapshot, FALSE, region);
  g_autoptr (GPtrArray) windows_ones = eligible (snapshot, TRUE, region);
  GPtrArray *picked = g_ptr_array_new ();

  g_assert_cmpuint (linux_ones->len, >=, n_linux);
  g_assert_cmpuint (windows_ones->len, >=, n_windows);
  for (guint i = 0; i < n_linux; i++)
    g_ptr_array_add (picked, linux_ones->pdata[i]);
  for (guint i = 0; i < n_windows; i++)
    g_ptr_array_add (picked, windows_ones->pdata[i]);
  return picked;
}

static const char *
first_region (Snapshot *snapshot)
{
  return json_object_get_string (
    json_object_array_get_idx (member (snapshot->state, "regions"), 0));
}

static void
set_agent (Fixture *fixture, const char *instance_id, const char *status)
{
  g_autofree char *path = g_strdup_printf ("agents/%s", instance_id);
  g_autofree char *body = g_strdup_printf ("{\"AgentStatus\":\"%s\"}", status);
  g_autoptr (json_object) answer = yun_test_sim_admin_post (fixture->sim, path, body);
  g_autoptr (Snapshot) now = snapshot_take (fixture);

  g_assert_cmpstr (yun_test_json_string (snapshot_lookup (now, instance_id), "AgentStatus"), ==,
                   status);
}

/* ---- Running jobs ---- */

static YunJobSpec *
command_spec (const char *script, guint timeout_seconds, GPtrArray *instances)
{
  YunJobSpec *spec = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (GBytes) content = g_bytes_new (script, strlen (script));
  g_autoptr (GError) error = NULL;

  g_assert_true (yun_job_spec_set_command (spec, content, timeout_seconds, &error));
  g_assert_no_error (error);
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    yun_job_spec_add_instance (spec, yun_test_json_string (instances->pdata[i], "InstanceId"),
                               yun_test_json_string (instances->pdata[i], "Region"));
  return spec;
}

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

static YunJob *
submit (Fixture *fixture, YunJobSpec *spec)
{
  g_autoptr (GError) error = NULL;
  YunJob *job = yun_job_engine_submit (fixture->engine, spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  return job;
}

/* Submits @spec and waits for the job to finish. Returns: (transfer none): the job. */
static YunJob *
run_job (Fixture *fixture, YunJobSpec *spec)
{
  gint64 start = g_get_monotonic_time ();
  YunJob *job = submit (fixture, spec);

  wait_for_job (job);
  g_test_message ("job %" G_GINT64_FORMAT ": %s, in %.1f s", yun_job_get_id (job),
                  yun_job_get_summary (job), (double) (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (yun_job_get_n_done (job), ==, yun_job_get_n_items (job));
  return job;
}

/* The item of @job for @instance_id. Returns: (transfer full). */
static YunJobItem *
job_item (YunJob *job, const char *instance_id)
{
  GListModel *items = yun_job_get_items (job);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      YunJobItem *item = g_list_model_get_item (items, i);

      if (g_strcmp0 (yun_job_item_get_instance_id (item), instance_id) == 0)
        return item;
      g_object_unref (item);
    }
  g_assert_not_reached ();
}

/* Runs the main loop until the item of @instance_id has had its invocation sent. */
static void
wait_for_sent (YunJob *job, const char *instance_id)
{
  gint64 deadline = g_get_monotonic_time () + JOB_DEADLINE_S * G_USEC_PER_SEC;

  for (;;)
    {
      GListModel *items = yun_job_get_items (job);

      for (guint i = 0; i < g_list_model_get_n_items (items); i++)
        {
          g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

          if (yun_job_item_get_step (item) == YUN_JOB_STEP_WAITING
              && (instance_id == NULL
                  || g_strcmp0 (yun_job_item_get_instance_id (item), instance_id) == 0))
            return;
        }
      g_assert_false (yun_job_get_finished (job));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* A task that ended with @code (FAILED, TIMEOUT, START_FAILED…): the item failed with the
 * task status as its code, the simulator's own status for it, and a message. */
static void
assert_task_failed (YunJobItem *item, Snapshot *after, const char *code)
{
  g_test_message ("%s: %s, %s: %s, exit %d, output \"%s\"", yun_job_item_get_instance_id (item),
                  yun_job_outcome_to_string (yun_job_item_get_outcome (item)),
                  yun_job_item_get_code (item), yun_job_item_get_message (item),
                  yun_job_item_get_exit_code (item), yun_job_item_get_output (item));
  g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_FAILED);
  g_assert_cmpint (yun_job_item_get_step (item), ==, YUN_JOB_STEP_DONE);
  g_assert_cmpstr (yun_job_item_get_code (item), ==, code);
  g_assert_cmpstr (sim_task_status (after, yun_job_item_get_instance_id (item)), ==, code);
  g_assert_nonnull (yun_job_item_get_message (item));
  g_assert_cmpstr (yun_job_item_get_message (item), !=, "");
}

/* A task the job's Cancel stopped (CancelInvocation): cancelled, not failed, with the
 * status it ended in as its code. */
static void
assert_task_cancelled (YunJobItem *item, Snapshot *after, const char *code)
{
  g_test_message ("%s: %s, %s: %s", yun_job_item_get_instance_id (item),
                  yun_job_outcome_to_string (yun_job_item_get_outcome (item)),
                  yun_job_item_get_code (item), yun_job_item_get_message (item));
  g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_CANCELLED);
  g_assert_cmpint (yun_job_item_get_step (item), ==, YUN_JOB_STEP_DONE);
  g_assert_cmpstr (yun_job_item_get_reason (item), ==, "cancelled while it ran");
  g_assert_cmpstr (yun_job_item_get_code (item), ==, code);
  g_assert_cmpstr (sim_task_status (after, yun_job_item_get_instance_id (item)), ==, code);
}

static void
assert_succeeded (YunJobItem *item, const char *output)
{
  g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SUCCEEDED);
  g_assert_cmpint (yun_job_item_get_step (item), ==, YUN_JOB_STEP_DONE);
  g_assert_null (yun_job_item_get_code (item));
  g_assert_true (yun_job_item_get_has_exit_code (item));
  g_assert_cmpint (yun_job_item_get_exit_code (item), ==, 0);
  g_assert_cmpstr (yun_job_item_get_output (item), ==, output);
}

static gboolean
same_time (GDateTime *a, GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

/* The journal, read by a fresh engine over a fresh connection to the same file, tells the
 * same story as the job that ran: outcomes, codes, exit codes, outputs and timing. */
static void
check_journal (Fixture *fixture, YunJob *job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunCache) cache = yun_cache_open (fixture->cache_path, &error);
  g_autoptr (YunJobEngine) reader = NULL;
  GListModel *items = yun_job_get_items (job);
  GListModel *kept_items;
  YunJob *journaled;

  g_assert_no_error (error);
  reader = yun_job_engine_new (cache, ACCOUNT, fixture->client);
  g_assert_true (yun_job_engine_load_history (reader, 100, &error));
  g_assert_no_error (error);
  journaled = yun_job_engine_lookup (reader, yun_job_get_id (job));
  g_assert_nonnull (journaled);
  g_assert_true (yun_job_get_finished (journaled));
  g_assert_cmpint (yun_job_get_kind (journaled), ==, YUN_JOB_KIND_RUN_COMMAND);
  g_assert_cmpstr (yun_job_get_summary (journaled), ==, yun_job_get_summary (job));
  kept_items = yun_job_get_items (journaled);
  g_assert_cmpuint (g_list_model_get_n_items (kept_items), ==, g_list_model_get_n_items (items));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      g_autoptr (YunJobItem) kept = g_list_model_get_item (kept_items, i);
      g_autoptr (GDateTime) started = yun_job_item_get_started_at (item);
      g_autoptr (GDateTime) kept_started = yun_job_item_get_started_at (kept);
      g_autoptr (GDateTime) finished = yun_job_item_get_finished_at (item);
      g_autoptr (GDateTime) kept_finished = yun_job_item_get_finished_at (kept);

      g_assert_cmpstr (yun_job_item_get_instance_id (kept), ==,
                       yun_job_item_get_instance_id (item));
      g_assert_cmpstr (yun_job_item_get_name (kept), ==, yun_job_item_get_name (item));
      g_assert_cmpint (yun_job_item_get_outcome (kept), ==, yun_job_item_get_outcome (item));
      g_assert_cmpint (yun_job_item_get_step (kept), ==, YUN_JOB_STEP_DONE);
      g_assert_cmpstr (yun_job_item_get_reason (kept), ==, yun_job_item_get_reason (item));
      g_assert_cmpstr (yun_job_item_get_code (kept), ==, yun_job_item_get_code (item));
      g_assert_cmpstr (yun_job_item_get_message (kept), ==, yun_job_item_get_message (item));
      g_assert_cmpstr (yun_job_item_get_request_id (kept), ==, yun_job_item_get_request_id (item));
      g_assert_cmpint (yun_job_item_get_has_exit_code (kept), ==,
                       yun_job_item_get_has_exit_code (item));
      g_assert_cmpint (yun_job_item_get_exit_code (kept), ==, yun_job_item_get_exit_code (item));
      g_assert_cmpstr (yun_job_item_get_output (kept), ==, yun_job_item_get_output (item));
      g_assert_true (same_time (kept_started, started));
      g_assert_true (same_time (kept_finished, finished));
    }
  yun_test_release (&reader);
}

/* yun_job_to_json() has each item's exit code (null when the task did not end) and output. */
static void
check_json (YunJob *job)
{
  g_autofree char *text = yun_job_to_json (job);
  g_autoptr (json_object) root = json_tokener_parse (text);
  GListModel *items = yun_job_get_items (job);
  json_object *array;

  g_assert_nonnull (root);
  g_assert_cmpstr (yun_test_json_string (root, "kind"), ==, "run-command");
  g_assert_cmpstr (yun_test_json_string (root, "summary"), ==, yun_job_get_summary (job));
  array = member (root, "items");
  g_assert_cmpuint (json_object_array_length (array), ==, yun_job_get_n_items (job));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *object = json_object_array_get_idx (array, i);
      json_object *exit_code = member (object, "exit_code");

      g_assert_cmpstr (yun_test_json_string (object, "instance_id"), ==,
                       yun_job_item_get_instance_id (item));
      g_assert_cmpstr (yun_test_json_string (object, "outcome"), ==,
                       yun_job_outcome_to_string (yun_job_item_get_outcome (item)));
      g_assert_cmpstr (yun_test_json_string (object, "reason"), ==, yun_job_item_get_reason (item));
      g_assert_cmpstr (yun_test_json_string (object, "code"), ==, yun_job_item_get_code (item));
      g_assert_cmpstr (yun_test_json_string (object, "output"), ==, yun_job_item_get_output (item));
      if (yun_job_item_get_has_exit_code (item))
        {
          g_assert_nonnull (exit_code);
          g_assert_cmpint (json_object_get_int (exit_code), ==, yun_job_item_get_exit_code (item));
        }
      else
        g_assert_null (exit_code);
    }
}

/* ---- A mixed selection ---- */

/* 150 of the fleet's 200 instances, Linux and Windows in two regions, some STOPPED, some
 * with an agent offline or missing, and two agents set offline just before: every RUNNING
 * instance with an online agent prints the right text (Chinese included, from GBK on
 * Windows) and its own name; the others are skipped with their reason. The simulator got
 * exactly one invocation per region and OS, each of one OS and at most the documented
 * number of instances, and no other RunCommand. The journal and the JSON export keep it
 * all. */
static void
test_mixed_selection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) initial = snapshot_take (fixture);
  g_autoptr (Snapshot) before = NULL;
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) selection = g_ptr_array_new ();
  g_autoptr (GPtrArray) taken_offline = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) expected_keys
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) ran = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (YunJobSpec) spec = NULL;
  guint n_eligible = 0, n_windows = 0, n_linux = 0, n_stopped = 0, n_offline = 0, n_missing = 0;
  gboolean linux_taken = FALSE, windows_taken = FALSE;
  json_object *list;
  GListModel *items;
  YunJob *job;

  g_assert_cmpuint (initial->ordered->len, ==, 200);
  for (guint i = 0; i < 150; i++)
    {
      json_object *instance = initial->ordered->pdata[i];

      g_ptr_array_add (selection, instance);
      /* One Linux and one Windows agent go offline behind the client's back. */
      if (is_eligible (instance) && !(is_windows (instance) ? windows_taken : linux_taken))
        {
          *(is_windows (instance) ? &windows_taken : &linux_taken) = TRUE;
          g_ptr_array_add (taken_offline, g_strdup (yun_test_json_string (instance, "InstanceId")));
        }
    }
  g_assert_cmpuint (taken_offline->len, ==, 2);
  for (guint i = 0; i < taken_offline->len; i++)
    set_agent (fixture, taken_offline->pdata[i], "Offline");

  before = snapshot_take (fixture);
  spec = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  for (guint i = 0; i < selection->len; i++)
    {
      json_object *instance
        = snapshot_lookup (before, yun_test_json_string (selection->pdata[i], "InstanceId"));
      const char *state = yun_test_json_string (instance, "InstanceState");
      const char *agent = yun_test_json_string (instance, "AgentStatus");

      yun_job_spec_add_instance (spec, yun_test_json_string (instance, "InstanceId"),
                                 yun_test_json_string (instance, "Region"));
      if (is_eligible (instance))
        {
          n_eligible++;
          *(is_windows (instance) ? &n_windows : &n_linux) += 1;
          g_hash_table_add (expected_keys,
                            g_strdup_printf ("%s/%s", yun_test_json_string (instance, "Region"),
                                             yun_test_json_string (instance, "OsFamily")));
        }
      n_stopped += g_strcmp0 (state, "STOPPED") == 0;
      n_offline += g_strcmp0 (state, "RUNNING") == 0 && g_strcmp0 (agent, "Offline") == 0;
      n_missing += g_strcmp0 (state, "RUNNING") == 0 && g_strcmp0 (agent, "NotInstalled") == 0;
    }
  g_test_message ("%u Linux and %u Windows to run on; %u STOPPED, %u with the agent offline, "
                  "%u without one",
                  n_linux, n_windows, n_stopped, n_offline, n_missing);
  g_assert_cmpuint (n_linux, >, 10);
  g_assert_cmpuint (n_windows, >, 10);
  g_assert_cmpuint (n_stopped, >, 0);
  g_assert_cmpuint (n_offline, >=, 2);
  g_assert_cmpuint (n_missing, >, 0);
  /* Both regions, both OS. */
  g_assert_cmpuint (g_hash_table_size (expected_keys), ==, 4);

  {
    static const char text[] = "echo 你好\nhostname\n";
    g_autoptr (GBytes) script = g_bytes_new_static (text, strlen (text));
    g_autoptr (GError) error = NULL;

    g_assert_true (yun_job_spec_set_command (spec, script, 0, &error));
    g_assert_no_error (error);
  }
  job = run_job (fixture, spec);
  after = snapshot_take (fixture);

  items = yun_job_get_items (job);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 150);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *instance = snapshot_lookup (before, yun_job_item_get_instance_id (item));
      g_autofree char *reason = expected_skip_reason (instance);
      g_autoptr (GDateTime) started = yun_job_item_get_started_at (item);
      g_autoptr (GDateTime) finished = yun_job_item_get_finished_at (item);

      g_assert_cmpstr (yun_job_item_get_name (item), ==,
                       yun_test_json_string (instance, "InstanceName"));
      g_assert_nonnull (finished);
      if (reason != NULL)
        {
          g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SKIPPED);
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, reason);
          g_assert_false (yun_job_item_get_has_exit_code (item));
          g_assert_null (yun_job_item_get_output (item));
          g_assert_null (started);
          g_assert_null (sim_task_status (after, yun_job_item_get_instance_id (item)));
        }
      else
        {
          /* Chinese on Linux as sent; on Windows read from GBK, CRLF made LF. */
          g_autofree char *output
            = g_strdup_printf ("你好\n%s\n", yun_test_json_string (instance, "InstanceName"));

          assert_succeeded (item, output);
          g_assert_nonnull (yun_job_item_get_request_id (item));
          g_assert_nonnull (started);
          g_assert_cmpint (g_date_time_compare (started, finished), <=, 0);
        }
    }
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, n_eligible);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED), ==, 150 - n_eligible);

  /* One invocation per region and OS, of one OS, within the limit, with every eligible
   * instance once and no other. */
  list = invocations (after);
  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *invocation = json_object_array_get_idx (list, i);
      json_object *tasks = member (invocation, "Tasks");
      const char *region = yun_test_json_string (invocation, "Region");
      const char *os = NULL;

      g_assert_cmpuint (json_object_array_length (tasks), >, 0);
      g_assert_cmpuint (json_object_array_length (tasks), <=, YUN_TAT_MAX_COMMAND_INSTANCE_IDS);
      g_assert_cmpstr (yun_test_json_string (invocation, "InvocationStatus"), ==, "SUCCESS");
      for (size_t t = 0; t < json_object_array_length (tasks); t++)
        {
          json_object *task = json_object_array_get_idx (tasks, t);
          json_object *instance
            = snapshot_lookup (before, yun_test_json_string (task, "InstanceId"));

          if (os == NULL)
            os = yun_test_json_string (instance, "OsFamily");
          g_assert_cmpstr (yun_test_json_string (instance, "OsFamily"), ==, os);
          g_assert_cmpstr (yun_test_json_string (instance, "Region"), ==, region);
          g_assert_true (is_eligible (instance));
          g_assert_true (
            g_hash_table_add (ran, (gpointer) yun_test_json_string (task, "InstanceId")));
        }
      g_assert_true (g_hash_table_add (keys, g_strdup_printf ("%s/%s", region, os)));
    }
  g_test_message ("%zu invocations, %" G_GINT64_FORMAT " RunCommand",
                  json_object_array_length (list), requests (after, "RunCommand"));
  g_assert_cmpuint (json_object_array_length (list), ==, g_hash_table_size (expected_keys));
  g_assert_cmpuint (g_hash_table_size (ran), ==, n_eligible);
  g_assert_cmpint (requests (after, "RunCommand"), ==, json_object_array_length (list));
  for (guint i = 0; i < taken_offline->len; i++)
    g_assert_false (g_hash_table_contains (ran, taken_offline->pdata[i]));

  check_json (job);
  check_journal (fixture, job);
}

/* More instances of one region and OS than RunCommand takes: invocations of at most
 * YUN_TAT_MAX_COMMAND_INSTANCE_IDS, as few as that allows, each followed to the end. */
static void
test_invocation_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) linux_ones = eligible (before, FALSE, NULL);
  g_autoptr (YunJobSpec) spec = command_spec ("echo chunked", 0, linux_ones);
  guint expected_invocations
    = (linux_ones->len + YUN_TAT_MAX_COMMAND_INSTANCE_IDS - 1) / YUN_TAT_MAX_COMMAND_INSTANCE_IDS;
  guint tasks_seen = 0;
  json_object *list;
  YunJob *job;

  g_test_message ("%u Linux instances in one region", linux_ones->len);
  g_assert_cmpuint (linux_ones->len, >, YUN_TAT_MAX_COMMAND_INSTANCE_IDS);

  job = run_job (fixture, spec);
  after = snapshot_take (fixture);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, linux_ones->len);
  for (guint i = 0; i < linux_ones->len; i++)
    {
      g_autoptr (YunJobItem) item
        = job_item (job, yun_test_json_string (linux_ones->pdata[i], "InstanceId"));

      assert_succeeded (item, "chunked\n");
    }

  list = invocations (after);
  g_assert_cmpuint (json_object_array_length (list), ==, expected_invocations);
  g_assert_cmpint (requests (after, "RunCommand"), ==, expected_invocations);
  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *tasks = member (json_object_array_get_idx (list, i), "Tasks");

      g_assert_cmpuint (json_object_array_length (tasks), <=, YUN_TAT_MAX_COMMAND_INSTANCE_IDS);
      tasks_seen += json_object_array_length (tasks);
    }
  g_assert_cmpuint (tasks_seen, ==, linux_ones->len);
}

/* ---- How tasks end ---- */

/* On two Linux and two Windows instances, at the same time: `exit 3` fails with FAILED,
 * exit code 3 and the output printed before; `sleep 5` with a timeout of 1 s ends TIMEOUT;
 * a user the images lack ends START_FAILED; users they have run the script. */
static void
test_task_failures (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) instances = pick_eligible (before, 2, 2, first_region (before));
  g_autoptr (YunJobSpec) exits
    = command_spec ("echo before-exit\nexit 3\necho after", 0, instances);
  g_autoptr (YunJobSpec) sleeps = command_spec ("sleep 5\necho woke", 1, instances);
  g_autoptr (YunJobSpec) unknown_user = command_spec ("echo never", 0, instances);
  g_autoptr (YunJobSpec) known_user = command_spec ("echo as-user", 0, instances);
  gint64 start = g_get_monotonic_time ();
  YunJob *jobs[4];

  yun_job_spec_set_command_os_options (unknown_user, YUN_OS_FAMILY_LINUX, "nosuchuser", NULL);
  yun_job_spec_set_command_os_options (unknown_user, YUN_OS_FAMILY_WINDOWS, "nosuchuser", NULL);
  yun_job_spec_set_command_os_options (known_user, YUN_OS_FAMILY_LINUX, "root", "/tmp");
  yun_job_spec_set_command_os_options (known_user, YUN_OS_FAMILY_WINDOWS, "Administrator",
                                       "C:\\Windows\\Temp");

  jobs[0] = submit (fixture, exits);
  jobs[1] = submit (fixture, sleeps);
  jobs[2] = submit (fixture, unknown_user);
  jobs[3] = submit (fixture, known_user);
  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      wait_for_job (jobs[j]);
      g_test_message ("job %" G_GINT64_FORMAT ": %s", yun_job_get_id (jobs[j]),
                      yun_job_get_summary (jobs[j]));
    }
  g_test_message ("four jobs in %.1f s", (double) (g_get_monotonic_time () - start) / 1e6);
  after = snapshot_take (fixture);
  /* One invocation per job and OS; nothing sent twice. */
  g_assert_cmpint (requests (after, "RunCommand"), ==, 8);

  for (guint i = 0; i < instances->len; i++)
    {
      const char *id = yun_test_json_string (instances->pdata[i], "InstanceId");
      g_autoptr (YunJobItem) exited = job_item (jobs[0], id);
      g_autoptr (YunJobItem) timed_out = job_item (jobs[1], id);
      g_autoptr (YunJobItem) refused = job_item (jobs[2], id);
      g_autoptr (YunJobItem) as_user = job_item (jobs[3], id);

      assert_succeeded (as_user, "as-user\n");

      g_assert_cmpint (yun_job_item_get_outcome (exited), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_cmpstr (yun_job_item_get_code (exited), ==, "FAILED");
      g_assert_nonnull (yun_job_item_get_message (exited));
      g_assert_true (yun_job_item_get_has_exit_code (exited));
      g_assert_cmpint (yun_job_item_get_exit_code (exited), ==, 3);
      g_assert_cmpstr (yun_job_item_get_output (exited), ==, "before-exit\n");

      g_assert_cmpint (yun_job_item_get_outcome (timed_out), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_cmpstr (yun_job_item_get_code (timed_out), ==, "TIMEOUT");
      g_assert_cmpstr (yun_job_item_get_message (timed_out), ==, "The command timed out.");
      g_assert_true (yun_job_item_get_has_exit_code (timed_out));
      g_assert_cmpint (yun_job_item_get_exit_code (timed_out), ==, -1);

      g_assert_cmpint (yun_job_item_get_outcome (refused), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_cmpstr (yun_job_item_get_code (refused), ==, "START_FAILED");
      g_assert_cmpstr (yun_job_item_get_message (refused), ==,
                       "The user does not exist on the instance.");
      g_assert_cmpstr (yun_job_item_get_output (refused), ==, "");
    }
  /* The sleeps ended at their timeout, not after 5 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4500 * 1000);

  /* The simulator's task statuses are the codes reported. */
  {
    json_object *list = invocations (after);
    guint seen = 0;

    for (size_t i = 0; i < json_object_array_length (list); i++)
      {
        json_object *tasks = member (json_object_array_get_idx (list, i), "Tasks");

        for (size_t t = 0; t < json_object_array_length (tasks); t++)
          {
            const char *status
              = yun_test_json_string (json_object_array_get_idx (tasks, t), "TaskStatus");

            g_assert_true (g_str_equal (status, "FAILED") || g_str_equal (status, "TIMEOUT")
                           || g_str_equal (status, "START_FAILED")
                           || g_str_equal (status, "SUCCESS"));
            seen++;
          }
      }
    g_assert_cmpuint (seen, ==, 4 * instances->len);
  }
  check_json (jobs[0]);
  check_journal (fixture, jobs[0]);
  check_journal (fixture, jobs[1]);
  check_journal (fixture, jobs[2]);

  /* Retrying the failed runs the same script with the same users: `exit 3` fails again with
   * its output, the unknown user is refused again. */
  {
    g_autoptr (GError) error = NULL;
    YunJob *exits_again = yun_job_engine_retry_failed (fixture->engine, jobs[0], NULL, &error);
    YunJob *refused_again;

    g_assert_no_error (error);
    refused_again = yun_job_engine_retry_failed (fixture->engine, jobs[2], NULL, &error);
    g_assert_no_error (error);
    wait_for_job (exits_again);
    wait_for_job (refused_again);
    for (guint i = 0; i < instances->len; i++)
      {
        const char *id = yun_test_json_string (instances->pdata[i], "InstanceId");
        g_autoptr (YunJobItem) exited = job_item (exits_again, id);
        g_autoptr (YunJobItem) refused = job_item (refused_again, id);

        g_assert_cmpint (yun_job_item_get_exit_code (exited), ==, 3);
        g_assert_cmpstr (yun_job_item_get_output (exited), ==, "before-exit\n");
        g_assert_cmpstr (yun_job_item_get_code (refused), ==, "START_FAILED");
      }
  }
}

/* Agents that go offline while their task is followed: one before delivery
 * (DELIVER_FAILED), one while the script runs (TASK_TIMEOUT); the third one's task runs to
 * its end. */
static void
test_agent_goes_offline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) instances = pick_eligible (before, 2, 1, NULL);
  g_autoptr (YunJobSpec) spec = command_spec ("sleep 2\necho slept", 0, instances);
  const char *undelivered = yun_test_json_string (instances->pdata[0], "InstanceId");
  const char *running = yun_test_json_string (instances->pdata[2], "InstanceId");
  const char *untouched = yun_test_json_string (instances->pdata[1], "InstanceId");
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  YunJob *job = submit (fixture, spec);

  /* PENDING then DELIVERING last 500 ms each: the agent goes before delivery. */
  wait_for_sent (job, undelivered);
  set_agent (fixture, undelivered, "Offline");

  /* The other one once its script is running. */
  for (;;)
    {
      g_autoptr (Snapshot) now = snapshot_take (fixture);

      if (g_strcmp0 (sim_task_status (now, running), "RUNNING") == 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  set_agent (fixture, running, "Offline");

  wait_for_job (job);
  g_test_message ("job %" G_GINT64_FORMAT ": %s", yun_job_get_id (job), yun_job_get_summary (job));
  after = snapshot_take (fixture);
  {
    g_autoptr (YunJobItem) item = job_item (job, undelivered);

    assert_task_failed (item, after, "DELIVER_FAILED");
    g_assert_cmpstr (yun_job_item_get_message (item), ==, AGENT_OFFLINE_INFO);
  }
  {
    g_autoptr (YunJobItem) item = job_item (job, running);

    assert_task_failed (item, after, "TASK_TIMEOUT");
    g_assert_cmpstr (yun_job_item_get_message (item), ==, AGENT_OFFLINE_INFO);
  }
  {
    g_autoptr (YunJobItem) item = job_item (job, untouched);

    assert_succeeded (item, "slept\n");
  }
  check_journal (fixture, job);
}

/* ---- Cancelling ---- */

/* Cancelled before anything was sent: every item "cancelled", no RunCommand. Cancelled
 * once its first invocation was sent: CancelInvocation for each invocation sent, whose
 * tasks end CANCELLED or TERMINATED (reported as cancelled, with that code, not as failures
 * to retry) long before the script's 10 s; what was not sent yet is "cancelled". */
static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) middle = NULL;
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) instances = pick_eligible (before, 3, 3, NULL);
  g_autoptr (YunJobSpec) first = command_spec ("sleep 10\necho too-late", 0, instances);
  g_autoptr (YunJobSpec) second = command_spec ("sleep 10\necho too-late", 0, instances);
  GListModel *items;
  guint sent = 0;
  gint64 start;
  YunJob *job;

  job = submit (fixture, first);
  yun_job_cancel (job);
  g_assert_true (yun_job_get_cancel_requested (job));
  wait_for_job (job);
  g_test_message ("cancelled at once: %s", yun_job_get_summary (job));
  middle = snapshot_take (fixture);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_CANCELLED), ==, instances->len);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_CANCELLED);
      g_assert_cmpstr (yun_job_item_get_reason (item), ==, "cancelled before it was sent");
      g_assert_false (yun_job_item_get_has_exit_code (item));
    }
  g_assert_cmpint (requests (middle, "RunCommand"), ==, 0);
  g_assert_cmpuint (json_object_array_length (invocations (middle)), ==, 0);
  check_journal (fixture, job);

  start = g_get_monotonic_time ();
  job = submit (fixture, second);
  wait_for_sent (job, NULL);
  yun_job_cancel (job);
  wait_for_job (job);
  g_test_message ("cancelled once sent: %s, in %.1f s", yun_job_get_summary (job),
                  (double) (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  after = snapshot_take (fixture);

  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      const char *status = sim_task_status (after, yun_job_item_get_instance_id (item));

      if (status == NULL)
        {
          g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_CANCELLED);
          g_assert_cmpstr (yun_job_item_get_reason (item), ==, "cancelled before it was sent");
          continue;
        }
      g_assert_true (g_str_equal (status, "CANCELLED") || g_str_equal (status, "TERMINATED"));
      assert_task_cancelled (item, after, status);
      g_assert_cmpstr (yun_job_item_get_output (item), !=, "too-late\n");
      sent++;
    }
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpint (requests (after, "RunCommand"), ==,
                   json_object_array_length (invocations (after)));
  /* Each invocation sent was cancelled, once. */
  g_assert_cmpint (requests (after, "CancelInvocation"), ==,
                   json_object_array_length (invocations (after)));
  check_journal (fixture, job);
}

/* ---- Output ---- */

/* `seq N` as the simulator prints it, cut at its limit, as YunDesk must show it: CRLF made
 * LF and a last line telling how many bytes were cut off. */
static char *
expected_cut_output (guint n, gboolean windows, gsize *dropped)
{
  g_autoptr (GString) full = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  g_autofree char *text = NULL;

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (full, "%u%s", i, windows ? "\r\n" : "\n");
  g_assert_cmpuint (full->len, >, SIM_OUTPUT_LIMIT);
  *dropped = full->len - SIM_OUTPUT_LIMIT;
  g_string_truncate (full, SIM_OUTPUT_LIMIT);
  lines = g_strsplit (full->str, "\r\n", -1);
  text = g_strjoinv ("\n", lines);
  return g_strdup_printf ("%s%s[%zu more bytes were cut off]\n", text,
                          g_str_has_suffix (text, "\n") ? "" : "\n", *dropped);
}

/* Output over the 24 KB the agent keeps: what came is shown, and the cut is said, on Linux
 * and on Windows; the journal keeps it as shown. */
static void
test_long_output (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (GPtrArray) instances = pick_eligible (before, 1, 1, NULL);
  g_autoptr (YunJobSpec) spec = command_spec ("seq 10000", 0, instances);
  YunJob *job = run_job (fixture, spec);

  for (guint i = 0; i < instances->len; i++)
    {
      gboolean windows = is_windows (instances->pdata[i]);
      g_autoptr (YunJobItem) item
        = job_item (job, yun_test_json_string (instances->pdata[i], "InstanceId"));
      gsize dropped = 0;
      g_autofree char *expected = expected_cut_output (10000, windows, &dropped);
      g_autofree char *note = g_strdup_printf ("\n[%zu more bytes were cut off]\n", dropped);

      g_test_message ("%s: %zu bytes shown, %zu cut off", windows ? "Windows" : "Linux",
                      strlen (yun_job_item_get_output (item)), dropped);
      assert_succeeded (item, expected);
      g_assert_true (g_str_has_suffix (yun_job_item_get_output (item), note));
      g_assert_true (g_str_has_prefix (yun_job_item_get_output (item), "1\n2\n3\n"));
      /* 48,894 bytes of Linux output, 58,894 of Windows (CRLF). */
      g_assert_cmpuint (dropped, ==, windows ? 34318 : 24318);
    }
  check_json (job);
  check_journal (fixture, job);
}

/* ---- The script ---- */

/* A script of @length bytes that prints "limit-ok": the rest is one comment line. */
static GBytes *
script_of_length (gsize length)
{
  static const char head[] = "echo limit-ok\n#";
  char *text = g_malloc (length);

  g_assert_cmpuint (length, >, sizeof head);
  memcpy (text, head, sizeof head - 1);
  memset (text + sizeof head - 1, 'x', length - (sizeof head - 1));
  return g_bytes_new_take (text, length);
}

/* A script of exactly the limit (49,152 bytes, 65,536 of base64) is taken, judged in a dry
 * run, and run; one byte more, text that is not UTF-8 (from a file saved in GBK) or that
 * holds a NUL, or nothing, is refused with a clear message. */
static void
test_content_limit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after_dry_run = NULL;
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) instances = pick_eligible (before, 1, 1, NULL);
  g_autoptr (GBytes) at_limit = script_of_length (MAX_SCRIPT_BYTES);
  g_autoptr (GBytes) over_limit = script_of_length (MAX_SCRIPT_BYTES + 1);
  g_autoptr (YunJobSpec) dry_run = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (YunJobSpec) real = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (YunJobSpec) refused = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (GError) error = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *gbk_path = g_build_filename (fixture->directory, "gbk.sh", NULL);
  g_autofree char *file_text = NULL;
  gsize file_length = 0;
  json_object *stopped = NULL;
  YunJob *job;

  encoded = g_base64_encode (g_bytes_get_data (at_limit, NULL), g_bytes_get_size (at_limit));
  g_assert_cmpuint (g_bytes_get_size (at_limit), ==, 49152);
  g_assert_cmpuint (strlen (encoded), ==, YUN_TAT_MAX_CONTENT_BASE64);

  /* One byte over. */
  g_assert_false (yun_job_spec_set_command (refused, over_limit, 0, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "too long"));
  g_assert_nonnull (strstr (error->message, "49153 bytes"));
  g_assert_nonnull (strstr (error->message, "49152"));
  g_assert_null (yun_job_spec_get_command (refused));
  g_clear_error (&error);

  /* A script saved in GBK, read from its file. */
  g_assert_true (g_file_set_contents (gbk_path, GBK_SCRIPT, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (gbk_path, &file_text, &file_length, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GBytes) gbk = g_bytes_new (file_text, file_length);

    g_assert_false (yun_job_spec_set_command (refused, gbk, 0, &error));
  }
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not UTF-8"));
  g_assert_null (yun_job_spec_get_command (refused));
  g_clear_error (&error);

  {
    g_autoptr (GBytes) with_nul = g_bytes_new_static ("echo a\0b\n", 9);
    g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

    g_assert_false (yun_job_spec_set_command (refused, with_nul, 0, &error));
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
    g_assert_false (yun_job_spec_set_command (refused, empty, 0, &error));
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
  }
  g_assert_null (yun_job_spec_get_command (refused));

  /* Exactly the limit: taken. A dry run says what would run where; a STOPPED instance is
   * skipped there too. */
  g_assert_true (yun_job_spec_set_command (dry_run, at_limit, 0, &error));
  g_assert_no_error (error);
  g_assert_true (yun_job_spec_get_command (dry_run) == at_limit);
  g_assert_true (yun_job_spec_set_command (real, at_limit, 0, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < before->ordered->len && stopped == NULL; i++)
    if (g_strcmp0 (yun_test_json_string (before->ordered->pdata[i], "InstanceState"), "STOPPED")
        == 0)
      stopped = before->ordered->pdata[i];
  g_assert_nonnull (stopped);
  for (guint i = 0; i < instances->len; i++)
    {
      yun_job_spec_add_instance (dry_run, yun_test_json_string (instances->pdata[i], "InstanceId"),
                                 yun_test_json_string (instances->pdata[i], "Region"));
      yun_job_spec_add_instance (real, yun_test_json_string (instances->pdata[i], "InstanceId"),
                                 yun_test_json_string (instances->pdata[i], "Region"));
    }
  yun_job_spec_add_instance (dry_run, yun_test_json_string (stopped, "InstanceId"),
                             yun_test_json_string (stopped, "Region"));
  yun_job_spec_set_dry_run (dry_run, TRUE);

  job = run_job (fixture, dry_run);
  after_dry_run = snapshot_take (fixture);
  g_assert_true (yun_job_get_dry_run (job));
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_WOULD_SEND), ==, 2);
  for (guint i = 0; i < instances->len; i++)
    {
      g_autoptr (YunJobItem) item
        = job_item (job, yun_test_json_string (instances->pdata[i], "InstanceId"));

      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_WOULD_SEND);
      g_assert_cmpstr (yun_job_item_get_reason (item), ==,
                       is_windows (instances->pdata[i])
                         ? "would run as POWERSHELL, as System in " WINDOWS_DEFAULT_DIRECTORY
                         : "would run as SHELL, as root in /root");
    }
  {
    g_autoptr (YunJobItem) item = job_item (job, yun_test_json_string (stopped, "InstanceId"));

    g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SKIPPED);
    g_assert_cmpstr (yun_job_item_get_reason (item), ==, "not RUNNING (STOPPED)");
  }
  g_assert_cmpint (requests (after_dry_run, "RunCommand"), ==, 0);

  /* And TAT takes its 65,536 bytes of base64: the script runs. */
  job = run_job (fixture, real);
  after = snapshot_take (fixture);
  for (guint i = 0; i < instances->len; i++)
    {
      g_autoptr (YunJobItem) item
        = job_item (job, yun_test_json_string (instances->pdata[i], "InstanceId"));

      assert_succeeded (item, "limit-ok\n");
    }
  g_assert_cmpint (requests (after, "RunCommand"), ==, 2);
}

/* RunCommand applied but its answer lost: the items fail saying the command may have run,
 * and it is not sent again. */
static void
test_answer_lost (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  g_autoptr (GPtrArray) instances = pick_eligible (before, 2, 1, first_region (before));
  g_autoptr (YunJobSpec) spec = command_spec ("echo once", 0, instances);
  g_autoptr (json_object) answer = yun_test_sim_admin_post (
    fixture->sim, "faults", "{\"faults\":[\"drop-after:1:RunCommand\"]}");
  GListModel *items;
  YunJob *job;

  job = run_job (fixture, spec);
  after = snapshot_take (fixture);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_test_message ("%s: %s: %s", yun_job_item_get_instance_id (item),
                      yun_job_item_get_code (item), yun_job_item_get_message (item));
      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_nonnull (yun_job_item_get_code (item));
      g_assert_nonnull (strstr (yun_job_item_get_message (item), "may have run"));
      g_assert_nonnull (strstr (yun_job_item_get_message (item), "not sent again"));
      /* It was applied, once. */
      g_assert_nonnull (sim_task_status (after, yun_job_item_get_instance_id (item)));
    }
  g_assert_cmpuint (json_object_array_length (invocations (after)), ==, 2);
  g_assert_cmpint (requests (after, "RunCommand"), ==, 2);
}

/* ---- Recent commands and secret scripts ---- */

static gboolean
bytes_contain (const char *data, gsize length, const char *needle)
{
  return memmem (data, length, needle, strlen (needle)) != NULL;
}

/* Whether any file of the cache (the database, its WAL and shared memory) holds @needle. */
static gboolean
cache_files_contain (Fixture *fixture, const char *needle)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;
  gboolean found = FALSE;
  guint files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_str_has_prefix (name, "yundesk.db"))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      found |= bytes_contain (contents, length, needle);
      files++;
    }
  g_assert_cmpuint (files, >, 0);
  return found;
}

static void
assert_spec_script (YunJobSpec *spec, const char *script)
{
  GBytes *content = yun_job_spec_get_command (spec);
  g_autofree char *text = NULL;

  g_assert_nonnull (content);
  text = g_strndup (g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (content));
  g_assert_cmpstr (text, ==, script);
}

/* Commands run are kept for reuse, the most recent first, with their name, timeout, users
 * and folders; running one again makes it the most recent. A secret script runs, and its
 * job is journaled, but its text is nowhere in the cache and never among the recent
 * commands.
 * Running one again makes it the most recent even within the same second: "sleep 2" is
 * run, then "echo second", then "sleep 2" again, all within one second (the jobs are
 * submitted right after the start of a second), and "sleep 2" must come first. */
static void
test_recent_commands (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (GPtrArray) instances = pick_eligible (before, 1, 1, NULL);
  g_autoptr (YunJobSpec) slow = command_spec ("sleep 2", 1, instances);
  g_autoptr (YunJobSpec) quick = command_spec ("echo second", 0, instances);
  g_autofree char *secret_script
    = g_strdup_printf ("# token %s\necho secret-done\n", secret_token ());
  g_autofree char *secret_base64
    = g_base64_encode ((const guchar *) secret_script, strlen (secret_script));
  g_autoptr (YunJobSpec) secret = command_spec (secret_script, 0, instances);
  g_autoptr (GPtrArray) recent = NULL;
  g_autoptr (GPtrArray) recent_again = NULL;
  g_autoptr (GError) error = NULL;
  YunJobSpec *recalled;
  YunJob *jobs[4];
  gint64 now;

  yun_job_spec_set_command_name (slow, "slow check");
  yun_job_spec_set_command_os_options (slow, YUN_OS_FAMILY_LINUX, "root", "/tmp");
  yun_job_spec_set_command_os_options (slow, YUN_OS_FAMILY_WINDOWS, "Administrator",
                                       "C:\\Windows\\Temp");
  yun_job_spec_set_command_name (quick, "quick");
  yun_job_spec_set_command_secret (secret, TRUE);

  /* Recent commands are stamped in seconds: these all go within one. */
  now = g_get_real_time ();
  g_usleep (G_USEC_PER_SEC - now % G_USEC_PER_SEC + 20000);
  jobs[0] = submit (fixture, slow);
  jobs[1] = submit (fixture, quick);
  jobs[2] = submit (fixture, secret);

  recent = yun_job_engine_dup_recent_commands (fixture->engine, 10, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recent);
  g_assert_cmpuint (recent->len, ==, 2);
  assert_spec_script (recent->pdata[0], "echo second");
  g_assert_cmpstr (yun_job_spec_get_command_name (recent->pdata[0]), ==, "quick");
  assert_spec_script (recent->pdata[1], "sleep 2");
  recalled = recent->pdata[1];
  g_assert_cmpint (yun_job_spec_get_kind (recalled), ==, YUN_JOB_KIND_RUN_COMMAND);
  g_assert_cmpuint (yun_job_spec_get_n_instances (recalled), ==, 0);
  g_assert_cmpstr (yun_job_spec_get_command_name (recalled), ==, "slow check");
  g_assert_cmpuint (recalled->command_timeout, ==, 1);
  g_assert_cmpstr (recalled->os_user[YUN_OS_FAMILY_LINUX], ==, "root");
  g_assert_cmpstr (recalled->os_directory[YUN_OS_FAMILY_LINUX], ==, "/tmp");
  g_assert_cmpstr (recalled->os_user[YUN_OS_FAMILY_WINDOWS], ==, "Administrator");
  g_assert_cmpstr (recalled->os_directory[YUN_OS_FAMILY_WINDOWS], ==, "C:\\Windows\\Temp");

  /* The older one, run again: now the most recent. */
  for (guint i = 0; i < instances->len; i++)
    yun_job_spec_add_instance (recalled, yun_test_json_string (instances->pdata[i], "InstanceId"),
                               yun_test_json_string (instances->pdata[i], "Region"));
  jobs[3] = submit (fixture, recalled);
  g_test_message ("4 jobs submitted in %.3f s from the start of a second",
                  (double) (g_get_real_time () % G_USEC_PER_SEC) / 1e6);

  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      wait_for_job (jobs[j]);
      g_test_message ("job %" G_GINT64_FORMAT ": %s", yun_job_get_id (jobs[j]),
                      yun_job_get_summary (jobs[j]));
    }
  for (guint i = 0; i < instances->len; i++)
    {
      const char *id = yun_test_json_string (instances->pdata[i], "InstanceId");
      g_autoptr (YunJobItem) slow_item = job_item (jobs[0], id);
      g_autoptr (YunJobItem) quick_item = job_item (jobs[1], id);
      g_autoptr (YunJobItem) secret_item = job_item (jobs[2], id);
      g_autoptr (YunJobItem) again_item = job_item (jobs[3], id);

      /* The timeout of 1 s came back with the command: `sleep 2` times out again. */
      g_assert_cmpstr (yun_job_item_get_code (slow_item), ==, "TIMEOUT");
      g_assert_cmpstr (yun_job_item_get_code (again_item), ==, "TIMEOUT");
      assert_succeeded (quick_item, "second\n");
      assert_succeeded (secret_item, "secret-done\n");
    }

  /* Through a fresh connection: the most recent first, each command once, no secret. */
  {
    g_autoptr (YunCache) cache = yun_cache_open (fixture->cache_path, &error);
    g_autoptr (YunJobEngine) reader = NULL;

    g_assert_no_error (error);
    reader = yun_job_engine_new (cache, ACCOUNT, fixture->client);
    recent_again = yun_job_engine_dup_recent_commands (reader, 10, &error);
    g_assert_no_error (error);
    g_assert_nonnull (recent_again);
    for (guint i = 0; i < recent_again->len; i++)
      {
        GBytes *content = yun_job_spec_get_command (recent_again->pdata[i]);

        g_test_message ("recent %u: %.*s", i, (int) g_bytes_get_size (content),
                        (const char *) g_bytes_get_data (content, NULL));
      }
    g_assert_cmpuint (recent_again->len, ==, 2);
    assert_spec_script (recent_again->pdata[0], "sleep 2");
    g_assert_cmpstr (yun_job_spec_get_command_name (recent_again->pdata[0]), ==, "slow check");
    assert_spec_script (recent_again->pdata[1], "echo second");

    /* The secret job is in the journal, with its outcome and output. */
    g_assert_true (yun_job_engine_load_history (reader, 10, &error));
    g_assert_no_error (error);
    g_assert_nonnull (yun_job_engine_lookup (reader, yun_job_get_id (jobs[2])));
    yun_test_release (&reader);
  }
  check_journal (fixture, jobs[2]);

  /* The secret script's text, and its base64 as RunCommand carried it, are in no file. */
  g_assert_false (cache_files_contain (fixture, secret_token ()));
  g_assert_false (cache_files_contain (fixture, secret_base64));
  /* The check itself finds what is there. */
  g_assert_true (cache_files_contain (fixture, "secret-done"));
}

/* ---- yunctl run-command ---- */

static char *
dup_text (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_utf8_make_valid (data != NULL ? data : "", (gssize) size);
}

/* yunctl as a user runs it: the simulator's key in the environment, the endpoint in
 * YUNDESK_ENDPOINT, the test's own data and config folders; @argv without the program. */
static void
run_yunctl (Fixture *fixture, YunTestRun *run, GPtrArray *args)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *data_home = g_build_filename (fixture->directory, "data", NULL);
  g_autofree char *config_home = g_build_filename (fixture->directory, "config", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *command = NULL;

  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID",
                                yun_test_sim_get_secret_id (fixture->sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY",
                                yun_test_sim_get_secret_key (fixture->sim), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", yun_test_sim_get_url (fixture->sim),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "YUNDESK_JOB_POLL_MS", "150", TRUE);

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  g_ptr_array_extend (argv, args, NULL, NULL);
  g_ptr_array_add (argv, NULL);
  command = g_strjoinv (" ", (char **) argv->pdata + 1);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->out = dup_text (out);
  run->err = dup_text (err);
  if (!g_subprocess_get_if_exited (process))
    g_error ("yunctl %s was killed by signal %d; stderr:\n%s", command,
             g_subprocess_get_term_sig (process), run->err);
  run->exit_status = g_subprocess_get_exit_status (process);
  g_test_message ("yunctl %s exited %d; stdout:\n%s\nstderr:\n%s", command, run->exit_status,
                  run->out, run->err);
}

/* yunctl @first_arg… then the IDs of @instances. */
static GPtrArray *
yunctl_args (GPtrArray *instances, const char *first_arg, ...)
{
  GPtrArray *args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    g_ptr_array_add (args, (gpointer) yun_test_json_string (instances->pdata[i], "InstanceId"));
  return args;
}

static json_object *
parse_job (YunTestRun *run, guint n_items)
{
  json_object *root = json_tokener_parse (run->out);

  if (root == NULL)
    g_error ("yunctl printed no JSON: %s", run->out);
  g_assert_cmpstr (yun_test_json_string (root, "kind"), ==, "run-command");
  g_assert_true (json_object_get_boolean (member (root, "finished")));
  g_assert_cmpuint (json_object_array_length (member (root, "items")), ==, n_items);
  return root;
}

/* The JSON item of @instance_id. */
static json_object *
json_item (json_object *root, const char *instance_id)
{
  json_object *array = member (root, "items");

  for (size_t i = 0; i < json_object_array_length (array); i++)
    if (g_strcmp0 (yun_test_json_string (json_object_array_get_idx (array, i), "instance_id"),
                   instance_id)
        == 0)
      return json_object_array_get_idx (array, i);
  g_assert_not_reached ();
}

/* yunctl run-command over IDs of one region: --json with each task's outcome, exit code and
 * output; exit status 0 only when every task succeeded (a skipped STOPPED instance, a
 * timeout from --timeout, a user from --user the images lack, a non-zero exit each make
 * it 1); the plain report shows each instance's status, exit code and output (Chinese
 * from Windows included). A script file that is not UTF-8, or one byte too long, is refused
 * before anything is sent. `commands` lists what was run, the most recent first. */
static void
test_yunctl (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Snapshot) before = snapshot_take (fixture);
  g_autoptr (Snapshot) after = NULL;
  const char *region = first_region (before);
  g_autoptr (GPtrArray) running = pick_eligible (before, 2, 2, region);
  g_autoptr (GPtrArray) with_stopped = g_ptr_array_copy (running, NULL, NULL);
  g_autoptr (GPtrArray) one_linux = g_ptr_array_new ();
  g_autofree char *gbk_path = g_build_filename (fixture->directory, "gbk.sh", NULL);
  g_autofree char *long_path = g_build_filename (fixture->directory, "long.sh", NULL);
  g_autoptr (GBytes) too_long = script_of_length (MAX_SCRIPT_BYTES + 1);
  g_autoptr (GError) error = NULL;
  json_object *stopped = NULL;
  gint64 run_commands;

  for (guint i = 0; i < before->ordered->len && stopped == NULL; i++)
    if (g_strcmp0 (yun_test_json_string (before->ordered->pdata[i], "InstanceState"), "STOPPED")
          == 0
        && g_strcmp0 (yun_test_json_string (before->ordered->pdata[i], "Region"), region) == 0)
      stopped = before->ordered->pdata[i];
  g_assert_nonnull (stopped);
  g_ptr_array_add (with_stopped, stopped);
  g_ptr_array_add (one_linux, running->pdata[0]);

  /* Every task succeeded: 0. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (running, "--json", "--region", region, "run-command",
                                              "--command", "echo hi", NULL);
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_job (&run, running->len);
    for (guint i = 0; i < running->len; i++)
      {
        json_object *item
          = json_item (root, yun_test_json_string (running->pdata[i], "InstanceId"));

        g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "succeeded");
        g_assert_nonnull (member (item, "exit_code"));
        g_assert_cmpint (json_object_get_int (member (item, "exit_code")), ==, 0);
        g_assert_cmpstr (yun_test_json_string (item, "output"), ==, "hi\n");
        g_assert_cmpstr (yun_test_json_string (item, "name"), ==,
                         yun_test_json_string (running->pdata[i], "InstanceName"));
      }
  }

  /* A STOPPED one among them: skipped, and the exit status is 1. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (with_stopped, "--json", "--region", region,
                                              "run-command", "--command", "echo hi", NULL);
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 1);
    root = parse_job (&run, with_stopped->len);
    item = json_item (root, yun_test_json_string (stopped, "InstanceId"));
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "skipped");
    g_assert_cmpstr (yun_test_json_string (item, "reason"), ==, "not RUNNING (STOPPED)");
    g_assert_null (member (item, "exit_code"));
    for (guint i = 0; i < running->len; i++)
      g_assert_cmpstr (
        yun_test_json_string (
          json_item (root, yun_test_json_string (running->pdata[i], "InstanceId")), "outcome"),
        ==, "succeeded");
  }

  /* --timeout is the command's: TIMEOUT, exit code -1, exit status 1. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (one_linux, "--json", "--region", region, "--timeout",
                                              "1", "run-command", "--command", "sleep 3", NULL);
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 1);
    root = parse_job (&run, 1);
    item = json_item (root, yun_test_json_string (one_linux->pdata[0], "InstanceId"));
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "failed");
    g_assert_cmpstr (yun_test_json_string (item, "code"), ==, "TIMEOUT");
    g_assert_cmpint (json_object_get_int (member (item, "exit_code")), ==, -1);
  }

  /* --user, on Windows too when --windows-user is not given: START_FAILED. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (running, "--json", "--region", region, "run-command",
                                              "--user", "nosuchuser", "--command", "echo x", NULL);
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 1);
    root = parse_job (&run, running->len);
    for (guint i = 0; i < running->len; i++)
      {
        json_object *item
          = json_item (root, yun_test_json_string (running->pdata[i], "InstanceId"));

        g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "failed");
        g_assert_cmpstr (yun_test_json_string (item, "code"), ==, "START_FAILED");
      }
  }

  /* The plain report: per instance its status, exit code and output. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (running, "--region", region, "run-command",
                                              "--command", "echo 你好\nexit 3", NULL);

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 1);
    for (guint i = 0; i < running->len; i++)
      {
        g_autofree char *header
          = g_strdup_printf ("== %s  %s  failed  exit 3 FAILED\n你好\n",
                             yun_test_json_string (running->pdata[i], "InstanceId"),
                             yun_test_json_string (running->pdata[i], "InstanceName"));

        g_assert_nonnull (strstr (run.out, header));
      }
  }

  /* Refused before anything is sent. */
  after = snapshot_take (fixture);
  run_commands = requests (after, "RunCommand");
  g_assert_true (g_file_set_contents (gbk_path, GBK_SCRIPT, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (long_path, g_bytes_get_data (too_long, NULL),
                                      (gssize) g_bytes_get_size (too_long), &error));
  g_assert_no_error (error);
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args
      = yunctl_args (running, "--region", region, "run-command", "--file", gbk_path, NULL);

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, !=, 0);
    g_assert_nonnull (strstr (run.err, "not UTF-8"));
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args
      = yunctl_args (running, "--region", region, "run-command", "--file", long_path, NULL);

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, !=, 0);
    g_assert_nonnull (strstr (run.err, "too long"));
    g_assert_cmpstr (run.out, ==, "");
  }
  g_clear_pointer (&after, snapshot_free);
  after = snapshot_take (fixture);
  g_assert_cmpint (requests (after, "RunCommand"), ==, run_commands);

  /* What was run, the most recent first, each once; nothing refused. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (GPtrArray) args = yunctl_args (NULL, "--json", "commands", NULL);
    g_autoptr (json_object) list = NULL;
    g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    run_yunctl (fixture, &run, args);
    g_assert_cmpint (run.exit_status, ==, 0);
    list = json_tokener_parse (run.out);
    g_assert_nonnull (list);
    g_assert_cmpuint (json_object_array_length (list), ==, 4);
    g_assert_cmpstr (yun_test_json_string (json_object_array_get_idx (list, 0), "command"), ==,
                     "echo 你好\nexit 3");
    for (size_t i = 0; i < json_object_array_length (list); i++)
      g_assert_true (g_hash_table_add (
        seen, (gpointer) yun_test_json_string (json_object_array_get_idx (list, i), "command")));
    g_assert_true (g_hash_table_contains (seen, "echo hi"));
    g_assert_true (g_hash_table_contains (seen, "sleep 3"));
    g_assert_true (g_hash_table_contains (seen, "echo x"));
  }
}

int
main (int argc, char *argv[])
{
  yun_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/yun/commands/mixed-selection", Fixture, mixed_fleet, fixture_set_up,
              test_mixed_selection, fixture_tear_down);
  g_test_add ("/yun/commands/invocation-limit", Fixture, large_region, fixture_set_up,
              test_invocation_limit, fixture_tear_down);
  g_test_add ("/yun/commands/task-failures", Fixture, small_fleet, fixture_set_up,
              test_task_failures, fixture_tear_down);
  g_test_add ("/yun/commands/agent-offline", Fixture, slow_fleet, fixture_set_up,
              test_agent_goes_offline, fixture_tear_down);
  g_test_add ("/yun/commands/cancel", Fixture, small_fleet, fixture_set_up, test_cancel,
              fixture_tear_down);
  g_test_add ("/yun/commands/long-output", Fixture, small_fleet, fixture_set_up, test_long_output,
              fixture_tear_down);
  g_test_add ("/yun/commands/content-limit", Fixture, small_fleet, fixture_set_up,
              test_content_limit, fixture_tear_down);
  g_test_add ("/yun/commands/answer-lost", Fixture, small_fleet, fixture_set_up, test_answer_lost,
              fixture_tear_down);
  g_test_add ("/yun/commands/yunctl", Fixture, small_fleet, fixture_set_up, test_yunctl,
              fixture_tear_down);
  /* Last: it meets the core bug described at test_recent_commands(). */
  g_test_add ("/yun/commands/recent", Fixture, small_fleet, fixture_set_up, test_recent_commands,
              fixture_tear_down);

  return g_test_run ();
}
