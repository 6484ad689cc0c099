/* test-gui-window.c: the real YunDesk window under Xvfb, driven through its actions
 *
 * SPDX-License-Identifier: MIT
 *
 * The application starts as a user would start it, opens the demo (an in-process yunsim),
 * and is driven through its GActions and widgets: select instances and stop them, watch
 * the job end and the states change in the list; run a command on Linux and Windows
 * instances and read each one's output in the job's window. Screenshots of each step
 * go to the build tree (tests/gui/screenshots/), in the language the test runs in.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "yun-application.h"
#include "yun-gui-test.h"
#include "yun-instance-selection.h"
#include "yun-job-view.h"
#include "yun-jobs-panel.h"

static YunApplication *application;

/* ---- Helpers ---- */

static YunInventory *
inventory (void)
{
  return yun_workspace_get_inventory (yun_window_get_workspace (yun_test_main_window ()));
}

static gboolean
inventory_synced (gpointer data)
{
  YunWorkspace *workspace = yun_window_get_workspace (yun_test_main_window ());

  return workspace != NULL && yun_inventory_get_loaded (yun_workspace_get_inventory (workspace))
         && !yun_inventory_get_syncing (yun_workspace_get_inventory (workspace))
         && g_list_model_get_n_items (
              yun_inventory_get_instances (yun_workspace_get_inventory (workspace)))
              == YUN_WORKSPACE_DEMO_INSTANCES;
}

/* The first @count instances the view shows that are in @state and of @os (or any OS). */
static GPtrArray *
visible_instances (const char *state, int windows, guint count)
{
  YunInstanceView *view = yun_window_get_instance_view (yun_test_main_window ());
  GListModel *shown = yun_instance_view_get_instances (view);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (shown) && found->len < count; i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (shown, i);

      if (g_strcmp0 (yun_instance_get_state (instance), state) == 0
          && (windows < 0 || yun_instance_is_windows (instance) == windows))
        g_ptr_array_add (found, g_steal_pointer (&instance));
    }
  return found;
}

static void
select_instances (GPtrArray *instances)
{
  YunInstanceView *view = yun_window_get_instance_view (yun_test_main_window ());

  yun_instance_view_unselect_all (view);
  for (guint i = 0; i < instances->len; i++)
    g_assert_true (yun_instance_view_select_id (
      view, yun_instance_get_instance_id (g_ptr_array_index (instances, i))));
  g_assert_cmpuint (yun_instance_view_get_n_selected (view), ==, instances->len);
}

static gboolean
all_in_state (GPtrArray *instances, const char *state)
{
  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = yun_inventory_lookup (
        inventory (), yun_instance_get_instance_id (g_ptr_array_index (instances, i)));

      if (instance == NULL || g_strcmp0 (yun_instance_get_state (instance), state) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
all_stopped (gpointer instances)
{
  return all_in_state (instances, "STOPPED");
}

static gboolean
all_running (gpointer instances)
{
  return all_in_state (instances, "RUNNING");
}

static gboolean
job_finished (gpointer data)
{
  return yun_job_get_finished (YUN_JOB (data));
}

static YunJob *
newest_job (void)
{
  GListModel *jobs = yun_job_engine_get_jobs (
    yun_workspace_get_job_engine (yun_window_get_workspace (yun_test_main_window ())));

  g_assert_cmpuint (g_list_model_get_n_items (jobs), >, 0);
  /* The engine's list is newest first; the reference stays with the engine. */
  {
    g_autoptr (YunJob) job = g_list_model_get_item (jobs, 0);

    return job;
  }
}

/* As a click on the response's button: the response, and the dialog closes. */
static void
answer_dialog (GtkWindow *dialog, const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_close (dialog);
}

/* ---- Tests ---- */

static void
test_demo_opens (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);

  yun_application_open_demo (application);
  yun_test_wait_until (inventory_synced, NULL, "the demo's first sync");
  g_assert_true (yun_workspace_get_demo (yun_window_get_workspace (window)));
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, YUN_WORKSPACE_DEMO_INSTANCES);
  g_assert_cmpuint (g_list_model_get_n_items (yun_inventory_get_regions (inventory ())), ==,
                    YUN_WORKSPACE_DEMO_REGIONS);

  /* Nothing selected: nothing to act on. */
  g_assert_false (
    gtk_widget_is_sensitive (yun_test_find_action_button (GTK_WIDGET (window), "win.stop")));
  yun_test_save_screenshot (GTK_WIDGET (window), "main-window");
}

static gboolean
is_mapped_main_menu (GtkWidget *widget, gconstpointer unused)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)),
                       "open-menu-symbolic")
              == 0;
}

/* The main menu is built when first opened, and then offers its sections: accounts and
 * the demo, shortcuts and about. */
static void
test_main_menu (void)
{
  GtkWidget *button
    = yun_test_find_widget (GTK_WIDGET (yun_test_main_window ()), is_mapped_main_menu, NULL);
  GMenuModel *menu;

  g_assert_nonnull (button);
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2); /* two sections */
  for (int section = 0; section < 2; section++)
    {
      g_autoptr (GMenuModel) items = g_menu_model_get_item_link (menu, section, "section");

      g_assert_cmpint (g_menu_model_get_n_items (items), ==, 2);
    }
  g_assert_true (
    gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)))));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

/* Whether the list's rows, blank ones too, fit in the view without scrolling. */
static gboolean
list_fits (gpointer view)
{
  GtkAdjustment *adjustment
    = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (yun_instance_view_get_column_view (view)));

  return gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment);
}

static gboolean
is_status_page (GtkWidget *widget, gconstpointer unused)
{
  return ADW_IS_STATUS_PAGE (widget);
}

static gboolean
is_instance_id_cell (GtkWidget *widget, gconstpointer unused)
{
  return GTK_IS_INSCRIPTION (widget)
         && g_str_has_prefix (gtk_inscription_get_text (GTK_INSCRIPTION (widget)) ?: "", "ins-");
}

/* A blank row (past the instances shown) looks like the empty space below the list: no
 * hover band, even under a pointer at rest. */
static void
check_blank_rows_plain (YunInstanceView *view)
{
  GtkWidget *list = yun_test_find_descendant (GTK_WIDGET (yun_instance_view_get_column_view (view)),
                                              GTK_TYPE_LIST_VIEW);
  guint n_blank = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (yun_test_find_widget (row, is_instance_id_cell, NULL) == NULL
        && gtk_widget_get_first_child (row) != NULL)
      {
        n_blank++;
        g_assert_false (gtk_widget_get_state_flags (row) & GTK_STATE_FLAG_PRELIGHT);
      }
  g_assert_cmpuint (n_blank, >, 0);
}

/* One match: the rows GTK had built stay, blank, while the user may go on typing; once the
 * typing has paused, only those that fill the view without scrolling stay. */
