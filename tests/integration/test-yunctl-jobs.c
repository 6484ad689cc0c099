/* test-yunctl-jobs.c: yunctl's batch job commands against a real yunsim process
 *
 * SPDX-License-Identifier: MIT
 *
 * start, stop, reboot, terminate, reset-password and create, over instance IDs or the
 * selection flags of `instances` (--region, --all-regions, --state, --search), with --json,
 * --dry-run and --yes; the password only from standard input or a file; the journal through
 * `jobs` and `jobs show`; exit status 0 when all is done, 1 when some items failed (listed),
 * 2 for a usage error. Each case has its own simulator with a fleet of six instances made
 * through the admin API, and its own data folder (the job journal), and judges every job by
 * the simulator's state: instance states, the operations applied to each, request counts and
 * check-password.
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "yun-test-sim.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_tokener, json_tokener_free)

#define GZ "ap-guangzhou"
#define SH "ap-shanghai"
/* Short transitions keep each job well under a second. */
#define TRANSITION_MS "200"
#define JOB_POLL_MS "100"
/* A password given on the command line, where it must never be echoed. Not the canary: the
 * test logs every command line it runs. */
#define ARGV_PASSWORD "Argv-Pw-5d2c9eA1"

/* The fleet: names that only a search for "web-" or "db-" matches (an ID has no letters
 * before a "-" other than "ins"). */
static const struct
{
  const char *name;
  const char *region;
  const char *state;
} fleet[] = {
  { "web-1", GZ, "RUNNING" }, { "web-2", GZ, "RUNNING" }, { "web-3", GZ, "STOPPED" },
  { "db-1", GZ, "RUNNING" },  { "web-4", SH, "RUNNING" }, { "db-2", SH, "STOPPED" },
};

/* The actions that change something: none may reach the simulator from a refused command or
 * a dry run. */
static const char *const changing_actions[] = {
  "StartInstances",     "StopInstances",          "RebootInstances",
  "TerminateInstances", "ResetInstancesPassword", "RunInstances",
};

typedef struct
{
  YunTestSim *sim;
  char *directory;
  GHashTable *ids; /* name → instance ID */
} Fixture;

/* The secret-leak check sets a distinctive password: every password yunctl is given
 * contains it. */
static const char *
password (void)
{
  const char *canary = g_getenv ("YUN_TEST_PASSWORD");

  return canary != NULL ? canary : "Pw!Local-7c2e9d41";
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->sim = yun_test_sim_spawn ("--seed", "61", "--regions", "2", "--instances", "0",
                                     "--transition-ms", TRANSITION_MS, NULL);
  fixture->ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"Region\": \"%s\", \"InstanceName\": \"%s\", "
                                               "\"InstanceState\": \"%s\"}",
                                               fleet[i].region, fleet[i].name, fleet[i].state);
      g_autoptr (json_object) created
        = yun_test_sim_admin_post (fixture->sim, "/_yunsim/instances", body);

      g_assert_cmpstr (yun_test_json_string (created, "InstanceState"), ==, fleet[i].state);
      g_hash_table_insert (fixture->ids, (gpointer) fleet[i].name,
                           g_strdup (yun_test_json_string (created, "InstanceId")));
    }

  /* In TMPDIR, which run-with-canary.sh keeps for the secret-leak check. */
  fixture->directory = g_dir_make_tmp ("yun-yunctl-jobs-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  /* Under run-with-canary.sh the journal stays, to be searched for the password. */
  if (g_getenv ("YUN_TEST_KEEP_FILES") == NULL)
    yun_test_remove_tree (fixture->directory);
  g_free (fixture->directory);
  g_hash_table_unref (fixture->ids);
  yun_test_sim_free (fixture->sim);
}

static const char *
id_of (Fixture *fixture, const char *name)
{
  const char *id = g_hash_table_lookup (fixture->ids, name);

  g_assert_nonnull (id);
  return id;
}

/* ---- The simulator's truth ---- */

static json_object *
member (json_object *object, const char *name)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, name, &value))
    g_error ("no member “%s” in %s", name, json_object_to_json_string (object));
  return value;
}

/* The admin view of instance @id, or NULL once it is gone. */
static json_object *
sim_instance (Fixture *fixture, const char *id)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  json_object *instances = member (state, "instances");

  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (yun_test_json_string (instance, "InstanceId"), id) == 0)
        return json_object_get (instance);
    }
  return NULL;
}

static void
assert_sim_state (Fixture *fixture, const char *name, const char *state)
{
  g_autoptr (json_object) instance = sim_instance (fixture, id_of (fixture, name));

  g_assert_nonnull (instance);
  g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, state);
}

/* How many times @action was applied to @name (the "Operations" yunsim counts). */
static gint64
sim_operations (Fixture *fixture, const char *name, const char *action)
{
  g_autoptr (json_object) instance = sim_instance (fixture, id_of (fixture, name));
  json_object *count = NULL;

  g_assert_nonnull (instance);
  if (!json_object_object_get_ex (member (instance, "Operations"), action, &count))
    return 0;
  return json_object_get_int64 (count);
}

static gint64
sim_requests (Fixture *fixture, const char *action)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  json_object *count = NULL;

  if (!json_object_object_get_ex (member (state, "requests"), action, &count))
    return 0;
  return json_object_get_int64 (count);
}

static guint
sim_n_instances (Fixture *fixture)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");

  return (guint) json_object_array_length (member (state, "instances"));
}

static void
assert_nothing_changed (Fixture *fixture)
{
  for (guint i = 0; i < G_N_ELEMENTS (changing_actions); i++)
    g_assert_cmpint (sim_requests (fixture, changing_actions[i]), ==, 0);
  g_assert_cmpuint (sim_n_instances (fixture), ==, G_N_ELEMENTS (fleet));
  for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
    {
      g_autoptr (json_object) instance = sim_instance (fixture, id_of (fixture, fleet[i].name));

      g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, fleet[i].state);
      g_assert_cmpint (json_object_object_length (member (instance, "Operations")), ==, 0);
    }
}

