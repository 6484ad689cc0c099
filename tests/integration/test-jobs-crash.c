/* test-jobs-crash.c: a reset-password job killed with SIGKILL, at many points of its life,
 * resumes and finishes: every instance ends RUNNING with the new password, none is left
 * STOPPED, and no call that matters is sent twice
 *
 * SPDX-License-Identifier: MIT
 *
 * The job runs in the yunctl binary, against a fresh yunsim each round (200 RUNNING
 * instances in 4 regions, 1.5 s transitions, 50 ms per answer), and is resumed with
 * `yunctl jobs resume`. A resumed job can only send the resets it had not sent if its
 * password survived the crash, in the system keyring: the test needs a real Secret Service,
 * and runs under tests/run-with-keyring.sh (it starts itself under it when it is not).
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "yun-job-private.h"
#include "yun-test-sim.h"

#define N_RUNNING 200
#define POLL_MS "200"
#define RUN_DEADLINE_S 120
#define PASSWORD_NOT_KEPT "The new password was not kept"

/* Where to kill the job, as fractions of the time an uninterrupted run takes: while it
 * lists and journals, while it sends the resets (chunk by chunk), while the instances stop,
 * while it sends the starts, while they start. @resume_kill, when not 0, kills the first
 * resume too, at that fraction, and resumes again.
 *
 * The fractions were chosen on a run whose first reset goes out at about 8 % of its time.
 * A slower build (AddressSanitizer) or a loaded machine stretches what comes before (the
 * program's start, listing, the keyring) far more than the rest, and by an amount that
 * changes from run to run. So the time line is anchored where each run sends its first
 * reset, as yunsim sees it (see kill_at_for()), and its scale is that of the fastest whole
 * run seen so far: the uninterrupted runs, and every round whose job ended before its kill
 * point (see note_pace()). */
typedef struct
{
  double kill;
  double resume_kill;
} KillPoint;

static const KillPoint kill_points[] = {
  { 0.05, 0 },    { 0.07, 0 },    { 0.09, 0.10 }, { 0.11, 0 },    { 0.15, 0 },
  { 0.25, 0.30 }, { 0.38, 0 },    { 0.46, 0 },    { 0.49, 0.06 }, { 0.52, 0 },
  { 0.56, 0 },    { 0.65, 0.45 }, { 0.80, 0 },    { 0.93, 0 },
};

/* The secret-leak check sets a distinctive password to look for afterwards. */
static const char *
new_password (void)
{
  const char *password = g_getenv ("YUN_TEST_PASSWORD");

  return password != NULL ? password : "Yun-Pass_2026x";
}

typedef struct
{
  YunTestSim *sim;
  char *directory; /* the round's XDG_DATA_HOME, XDG_CONFIG_HOME and password file */
  char *password_file;
  char *cache_path;
  char *account;
  GPtrArray *selected; /* char *: the IDs of the RUNNING instances */
} Round;

static void
round_free (Round *round)
{
  if (round->directory != NULL)
    {
      g_autofree char *data = g_build_filename (round->directory, "data", NULL);
      g_autofree char *cache_dir = g_build_filename (data, "yundesk", NULL);
      g_autofree char *config = g_build_filename (round->directory, "config", NULL);
      g_autoptr (GDir) dir = g_dir_open (cache_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (cache_dir, name, NULL);
          g_unlink (child);
        }
      g_rmdir (cache_dir);
      g_rmdir (data);
      g_rmdir (config);
      g_unlink (round->password_file);
      g_rmdir (round->directory);
    }
  g_free (round->directory);
  g_free (round->password_file);
  g_free (round->cache_path);
  g_free (round->account);
  g_clear_pointer (&round->selected, g_ptr_array_unref);
  g_clear_pointer (&round->sim, yun_test_sim_free);
  g_free (round);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Round, round_free)

static json_object *
instances_of (json_object *state)
{
  json_object *instances = NULL;

  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  return instances;
}