static void
test_search_and_filter (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  g_autoptr (GPtrArray) running = visible_instances ("RUNNING", -1, 1);
  GtkWidget *page;
  const char *id;

  g_assert_cmpuint (running->len, ==, 1);
  id = yun_instance_get_instance_id (g_ptr_array_index (running, 0));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  yun_instance_view_set_search_text (view, id);
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, 1);
  g_assert_false (list_fits (view));
  yun_test_wait_for_draw (GTK_WIDGET (window));
  check_blank_rows_plain (view);
  yun_test_wait_until (list_fits, view, "the blank rows that scroll to go");
  yun_test_wait_for_draw (GTK_WIDGET (window));
  yun_test_save_screenshot (GTK_WIDGET (window), "search-one-match");

  /* No match: a page says so, over the list; it goes with the search. */
  page = yun_test_find_widget (GTK_WIDGET (view), is_status_page, NULL);
  g_assert_true (page == NULL || !gtk_widget_get_visible (page));
  yun_instance_view_set_search_text (view, "no-such-instance");
  page = yun_test_find_widget (GTK_WIDGET (view), is_status_page, NULL);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_visible (page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==,
                   _ ("No Matching Instances"));
  yun_test_wait_for_draw (GTK_WIDGET (window));
  yun_test_save_screenshot (GTK_WIDGET (window), "search-no-match");
  yun_instance_view_set_search_text (view, NULL);
  g_assert_false (gtk_widget_get_visible (page));
  yun_instance_view_set_state_filter (view, "STOPPED");
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), <, YUN_WORKSPACE_DEMO_INSTANCES);
  g_assert_cmpuint (visible_instances ("RUNNING", -1, 1)->len, ==, 0);
  yun_instance_view_set_state_filter (view, NULL);
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, YUN_WORKSPACE_DEMO_INSTANCES);
}

static void
test_stop_instances (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) running = visible_instances ("RUNNING", -1, 6);
  g_autoptr (GPtrArray) stopped = visible_instances ("STOPPED", -1, 2);
  g_autoptr (GPtrArray) selection = g_ptr_array_new ();
  GtkWidget *stop_button = yun_test_find_action_button (GTK_WIDGET (window), "win.stop");
  g_autofree char *expected_label = NULL;
  AdwMessageDialog *dialog;
  YunJob *job;

  g_assert_cmpuint (running->len, ==, 6);
  g_assert_cmpuint (stopped->len, ==, 2);
  g_ptr_array_extend (selection, running, NULL, NULL);
  g_ptr_array_extend (selection, stopped, NULL, NULL);
  select_instances (selection);

  /* The button says how many of the selection it acts on. */
  g_assert_true (gtk_widget_is_sensitive (stop_button));
  expected_label = g_strdup_printf (C_ ("action-count", "%s %u of %u"), _ ("Stop"), 6, 8);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (stop_button)), ==, expected_label);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  dialog = ADW_MESSAGE_DIALOG (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  yun_test_save_screenshot (GTK_WIDGET (dialog), "stop-confirmation");
  answer_dialog (GTK_WINDOW (dialog), "confirm");

  job = newest_job ();
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_STOP);
  g_assert_cmpuint (yun_job_get_n_items (job), ==, 8);
  yun_test_wait_until (job_finished, job, "the stop job");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 6);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED), ==, 2);

  /* The list follows: each stopped instance reads STOPPED without a refresh. */
  yun_test_wait_until (all_stopped, running, "the stopped instances in the list");
  yun_test_save_screenshot (GTK_WIDGET (window), "after-stop");
}

static gboolean
button_reads (gpointer data)
{
  const char *const *button_and_label = data;
  GtkWidget *button
    = yun_test_find_action_button (GTK_WIDGET (yun_test_main_window ()), button_and_label[0]);

  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), button_and_label[1]) == 0;
}

/* An instance marked protected (by yunctl, in the cache) is not counted for terminate or a
 * password reset once the window reads the marks again, as it does after each job. */
static void
test_protected_instance (void)
{
  YunWindow *window = yun_test_main_window ();
  YunWorkspace *workspace = yun_window_get_workspace (window);
  g_autoptr (GPtrArray) running = visible_instances ("RUNNING", -1, 2);
  g_autoptr (GPtrArray) rebooted = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *terminate_label = NULL;
  g_autofree char *reset_label = NULL;
  const char *terminate_reads[2], *reset_reads[2];
  YunInstance *protected;
  YunJob *job;

  g_assert_cmpuint (running->len, ==, 2);
  protected = g_ptr_array_index (running, 0);
  g_assert_true (yun_cache_set_protected (yun_workspace_get_cache (workspace),
                                          yun_workspace_get_account (workspace),
                                          yun_instance_get_instance_id (protected), TRUE, &error));
  g_assert_no_error (error);

  g_ptr_array_add (rebooted, g_ptr_array_index (running, 1));
  select_instances (rebooted);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reboot", NULL);
  answer_dialog (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG), "confirm");
  job = newest_job ();
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_REBOOT);
  yun_test_wait_until (job_finished, job, "the reboot job");

  select_instances (running);
  terminate_label = g_strdup_printf (C_ ("action-count", "%s %u of %u"), _ ("Terminate"), 1, 2);
  reset_label = g_strdup_printf (C_ ("action-count", "%s %u of %u"), _ ("Reset Password"), 1, 2);
  terminate_reads[0] = "win.terminate";
  terminate_reads[1] = terminate_label;
  reset_reads[0] = "win.reset-password";
  reset_reads[1] = reset_label;
  yun_test_wait_until (button_reads, terminate_reads,
                       "the terminate button to leave out the protected instance");
  yun_test_wait_until (button_reads, reset_reads,
                       "the reset button to leave out the protected instance");

  g_assert_true (yun_cache_set_protected (yun_workspace_get_cache (workspace),
                                          yun_workspace_get_account (workspace),
                                          yun_instance_get_instance_id (protected), FALSE, &error));
  g_assert_no_error (error);
}

static gboolean
every_task_answered (gpointer data)
{
  GListModel *items = yun_job_get_items (YUN_JOB (data));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      if (yun_job_item_get_outcome (item) == YUN_JOB_OUTCOME_PENDING)
        return FALSE;
    }
  return yun_job_get_finished (YUN_JOB (data));
}

