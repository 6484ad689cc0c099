/* test-gui-resume.c: the window resumes a job that a killed yunctl left half done, and a
 * read-only account's stays as it was
 *
 * SPDX-License-Identifier: MIT
 *
 * Before the application starts, the machine is set up as a user's would be: two accounts
 * in the profiles file, against one yunsim process with slow (4 s) transitions, their
 * SecretKeys in the real keyring. For each, the real yunctl stops a few RUNNING instances
 * and is killed with SIGKILL as soon as yunsim shows them STOPPING: the StopInstances went
 * out, and the journal holds a job that did not finish. The second account is then made
 * read-only.
 *
 * The application opens the first account: its job resumes (a toast says so), the window
 * follows it to its end, every instance ends STOPPED in yunsim and in the list, and none
 * got a second StopInstances. Switched to the read-only account, the window shows its job
 * where it stopped and sends nothing.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "yun-application.h"
#include "yun-gui-test.h"
#include "yun-test-sim.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

#define ACCOUNT "resume-test"
#define READ_ONLY_ACCOUNT "resume-read-only"
#define N_STOPPED 3
#define N_READ_ONLY 2
#define TRANSITION_MS 4000
/* What yunctl may take to send its StopInstances (a loaded machine, a sanitized build). */
#define SEND_DEADLINE_S 60

/* An account and the stop job yunctl left unfinished in its journal. */
typedef struct
{
  const char *account;
  guint n_instances;
  GPtrArray *ids; /* char *: the instances it stops */
  gint64 job_id;
} Interrupted;

static YunApplication *application;
static YunTestSim *sim;
static char *region;
static Interrupted interrupted[] = {
  { ACCOUNT, N_STOPPED, NULL, 0 },
  { READ_ONLY_ACCOUNT, N_READ_ONLY, NULL, 0 },
};
/* StopInstances requests yunsim had answered when yunctl was killed the last time. */
static gint64 stop_requests_before;

/* ---- yunsim ---- */

static json_object *
sim_instances (json_object *state)
{
  json_object *instances = NULL;

  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  return instances;
}

/* (transfer none): the instance @id of @state */
static json_object *
sim_instance (json_object *state, const char *id)
{
  json_object *instances = sim_instances (state);

  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (yun_test_json_string (instance, "InstanceId"), id) == 0)
        return instance;
    }
  g_error ("yunsim has no instance %s", id);
}

static gboolean
sim_all_in_state (GPtrArray *ids, const char *wanted)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");

  for (guint i = 0; i < ids->len; i++)
    if (g_strcmp0 (yun_test_json_string (sim_instance (state, ids->pdata[i]), "InstanceState"),
                   wanted)
        != 0)
      return FALSE;
  return TRUE;
}

/* How many calls yunsim applied to @id, of every action. */
static json_object *
sim_operations (json_object *state, const char *id)
{
  json_object *operations = NULL;

  g_assert_true (json_object_object_get_ex (sim_instance (state, id), "Operations", &operations));
  return operations;
}

/* Each instance of @ids got exactly one call, a StopInstances. */
static void
assert_stopped_once (GPtrArray *ids)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");

  for (guint i = 0; i < ids->len; i++)
    {
      json_object *operations = sim_operations (state, ids->pdata[i]);
      json_object *count = NULL;

      g_test_message ("%s: %s", (char *) ids->pdata[i], json_object_to_json_string (operations));
      g_assert_true (json_object_object_get_ex (operations, "StopInstances", &count));
      g_assert_cmpint (json_object_get_int64 (count), ==, 1);
      g_assert_cmpint (json_object_object_length (operations), ==, 1);
    }
}

/* The instances each account stops: RUNNING ones, which yunsim has not touched yet (the
 * seeded fleet has 7 of its 8 RUNNING). */
static void
choose_instances (void)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  json_object *instances = sim_instances (state);
  json_object *regions = NULL;
  guint a = 0;

  g_assert_true (json_object_object_get_ex (state, "regions", &regions));
  g_assert_cmpuint (json_object_array_length (regions), ==, 1);
  region = g_strdup (json_object_get_string (json_object_array_get_idx (regions, 0)));

  for (guint i = 0; i < G_N_ELEMENTS (interrupted); i++)
    interrupted[i].ids = g_ptr_array_new_with_free_func (g_free);
  for (size_t i = 0; i < json_object_array_length (instances) && a < G_N_ELEMENTS (interrupted);
       i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);

      if (g_strcmp0 (yun_test_json_string (instance, "InstanceState"), "RUNNING") != 0)
        continue;
      g_ptr_array_add (interrupted[a].ids,
                       g_strdup (yun_test_json_string (instance, "InstanceId")));
      if (interrupted[a].ids->len == interrupted[a].n_instances)
        a++;
    }
  g_assert_cmpuint (a, ==, G_N_ELEMENTS (interrupted));
}