static gint64
operations (json_object *instance, const char *action)
{
  json_object *counts = NULL;
  json_object *count = NULL;

  g_assert_true (json_object_object_get_ex (instance, "Operations", &counts));
  if (!json_object_object_get_ex (counts, action, &count))
    return 0;
  return json_object_get_int64 (count);
}

/* A fresh simulator with exactly N_RUNNING RUNNING instances, and a fresh home for yunctl. */
static Round *
round_new (void)
{
  Round *round = g_new0 (Round, 1);
  g_autoptr (json_object) state = NULL;
  g_autoptr (GError) error = NULL;
  json_object *instances;
  guint running = 0;

  round->sim = yun_test_sim_spawn ("--seed", "31", "--regions", "4", "--instances", "280",
                                   "--transition-ms", "1500", "--latency-ms", "50", NULL);
  state = yun_test_sim_admin_get (round->sim, "state");
  instances = instances_of (state);
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    running += g_strcmp0 (
                 yun_test_json_string (json_object_array_get_idx (instances, i), "InstanceState"),
                 "RUNNING")
               == 0;
  /* Stopped ones started, or running ones stopped, behind the client's back. */
  for (size_t i = 0; i < json_object_array_length (instances) && running != N_RUNNING; i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);
      const char *state_now = yun_test_json_string (instance, "InstanceState");
      g_autofree char *path
        = g_strdup_printf ("instances/%s", yun_test_json_string (instance, "InstanceId"));
      g_autoptr (json_object) changed = NULL;

      if (running < N_RUNNING && g_str_equal (state_now, "STOPPED"))
        {
          changed = yun_test_sim_admin_post (round->sim, path, "{\"InstanceState\":\"RUNNING\"}");
          running++;
        }
      else if (running > N_RUNNING && g_str_equal (state_now, "RUNNING"))
        {
          changed = yun_test_sim_admin_post (round->sim, path, "{\"InstanceState\":\"STOPPED\"}");
          running--;
        }
    }
  g_assert_cmpuint (running, ==, N_RUNNING);

  round->selected = g_ptr_array_new_with_free_func (g_free);
  g_clear_pointer (&state, json_object_put);
  state = yun_test_sim_admin_get (round->sim, "state");
  instances = instances_of (state);
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (yun_test_json_string (instance, "InstanceState"), "RUNNING") == 0)
        g_ptr_array_add (round->selected, g_strdup (yun_test_json_string (instance, "InstanceId")));
    }
  g_assert_cmpuint (round->selected->len, ==, N_RUNNING);

  round->directory = g_dir_make_tmp ("yun-jobs-crash-XXXXXX", &error);
  g_assert_no_error (error);
  round->password_file = g_build_filename (round->directory, "password", NULL);
  {
    g_autofree char *line = g_strdup_printf ("%s\n", new_password ());

    g_file_set_contents_full (round->password_file, line, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                              &error);
    g_assert_no_error (error);
  }
  round->cache_path = g_build_filename (round->directory, "data", "yundesk", "yundesk.db", NULL);
  round->account = g_strconcat ("env:", yun_test_sim_get_secret_id (round->sim), NULL);
  return round;
}

/* ---- yunctl ---- */

typedef struct
{
  gboolean killed;
  int exit_status;
  char *out;
  double seconds;
  double first_reset_seconds; /* when yunsim first saw a reset (when watched), or -1 */
} Run;

#define RESETS_START_FRACTION 0.08

/* When to kill a run: @after_first_reset FALSE, @ms after its start; TRUE, @ms after
 * yunsim saw its first ResetInstancesPassword. */
typedef struct
{
  gboolean after_first_reset;
  guint ms;
} KillAt;

/* Where @fraction falls, for runs that take @resets_start seconds to send their first reset
 * and @rest seconds after it: fractions below RESETS_START_FRACTION in proportion before the
 * first reset, counted from the start; the others spread over the rest of the run, counted
 * from the first reset of the very run that is killed. */