/* Whether @secret is the password in force on instance @id. */
static gboolean
sim_password_matches (Fixture *fixture, const char *id, const char *secret)
{
  g_autofree char *path = g_strdup_printf ("/_yunsim/instances/%s/check-password", id);
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) answer = NULL;

  json_object_object_add (body, "Password", json_object_new_string (secret));
  answer = yun_test_sim_admin_post (fixture->sim, path, json_object_to_json_string (body));
  return json_object_get_boolean (member (answer, "match"));
}

/* ---- Running yunctl ---- */

/* yunctl as a user runs it: the simulator's key in the environment, the endpoint in
 * YUNDESK_ENDPOINT, the fixture's own data and config folders, and no Secret Service (a
 * password waits in memory), never the session's keyring. @input, when not NULL, is all of
 * standard input, through a pipe as `echo … | yunctl` gives it. */
static void
run_yunctl_argv (Fixture *fixture, YunTestRun *run, const char *input, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *data_home = g_build_filename (fixture->directory, "data", NULL);
  g_autofree char *config_home = g_build_filename (fixture->directory, "config", NULL);
  g_autofree char *runtime_dir = g_build_filename (fixture->directory, "runtime", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *command = NULL;

  g_assert_cmpint (g_mkdir_with_parents (runtime_dir, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID",
                                yun_test_sim_get_secret_id (fixture->sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY",
                                yun_test_sim_get_secret_key (fixture->sim), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", yun_test_sim_get_url (fixture->sim),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "YUNDESK_JOB_POLL_MS", JOB_POLL_MS, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);

  if (input != NULL)
    {
      int fds[2];

      /* Written whole before yunctl starts (it fits in the pipe), so a yunctl that refuses
       * the command without reading cannot break a write in progress. */
      g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
      g_assert_no_error (error);
      g_assert_cmpint (write (fds[1], input, strlen (input)), ==, (gssize) strlen (input));
      close (fds[1]);
      g_subprocess_launcher_take_stdin_fd (launcher, fds[0]);
    }

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  command = g_strjoinv (" ", (char **) argv->pdata + 1);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("yunctl %s was killed by signal %d; stderr:\n%s", command,
             g_subprocess_get_term_sig (process), run->err);
  run->exit_status = g_subprocess_get_exit_status (process);
  /* Into the test log, where the secret-leak check reads everything yunctl printed. */
  g_test_message ("yunctl %s exited %d; stdout:\n%s\nstderr:\n%s", command, run->exit_status,
                  run->out, run->err);
}

static void G_GNUC_NULL_TERMINATED
run_yunctl (Fixture *fixture, YunTestRun *run, const char *input, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, input);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run_yunctl_argv (fixture, run, input, (const char *const *) args->pdata);
}

/* What yunctl printed on stdout is one JSON value and nothing else. */
static json_object *
parse_output (YunTestRun *run)
{
  g_autoptr (json_tokener) tokener = json_tokener_new ();
  json_object *root = json_tokener_parse_ex (tokener, run->out, (int) strlen (run->out));
  size_t end;

  if (root == NULL)
    g_error ("yunctl printed no JSON: %s", run->out);
  end = json_tokener_get_parse_end (tokener);
  for (const char *rest = run->out + end; *rest != '\0'; rest++)
    g_assert_true (g_ascii_isspace (*rest));
  return root;
}

static void
assert_string_or_null (json_object *object, const char *name)
{
  json_object *value = member (object, name);

  g_assert_true (value == NULL || json_object_is_type (value, json_type_string));
}

/* The object a job prints with --json, as scripts rely on it: {"job": ID, "kind", "items":
 * [{"instance_id", "region", "outcome", "reason", "code", "message", "request_id", …}]};
 * a dry run has no job ID, and its items would be sent or are skipped. */
static void
assert_job_shape (json_object *root, const char *kind, gboolean dry_run, guint n_items)
{
  static const char *const outcomes[] = { "succeeded", "failed", "skipped", "cancelled", NULL };
  static const char *const dry_run_outcomes[] = { "would-send", "skipped", NULL };
  json_object *items = member (root, "items");

  g_assert_true (json_object_is_type (root, json_type_object));
  if (dry_run)
    g_assert_null (member (root, "job"));
  else
    {
      g_assert_true (json_object_is_type (member (root, "job"), json_type_int));
      g_assert_cmpint (json_object_get_int64 (member (root, "job")), >, 0);
    }
  g_assert_cmpstr (yun_test_json_string (root, "kind"), ==, kind);
  g_assert_true (json_object_is_type (member (root, "dry_run"), json_type_boolean));
  g_assert_cmpint (json_object_get_boolean (member (root, "dry_run")), ==, dry_run);
  g_assert_true (json_object_get_boolean (member (root, "finished")));
  g_assert_true (json_object_is_type (member (root, "summary"), json_type_string));
  g_assert_true (json_object_is_type (items, json_type_array));
  g_assert_cmpuint (json_object_array_length (items), ==, n_items);

  for (size_t i = 0; i < json_object_array_length (items); i++)
    {
      json_object *item = json_object_array_get_idx (items, i);
      const char *outcome = yun_test_json_string (item, "outcome");

      g_assert_true (json_object_is_type (item, json_type_object));
      g_assert_true (json_object_is_type (member (item, "instance_id"), json_type_string));
      g_assert_true (json_object_is_type (member (item, "region"), json_type_string));
      g_assert_true (json_object_is_type (member (item, "outcome"), json_type_string));
      g_assert_true (g_strv_contains (dry_run ? dry_run_outcomes : outcomes, outcome));
      assert_string_or_null (item, "reason");
      assert_string_or_null (item, "code");
      assert_string_or_null (item, "message");
      assert_string_or_null (item, "request_id");
      assert_string_or_null (item, "name");
      g_assert_true (json_object_is_type (member (item, "attempts"), json_type_int));
      /* What was skipped says why, what failed says how. */
      if (g_str_equal (outcome, "skipped"))
        g_assert_nonnull (yun_test_json_string (item, "reason"));
      if (g_str_equal (outcome, "failed"))
        g_assert_nonnull (yun_test_json_string (item, "code"));
    }
}

/* The item of instance @id: there is exactly one. */
static json_object *
job_item (json_object *root, const char *id)
{
  json_object *items = member (root, "items");
  json_object *found = NULL;

  for (size_t i = 0; i < json_object_array_length (items); i++)
    if (g_strcmp0 (yun_test_json_string (json_object_array_get_idx (items, i), "instance_id"), id)
        == 0)
      {
        g_assert_null (found);
        found = json_object_array_get_idx (items, i);
      }
  if (found == NULL)
    g_error ("no item for %s in %s", id, json_object_to_json_string (root));
  return found;
}

/* An item that succeeded: the request yunsim recorded as the instance's latest operation,
 * @action, which ended in SUCCESS. */
static void
assert_item_succeeded (Fixture *fixture, json_object *root, const char *name, const char *action)
{
  json_object *item = job_item (root, id_of (fixture, name));
  g_autoptr (json_object) instance = sim_instance (fixture, id_of (fixture, name));

  g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "succeeded");
  g_assert_null (member (item, "code"));
  g_assert_cmpstr (yun_test_json_string (item, "name"), ==, name);
  g_assert_nonnull (instance);
  g_assert_cmpstr (yun_test_json_string (instance, "LatestOperation"), ==, action);
  g_assert_cmpstr (yun_test_json_string (instance, "LatestOperationState"), ==, "SUCCESS");
  g_assert_cmpstr (yun_test_json_string (item, "request_id"), ==,
                   yun_test_json_string (instance, "LatestOperationRequestId"));
}

static void
assert_item_skipped (Fixture *fixture, json_object *root, const char *name, const char *reason)
{
  json_object *item = job_item (root, id_of (fixture, name));

  g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "skipped");
  g_assert_cmpstr (yun_test_json_string (item, "reason"), ==, reason);
  g_assert_null (member (item, "request_id"));
  g_assert_null (member (item, "code"));
}

/* The plain report's line for @name holds each of the NULL-terminated words. */
static void G_GNUC_NULL_TERMINATED
assert_line (Fixture *fixture, const char *out, const char *name, ...)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  const char *id = id_of (fixture, name);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], id) != NULL)
      {
        va_list ap;

        va_start (ap, name);
        for (const char *word = va_arg (ap, const char *); word != NULL;
             word = va_arg (ap, const char *))
          if (strstr (lines[i], word) == NULL)
            g_error ("“%s” not in the line of %s: %s", word, name, lines[i]);
        va_end (ap);
        return;
      }
  g_error ("no line for %s (%s) in:\n%s", name, id, out);
}