/* ---- The accounts, as a user's machine has them ---- */

static YunProfile *
new_profile (const char *name, gboolean read_only)
{
  YunProfile *profile = yun_profile_new (name);

  yun_profile_set_secret_id (profile, yun_test_sim_get_secret_id (sim));
  yun_profile_set_endpoint (profile, yun_test_sim_get_url (sim));
  yun_profile_set_region (profile, region);
  yun_profile_set_read_only (profile, read_only);
  return profile;
}

/* The profile in the profiles file, its SecretKey in the keyring only. */
static void
save_account (const char *name, gboolean read_only, YunSecretStore *secrets)
{
  g_autoptr (YunProfile) profile = new_profile (name, read_only);
  g_autofree char *path = yun_profile_dup_default_path ();
  g_autoptr (GError) error = NULL;

  g_assert_true (yun_profile_save (profile, path, &error));
  g_assert_no_error (error);
  if (secrets != NULL)
    {
      g_assert_true (yun_profile_store_secret_key (
        profile, secrets, yun_test_sim_get_secret_key (sim), NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

/* ---- yunctl, killed mid-job ---- */

/* `yunctl --profile ACCOUNT stop IDS…`, as the user would type it (the key from the
 * keyring, the journal in the same $XDG_DATA_HOME as the application's), killed with
 * SIGKILL once yunsim shows every instance STOPPING. */
static void
stop_and_kill (Interrupted *job)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + SEND_DEADLINE_S * G_USEC_PER_SEC;
  gboolean stopping = FALSE;
  YunTestOutput output = { 0 };

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  g_ptr_array_add (argv, (gpointer) "--profile");
  g_ptr_array_add (argv, (gpointer) job->account);
  g_ptr_array_add (argv, (gpointer) "stop");
  for (guint i = 0; i < job->ids->len; i++)
    g_ptr_array_add (argv, job->ids->pdata[i]);
  g_ptr_array_add (argv, NULL);

  /* The profile's SecretId and endpoint, and the keyring's SecretKey: nothing from the
   * environment takes their place. */
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SECRET_ID");
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SECRET_KEY");
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "TENCENT_SECRET_ID");
  g_subprocess_launcher_unsetenv (launcher, "YUNDESK_ENDPOINT");

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, yun_test_output_communicated, &output);
  while (!output.done && !stopping)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("yunsim did not see the StopInstances of yunctl within %d s", SEND_DEADLINE_S);
      stopping = sim_all_in_state (job->ids, "STOPPING");
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (!stopping)
        g_usleep (20 * 1000);
    }
  yun_test_output_kill_and_wait (process, &output);

  g_printerr ("yunctl --profile %s stop: %s; stdout:\n%s\nstderr:\n%s\n", job->account,
              g_subprocess_get_if_signaled (process) ? "killed" : "exited", output.out, output.err);
  /* Killed in the middle of its job, not after it. */
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  g_assert_true (sim_all_in_state (job->ids, "STOPPING"));
  g_free (output.out);
  g_free (output.err);
}