static KillAt
kill_at_for (double fraction, double resets_start, double rest)
{
  if (fraction < RESETS_START_FRACTION)
    return (KillAt){ FALSE, (guint) (resets_start * fraction / RESETS_START_FRACTION * 1000) };
  return (KillAt){ TRUE, (guint) (rest * (fraction - RESETS_START_FRACTION)
                                  / (1 - RESETS_START_FRACTION) * 1000) };
}

/* A run that went to its end shows the pace: the scale is the fastest such run's. */
static void
note_pace (const Run *run, double *total, double *resets_start)
{
  if (run->killed || run->first_reset_seconds <= 0 || run->seconds >= *total)
    return;
  *total = run->seconds;
  *resets_start = run->first_reset_seconds;
  g_test_message ("pace: %.2f s, the first reset sent at %.2f s", *total, *resets_start);
}

static void
run_clear (Run *run)
{
  g_free (run->out);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs yunctl with @args in the round's environment, and kills it with SIGKILL at @kill
 * unless it has ended by then (NULL: never). With @watch_resets, notes when the first
 * ResetInstancesPassword reached yunsim (asked every 20 ms). */
static void
run_yunctl (
  Round *round, const char *const *args, const KillAt *kill, gboolean watch_resets, Run *run)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = g_build_filename (round->directory, "data", NULL);
  g_autofree char *config = g_build_filename (round->directory, "config", NULL);
  gint64 start = g_get_monotonic_time ();
  /* G_MAXINT64 until known: a kill after the first reset waits for it. */
  gint64 kill_at
    = kill == NULL || kill->after_first_reset ? G_MAXINT64 : start + (gint64) kill->ms * 1000;
  gint64 deadline = start + RUN_DEADLINE_S * G_USEC_PER_SEC;
  gint64 next_watch = start;
  YunTestOutput output = { 0 };

  run->first_reset_seconds = -1;
  watch_resets = watch_resets || (kill != NULL && kill->after_first_reset);

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID",
                                yun_test_sim_get_secret_id (round->sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY",
                                yun_test_sim_get_secret_key (round->sim), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", yun_test_sim_get_url (round->sim),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "YUNDESK_JOB_POLL_MS", POLL_MS, TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, yun_test_output_communicated, &output);
  while (!output.done && g_get_monotonic_time () < kill_at)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (watch_resets && run->first_reset_seconds < 0 && g_get_monotonic_time () >= next_watch)
        {
          if (yun_test_sim_count_requests (round->sim, "ResetInstancesPassword") > 0)
            {
              gint64 now = g_get_monotonic_time ();

              run->first_reset_seconds = (double) (now - start) / G_USEC_PER_SEC;
              if (kill != NULL && kill->after_first_reset)
                kill_at = now + (gint64) kill->ms * 1000;
            }
          next_watch = g_get_monotonic_time () + 20 * 1000;
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
  yun_test_output_kill_and_wait (process, &output);

  run->seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  run->killed = g_subprocess_get_if_signaled (process);
  if (run->killed)
    g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  else
    run->exit_status = g_subprocess_get_exit_status (process);
  run->out = g_steal_pointer (&output.out);
  /* Into the test log, where the secret-leak check reads everything yunctl printed. */
  g_test_message ("yunctl %s: %s after %.2f s; stdout %zu bytes; stderr:\n%s", args[0],
                  run->killed ? "killed" : "exited", run->seconds, strlen (run->out), output.err);
  g_free (output.err);
}

static void
run_reset_password (Round *round, const KillAt *kill, gboolean watch_resets, Run *run)
{
  const char *const args[] = {
    "reset-password",  "--all-regions",      "--state", "RUNNING",
    "--password-file", round->password_file, "--json",  NULL,
  };

  run_yunctl (round, args, kill, watch_resets, run);
}

static void
run_resume (Round *round, guint kill_ms, Run *run)
{
  const char *const args[] = { "jobs", "resume", "--json", NULL };
  KillAt kill = { FALSE, kill_ms };

  run_yunctl (round, args, kill_ms != 0 ? &kill : NULL, FALSE, run);
}

/* ---- The journal ---- */

/* The round's job as the journal has it; NULL if it was never journaled. */
static YunJobRecord *
load_job (Round *round)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (GPtrArray) records = NULL;

  if (!g_file_test (round->cache_path, G_FILE_TEST_EXISTS))
    return NULL;
  cache = yun_cache_open (round->cache_path, &error);
  g_assert_no_error (error);
  records = _yun_journal_load (cache, round->account, FALSE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, <=, 1);
  if (records->len == 0)
    return NULL;
  return g_ptr_array_steal_index (records, 0);
}

/* "queued 12, sending 100, waiting 88…": the items at each step, and the outcomes. */
static char *
describe_job (YunJobRecord *record)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint steps[YUN_JOB_STEP_DONE + 1] = { 0 };
  guint outcomes[YUN_JOB_OUTCOME_WOULD_SEND + 1] = { 0 };

  if (record == NULL)
    return g_strdup ("no job in the journal");
  for (guint i = 0; i < record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (record->items, i);

      steps[item->step]++;
      outcomes[item->outcome]++;
    }
  g_string_append_printf (text, "%s; steps:", record->finished ? "finished" : "unfinished");
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    if (steps[s] > 0)
      g_string_append_printf (text, " %s %u", yun_job_step_to_string (s), steps[s]);
  g_string_append (text, "; outcomes:");
  for (guint o = 0; o < G_N_ELEMENTS (outcomes); o++)
    if (outcomes[o] > 0)
      g_string_append_printf (text, " %s %u", yun_job_outcome_to_string (o), outcomes[o]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Whether any item failed because the password did not survive the crash (no keyring). */
static const char *
password_not_kept (YunJobRecord *record)
{
  for (guint i = 0; record != NULL && i < record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (record->items, i);

      if (item->outcome == YUN_JOB_OUTCOME_FAILED && item->message != NULL
          && g_str_has_prefix (item->message, PASSWORD_NOT_KEPT))
        return item->message;
    }
  return NULL;
}

/* ---- The end state ---- */

static gboolean
password_matches (Round *round, const char *instance_id)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) answer = NULL;
  g_autofree char *path = g_strdup_printf ("instances/%s/check-password", instance_id);
  json_object *match = NULL;

  json_object_object_add (body, "Password", json_object_new_string (new_password ()));
  answer = yun_test_sim_admin_post (round->sim, path, json_object_to_json_string (body));
  g_assert_true (json_object_object_get_ex (answer, "match", &match));
  return json_object_get_boolean (match);
}