/* The instances `yunctl instances --json` lists in @region: ID → state. */
static GHashTable *
listed_states (Fixture *fixture, const char *region)
{
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (json_object) root = NULL;
  GHashTable *states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object *instances;

  run_yunctl (fixture, &run, NULL, "--json", "--region", region, "instances", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  root = parse_output (&run);
  instances = member (root, "Instances");
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      g_hash_table_insert (states, g_strdup (yun_test_json_string (instance, "instance-id")),
                           g_strdup (yun_test_json_string (instance, "state")));
    }
  return states;
}

/* ---- Cases ---- */

/* stop by IDs: --json, the shape scripts rely on, a STOPPED one skipped with its reason;
 * the instances really STOPPED, as yunsim and `yunctl instances` both say; start them back. */
static void
test_stop_by_ids (Fixture *fixture, gconstpointer data)
{
  g_autoptr (json_object) stopped = NULL;
  g_autoptr (json_object) started = NULL;
  g_autoptr (GHashTable) listed = NULL;

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "stop", id_of (fixture, "web-1"),
                id_of (fixture, "web-2"), id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    stopped = parse_output (&run);
  }
  assert_job_shape (stopped, "stop", FALSE, 3);
  /* In the order given. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (yun_test_json_string (json_object_array_get_idx (member (stopped, "items"), i),
                                           "instance_id"),
                     ==, id_of (fixture, fleet[i].name));
  assert_item_succeeded (fixture, stopped, "web-1", "StopInstances");
  assert_item_succeeded (fixture, stopped, "web-2", "StopInstances");
  assert_item_skipped (fixture, stopped, "web-3", "already STOPPED");
  g_assert_cmpstr (yun_test_json_string (job_item (stopped, id_of (fixture, "web-1")), "region"),
                   ==, GZ);
  g_assert_cmpstr (yun_test_json_string (stopped, "summary"), ==,
                   "stop: 2 succeeded, 1 skipped of 3");

  assert_sim_state (fixture, "web-1", "STOPPED");
  assert_sim_state (fixture, "web-2", "STOPPED");
  assert_sim_state (fixture, "web-3", "STOPPED");
  assert_sim_state (fixture, "db-1", "RUNNING");
  g_assert_cmpint (sim_operations (fixture, "web-1", "StopInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-2", "StopInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-3", "StopInstances"), ==, 0);
  /* One call for the two. */
  g_assert_cmpint (sim_requests (fixture, "StopInstances"), ==, 1);

  listed = listed_states (fixture, GZ);
  g_assert_cmpuint (g_hash_table_size (listed), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (listed, id_of (fixture, "web-1")), ==, "STOPPED");
  g_assert_cmpstr (g_hash_table_lookup (listed, id_of (fixture, "web-2")), ==, "STOPPED");
  g_assert_cmpstr (g_hash_table_lookup (listed, id_of (fixture, "db-1")), ==, "RUNNING");
  g_clear_pointer (&listed, g_hash_table_unref);

  /* Back: the plain report names the job and lists no exception. */
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", GZ, "start", id_of (fixture, "web-1"),
                id_of (fixture, "web-2"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    g_assert_cmpstr (run.out, ==, "Job 2\nstart: 2 succeeded of 2\n");
    g_assert_nonnull (strstr (run.err, "yunctl: job 2: start of 2 instances"));
  }
  assert_sim_state (fixture, "web-1", "RUNNING");
  assert_sim_state (fixture, "web-2", "RUNNING");
  assert_sim_state (fixture, "web-3", "STOPPED");
  g_assert_cmpint (sim_operations (fixture, "web-1", "StartInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-3", "StartInstances"), ==, 0);

  /* Started again: web-1 is skipped as already RUNNING, web-3 starts. */
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "start", id_of (fixture, "web-1"),
                id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    started = parse_output (&run);
  }
  assert_job_shape (started, "start", FALSE, 2);
  g_assert_cmpint (json_object_get_int64 (member (started, "job")), ==, 3);
  assert_item_skipped (fixture, started, "web-1", "already RUNNING");
  assert_item_succeeded (fixture, started, "web-3", "StartInstances");
  listed = listed_states (fixture, GZ);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (g_hash_table_lookup (listed, id_of (fixture, fleet[i].name)), ==, "RUNNING");
}