static void
test_run_command (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) linux_running = visible_instances ("RUNNING", FALSE, 5);
  g_autoptr (GPtrArray) windows_running = visible_instances ("RUNNING", TRUE, 4);
  g_autoptr (GPtrArray) selection = g_ptr_array_new ();
  GtkWindow *dialog;
  GtkTextView *editor;
  GtkWidget *run_button;
  GtkWindow *job_view;
  GtkColumnView *results;
  YunJob *job;
  GListModel *items;
  guint n_answered[2] = { 0, 0 };

  g_assert_cmpuint (linux_running->len, ==, 5);
  g_assert_cmpuint (windows_running->len, ==, 4);
  g_ptr_array_extend (selection, linux_running, NULL, NULL);
  g_ptr_array_extend (selection, windows_running, NULL, NULL);
  select_instances (selection);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-command", NULL);
  dialog = yun_test_wait_for_window (g_type_from_name ("YunCommandDialog"));
  editor = GTK_TEXT_VIEW (yun_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW));
  g_assert_nonnull (editor);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (editor), "hostname; uptime", -1);
  yun_test_save_screenshot (GTK_WIDGET (dialog), "run-command");
  run_button = yun_test_find_by_id (GTK_WIDGET (dialog), "run_button");
  g_assert_nonnull (run_button);
  g_assert_true (gtk_widget_is_sensitive (run_button));
  g_signal_emit_by_name (run_button, "clicked");

  /* The job's window opens by itself and fills in as the instances answer. */
  job_view = yun_test_wait_for_window (YUN_TYPE_JOB_VIEW);
  job = yun_job_view_get_job (YUN_JOB_VIEW (job_view));
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_RUN_COMMAND);
  yun_test_wait_until (every_task_answered, job, "every instance's answer");
  items = yun_job_get_items (job);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 9);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      /* The demo, like a real fleet, has a few instances whose TAT agent is offline: those
       * are skipped, and say so. */
      if (yun_job_item_get_outcome (item) == YUN_JOB_OUTCOME_SKIPPED)
        {
          const char *reason = yun_job_item_get_reason (item);

          g_assert_true (g_strcmp0 (reason, _ ("the TAT agent is offline")) == 0
                         || g_strcmp0 (reason, _ ("the TAT agent is not installed")) == 0);
          continue;
        }
      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SUCCEEDED);
      g_assert_true (yun_job_item_get_has_exit_code (item));
      g_assert_cmpint (yun_job_item_get_exit_code (item), ==, 0);
      g_assert_nonnull (yun_job_item_get_output (item));
      g_assert_cmpstr (yun_job_item_get_output (item), !=, "");
      n_answered[yun_instance_is_windows (
        yun_inventory_lookup (inventory (), yun_job_item_get_instance_id (item)))]++;
    }
  /* Both systems answered, each through its own invocation (SHELL, POWERSHELL). */
  g_assert_cmpuint (n_answered[FALSE], >=, 1);
  g_assert_cmpuint (n_answered[TRUE], >=, 1);
  /* The first instance's output, as a user who clicks its row reads it. */
  results = GTK_COLUMN_VIEW (yun_test_find_by_id (GTK_WIDGET (job_view), "column_view"));
  g_assert_nonnull (results);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (results)), 0);
  yun_test_save_screenshot (GTK_WIDGET (job_view), "command-results");
  gtk_window_destroy (job_view);
}

/* Every task sent and running, but those skipped (an instance whose TAT agent is offline);
 * at least one running. */
static gboolean
tasks_running (gpointer job)
{
  GListModel *items = yun_job_get_items (job);
  guint n_running = 0;

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      if (yun_job_item_get_outcome (item) == YUN_JOB_OUTCOME_SKIPPED)
        continue;
      if (yun_job_item_get_step (item) != YUN_JOB_STEP_WAITING)
        return FALSE;
      n_running++;
    }
  return n_running > 0;
}

/* @command run on two running Linux instances from the Run Command dialog. Returns: the job's
 * window, which opens by itself */
static GtkWindow *
start_command (const char *command)
{
  g_autoptr (GPtrArray) linux_running = visible_instances ("RUNNING", FALSE, 2);
  GtkWindow *dialog;
  GtkTextView *editor;

  g_assert_cmpuint (linux_running->len, ==, 2);
  select_instances (linux_running);
  gtk_widget_activate_action (GTK_WIDGET (yun_test_main_window ()), "win.run-command", NULL);
  dialog = yun_test_wait_for_window (g_type_from_name ("YunCommandDialog"));
  editor = GTK_TEXT_VIEW (yun_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (editor), command, -1);
  g_signal_emit_by_name (yun_test_find_by_id (GTK_WIDGET (dialog), "run_button"), "clicked");
  return yun_test_wait_for_window (YUN_TYPE_JOB_VIEW);
}

/* A command that would run for half a minute, cancelled from its job's window once it runs:
 * the tasks are stopped (CancelInvocation), and the job ends at once with them cancelled. */
static void
test_cancel_command (void)
{
  GtkWindow *job_view = start_command ("sleep 30");
  YunJob *job = yun_job_view_get_job (YUN_JOB_VIEW (job_view));
  GtkWidget *cancel_button;
  GListModel *items;
  gint64 cancelled_at;

  yun_test_wait_until (tasks_running, job, "the command running");

  cancel_button = yun_test_find_by_id (GTK_WIDGET (job_view), "cancel_button");
  g_assert_true (gtk_widget_is_visible (cancel_button));
  cancelled_at = g_get_monotonic_time ();
  g_signal_emit_by_name (cancel_button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (cancel_button));
  yun_test_wait_until (job_finished, job, "the cancelled job");
  g_test_message ("ended %.1f s after Cancel",
                  (g_get_monotonic_time () - cancelled_at) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 20 * G_USEC_PER_SEC);
  /* Cancelled, as asked: not failures to retry. */
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_test_message ("%s: %s %s", yun_job_item_get_instance_id (item),
                      yun_job_outcome_to_string (yun_job_item_get_outcome (item)),
                      yun_job_item_get_code (item));
      if (yun_job_item_get_outcome (item) != YUN_JOB_OUTCOME_SKIPPED)
        g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_CANCELLED);
    }
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_CANCELLED), >, 0);
  g_assert_false (gtk_widget_is_visible (cancel_button));
  g_assert_false (
    gtk_widget_get_sensitive (yun_test_find_by_id (GTK_WIDGET (job_view), "retry_button")));
  yun_test_save_screenshot (GTK_WIDGET (job_view), "command-cancelled");
  gtk_window_destroy (job_view);
}

static GtkColumnViewColumn *
column_titled (YunInstanceView *view, const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (yun_instance_view_get_column_view (view));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_assert_not_reached ();
}

static gboolean
password_column_visible (gpointer data)
{
  YunInstanceView *view = yun_window_get_instance_view (yun_test_main_window ());

  return gtk_column_view_column_get_visible (column_titled (view, _ ("Password")));
}

static gboolean
password_shown (gpointer instance_id)
{
  return yun_instance_view_get_password_shown (
    yun_window_get_instance_view (yun_test_main_window ()), instance_id);
}

static gboolean
password_hidden (gpointer instance_id)
{
  return !password_shown (instance_id);
}

static void
on_clipboard_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **text = user_data;
  g_autoptr (GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  /* Before the keyring has answered, the clipboard may hold no text at all. */
  if (*text == NULL)
    {
      g_test_message ("clipboard: %s", error->message);
      *text = g_strdup ("");
    }
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* Reads @window's clipboard until it holds @expected, for at most 5 s. */
static void
wait_for_clipboard (YunWindow *window, const char *expected)
{
  g_autofree char *copied = NULL;

  for (guint attempt = 0; copied == NULL || g_strcmp0 (copied, expected) != 0; attempt++)
    {
      g_assert_cmpuint (attempt, <, 100);
      g_clear_pointer (&copied, g_free);
      gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                     on_clipboard_read, &copied);
      yun_test_wait_until (pointer_set, &copied, "the clipboard");
      if (g_strcmp0 (copied, expected) != 0)
        g_usleep (50000);
    }
  g_assert_cmpstr (copied, ==, expected);
}

static gboolean
label_shows (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget)
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The first label on screen in @widget's tree whose text is @text. */
static GtkWidget *
find_label (GtkWidget *widget, const char *text)
{
  return yun_test_find_widget (widget, label_shows, text);
}

static gboolean
newest_job_is_password_reset (gpointer unused)
{
  return yun_job_get_kind (newest_job ()) == YUN_JOB_KIND_RESET_PASSWORD;
}

static gboolean
password_on_screen (gpointer password)
{
  return find_label (GTK_WIDGET (yun_window_get_instance_view (yun_test_main_window ())), password)
         != NULL;
}

/* Every row GTK holds, on screen or not: its password cell shows (with buttons for that
 * instance) exactly when the row shows @remembered_id. Returns how many rows show it. */