/* Every selected instance RUNNING, its operation settled, the new password in force, reset
 * once and started once; the others untouched. The journal has the job finished, every
 * item succeeded. */
static void
check_end_state (Round *round)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (round->sim, "state");
  g_autoptr (GHashTable) selected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (YunJobRecord) record = load_job (round);
  json_object *instances = instances_of (state);

  for (guint i = 0; i < round->selected->len; i++)
    g_hash_table_add (selected, round->selected->pdata[i]);

  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);
      const char *id = yun_test_json_string (instance, "InstanceId");

      if (!g_hash_table_contains (selected, id))
        {
          g_assert_cmpint (operations (instance, "ResetInstancesPassword"), ==, 0);
          g_assert_cmpint (operations (instance, "StartInstances"), ==, 0);
          continue;
        }
      g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, "RUNNING");
      g_assert_cmpstr (yun_test_json_string (instance, "LatestOperationState"), ==, "SUCCESS");
      g_assert_cmpint (operations (instance, "ResetInstancesPassword"), ==, 1);
      g_assert_cmpint (operations (instance, "StartInstances"), ==, 1);
      g_assert_cmpint (operations (instance, "StopInstances"), ==, 0);
      g_assert_true (password_matches (round, id));
    }

  g_assert_nonnull (record);
  g_assert_true (record->finished);
  g_assert_cmpint (record->kind, ==, YUN_JOB_KIND_RESET_PASSWORD);
  g_assert_cmpuint (record->items->len, ==, N_RUNNING);
  for (guint i = 0; i < record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (record->items, i);

      g_assert_true (g_hash_table_contains (selected, item->instance_id));
      g_assert_cmpint (item->step, ==, YUN_JOB_STEP_DONE);
      g_assert_cmpint (item->outcome, ==, YUN_JOB_OUTCOME_SUCCEEDED);
    }
}