/* stop over the selection flags: --region with --state RUNNING takes exactly the RUNNING
 * instances of that region; --all-regions with --search takes the matching ones of every
 * region, those already STOPPED skipped; then --state stopped (any case) starts them all. */
static void
test_stop_by_selection (Fixture *fixture, gconstpointer data)
{
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "--state", "RUNNING", "stop", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "stop", FALSE, 3);
    assert_item_succeeded (fixture, root, "web-1", "StopInstances");
    assert_item_succeeded (fixture, root, "web-2", "StopInstances");
    assert_item_succeeded (fixture, root, "db-1", "StopInstances");
  }
  assert_sim_state (fixture, "web-1", "STOPPED");
  assert_sim_state (fixture, "web-2", "STOPPED");
  assert_sim_state (fixture, "db-1", "STOPPED");
  /* Another region is not touched. */
  assert_sim_state (fixture, "web-4", "RUNNING");
  g_assert_cmpint (sim_operations (fixture, "web-4", "StopInstances"), ==, 0);

  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--all-regions", "--search", "web-", "stop", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "stop", FALSE, 4);
    assert_item_skipped (fixture, root, "web-1", "already STOPPED");
    assert_item_skipped (fixture, root, "web-2", "already STOPPED");
    assert_item_skipped (fixture, root, "web-3", "already STOPPED");
    assert_item_succeeded (fixture, root, "web-4", "StopInstances");
    g_assert_cmpstr (yun_test_json_string (job_item (root, id_of (fixture, "web-4")), "region"), ==,
                     SH);
  }
  assert_sim_state (fixture, "web-4", "STOPPED");
  g_assert_cmpint (sim_operations (fixture, "web-1", "StopInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-4", "StopInstances"), ==, 1);

  /* Everything back, and db-2, STOPPED from the start, too. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--all-regions", "--state", "stopped", "start",
                NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "start", FALSE, G_N_ELEMENTS (fleet));
    for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
      assert_item_succeeded (fixture, root, fleet[i].name, "StartInstances");
  }
  for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
    assert_sim_state (fixture, fleet[i].name, "RUNNING");
}

/* --dry-run sends nothing and journals nothing; it tells what would be sent and what
 * skipped, and why. terminate needs no --yes for that. */
static void
test_dry_run (Fixture *fixture, gconstpointer data)
{
  g_autofree char *stdin_password = g_strconcat (password (), "\n", NULL);

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--dry-run", "--region", GZ, "stop", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Dry run: nothing was sent.\n"));
    assert_line (fixture, run.out, "web-1", GZ, "would-send", "would be sent", NULL);
    assert_line (fixture, run.out, "web-2", GZ, "would-send", "would be sent", NULL);
    assert_line (fixture, run.out, "db-1", GZ, "would-send", "would be sent", NULL);
    assert_line (fixture, run.out, "web-3", GZ, "skipped", "already STOPPED", NULL);
    g_assert_null (strstr (run.out, id_of (fixture, "web-4")));
    g_assert_nonnull (strstr (run.out, "stop (dry run): 1 skipped, 3 would-send of 4\n"));
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, NULL, "--json", "--dry-run", "--all-regions", "--search", "web-",
                "start", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "start", TRUE, 4);
    item = job_item (root, id_of (fixture, "web-3"));
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "would-send");
    g_assert_cmpstr (yun_test_json_string (item, "reason"), ==, "would be sent");
    assert_item_skipped (fixture, root, "web-1", "already RUNNING");
    assert_item_skipped (fixture, root, "web-4", "already RUNNING");
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--dry-run", "--region", SH, "terminate", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "terminate", TRUE, 2);
    g_assert_cmpstr (yun_test_json_string (job_item (root, id_of (fixture, "web-4")), "outcome"),
                     ==, "would-send");
    g_assert_cmpstr (yun_test_json_string (job_item (root, id_of (fixture, "db-2")), "outcome"), ==,
                     "would-send");
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, stdin_password, "--json", "--dry-run", "--region", GZ,
                "reset-password", "--password-stdin", id_of (fixture, "web-1"),
                id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "reset-password", TRUE, 2);
    g_assert_cmpstr (yun_test_json_string (job_item (root, id_of (fixture, "web-1")), "reason"), ==,
                     "would be stopped, reset and started again");
    g_assert_cmpstr (yun_test_json_string (job_item (root, id_of (fixture, "web-3")), "reason"), ==,
                     "would be sent");
  }

  assert_nothing_changed (fixture);
  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-1"), password ()));
  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-3"), password ()));
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "jobs", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    g_assert_cmpuint (json_object_array_length (member (root, "Jobs")), ==, 0);
  }
}