static guint
check_password_cells (YunInstanceView *view, const char *remembered_id)
{
  GtkWidget *list = yun_test_find_descendant (GTK_WIDGET (yun_instance_view_get_column_view (view)),
                                              GTK_TYPE_LIST_VIEW);
  guint n_rows = 0;

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *id_cell = yun_test_find_widget (row, is_instance_id_cell, NULL);
      const char *id
        = id_cell != NULL ? gtk_inscription_get_text (GTK_INSCRIPTION (id_cell)) : NULL;
      GtkWidget *buttons[] = { yun_test_find_action_button (row, "win.reveal-password"),
                               yun_test_find_action_button (row, "win.copy-password") };

      for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
        {
          gboolean shown = buttons[i] != NULL && gtk_widget_is_visible (buttons[i]);

          g_assert_cmpint (shown, ==, g_strcmp0 (id, remembered_id) == 0);
          if (shown)
            g_assert_cmpstr (
              g_variant_get_string (
                gtk_actionable_get_action_target_value (GTK_ACTIONABLE (buttons[i])), NULL),
              ==, remembered_id);
        }
      n_rows += g_strcmp0 (id, remembered_id) == 0;
    }
  return n_rows;
}

static guint
visible_position (YunInstanceView *view, const char *instance_id)
{
  GListModel *shown = yun_instance_view_get_instances (view);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (shown, i);

      if (g_strcmp0 (yun_instance_get_instance_id (instance), instance_id) == 0)
        return i;
    }
  g_assert_not_reached ();
}

static gboolean
time_reached (gpointer deadline)
{
  return g_get_monotonic_time () >= *(gint64 *) deadline;
}

static gboolean
list_caught_up (gpointer view)
{
  return !yun_instance_selection_get_catching_up (
    YUN_INSTANCE_SELECTION (gtk_column_view_get_model (yun_instance_view_get_column_view (view))));
}

/* The rows GTK holds off screen show a reordered list a moment later, or as they scroll
 * into view: their password cells follow, each with the buttons of its own instance. */
static void
check_password_rows_follow (YunInstanceView *view, const char *instance_id)
{
  GtkWidget *window = GTK_WIDGET (yun_test_main_window ());
  GtkColumnView *column_view = yun_instance_view_get_column_view (view);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  GtkColumnViewColumn *id_column = column_titled (view, _ ("ID"));
  GtkSortType order = GTK_SORT_DESCENDING;
  gint64 after_pause;
  guint position;

  yun_test_wait_until (list_caught_up, view, "every row built");
  check_password_cells (view, instance_id);
  /* Reordered so that the instance's row is one GTK holds off screen. */
  gtk_column_view_sort_by_column (column_view, id_column, order);
  position = visible_position (view, instance_id);
  if (position < 20 || position > 150)
    {
      order = GTK_SORT_ASCENDING;
      gtk_column_view_sort_by_column (column_view, id_column, order);
      position = visible_position (view, instance_id);
    }
  g_assert_cmpuint (position, >=, 20);
  g_assert_cmpuint (position, <=, 150);
  yun_test_wait_for_draw (window);
  check_password_cells (view, instance_id);
  /* Scrolled into view before the rows off screen are brought up to date. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * position
                                          / yun_instance_view_get_n_visible (view));
  yun_test_wait_for_draw (window);
  g_assert_cmpuint (check_password_cells (view, instance_id), ==, 1);
  /* And the rows off screen, once they are brought up to date. */
  gtk_adjustment_set_value (adjustment, 0);
  gtk_column_view_sort_by_column (
    column_view, id_column, order == GTK_SORT_ASCENDING ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  /* Past the pause in changes the selection waits for (a second). */
  after_pause = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  yun_test_wait_until (time_reached, &after_pause, "a pause");
  yun_test_wait_until (list_caught_up, view, "the rows off screen brought up to date");
  yun_test_wait_for_draw (window);
  check_password_cells (view, instance_id);
  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
}

/* Reset a password and remember it: the list gets a password column where that instance's
 * password is hidden, shown on demand (and hidden again), and copied. */
static void
test_remembered_password (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  g_autoptr (GPtrArray) stopped = visible_instances ("STOPPED", FALSE, 1);
  const char *password = g_getenv ("YUN_TEST_PASSWORD");
  const char *instance_id;
  GtkWidget *dialog;
  YunJob *job;

  g_assert_nonnull (password);
  g_assert_cmpuint (stopped->len, ==, 1);
  instance_id = yun_instance_get_instance_id (g_ptr_array_index (stopped, 0));
  g_assert_false (password_column_visible (NULL));
  select_instances (stopped);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.reset-password", NULL);
  dialog = GTK_WIDGET (yun_test_wait_for_window (g_type_from_name ("YunPasswordDialog")));
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (dialog, "password_row")), password);
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (dialog, "confirm_row")), password);
  gtk_switch_set_active (GTK_SWITCH (yun_test_find_by_id (dialog, "remember_switch")), TRUE);
  g_assert_true (gtk_widget_is_sensitive (yun_test_find_by_id (dialog, "reset_button")));
  g_signal_emit_by_name (yun_test_find_by_id (dialog, "reset_button"), "clicked");

  /* The dialog hands its job over once it has closed. */
  yun_test_wait_until (newest_job_is_password_reset, NULL, "the password reset job");
  job = newest_job ();
  yun_test_wait_until (job_finished, job, "the password reset");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 1);

  yun_test_wait_until (password_column_visible, NULL, "the password column");
  /* The instance's row on screen, as a user would find it. */
  yun_instance_view_set_search_text (view, instance_id);
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, 1);
  yun_test_wait_for_draw (GTK_WIDGET (window));
  /* Hidden until asked for. */
  g_assert_null (find_label (GTK_WIDGET (view), password));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reveal-password", "s", instance_id);
  yun_test_wait_until (password_shown, (gpointer) instance_id, "the password shown");
  yun_test_wait_until (password_on_screen, (gpointer) password, "the password on screen");
  yun_test_save_screenshot (GTK_WIDGET (window), "password-shown");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reveal-password", "s", instance_id);
  yun_test_wait_until (password_hidden, (gpointer) instance_id, "the password hidden");
  g_assert_null (find_label (GTK_WIDGET (view), password));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-password", "s", instance_id);
  /* The clipboard is set when the keyring has answered. */
  wait_for_clipboard (window, password);
  yun_instance_view_set_search_text (view, NULL);
  check_password_rows_follow (view, instance_id);
}

/* ---- Creating instances ---- */

static gboolean
combo_has_selection (GtkWidget *dialog, const char *id)
{
  return adw_combo_row_get_selected_item (ADW_COMBO_ROW (yun_test_find_by_id (dialog, id))) != NULL;
}

/* Regions, zones, images and instance types read from the service, and one of each chosen. */
static gboolean
create_dialog_ready (gpointer dialog)
{
  return combo_has_selection (dialog, "region_row") && combo_has_selection (dialog, "zone_row")
         && combo_has_selection (dialog, "image_row") && combo_has_selection (dialog, "type_row")
         && gtk_widget_get_sensitive (yun_test_find_by_id (dialog, "create_button"));
}