/* Every selected instance RUNNING, reset at most once and started at most once. */
static void
check_none_stranded (Round *round)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (round->sim, "state");
  g_autoptr (GHashTable) selected = g_hash_table_new (g_str_hash, g_str_equal);
  json_object *instances = instances_of (state);

  for (guint i = 0; i < round->selected->len; i++)
    g_hash_table_add (selected, round->selected->pdata[i]);
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (!g_hash_table_contains (selected, yun_test_json_string (instance, "InstanceId")))
        continue;
      g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, "RUNNING");
      g_assert_cmpint (operations (instance, "ResetInstancesPassword"), <=, 1);
      g_assert_cmpint (operations (instance, "StartInstances"), <=, 1);
    }
}

/* What `--json` printed for the job: finished, every item succeeded. */
static void
check_report (const char *out)
{
  g_autoptr (json_object) report = json_tokener_parse (out);
  json_object *items = NULL;

  g_assert_nonnull (report);
  g_assert_cmpstr (yun_test_json_string (report, "kind"), ==, "reset-password");
  g_assert_true (json_object_get_boolean (json_object_object_get (report, "finished")));
  g_assert_true (json_object_object_get_ex (report, "items", &items));
  g_assert_cmpuint (json_object_array_length (items), ==, N_RUNNING);
  for (size_t i = 0; i < json_object_array_length (items); i++)
    g_assert_cmpstr (yun_test_json_string (json_object_array_get_idx (items, i), "outcome"), ==,
                     "succeeded");
}

/* ---- The test ---- */