/* The journal holds @job's stop job, unfinished, each instance sent or being sent. */
static void
check_journal (Interrupted *job, YunSecretStore *secrets)
{
  g_autoptr (YunProfile) profile = new_profile (job->account, FALSE);
  g_autofree char *cache_path = yun_cache_dup_default_path ();
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunJobEngine) engine = NULL;
  g_autoptr (YunJob) found = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *jobs, *items;

  cache = yun_cache_open (cache_path, &error);
  g_assert_no_error (error);
  credentials = yun_profile_resolve_credentials (profile, secrets, NULL, &error);
  g_assert_no_error (error);
  client = yun_profile_create_client (profile, credentials, &error);
  g_assert_no_error (error);
  engine = yun_job_engine_new (cache, job->account, client);
  g_assert_true (yun_job_engine_load_history (engine, 10, &error));
  g_assert_no_error (error);

  jobs = yun_job_engine_get_jobs (engine);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 1);
  found = g_list_model_get_item (jobs, 0);
  g_assert_cmpint (yun_job_get_kind (found), ==, YUN_JOB_KIND_STOP);
  g_assert_false (yun_job_get_finished (found));
  g_assert_cmpuint (yun_job_get_n_items (found), ==, job->n_instances);
  items = yun_job_get_items (found);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      YunJobStep step = yun_job_item_get_step (item);

      g_printerr ("journal: job %" G_GINT64_FORMAT " %s: %s\n", yun_job_get_id (found),
                  yun_job_item_get_instance_id (item), yun_job_step_to_string (step));
      /* Killed before its journal said "sent", or after: either way unfinished. */
      g_assert_true (step == YUN_JOB_STEP_SENDING || step == YUN_JOB_STEP_WAITING);
    }
  job->job_id = yun_job_get_id (found);
}

/* Everything before the application starts, which opens the preferred account at once. */
static void
set_up_machine (void)
{
  g_autoptr (YunSecretStore) secrets = yun_secret_store_new ();
  g_autofree char *unavailable = yun_secret_store_dup_unavailable_reason (secrets);
  g_autoptr (GSettings) settings = NULL;

  if (unavailable != NULL)
    g_error ("No usable Secret Service (%s): run this test through tests/run-with-keyring.sh",
             unavailable);

  sim = yun_test_sim_spawn ("--seed", "5", "--regions", "1", "--instances", "8", "--transition-ms",
                            G_STRINGIFY (TRANSITION_MS), NULL);
  choose_instances ();
  for (guint a = 0; a < G_N_ELEMENTS (interrupted); a++)
    {
      save_account (interrupted[a].account, FALSE, secrets);
      stop_and_kill (&interrupted[a]);
      check_journal (&interrupted[a], secrets);
    }
  stop_requests_before = yun_test_sim_count_requests (sim, "StopInstances");
  g_assert_cmpint (stop_requests_before, >=, G_N_ELEMENTS (interrupted));

  /* Made read-only after its job was interrupted (yunctl refuses jobs on it). */
  save_account (READ_ONLY_ACCOUNT, TRUE, NULL);
  /* The application opens the account used last. */
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "last-profile", ACCOUNT);
}

/* ---- The window ---- */

static YunWorkspace *
workspace (void)
{
  return yun_window_get_workspace (yun_test_main_window ());
}

static gboolean
account_shown (gpointer data)
{
  const Interrupted *job = data;
  YunWorkspace *shown = workspace ();
  YunInventory *inventory;

  /* Connected: jobs resume then, and only then would a read-only account's. */
  if (shown == NULL || g_strcmp0 (yun_workspace_get_account (shown), job->account) != 0
      || !yun_workspace_get_connected (shown))
    return FALSE;
  inventory = yun_workspace_get_inventory (shown);
  return yun_inventory_get_loaded (inventory) && !yun_inventory_get_syncing (inventory)
         && g_list_model_get_n_items (yun_inventory_get_instances (inventory)) > 0;
}

static gboolean
label_reads (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The toast that says the account's interrupted job resumed (shown 5 s). */
static gboolean
resumed_toast_shown (gpointer window)
{
  g_autofree char *title = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "Resumed %u interrupted job", "Resumed %u interrupted jobs", 1),
    1);

  return yun_test_find_widget (window, label_reads, title) != NULL;
}

/* (transfer none) (nullable): the job @id as the shown account's engine lists it, and how
 * many times it is listed */
static YunJob *
shown_job (gint64 id, guint *n_listed)
{
  GListModel *jobs = yun_job_engine_get_jobs (yun_workspace_get_job_engine (workspace ()));
  YunJob *found = NULL;

  *n_listed = 0;
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr (YunJob) job = g_list_model_get_item (jobs, i);

      if (yun_job_get_id (job) != id)
        continue;
      (*n_listed)++;
      found = job; /* the engine keeps its reference */
    }
  return found;
}

static gboolean
job_listed (gpointer data)
{
  guint n_listed;

  return shown_job (*(gint64 *) data, &n_listed) != NULL;
}

static gboolean
job_finished (gpointer job)
{
  return yun_job_get_finished (job);
}