static gboolean
price_shown (gpointer dialog)
{
  GtkWidget *label = yun_test_find_by_id (dialog, "price_label");

  /* Not "Asking for the price…" (dimmed), nor an error. */
  return gtk_widget_has_css_class (label, "heading")
         && !gtk_widget_has_css_class (label, "dim-label")
         && *gtk_label_get_label (GTK_LABEL (label)) != '\0';
}

static gboolean
newest_job_is_create (gpointer unused)
{
  return yun_job_get_kind (newest_job ()) == YUN_JOB_KIND_CREATE;
}

/* The instances of the inventory whose name starts with @prefix. */
static GPtrArray *
instances_named (const char *prefix)
{
  GListModel *instances = yun_inventory_get_instances (inventory ());
  GPtrArray *named = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (instances, i);

      if (g_str_has_prefix (yun_instance_get_name (instance) ?: "", prefix))
        g_ptr_array_add (named, g_steal_pointer (&instance));
    }
  return named;
}

static guint
count_named (const char *prefix)
{
  g_autoptr (GPtrArray) named = instances_named (prefix);

  return named->len;
}

static gboolean
three_created (gpointer prefix)
{
  return count_named (prefix) == 3;
}

static gboolean
none_named (gpointer prefix)
{
  return count_named (prefix) == 0;
}

/* Whether the jobs panel shows the create job's row whole (the only one of its kind). */
static gboolean
create_job_row_shown (gpointer unused)
{
  GtkWidget *list = yun_test_find_descendant (
    yun_test_find_descendant (GTK_WIDGET (yun_test_main_window ()), YUN_TYPE_JOBS_PANEL),
    GTK_TYPE_LIST_VIEW);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      graphene_rect_t bounds;

      if (find_label (row, yun_job_kind_get_label (YUN_JOB_KIND_CREATE)) != NULL)
        return gtk_widget_get_mapped (row) && gtk_widget_compute_bounds (row, list, &bounds)
               && bounds.size.height > 0 && bounds.origin.y >= 0
               && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (list);
    }
  return FALSE;
}

/* Create three instances: the dialog reads its lists from the service, marks sold-out types
 * and will not create one, names the instances from a pattern and prices them; the job
 * launches the three, and they appear in the list. */
static void
test_create_instances (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  const char *password = g_getenv ("YUN_TEST_PASSWORD");
  GtkWidget *dialog, *type_row, *create_button;
  GListModel *types;
  guint sellable = G_MAXUINT, sold_out = G_MAXUINT;
  g_autofree char *names = NULL;
  g_autofree char *price = NULL;
  YunJob *job;

  g_assert_nonnull (password);
  g_assert_cmpuint (count_named ("gui-created-"), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.create", NULL);
  dialog = GTK_WIDGET (yun_test_wait_for_window (g_type_from_name ("YunCreateDialog")));
  yun_test_wait_until (create_dialog_ready, dialog, "the create dialog's lists");
  create_button = yun_test_find_by_id (dialog, "create_button");

  /* Every zone of the simulator has a sold-out type: it is marked, and Create refuses it. */
  type_row = yun_test_find_by_id (dialog, "type_row");
  types = adw_combo_row_get_model (ADW_COMBO_ROW (type_row));
  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr (YunInstanceTypeQuota) quota = g_list_model_get_item (types, i);

      if (yun_instance_type_quota_get_sellable (quota))
        sellable = MIN (sellable, i);
      else
        sold_out = MIN (sold_out, i);
    }
  g_assert_cmpuint (sold_out, !=, G_MAXUINT);
  g_assert_cmpuint (sellable, !=, G_MAXUINT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (type_row), sold_out);
  g_assert_true (gtk_widget_get_visible (yun_test_find_by_id (dialog, "type_error")));
  g_assert_false (gtk_widget_get_sensitive (create_button));
  adw_combo_row_set_selected (ADW_COMBO_ROW (type_row), sellable);
  g_assert_false (gtk_widget_get_visible (yun_test_find_by_id (dialog, "type_error")));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (yun_test_find_by_id (dialog, "count_spin")), 3);
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (dialog, "name_row")),
                         "gui-created-{index}");
  names = g_strdup_printf (_ ("%s, %s, …"), "gui-created-1", "gui-created-2");
  g_assert_cmpstr (
    adw_action_row_get_subtitle (ADW_ACTION_ROW (yun_test_find_by_id (dialog, "names_row"))), ==,
    names);
  /* A password that breaks the image's rules keeps Create off; a good one turns it on. */
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (dialog, "password_row")), "short");
  g_assert_false (gtk_widget_get_sensitive (create_button));
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (dialog, "password_row")), password);
  g_assert_true (gtk_widget_get_sensitive (create_button));

  /* The price of the three, as the service quotes one. */
  yun_test_wait_until (price_shown, dialog, "the price");
  price = g_strdup (gtk_label_get_label (GTK_LABEL (yun_test_find_by_id (dialog, "price_label"))));
  g_test_message ("price: %s", price);
  g_assert_nonnull (strstr (price, "3"));
  yun_test_save_screenshot (dialog, "create-dialog");

  g_signal_emit_by_name (create_button, "clicked");
  yun_test_wait_until (newest_job_is_create, NULL, "the create job");
  job = newest_job ();
  /* The jobs panel, whose list the jobs before slid down, shows the new one. */
  yun_test_wait_until (create_job_row_shown, NULL, "the create job in the jobs panel");
  yun_test_wait_until (job_finished, job, "the instances launched");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 0);
  yun_test_wait_until (three_created, "gui-created-", "the new instances in the inventory");
  yun_instance_view_set_search_text (view, "gui-created-");
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, 3);
  yun_test_wait_for_draw (GTK_WIDGET (window));
  check_blank_rows_plain (view);
  yun_test_save_screenshot (GTK_WIDGET (window), "created");
  yun_instance_view_set_search_text (view, NULL);
}

static gboolean
confirm_enabled (AdwMessageDialog *dialog)
{
  return adw_message_dialog_get_response_enabled (dialog, "confirm");
}

/* Terminate the three instances the create test made: the confirmation asks for their number
 * typed out; a preview sends nothing; then they go. */
static void
test_terminate_instances (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) created = instances_named ("gui-created-");
  AdwMessageDialog *dialog;
  GtkEditable *count;
  YunJob *job;

  g_assert_cmpuint (created->len, ==, 3);
  yun_test_wait_until (all_running, created, "the new instances running");
  select_instances (created);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.terminate", NULL);
  dialog = ADW_MESSAGE_DIALOG (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  count = GTK_EDITABLE (yun_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_ENTRY));
  g_assert_false (confirm_enabled (dialog));
  gtk_editable_set_text (count, "2");
  g_assert_false (confirm_enabled (dialog));
  gtk_editable_set_text (count, " 3 ");
  g_assert_true (confirm_enabled (dialog));
  yun_test_save_screenshot (GTK_WIDGET (dialog), "terminate-confirmation");
  answer_dialog (GTK_WINDOW (dialog), "preview");

  /* The preview: the service checks each call (DryRun), and nothing is terminated. */
  job = newest_job ();
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_TERMINATE);
  g_assert_true (yun_job_get_dry_run (job));
  yun_test_wait_until (job_finished, job, "the preview");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_WOULD_SEND), ==, 3);
  g_assert_true (all_running (created));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.terminate", NULL);
  dialog = ADW_MESSAGE_DIALOG (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  gtk_editable_set_text (
    GTK_EDITABLE (yun_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_ENTRY)), "3");
  answer_dialog (GTK_WINDOW (dialog), "confirm");
  job = newest_job ();
  g_assert_false (yun_job_get_dry_run (job));
  yun_test_wait_until (job_finished, job, "the terminate job");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
  yun_test_wait_until (none_named, "gui-created-", "the terminated instances to leave the list");
}