static void
test_sigkill (void)
{
  g_autoptr (YunSecretStore) secrets = yun_secret_store_new ();
  g_autofree char *unavailable = yun_secret_store_dup_unavailable_reason (secrets);
  guint mid_job_kills = 0;
  double total = G_MAXDOUBLE;
  double resets_start = 0;

  /* yunctl must find a keyring to keep the password in. */
  if (unavailable != NULL)
    g_error ("No usable Secret Service (%s): run this test through tests/run-with-keyring.sh",
             unavailable);

  /* Uninterrupted runs give the first time scale of the kill points, the faster of two as
   * a loaded machine can slow one down; rounds that end before their kill point refine it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (Round) round = round_new ();
      g_auto (Run) run = { 0 };

      run_reset_password (round, NULL, TRUE, &run);
      g_assert_false (run.killed);
      g_assert_cmpint (run.exit_status, ==, 0);
      check_report (run.out);
      check_end_state (round);
      g_assert_cmpfloat (run.first_reset_seconds, >, 0);
      g_assert_cmpfloat (run.first_reset_seconds, <, run.seconds);
      g_test_message ("uninterrupted: %.2f s, the first reset sent at %.2f s", run.seconds,
                      run.first_reset_seconds);
      note_pace (&run, &total, &resets_start);
    }

  for (guint k = 0; k < G_N_ELEMENTS (kill_points); k++)
    {
      g_autoptr (Round) round = round_new ();
      g_autoptr (YunJobRecord) at_kill = NULL;
      g_auto (Run) run = { 0 };
      g_autofree char *when_killed = NULL;
      KillAt kill = kill_at_for (kill_points[k].kill, resets_start, total - resets_start);
      const char *lost = NULL;

      run_reset_password (round, &kill, TRUE, &run);
      note_pace (&run, &total, &resets_start);
      at_kill = load_job (round);
      when_killed = describe_job (at_kill);
      g_test_message ("kill point %u: %u ms after the %s (%.2f of the run): %s; journal: %s", k + 1,
                      kill.ms, kill.after_first_reset ? "first reset" : "start",
                      kill_points[k].kill, run.killed ? "killed" : "it had ended", when_killed);

      if (at_kill == NULL)
        {
          /* Killed before the job was journaled: nothing was sent, nothing resumes. */
          g_autoptr (json_object) state = yun_test_sim_admin_get (round->sim, "state");
          json_object *instances = instances_of (state);
          g_auto (Run) again = { 0 };

          g_assert_true (run.killed);
          for (size_t i = 0; i < json_object_array_length (instances); i++)
            g_assert_cmpint (json_object_object_length (json_object_object_get (
                               json_object_array_get_idx (instances, i), "Operations")),
                             ==, 0);
          run_reset_password (round, NULL, TRUE, &again);
          note_pace (&again, &total, &resets_start);
          g_assert_cmpint (again.exit_status, ==, 0);
          check_report (again.out);
          check_end_state (round);
          continue;
        }
      if (!run.killed || at_kill->finished)
        {
          g_assert_cmpint (run.exit_status, ==, 0);
          check_end_state (round);
          continue;
        }
      mid_job_kills++;

      if (kill_points[k].resume_kill > 0)
        {
          g_auto (Run) resume = { 0 };
          g_autoptr (YunJobRecord) at_second_kill = NULL;
          g_autofree char *when_killed_again = NULL;
          guint resume_kill_ms = (guint) (kill_points[k].resume_kill * total * 1000);

          run_resume (round, resume_kill_ms, &resume);
          at_second_kill = load_job (round);
          when_killed_again = describe_job (at_second_kill);
          g_test_message ("  resume killed at %u ms: %s; journal: %s", resume_kill_ms,
                          resume.killed ? "killed" : "it had ended", when_killed_again);
        }

      {
        g_auto (Run) resume = { 0 };
        g_autoptr (YunJobRecord) after = NULL;
        g_autofree char *outcome = NULL;

        run_resume (round, 0, &resume);
        after = load_job (round);
        outcome = describe_job (after);
        g_test_message ("  after resume (%.2f s): %s", resume.seconds, outcome);
        /* The keyring kept the password from before the job's first journal line. */
        lost = password_not_kept (after);
        if (lost != NULL)
          {
            check_none_stranded (round);
            g_error ("the password did not survive the kill: %s", lost);
          }
        g_assert_false (resume.killed);
        /* The job had already ended if the second kill came after its end. */
        if (resume.out[0] != '\0')
          {
            g_assert_cmpint (resume.exit_status, ==, 0);
            check_report (resume.out);
          }
        check_end_state (round);
      }
    }

  g_test_message ("%u kill points in the middle of the job", mid_job_kills);
  g_assert_cmpuint (mid_job_kills, >=, 10);
}

/* Runs this program again under tests/run-with-keyring.sh when no private keyring is set
 * up, as when the secret-leak check runs it directly. */
static void
ensure_keyring (int argc, char *argv[])
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *self = NULL;

  if (g_getenv ("YUN_TEST_KEYRING_ROOT") != NULL)
    return;
  self = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self);
  g_ptr_array_add (args, (gpointer) "sh");
  g_ptr_array_add (args, (gpointer) KEYRING_WRAPPER);
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  execvp ("sh", (char *const *) args->pdata);
  g_error ("Could not run %s: %s", KEYRING_WRAPPER, g_strerror (errno));
}

int
main (int argc, char *argv[])
{
  ensure_keyring (argc, argv);
  yun_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/jobs/crash/reset-password-sigkill", test_sigkill);

  return g_test_run ();
}