/* terminate destroys nothing without --yes (exit status 2), by IDs or by selection; with
 * --yes the instances are gone, a STOPPED one as well as a RUNNING one. */
static void
test_terminate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GHashTable) listed = NULL;

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", GZ, "terminate", id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 2);
    g_assert_nonnull (strstr (run.err, "add --yes to confirm"));
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--json", "--all-regions", "terminate", NULL);
    g_assert_cmpint (run.exit_status, ==, 2);
    g_assert_nonnull (strstr (run.err, "add --yes to confirm"));
    g_assert_cmpstr (run.out, ==, "");
  }
  assert_nothing_changed (fixture);

  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "--yes", "terminate",
                id_of (fixture, "web-3"), id_of (fixture, "db-1"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "terminate", FALSE, 2);
    for (guint i = 0; i < 2; i++)
      {
        json_object *item = json_object_array_get_idx (member (root, "items"), i);

        g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "succeeded");
        g_assert_cmpstr (yun_test_json_string (item, "reason"), ==, "terminated");
        g_assert_nonnull (yun_test_json_string (item, "request_id"));
      }
  }
  g_assert_null (sim_instance (fixture, id_of (fixture, "web-3")));
  g_assert_null (sim_instance (fixture, id_of (fixture, "db-1")));
  g_assert_cmpuint (sim_n_instances (fixture), ==, G_N_ELEMENTS (fleet) - 2);
  g_assert_cmpint (sim_requests (fixture, "TerminateInstances"), ==, 1);
  assert_sim_state (fixture, "web-1", "RUNNING");

  listed = listed_states (fixture, GZ);
  g_assert_cmpuint (g_hash_table_size (listed), ==, 2);
  g_assert_false (g_hash_table_contains (listed, id_of (fixture, "web-3")));
  g_assert_false (g_hash_table_contains (listed, id_of (fixture, "db-1")));
}