static gboolean
label_visible_with_class (GtkWidget *dialog, const char *id, const char *css_class)
{
  GtkWidget *label = yun_test_find_by_id (dialog, id);

  return gtk_widget_get_visible (label) && gtk_widget_has_css_class (label, css_class);
}

/* The password dialog over running Linux and Windows instances: it warns that they will be
 * forced off, checks against the stricter (Windows) rules as the user types, and resets only
 * a password that passes and is typed twice alike. */
static void
test_reset_password_rules (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) linux_running = visible_instances ("RUNNING", FALSE, 1);
  g_autoptr (GPtrArray) windows_running = visible_instances ("RUNNING", TRUE, 1);
  g_autoptr (GPtrArray) selection = g_ptr_array_new ();
  g_autofree char *warning = NULL;
  GtkWidget *dialog, *reset, *running;
  GtkEditable *password, *confirm;

  g_assert_cmpuint (linux_running->len, ==, 1);
  g_assert_cmpuint (windows_running->len, ==, 1);
  g_ptr_array_extend (selection, linux_running, NULL, NULL);
  g_ptr_array_extend (selection, windows_running, NULL, NULL);
  select_instances (selection);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.reset-password", NULL);
  dialog = GTK_WIDGET (yun_test_wait_for_window (g_type_from_name ("YunPasswordDialog")));
  reset = yun_test_find_by_id (dialog, "reset_button");
  password = GTK_EDITABLE (yun_test_find_by_id (dialog, "password_row"));
  confirm = GTK_EDITABLE (yun_test_find_by_id (dialog, "confirm_row"));
  running = yun_test_find_by_id (dialog, "running_label");
  warning = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE,
                 "%u running instance will be forced off, get the new password, and start "
                 "again",
                 "%u running instances will be forced off, get the new password, and start "
                 "again",
                 2),
    2);
  g_assert_true (gtk_widget_is_visible (running));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (running)), ==, warning);
  g_assert_cmpstr (
    adw_preferences_group_get_description (
      ADW_PREFERENCES_GROUP (yun_test_find_by_id (dialog, "password_group"))),
    ==, _ ("Checked against the strictest rules, as the selection mixes Linux and Windows"));
  g_assert_false (gtk_widget_get_sensitive (reset));

  /* Good for Linux (8 characters, three kinds), too short for Windows (12). */
  gtk_editable_set_text (password, "Linux-ok1");
  g_assert_true (label_visible_with_class (dialog, "rule_label", "error"));
  g_assert_false (gtk_widget_get_sensitive (reset));
  gtk_editable_set_text (password, "Windows-ok-12");
  g_assert_true (label_visible_with_class (dialog, "rule_label", "success"));
  gtk_editable_set_text (confirm, "Windows-ok-13");
  g_assert_true (gtk_widget_get_visible (yun_test_find_by_id (dialog, "mismatch_label")));
  g_assert_false (gtk_widget_get_sensitive (reset));
  gtk_editable_set_text (confirm, "Windows-ok-12");
  g_assert_false (gtk_widget_get_visible (yun_test_find_by_id (dialog, "mismatch_label")));
  g_assert_true (gtk_widget_get_sensitive (reset));
  yun_test_save_screenshot (dialog, "reset-password-rules");
  gtk_window_close (GTK_WINDOW (dialog));
}

/* ---- A browser ---- */

/* The desktop's https handler, as GIO finds it: a script that writes down the address it was
 * asked to open, in the test's own data folder. */
static char *
opened_uri_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "opened-uri", NULL);
}

static void
install_test_browser (void)
{
  g_autofree char *applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *script = g_build_filename (g_get_user_data_dir (), "yun-test-browser", NULL);
  g_autofree char *opened = opened_uri_path ();
  g_autofree char *script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s' \"$1\" > '%s.part'\n"
                                                  "mv '%s.part' '%s'\n",
                                                  opened, opened, opened);
  g_autofree char *desktop = g_build_filename (applications, "yun-test-browser.desktop", NULL);
  g_autofree char *desktop_text
    = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\nExec=%s %%u\n"
                       "MimeType=x-scheme-handler/https;\nNoDisplay=true\n",
                       script);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (
    g_file_set_contents_full (script, script_text, -1, G_FILE_SET_CONTENTS_NONE, 0700, &error));
  g_assert_true (g_file_set_contents (desktop, desktop_text, -1, &error));
  g_assert_true (g_file_set_contents (
    mimeapps, "[Default Applications]\nx-scheme-handler/https=yun-test-browser.desktop\n", -1,
    &error));
  g_assert_no_error (error);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The VNC console of an instance opens in the browser: Tencent Cloud's console page, given
 * the one-time address DescribeInstanceVncUrl answered. */
static void
test_vnc_console (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) running = visible_instances ("RUNNING", FALSE, 1);
  g_autofree char *opened_path = opened_uri_path ();
  g_autofree char *opened = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (running->len, ==, 1);
  select_instances (running);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-vnc", NULL);
  yun_test_wait_until (file_exists, opened_path, "the browser to be asked to open the console");
  g_assert_true (g_file_get_contents (opened_path, &opened, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("opened: %s", opened);
  g_assert_true (g_str_has_prefix (opened, YUN_VNC_PAGE_URL "?InstanceVncUrl=wss%3A%2F%2F"));
}

/* Export two selected instances as CSV, through the file chooser, and read the file. */
static void
test_export_selection (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autoptr (GPtrArray) running = visible_instances ("RUNNING", -1, 2);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "instances.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;
  GtkWindow *chooser;

  g_assert_cmpuint (running->len, ==, 2);
  select_instances (running);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL);
  chooser = yun_test_wait_for_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==,
                   "instances.csv");
  /* As a user would: the full path typed into the name. */
  gtk_editable_set_text (
    GTK_EDITABLE (yun_test_find_descendant (GTK_WIDGET (chooser), GTK_TYPE_ENTRY)), path);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  yun_test_wait_until (file_exists, path, "the exported file");

  g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (csv, "\n", -1);
  /* A header, a line per instance, and the end of the last line. */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[3], ==, "");
  for (guint i = 0; i < running->len; i++)
    g_assert_nonnull (
      strstr (lines[i + 1], yun_instance_get_instance_id (g_ptr_array_index (running, i))));
}

/* The instance defaults of the preferences are what the create dialog starts from: the
 * region and zone, and the size (here 4 vCPU and 8 GB, which the zone sells). */