static gboolean
list_shows_stopped (gpointer data)
{
  GPtrArray *ids = data;
  YunInventory *inventory = yun_workspace_get_inventory (workspace ());

  for (guint i = 0; i < ids->len; i++)
    {
      YunInstance *instance = yun_inventory_lookup (inventory, ids->pdata[i]);

      if (instance == NULL || g_strcmp0 (yun_instance_get_state (instance), "STOPPED") != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
sim_shows_stopped (gpointer ids)
{
  return sim_all_in_state (ids, "STOPPED");
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* ---- Tests ---- */

static void
test_resume (void)
{
  Interrupted *expected = &interrupted[0];
  YunWindow *window = yun_test_main_window ();
  GtkRevealer *jobs_revealer
    = GTK_REVEALER (yun_test_find_by_id (GTK_WIDGET (window), "jobs_revealer"));
  YunJob *job;
  guint n_listed = 0;
  GListModel *items;

  yun_test_wait_until (account_shown, expected, "the account with the interrupted job");
  g_assert_false (yun_workspace_get_read_only (workspace ()));
  yun_test_wait_until (resumed_toast_shown, window, "the toast that says the job resumed");

  /* The interrupted job, running again (not a copy of it from the history), followed in
   * the jobs panel. */
  job = shown_job (expected->job_id, &n_listed);
  g_assert_nonnull (job);
  g_assert_cmpuint (n_listed, ==, 1);
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_STOP);
  g_assert_cmpuint (yun_job_get_n_items (job), ==, N_STOPPED);
  g_assert_nonnull (jobs_revealer);
  g_assert_true (gtk_revealer_get_reveal_child (jobs_revealer));

  yun_test_wait_until (job_finished, job, "the resumed job's end");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, N_STOPPED);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SUCCEEDED);
      g_assert_cmpint (yun_job_item_get_step (item), ==, YUN_JOB_STEP_DONE);
    }

  /* Stopped, in the cloud and in the list, without a second StopInstances. */
  g_assert_true (sim_all_in_state (expected->ids, "STOPPED"));
  yun_test_wait_until (list_shows_stopped, expected->ids, "the stopped instances in the list");
  assert_stopped_once (expected->ids);
  g_assert_cmpint (yun_test_sim_count_requests (sim, "StopInstances"), ==, stop_requests_before);
  yun_test_save_screenshot (GTK_WIDGET (window), "resumed-job");
}

static void
test_read_only_not_resumed (void)
{
  Interrupted *expected = &interrupted[1];
  YunJob *job;
  guint n_listed = 0;
  gint64 until;

  g_action_group_activate_action (G_ACTION_GROUP (application), "switch-account",
                                  g_variant_new_string (READ_ONLY_ACCOUNT));
  yun_test_wait_until (account_shown, expected, "the read-only account");
  g_assert_true (yun_workspace_get_read_only (workspace ()));

  /* Its job shows from the journal, where it stopped. */
  yun_test_wait_until (job_listed, &expected->job_id, "the read-only account's job history");
  /* Once its instances are STOPPED in yunsim, a resumed job would see it at its first look
   * and end. Several of the engine's polls later, it still has not. */
  yun_test_wait_until (sim_shows_stopped, expected->ids, "the read-only account's instances");
  until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  yun_test_wait_until (time_passed, &until, "three seconds");
  job = shown_job (expected->job_id, &n_listed);
  g_assert_nonnull (job);
  g_assert_cmpuint (n_listed, ==, 1);
  g_assert_false (yun_job_get_finished (job));
  g_assert_cmpuint (yun_job_get_n_done (job), ==, 0);
  assert_stopped_once (expected->ids);
  g_assert_cmpint (yun_test_sim_count_requests (sim, "StopInstances"), ==, stop_requests_before);
}

int
main (int argc, char *argv[])
{
  int status;

  /* Before any thread: libcurl's global state. */
  yun_init ();
  set_up_machine ();

  application = yun_test_start_application (&argc, &argv);

  g_test_add_func ("/yun/gui/resume/interrupted-job", test_resume);
  g_test_add_func ("/yun/gui/resume/read-only", test_read_only_not_resumed);
  status = g_test_run ();

  yun_test_stop_application ();
  yun_test_sim_free (sim);
  for (guint a = 0; a < G_N_ELEMENTS (interrupted); a++)
    g_clear_pointer (&interrupted[a].ids, g_ptr_array_unref);
  g_free (region);
  return status;
}