/* reboot: RUNNING instances reboot (REBOOTING and back), a STOPPED one is skipped. */
static void
test_reboot (Fixture *fixture, gconstpointer data)
{
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (json_object) root = NULL;

  run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "--search", "web-", "reboot", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  root = parse_output (&run);
  assert_job_shape (root, "reboot", FALSE, 3);
  assert_item_succeeded (fixture, root, "web-1", "RebootInstances");
  assert_item_succeeded (fixture, root, "web-2", "RebootInstances");
  assert_item_skipped (fixture, root, "web-3", "cannot be rebooted while STOPPED");

  assert_sim_state (fixture, "web-1", "RUNNING");
  assert_sim_state (fixture, "web-2", "RUNNING");
  assert_sim_state (fixture, "web-3", "STOPPED");
  g_assert_cmpint (sim_operations (fixture, "web-1", "RebootInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-2", "RebootInstances"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-3", "RebootInstances"), ==, 0);
  g_assert_cmpint (sim_operations (fixture, "db-1", "RebootInstances"), ==, 0);
}

/* reset-password: from standard input (a RUNNING instance is stopped, reset and started
 * again; a STOPPED one stays STOPPED), from a file; yunsim's check-password confirms each.
 * A password on the command line is refused (exit status 2) and not echoed, and so is one
 * against the rules, before anything is sent. */
static void
test_reset_password (Fixture *fixture, gconstpointer data)
{
  g_autofree char *stdin_password = g_strconcat (password (), "\n", NULL);
  /* Another password, with the canary in it for the secret-leak check. */
  g_autofree char *file_password = g_strconcat (password (), "-f", NULL);
  g_autofree char *file_contents = g_strconcat (file_password, "\n", NULL);
  g_autofree char *path = g_build_filename (fixture->directory, "password", NULL);
  g_autoptr (GError) error = NULL;
  /* Each refused, with nothing sent. */
  const char *const *refused[] = {
    (const char *const[]){ "--password", ARGV_PASSWORD, NULL },
    (const char *const[]){ "--password=" ARGV_PASSWORD, NULL },
    (const char *const[]){ "--password-stdin", "ID", ARGV_PASSWORD, NULL },
    (const char *const[]){ "ID", ARGV_PASSWORD, NULL },
  };
  /* Against the rules for an instance of unknown OS: 12 to 30 characters of 3 classes. */
  static const struct
  {
    const char *input;
    const char *message;
  } broken[] = {
    { "Sh0rt!pw\n", "12 to 30 characters" }, { "alllowercase123456\n", "3 of" },
    { "With Space 123!\n", "spaces" },       { "\n", "one non-empty line" },
    { "", "No password on standard input" },
  };

  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-1"), password ()));
  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-3"), password ()));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_auto (YunTestRun) run = { 0 };

      g_ptr_array_add (args, (gpointer) "--region");
      g_ptr_array_add (args, (gpointer) GZ);
      g_ptr_array_add (args, (gpointer) "reset-password");
      for (guint j = 0; refused[i][j] != NULL; j++)
        g_ptr_array_add (args,
                         (gpointer) (g_str_equal (refused[i][j], "ID") ? id_of (fixture, "web-1")
                                                                       : refused[i][j]));
      g_ptr_array_add (args, NULL);
      run_yunctl_argv (fixture, &run, stdin_password, (const char *const *) args->pdata);
      g_assert_cmpint (run.exit_status, ==, 2);
      g_assert_nonnull (strstr (run.err, "--password-file F or --password-stdin"));
      g_assert_null (strstr (run.err, ARGV_PASSWORD));
      g_assert_cmpstr (run.out, ==, "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_auto (YunTestRun) run = { 0 };

      run_yunctl (fixture, &run, broken[i].input, "--region", GZ, "reset-password",
                  "--password-stdin", id_of (fixture, "web-1"), NULL);
      g_assert_cmpint (run.exit_status, ==, 2);
      g_assert_nonnull (strstr (run.err, broken[i].message));
      g_assert_cmpstr (run.out, ==, "");
    }
  assert_nothing_changed (fixture);

  /* From standard input. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, stdin_password, "--json", "--region", GZ, "reset-password",
                "--password-stdin", id_of (fixture, "web-1"), id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "reset-password", FALSE, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_cmpstr (
        yun_test_json_string (json_object_array_get_idx (member (root, "items"), i), "outcome"), ==,
        "succeeded");
  }
  g_assert_true (sim_password_matches (fixture, id_of (fixture, "web-1"), password ()));
  g_assert_true (sim_password_matches (fixture, id_of (fixture, "web-3"), password ()));
  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-2"), password ()));
  g_assert_cmpint (sim_operations (fixture, "web-1", "ResetInstancesPassword"), ==, 1);
  g_assert_cmpint (sim_operations (fixture, "web-3", "ResetInstancesPassword"), ==, 1);
  /* Stopped for the reset and started again; the STOPPED one left STOPPED. */
  assert_sim_state (fixture, "web-1", "RUNNING");
  g_assert_cmpint (sim_operations (fixture, "web-1", "StartInstances"), ==, 1);
  assert_sim_state (fixture, "web-3", "STOPPED");
  g_assert_cmpint (sim_operations (fixture, "web-3", "StartInstances"), ==, 0);

  /* From a file, whose line end is not part of the password. */
  g_assert_true (
    g_file_set_contents_full (path, file_contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", SH, "reset-password", "--password-file", path,
                id_of (fixture, "web-4"), id_of (fixture, "db-2"), NULL);
    /* At once, failing or not: the secret-leak check must not find the test's own file. */
    g_assert_cmpint (g_unlink (path), ==, 0);
    g_assert_cmpint (run.exit_status, ==, 0);
    g_assert_nonnull (strstr (run.out, "reset-password: 2 succeeded of 2\n"));
  }
  g_assert_true (sim_password_matches (fixture, id_of (fixture, "web-4"), file_password));
  g_assert_true (sim_password_matches (fixture, id_of (fixture, "db-2"), file_password));
  g_assert_false (sim_password_matches (fixture, id_of (fixture, "web-4"), password ()));
  assert_sim_state (fixture, "web-4", "RUNNING");
  assert_sim_state (fixture, "db-2", "STOPPED");
  /* The first job's instances kept theirs. */
  g_assert_true (sim_password_matches (fixture, id_of (fixture, "web-1"), password ()));
}

/* create N instances with a name pattern: exactly N made, named by the pattern, RUNNING,
 * with the password from standard input in force. A stray argument, or a count out of range,
 * is a usage error and creates nothing. */
static void
test_create (Fixture *fixture, gconstpointer data)
{
  g_autoptr (json_object) model = sim_instance (fixture, id_of (fixture, "web-4"));
  g_autofree char *zone = g_strdup (yun_test_json_string (model, "Zone"));
  g_autofree char *image = g_strdup (yun_test_json_string (model, "ImageId"));
  g_autofree char *stdin_password = g_strconcat (password (), "\n", NULL);
  g_autoptr (json_object) root = NULL;
  g_autoptr (json_object) state = NULL;
  json_object *instances;
  guint named = 0;

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", SH, "create", "--zone", zone, "--image", image,
                "--instance-type", "S5.MEDIUM4", "--count", "3", ARGV_PASSWORD, NULL);
    g_assert_cmpint (run.exit_status, ==, 2);
    g_assert_null (strstr (run.err, ARGV_PASSWORD));
  }
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", SH, "create", "--zone", zone, "--image", image,
                "--instance-type", "S5.MEDIUM4", "--count", "2001", NULL);
    g_assert_cmpint (run.exit_status, ==, 2);
    g_assert_nonnull (strstr (run.err, "1 to 2000"));
  }
  assert_nothing_changed (fixture);

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, stdin_password, "--json", "--region", SH, "create", "--zone", zone,
                "--image", image, "--instance-type", "S5.MEDIUM4", "--count", "3", "--name",
                "batch-{R:1}", "--password-stdin", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
  }
  assert_job_shape (root, "create", FALSE, 3);

  state = yun_test_sim_admin_get (fixture->sim, "/_yunsim/state");
  g_assert_cmpint (json_object_get_int64 (member (state, "run_instances_created")), ==, 3);
  g_assert_cmpint (sim_requests (fixture, "RunInstances"), ==, 1);
  instances = member (state, "instances");
  g_assert_cmpuint (json_object_array_length (instances), ==, G_N_ELEMENTS (fleet) + 3);
  for (guint n = 1; n <= 3; n++)
    {
      g_autofree char *name = g_strdup_printf ("batch-%u", n);
      json_object *item = NULL;

      for (size_t i = 0; i < json_object_array_length (member (root, "items")); i++)
        if (g_strcmp0 (
              yun_test_json_string (json_object_array_get_idx (member (root, "items"), i), "name"),
              name)
            == 0)
          item = json_object_array_get_idx (member (root, "items"), i);
      g_assert_nonnull (item);
      g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "succeeded");
      g_assert_cmpstr (yun_test_json_string (item, "region"), ==, SH);

      for (size_t i = 0; i < json_object_array_length (instances); i++)
        {
          json_object *instance = json_object_array_get_idx (instances, i);

          if (g_strcmp0 (yun_test_json_string (instance, "InstanceName"), name) != 0)
            continue;
          named++;
          g_assert_cmpstr (yun_test_json_string (instance, "InstanceId"), ==,
                           yun_test_json_string (item, "instance_id"));
          g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, "RUNNING");
          g_assert_cmpstr (yun_test_json_string (instance, "Region"), ==, SH);
          g_assert_cmpstr (yun_test_json_string (instance, "Zone"), ==, zone);
          g_assert_cmpstr (yun_test_json_string (instance, "ImageId"), ==, image);
          g_assert_cmpstr (yun_test_json_string (instance, "InstanceType"), ==, "S5.MEDIUM4");
          g_assert_true (sim_password_matches (
            fixture, yun_test_json_string (instance, "InstanceId"), password ()));
        }
    }
  g_assert_cmpuint (named, ==, 3);
}