static void
test_instance_defaults (void)
{
  YunWindow *window = yun_test_main_window ();
  GtkWidget *preferences, *dialog;
  YunRegion *region;
  YunZone *zone;
  YunInstanceTypeQuota *quota;

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = GTK_WIDGET (yun_test_wait_for_window (g_type_from_name ("YunPreferencesWindow")));
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (preferences, "default_region_row")),
                         "ap-shanghai");
  gtk_editable_set_text (GTK_EDITABLE (yun_test_find_by_id (preferences, "default_zone_row")),
                         "ap-shanghai-5");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (yun_test_find_by_id (preferences, "cpu_spin")), 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (yun_test_find_by_id (preferences, "memory_spin")), 8);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "general");
  yun_test_wait_for_draw (preferences);
  yun_test_save_screenshot (preferences, "preferences-general");
  gtk_window_destroy (GTK_WINDOW (preferences));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.create", NULL);
  dialog = GTK_WIDGET (yun_test_wait_for_window (g_type_from_name ("YunCreateDialog")));
  yun_test_wait_until (create_dialog_ready, dialog, "the create dialog's lists");
  region
    = adw_combo_row_get_selected_item (ADW_COMBO_ROW (yun_test_find_by_id (dialog, "region_row")));
  zone = adw_combo_row_get_selected_item (ADW_COMBO_ROW (yun_test_find_by_id (dialog, "zone_row")));
  quota
    = adw_combo_row_get_selected_item (ADW_COMBO_ROW (yun_test_find_by_id (dialog, "type_row")));
  g_assert_cmpstr (yun_region_get_region (region), ==, "ap-shanghai");
  g_assert_cmpstr (yun_zone_get_zone (zone), ==, "ap-shanghai-5");
  g_assert_true (yun_instance_type_quota_get_sellable (quota));
  g_assert_cmpuint (yun_instance_type_quota_get_cpu (quota), ==, 4);
  g_assert_cmpuint (yun_instance_type_quota_get_memory (quota), ==, 8);
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
has_loopback_address (YunInstance *instance)
{
  const char *const *addresses = yun_instance_get_public_ips (instance);

  return addresses != NULL && g_strv_contains (addresses, "127.0.0.1");
}

/* The demo gives one instance this computer's address, for a terminal to a local SSH
 * server: it can be opened, and its SSH command logs in as the desktop's user. */