/* Some items fail (yunsim's op-fail in one region): exit status 1, the failed one listed
 * with its code, in the plain report and in --json; the others done. */
static void
test_partial_failure (Fixture *fixture, gconstpointer data)
{
  g_autoptr (json_object) faults = yun_test_sim_admin_post (
    fixture->sim, "/_yunsim/faults", "{\"faults\": [\"op-fail:1:*:" SH "\"]}");
  g_autoptr (json_object) failed_instance = NULL;

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--all-regions", "--state", "RUNNING", "--search", "web-",
                "stop", NULL);
    g_assert_cmpint (run.exit_status, ==, 1);
    assert_line (fixture, run.out, "web-4", SH, "failed", "OperationFailed", NULL);
    /* Only the exceptions are listed. */
    g_assert_null (strstr (run.out, id_of (fixture, "web-1")));
    g_assert_null (strstr (run.out, id_of (fixture, "web-2")));
    g_assert_nonnull (strstr (run.out, "stop: 2 succeeded, 1 failed of 3\n"));
  }
  assert_sim_state (fixture, "web-1", "STOPPED");
  assert_sim_state (fixture, "web-2", "STOPPED");
  /* The operation ran and failed: back where it was. */
  failed_instance = sim_instance (fixture, id_of (fixture, "web-4"));
  g_assert_cmpstr (yun_test_json_string (failed_instance, "InstanceState"), ==, "RUNNING");
  g_assert_cmpstr (yun_test_json_string (failed_instance, "LatestOperationState"), ==, "FAILED");

  /* The same job in the journal, in JSON. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, NULL, "--json", "jobs", "show", "1", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    assert_job_shape (root, "stop", FALSE, 3);
    g_assert_cmpint (json_object_get_int64 (member (root, "job")), ==, 1);
    item = job_item (root, id_of (fixture, "web-4"));
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "failed");
    g_assert_cmpstr (yun_test_json_string (item, "code"), ==, "OperationFailed");
    g_assert_nonnull (yun_test_json_string (item, "message"));
    g_assert_cmpstr (yun_test_json_string (item, "request_id"), ==,
                     yun_test_json_string (failed_instance, "LatestOperationRequestId"));
    assert_item_succeeded (fixture, root, "web-1", "StopInstances");
    assert_item_succeeded (fixture, root, "web-2", "StopInstances");
  }

  /* With --json too: 1, and the failed item says so. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, NULL, "--json", "--all-regions", "--search", "web-", "reboot", NULL);
    g_assert_cmpint (run.exit_status, ==, 1);
    root = parse_output (&run);
    assert_job_shape (root, "reboot", FALSE, 4);
    item = job_item (root, id_of (fixture, "web-4"));
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "failed");
    g_assert_cmpstr (yun_test_json_string (item, "code"), ==, "OperationFailed");
    for (guint i = 0; i < 3; i++)
      assert_item_skipped (fixture, root, fleet[i].name, "cannot be rebooted while STOPPED");
  }
  g_assert_cmpint (sim_operations (fixture, "web-4", "RebootInstances"), ==, 1);
  assert_sim_state (fixture, "web-4", "RUNNING");

  /* An ID the account does not have fails the job, named with Tencent's code; for
   * terminate it is already where the job wants it. */
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;
    json_object *item;

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "start", "ins-0nowhere",
                id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 1);
    root = parse_output (&run);
    assert_job_shape (root, "start", FALSE, 2);
    item = job_item (root, "ins-0nowhere");
    g_assert_cmpstr (yun_test_json_string (item, "outcome"), ==, "failed");
    g_assert_cmpstr (yun_test_json_string (item, "code"), ==, "InvalidInstanceId.NotFound");
    assert_item_succeeded (fixture, root, "web-3", "StartInstances");
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "--yes", "terminate", "ins-0nowhere",
                NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    g_assert_cmpstr (yun_test_json_string (job_item (root, "ins-0nowhere"), "outcome"), ==,
                     "skipped");
  }
}

/* `jobs` lists what ran, the most recent first (not the dry runs); `jobs show ID` its items,
 * as CSV or as the object the job printed itself with --json. */