static void
test_demo_terminal_target (void)
{
  YunWindow *window = yun_test_main_window ();
  GListModel *instances = yun_inventory_get_instances (inventory ());
  g_autoptr (GPtrArray) local = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *command = g_strdup_printf ("ssh -p 22 %s@127.0.0.1", g_get_user_name ());

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (instances, i);

      if (has_loopback_address (instance))
        g_ptr_array_add (local, g_steal_pointer (&instance));
    }
  g_assert_cmpuint (local->len, ==, 1);
  g_assert_cmpstr (yun_instance_get_state (local->pdata[0]), ==, "RUNNING");
  select_instances (local);
  g_assert_true (gtk_widget_is_sensitive (
    yun_test_find_action_button (GTK_WIDGET (window), "win.open-terminal")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-ssh-command", NULL);
  wait_for_clipboard (window, command);
}

/* ---- Desktop notifications, as the notification server on the test's bus (dunst) got them ---- */

/* The bodies of the job notifications dunst has had after the one numbered @after_id, and
 * the highest number it has given. Those on screen are closed first: dunst lists its
 * history, which they then join. */
static GPtrArray *
job_notifications_since (guint32 after_id, guint32 *last_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr (GVariant) closed = NULL;
  g_autoptr (GVariant) history = NULL;
  g_autoptr (GVariantIter) entries = NULL;
  GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);
  GVariant *entry;

  g_assert_no_error (error);
  closed = g_dbus_connection_call_sync (
    bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.dunstproject.cmd0",
    "NotificationCloseAll", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  history = g_dbus_connection_call_sync (
    bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.dunstproject.cmd0",
    "NotificationListHistory", NULL, G_VARIANT_TYPE ("(aa{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
    &error);
  g_assert_no_error (error);

  *last_id = after_id;
  g_variant_get (history, "(aa{sv})", &entries);
  while ((entry = g_variant_iter_next_value (entries)) != NULL)
    {
      g_autoptr (GVariantDict) fields = g_variant_dict_new (entry);
      const char *summary = NULL, *body = NULL;
      gint64 id = 0;

      g_variant_unref (entry);
      g_assert_true (g_variant_dict_lookup (fields, "id", "i", &id)
                     || g_variant_dict_lookup (fields, "id", "x", &id));
      g_assert_true (g_variant_dict_lookup (fields, "summary", "&s", &summary));
      g_assert_true (g_variant_dict_lookup (fields, "body", "&s", &body));
      *last_id = MAX (*last_id, (guint32) id);
      if ((guint32) id > after_id
          && (g_str_equal (summary, _ ("A job ended"))
              || g_str_equal (summary, _ ("A job ended with failures"))))
        g_ptr_array_add (bodies, g_strdup (body));
    }
  return bodies;
}

typedef struct
{
  guint32 after_id;
  guint n;
} NotificationWait;

static gboolean
notifications_arrived (gpointer data)
{
  NotificationWait *wait = data;
  guint32 last_id;
  g_autoptr (GPtrArray) bodies = job_notifications_since (wait->after_id, &last_id);

  return bodies->len >= wait->n;
}

static double
job_seconds (YunJob *job)
{
  return g_date_time_difference (yun_job_get_finished_at (job), yun_job_get_created_at (job))
         / (double) G_TIME_SPAN_SECOND;
}

/* A job of 10 seconds or more that ends while none of the application's windows has the
 * focus ends with a desktop notification that says how it went; a quick job, or one the user
 * watches, with its toast alone. */
static void
test_job_notification (void)
{
  NotificationWait wait = { 0, 1 };
  g_autoptr (GPtrArray) bodies = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *expected = NULL;
  guint32 last_id;
  GtkWindow *job_view;
  YunJob *job;

  g_ptr_array_unref (job_notifications_since (0, &wait.after_id));

  /* Quick, the user elsewhere. */
  job_view = start_command ("true");
  job = yun_job_view_get_job (YUN_JOB_VIEW (job_view));
  yun_test_focus_elsewhere ();
  g_assert_false (yun_job_get_finished (job));
  yun_test_wait_until (job_finished, job, "the quick command");
  g_test_message ("the quick job took %.0f s", job_seconds (job));
  g_assert_cmpfloat (job_seconds (job), <, 10);
  gtk_window_destroy (job_view);

  /* Long, the user watching its window. */
  job_view = start_command ("sleep 11");
  job = yun_job_view_get_job (YUN_JOB_VIEW (job_view));
  yun_test_focus_window (job_view);
  yun_test_wait_until (job_finished, job, "the long command, watched");
  g_assert_cmpfloat (job_seconds (job), >=, 10);
  g_assert_true (yun_test_any_window_active ());
  gtk_window_destroy (job_view);

  /* Long, the user elsewhere. */
  job_view = start_command ("sleep 11");
  job = yun_job_view_get_job (YUN_JOB_VIEW (job_view));
  yun_test_focus_elsewhere ();
  yun_test_wait_until (job_finished, job, "the long command");
  g_test_message ("the long job took %.0f s", job_seconds (job));
  g_assert_cmpfloat (job_seconds (job), >=, 10);
  g_assert_false (yun_test_any_window_active ());
  yun_test_wait_until (notifications_arrived, &wait, "the long job's notification");

  /* One notification, the last job's, with its toast's text. */
  bodies = job_notifications_since (wait.after_id, &last_id);
  g_assert_cmpuint (bodies->len, ==, 1);
  summary = yun_job_view_dup_summary (job);
  expected
    = g_strdup_printf (_ ("%s: %s"), yun_job_kind_get_label (YUN_JOB_KIND_RUN_COMMAND), summary);
  g_assert_cmpstr (g_ptr_array_index (bodies, 0), ==, expected);
  gtk_window_destroy (job_view);
}

static int
sign (int value)
{
  return (value > 0) - (value < 0);
}

static int
compare_folded (const char *a, const char *b)
{
  g_autofree char *folded_a = g_utf8_casefold (a != NULL ? a : "", -1);
  g_autofree char *folded_b = g_utf8_casefold (b != NULL ? b : "", -1);

  return g_utf8_collate (folded_a, folded_b);
}

/* The first address as a number, or -1 for none. */
static gint64
first_ipv4 (const char *const *addresses)
{
  g_autoptr (GInetAddress) address = NULL;
  const guint8 *bytes;

  if (addresses == NULL || addresses[0] == NULL)
    return -1;
  address = g_inet_address_new_from_string (addresses[0]);
  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return -1;
  bytes = g_inet_address_to_bytes (address);
  return ((gint64) bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
}

static int
compare_numbers (gint64 a, gint64 b)
{
  return (a > b) - (a < b);
}

/* How two rows should be ordered by the column titled @title, worked out here apart from
 * the view's own sorters. */
static int
expected_order (const char *title, YunInstance *a, YunInstance *b)
{
  if (g_str_equal (title, _ ("Name")))
    return compare_folded (yun_instance_get_name (a), yun_instance_get_name (b));
  if (g_str_equal (title, _ ("OS")))
    return compare_folded (yun_instance_get_os_name (a), yun_instance_get_os_name (b));
  if (g_str_equal (title, _ ("ID")))
    return strcmp (yun_instance_get_instance_id (a), yun_instance_get_instance_id (b));
  if (g_str_equal (title, _ ("State")))
    return g_strcmp0 (yun_instance_get_state (a), yun_instance_get_state (b));
  if (g_str_equal (title, _ ("Zone")))
    return g_strcmp0 (yun_instance_get_zone (a), yun_instance_get_zone (b));
  if (g_str_equal (title, _ ("Type")))
    return g_strcmp0 (yun_instance_get_instance_type (a), yun_instance_get_instance_type (b));
  if (g_str_equal (title, _ ("Billing")))
    return g_strcmp0 (yun_instance_get_charge_type (a), yun_instance_get_charge_type (b));
  if (g_str_equal (title, _ ("CPU")))
    return compare_numbers (yun_instance_get_cpu (a), yun_instance_get_cpu (b));
  if (g_str_equal (title, _ ("Memory")))
    return compare_numbers (yun_instance_get_memory (a), yun_instance_get_memory (b));
  if (g_str_equal (title, _ ("Public IP")))
    return compare_numbers (first_ipv4 (yun_instance_get_public_ips (a)),
                            first_ipv4 (yun_instance_get_public_ips (b)));
  if (g_str_equal (title, _ ("Private IP")))
    return compare_numbers (first_ipv4 (yun_instance_get_private_ips (a)),
                            first_ipv4 (yun_instance_get_private_ips (b)));
  if (g_str_equal (title, _ ("Created")))
    return g_date_time_compare (yun_instance_get_created_time (a),
                                yun_instance_get_created_time (b));
  g_error ("no expected order for the column “%s”", title);
}

/* Every row in order, and some rows apart: the column's values are not all equal. */
static void
assert_sorted (YunInstanceView *view, const char *title, GtkSortType order)
{
  GListModel *shown = yun_instance_view_get_instances (view);
  guint n_before = 0;

  for (guint i = 1; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (YunInstance) a = g_list_model_get_item (shown, i - 1);
      g_autoptr (YunInstance) b = g_list_model_get_item (shown, i);
      int expected = sign (expected_order (title, a, b));

      if (order == GTK_SORT_DESCENDING)
        expected = -expected;
      if (expected > 0)
        g_error ("sorted by “%s”, %s comes before %s", title, yun_instance_get_instance_id (a),
                 yun_instance_get_instance_id (b));
      n_before += expected < 0;
    }
  g_assert_cmpuint (n_before, >, 0);
}

/* Each column sorts its way (names as people read them, addresses as numbers), both ways;
 * a search keeps the order. */
static void
test_sort_columns (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  GtkColumnView *column_view = yun_instance_view_get_column_view (view);
  GListModel *columns = gtk_column_view_get_columns (column_view);
  guint n_sortable = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (gtk_column_view_column_get_sorter (column) == NULL)
        continue;
      n_sortable++;
      gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);
      g_assert_cmpuint (yun_instance_view_get_n_visible (view), ==, YUN_WORKSPACE_DEMO_INSTANCES);
      assert_sorted (view, title, GTK_SORT_ASCENDING);
      gtk_column_view_sort_by_column (column_view, column, GTK_SORT_DESCENDING);
      assert_sorted (view, title, GTK_SORT_DESCENDING);
    }
  /* Every column but the check box and the password. */
  g_assert_cmpuint (n_sortable, ==, g_list_model_get_n_items (columns) - 2);

  gtk_column_view_sort_by_column (column_view, column_titled (view, _ ("Name")),
                                  GTK_SORT_ASCENDING);
  yun_instance_view_set_search_text (view, "web");
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), >, 1);
  g_assert_cmpuint (yun_instance_view_get_n_visible (view), <, YUN_WORKSPACE_DEMO_INSTANCES);
  assert_sorted (view, _ ("Name"), GTK_SORT_ASCENDING);
  yun_test_wait_for_draw (GTK_WIDGET (window));
  yun_test_save_screenshot (GTK_WIDGET (window), "sorted-by-name");
  yun_instance_view_set_search_text (view, NULL);
  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
}

int
main (int argc, char *argv[])
{
  int status;

  install_test_browser ();
  application = yun_test_start_application (&argc, &argv);

  g_test_add_func ("/yun/gui/window/demo-opens", test_demo_opens);
  g_test_add_func ("/yun/gui/window/main-menu", test_main_menu);
  g_test_add_func ("/yun/gui/window/demo-terminal-target", test_demo_terminal_target);
  g_test_add_func ("/yun/gui/window/search-and-filter", test_search_and_filter);
  g_test_add_func ("/yun/gui/window/sort-columns", test_sort_columns);
  g_test_add_func ("/yun/gui/window/stop-instances", test_stop_instances);
  g_test_add_func ("/yun/gui/window/protected-instance", test_protected_instance);
  g_test_add_func ("/yun/gui/window/run-command", test_run_command);
  g_test_add_func ("/yun/gui/window/cancel-command", test_cancel_command);
  g_test_add_func ("/yun/gui/window/job-notification", test_job_notification);
  g_test_add_func ("/yun/gui/window/vnc-console", test_vnc_console);
  g_test_add_func ("/yun/gui/window/export-selection", test_export_selection);
  g_test_add_func ("/yun/gui/window/reset-password-rules", test_reset_password_rules);
  g_test_add_func ("/yun/gui/window/remembered-password", test_remembered_password);
  g_test_add_func ("/yun/gui/window/create-instances", test_create_instances);
  g_test_add_func ("/yun/gui/window/terminate-instances", test_terminate_instances);
  g_test_add_func ("/yun/gui/window/instance-defaults", test_instance_defaults);
  status = g_test_run ();

  yun_test_stop_application ();
  return status;
}