static void
test_history (Fixture *fixture, gconstpointer data)
{
  g_autoptr (json_object) first = NULL;
  g_autofree char *csv_row = NULL;

  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--json", "--region", GZ, "stop", id_of (fixture, "web-1"),
                id_of (fixture, "web-3"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    first = parse_output (&run);
  }
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--region", GZ, "start", id_of (fixture, "web-1"), NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
  }
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "--dry-run", "--region", SH, "stop", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
  }

  {
    g_auto (YunTestRun) run = { 0 };
    g_auto (GStrv) lines = NULL;

    run_yunctl (fixture, &run, NULL, "jobs", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    lines = g_strsplit (g_strchomp (run.out), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_true (g_str_has_prefix (lines[0], "JOB "));
    g_assert_true (g_str_has_prefix (lines[1], "2 "));
    g_assert_nonnull (strstr (lines[1], "start: 1 succeeded of 1"));
    g_assert_true (g_str_has_prefix (lines[2], "1 "));
    g_assert_nonnull (strstr (lines[2], "stop: 1 succeeded, 1 skipped of 2"));
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;
    json_object *jobs;

    run_yunctl (fixture, &run, NULL, "--json", "jobs", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    jobs = member (root, "Jobs");
    g_assert_cmpuint (json_object_array_length (jobs), ==, 2);
    g_assert_cmpint (json_object_get_int64 (member (json_object_array_get_idx (jobs, 0), "id")), ==,
                     2);
    g_assert_cmpstr (yun_test_json_string (json_object_array_get_idx (jobs, 0), "kind"), ==,
                     "start");
    g_assert_cmpint (json_object_get_int64 (member (json_object_array_get_idx (jobs, 1), "id")), ==,
                     1);
    g_assert_cmpstr (yun_test_json_string (json_object_array_get_idx (jobs, 1), "kind"), ==,
                     "stop");
    g_assert_cmpint (
      json_object_get_int64 (member (json_object_array_get_idx (jobs, 1), "n-skipped")), ==, 1);
  }
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) shown = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "jobs", "show", "1", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    shown = parse_output (&run);
    if (!json_object_equal (shown, first))
      g_error ("jobs show 1 gave %s\nwhere the job printed %s", json_object_to_json_string (shown),
               json_object_to_json_string (first));
  }
  csv_row = g_strdup_printf ("1,stop,%s,%s,web-3,skipped,already STOPPED,,,,0,,\n",
                             id_of (fixture, "web-3"), GZ);
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "jobs", "show", "1", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "job,kind,instance_id,region,name,outcome,reason,"
                                              "code,message,request_id,"));
    assert_line (fixture, run.out, "web-1", "1,stop,", ",web-1,succeeded,",
                 yun_test_json_string (job_item (first, id_of (fixture, "web-1")), "request_id"),
                 NULL);
    g_assert_nonnull (strstr (run.out, csv_row));
    g_assert_true (g_str_has_suffix (run.out, "\nstop: 1 succeeded, 1 skipped of 2\n"));
  }
  {
    g_auto (YunTestRun) run = { 0 };

    run_yunctl (fixture, &run, NULL, "jobs", "show", "99", NULL);
    g_assert_cmpint (run.exit_status, ==, 1);
    g_assert_nonnull (strstr (run.err, "No job 99"));
  }
}

/* Usage errors: exit status 2, nothing sent, nothing journaled. */
static void
test_usage_errors (Fixture *fixture, gconstpointer data)
{
  const struct
  {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { "stop", "--frobnicate", id_of (fixture, "web-1") }, "--frobnicate" },
    { { "stop" }, "name instance IDs, or select instances" },
    { { "--region", GZ, "--search", "nothing-", "stop" }, "the selection holds no instance" },
    { { "--region", GZ, "stop", "ins-NOT-AN-ID" }, "“ins-NOT-AN-ID” is not an instance ID" },
    { { "--region", GZ, "reboot", id_of (fixture, "web-1"), "web-2" },
      "“web-2” is not an instance ID" },
    { { "--offline", "start", id_of (fixture, "web-3") }, "--offline only applies" },
    { { "--region", GZ, "reset-password", id_of (fixture, "web-1") }, "never from the command" },
    { { "create", "--image", "img-00000000" }, "create needs --zone and --image" },
    { { "jobs", "show" }, "jobs takes no argument, `show ID` or `resume`" },
    { { "jobs", "show", "first" }, "“first” is not a job ID" },
    { { "jobs", "list" }, "jobs takes no argument, `show ID` or `resume`" },
    { { "launch" }, "unknown command" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (YunTestRun) run = { 0 };

      run_yunctl_argv (fixture, &run, NULL, cases[i].args);
      g_assert_cmpint (run.exit_status, ==, 2);
      if (strstr (run.err, cases[i].message) == NULL)
        g_error ("“%s” not in:\n%s", cases[i].message, run.err);
      g_assert_cmpstr (run.out, ==, "");
    }

  assert_nothing_changed (fixture);
  {
    g_auto (YunTestRun) run = { 0 };
    g_autoptr (json_object) root = NULL;

    run_yunctl (fixture, &run, NULL, "--json", "jobs", NULL);
    g_assert_cmpint (run.exit_status, ==, 0);
    root = parse_output (&run);
    g_assert_cmpuint (json_object_array_length (member (root, "Jobs")), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/yun/yunctl-jobs/stop-by-ids", Fixture, NULL, fixture_set_up, test_stop_by_ids,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/stop-by-selection", Fixture, NULL, fixture_set_up,
              test_stop_by_selection, fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/dry-run", Fixture, NULL, fixture_set_up, test_dry_run,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/terminate", Fixture, NULL, fixture_set_up, test_terminate,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/reboot", Fixture, NULL, fixture_set_up, test_reboot,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/reset-password", Fixture, NULL, fixture_set_up, test_reset_password,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/create", Fixture, NULL, fixture_set_up, test_create,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/partial-failure", Fixture, NULL, fixture_set_up,
              test_partial_failure, fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/history", Fixture, NULL, fixture_set_up, test_history,
              fixture_tear_down);
  g_test_add ("/yun/yunctl-jobs/usage-errors", Fixture, NULL, fixture_set_up, test_usage_errors,
              fixture_tear_down);

  return g_test_run ();
}
