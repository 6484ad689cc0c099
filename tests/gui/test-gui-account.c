/* test-gui-account.c: the first run, adding an account and a read-only account, in the
 * real window under Xvfb
 *
 * SPDX-License-Identifier: MIT
 *
 * The application starts with no account and shows its welcome page. The test then adds an
 * account in the preferences as a user would, typing into its rows and pressing Save, with
 * a yunsim process as the account's endpoint: the key must land in the keyring and nowhere
 * on disk, and the window must open the account and show its whole fleet. Marked read-only,
 * the account keeps its list and refuses every action that changes an instance.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "yun-application.h"
#include "yun-gui-test.h"
#include "yun-job-view.h"
#include "yun-jobs-panel.h"
#include "yun-preferences-window.h"
#include "yun-test-sim.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

#define ACCOUNT "gui-test"
#define N_INSTANCES 40

static YunApplication *application;
static YunTestSim *sim;

static gboolean
row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The row of the preferences titled @title (as translated, with its mnemonic). */
static AdwPreferencesRow *
find_row (GtkWidget *widget, const char *title)
{
  return ADW_PREFERENCES_ROW (yun_test_find_widget (widget, row_titled, title));
}

static gboolean
button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static void
type_into (GtkWidget *window, const char *title, const char *text)
{
  AdwPreferencesRow *row = find_row (window, title);

  g_assert_true (ADW_IS_ENTRY_ROW (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static gboolean
widget_sensitive (gpointer widget)
{
  return gtk_widget_is_sensitive (widget);
}

/* Presses the button labelled @label once it can be pressed (an account's buttons wait
 * while the keyring is asked whether it holds a key). */
static void
press (GtkWidget *window, const char *label)
{
  GtkWidget *button = yun_test_find_widget (window, button_labelled, label);

  g_assert_nonnull (button);
  yun_test_wait_until (widget_sensitive, button, label);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
account_shown (gpointer data)
{
  gboolean read_only = GPOINTER_TO_INT (data);
  YunWorkspace *workspace = yun_window_get_workspace (yun_test_main_window ());
  YunInventory *inventory;

  /* Connected: the cached fleet shows before the keyring has given the key. */
  if (workspace == NULL || g_strcmp0 (yun_workspace_get_account (workspace), ACCOUNT) != 0
      || yun_workspace_get_read_only (workspace) != read_only
      || !yun_workspace_get_connected (workspace))
    return FALSE;
  inventory = yun_workspace_get_inventory (workspace);
  return yun_inventory_get_loaded (inventory) && !yun_inventory_get_syncing (inventory)
         && g_list_model_get_n_items (yun_inventory_get_instances (inventory)) == N_INSTANCES;
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

/* Whether @menu (or one of its sections) has an item that switches to @account. */
static gboolean
menu_offers_account (GMenuModel *menu, const char *account)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr (GVariant) target = NULL;
      g_autofree char *action = NULL;

      if (section != NULL && menu_offers_account (section, account))
        return TRUE;
      if (!g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        continue;
      target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                      G_VARIANT_TYPE_STRING);
      if (g_strcmp0 (action, "app.switch-account") == 0 && target != NULL
          && g_str_equal (g_variant_get_string (target, NULL), account))
        return TRUE;
    }
  return FALSE;
}

/* ---- Tests ---- */

static void
test_welcome (void)
{
  YunWindow *window = yun_test_main_window ();
  GtkStack *stack = GTK_STACK (yun_test_find_by_id (GTK_WIDGET (window), "main_stack"));

  g_assert_nonnull (stack);
  g_assert_null (yun_window_get_workspace (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  g_assert_nonnull (yun_test_find_action_button (GTK_WIDGET (window), "app.demo"));
  g_assert_false (
    gtk_widget_is_sensitive (yun_test_find_action_button (GTK_WIDGET (window), "win.refresh")));
  yun_test_save_screenshot (GTK_WIDGET (window), "welcome");
}

static void
test_add_account (void)
{
  GtkWidget *preferences;
  g_autofree char *profiles_path = yun_profile_dup_default_path ();
  g_autofree char *profiles = NULL;
  GtkMenuButton *account_button;
  AdwPreferencesRow *port_row;
  GStatBuf status;

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = GTK_WIDGET (yun_test_wait_for_window (YUN_TYPE_PREFERENCES_WINDOW));

  type_into (preferences, _ ("Account _name"), ACCOUNT);
  press (preferences, _ ("_Add"));
  type_into (preferences, _ ("Secret_Id"), yun_test_sim_get_secret_id (sim));
  type_into (preferences, _ ("New Secret_Key (empty keeps the saved one)"),
             yun_test_sim_get_secret_key (sim));
  type_into (preferences, _ ("_Endpoint (empty for tencentcloudapi.com)"),
             yun_test_sim_get_url (sim));
  type_into (preferences, _ ("SSH user on _Linux"), "ops");
  port_row = find_row (preferences, _ ("SSH p_ort"));
  g_assert_true (ADW_IS_ACTION_ROW (port_row));
  gtk_spin_button_set_value (
    GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (port_row))), 2222);
  yun_test_save_screenshot (preferences, "add-account");
  press (preferences, _ ("_Save"));

  /* The first account opens at once. */
  yun_test_wait_until (account_shown, GINT_TO_POINTER (FALSE), "the new account's fleet");
  g_assert_cmpuint (
    yun_instance_view_get_n_visible (yun_window_get_instance_view (yun_test_main_window ())), ==,
    N_INSTANCES);

  /* Its settings on disk, readable by the user only, and its key nowhere on disk. */
  g_assert_cmpint (g_stat (profiles_path, &status), ==, 0);
  g_assert_cmpint (status.st_mode & 0777, ==, 0600);
  profiles = read_file (profiles_path);
  g_assert_nonnull (strstr (profiles, "[profile " ACCOUNT "]"));
  g_assert_nonnull (strstr (profiles, yun_test_sim_get_secret_id (sim)));
  g_assert_null (strstr (profiles, yun_test_sim_get_secret_key (sim)));
  /* The SSH login, for terminals and SSH jobs; the Windows user left at its default is not
   * written. */
  g_assert_nonnull (strstr (profiles, "ssh-port=2222"));
  g_assert_nonnull (strstr (profiles, "ssh-user=ops"));
  g_assert_null (strstr (profiles, "ssh-windows-user"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  yun_test_save_screenshot (GTK_WIDGET (yun_test_main_window ()), "account");

  /* The sidebar's switcher names the account and offers it. */
  account_button = GTK_MENU_BUTTON (
    yun_test_find_by_id (GTK_WIDGET (yun_test_main_window ()), "account_button"));
  g_assert_nonnull (account_button);
  g_assert_cmpstr (gtk_menu_button_get_label (account_button), ==, ACCOUNT);
  g_assert_true (menu_offers_account (gtk_menu_button_get_menu_model (account_button), ACCOUNT));
}

static gboolean
label_ends_with (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget)
         && g_str_has_suffix (gtk_label_get_label (GTK_LABEL (widget)), text);
}

static gboolean
label_shown (gpointer data)
{
  gpointer *window_and_text = data;

  return yun_test_find_widget (window_and_text[0], label_ends_with, window_and_text[1]) != NULL;
}

/* Waits until @window shows a label that ends with @text, and returns it. */
static GtkWidget *
wait_for_label (GtkWidget *window, const char *text)
{
  gpointer window_and_text[] = { window, (gpointer) text };

  yun_test_wait_until (label_shown, window_and_text, text);
  return yun_test_find_widget (window, label_ends_with, text);
}

/* Test Connection checks the keys online, and says when this computer's clock is off from
 * the service's: 7 minutes here, more than the 5 Tencent Cloud accepts. */
static void
test_connection (void)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  guint n_regions = json_object_array_length (json_object_object_get (state, "regions"));
  g_autofree char *connected
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %u region is available",
                                    "Connected: %u regions are available", n_regions),
                       n_regions);
  g_autofree char *behind = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE,
                 "This computer’s clock is %lu minute behind: set it right, as Tencent "
                 "Cloud refuses requests more than 5 minutes off.",
                 "This computer’s clock is %lu minutes behind: set it right, as Tencent "
                 "Cloud refuses requests more than 5 minutes off.",
                 7),
    7ul);
  GtkWidget *preferences, *message;

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = GTK_WIDGET (yun_test_wait_for_window (YUN_TYPE_PREFERENCES_WINDOW));
  press (preferences, _ ("_Test Connection"));
  message = wait_for_label (preferences, connected);
  g_assert_true (gtk_widget_has_css_class (message, "success"));

  g_clear_pointer (&state, json_object_put);
  state = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":420}");
  g_assert_nonnull (state);
  press (preferences, _ ("_Test Connection"));
  message = wait_for_label (preferences, behind);
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  yun_test_save_screenshot (preferences, "clock-skew");

  g_clear_pointer (&state, json_object_put);
  state = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":0}");
  g_assert_nonnull (state);
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static YunJob *
newest_job (void)
{
  GListModel *jobs = yun_job_engine_get_jobs (
    yun_workspace_get_job_engine (yun_window_get_workspace (yun_test_main_window ())));
  g_autoptr (YunJob) job = g_list_model_get_item (jobs, 0);

  /* The engine keeps its jobs. */
  return job;
}

static gboolean
job_finished (gpointer job)
{
  return yun_job_get_finished (job);
}

static gboolean
newest_job_is_other (gpointer job)
{
  return newest_job () != job;
}

/* A stop whose operations fail on the instances: the job's window says why for each, with
 * Tencent Cloud's code and a sentence, and Retry runs the failed ones again, in a new job
 * that the window follows. */
static void
test_retry_failed (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  GListModel *shown = yun_instance_view_get_instances (view);
  g_autoptr (GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (json_object) faults = NULL;
  GtkWindow *confirmation;
  GtkWidget *job_view;
  YunJob *job, *retried;
  GListModel *items;

  for (guint i = 0; i < g_list_model_get_n_items (shown) && running->len < 2; i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (shown, i);

      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0)
        g_ptr_array_add (running, g_steal_pointer (&instance));
    }
  g_assert_cmpuint (running->len, ==, 2);
  yun_instance_view_unselect_all (view);
  for (guint i = 0; i < running->len; i++)
    g_assert_true (yun_instance_view_select_id (
      view, yun_instance_get_instance_id (g_ptr_array_index (running, i))));

  faults = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[\"op-fail:1:StopInstances\"]}");
  g_assert_nonnull (faults);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  confirmation = yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  /* As its button does: the response, and the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirmation), "confirm");
  gtk_window_close (confirmation);
  job = newest_job ();
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_STOP);
  yun_test_wait_until (job_finished, job, "the stop to fail");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 2);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_assert_cmpstr (yun_job_item_get_code (item), ==, "OperationFailed");
    }

  yun_jobs_panel_show_job (
    YUN_JOBS_PANEL (yun_test_find_descendant (GTK_WIDGET (window), YUN_TYPE_JOBS_PANEL)), job);
  job_view = GTK_WIDGET (yun_test_wait_for_window (YUN_TYPE_JOB_VIEW));
  /* Each instance's row gives the code's sentence. */
  g_assert_nonnull (
    yun_test_find_widget (job_view, label_ends_with, _ ("The operation failed on the instance.")));
  yun_test_save_screenshot (job_view, "job-failed");

  g_clear_pointer (&faults, json_object_put);
  faults = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[]}");
  g_assert_nonnull (faults);
  g_signal_emit_by_name (yun_test_find_by_id (job_view, "retry_button"), "clicked");
  yun_test_wait_until (newest_job_is_other, job, "the retry");
  retried = newest_job ();
  g_assert_cmpint (yun_job_get_kind (retried), ==, YUN_JOB_KIND_STOP);
  g_assert_cmpuint (yun_job_get_n_items (retried), ==, 2);
  yun_test_wait_until (job_finished, retried, "the retried stop");
  g_assert_cmpuint (yun_job_get_n_outcome (retried, YUN_JOB_OUTCOME_SUCCEEDED), ==, 2);
  g_assert_true (yun_job_view_get_job (YUN_JOB_VIEW (job_view)) == retried);
  gtk_window_destroy (GTK_WINDOW (job_view));
}

/* A call that fails: an error dialog says what could not be done, with Tencent Cloud's
 * message, code and RequestId for support. */
static void
test_error_dialog (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  GListModel *shown = yun_instance_view_get_instances (view);
  g_autoptr (json_object) faults = NULL;
  AdwMessageDialog *dialog;
  const char *body;

  yun_instance_view_unselect_all (view);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (shown, i);

      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0)
        {
          g_assert_true (
            yun_instance_view_select_id (view, yun_instance_get_instance_id (instance)));
          break;
        }
    }
  g_assert_cmpuint (yun_instance_view_get_n_selected (view), ==, 1);

  faults = yun_test_sim_admin_post (sim, "faults",
                                    "{\"faults\":[\"internal:1:DescribeInstanceVncUrl\"]}");
  g_assert_nonnull (faults);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-vnc", NULL);
  dialog = ADW_MESSAGE_DIALOG (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   _ ("The VNC console could not be opened"));
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  /* A sentence in the user's language, then the service's message with its code. */
  g_assert_true (
    g_str_has_prefix (body, _ ("Tencent Cloud had an internal error; the call may be retried.")));
  g_assert_nonnull (strstr (body, "InternalError"));
  g_assert_nonnull (strstr (body, "RequestId"));
  yun_test_save_screenshot (GTK_WIDGET (dialog), "error-dialog");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_clear_pointer (&faults, json_object_put);
  faults = yun_test_sim_admin_post (sim, "faults", "{\"faults\":[]}");
  g_assert_nonnull (faults);
}

static void
test_read_only_account (void)
{
  static const char *const changing_actions[]
    = { "win.start",          "win.stop",        "win.reboot", "win.terminate",
        "win.reset-password", "win.run-command", "win.create" };
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  GtkWidget *preferences;
  AdwPreferencesRow *row;
  GtkSwitch *read_only;

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = GTK_WIDGET (yun_test_wait_for_window (YUN_TYPE_PREFERENCES_WINDOW));
  row = find_row (preferences, _ ("Rea_d-only"));
  g_assert_true (ADW_IS_ACTION_ROW (row));
  read_only = GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
  g_assert_false (gtk_switch_get_active (read_only));
  gtk_switch_set_active (read_only, TRUE);
  press (preferences, _ ("_Save"));
  yun_test_wait_until (account_shown, GINT_TO_POINTER (TRUE), "the account, read-only");
  gtk_window_destroy (GTK_WINDOW (preferences));

  yun_instance_view_select_all (view);
  g_assert_cmpuint (yun_instance_view_get_n_selected (view), ==, N_INSTANCES);
  for (guint i = 0; i < G_N_ELEMENTS (changing_actions); i++)
    {
      GtkWidget *button = yun_test_find_action_button (GTK_WIDGET (window), changing_actions[i]);

      g_test_message ("%s", changing_actions[i]);
      g_assert_nonnull (button);
      g_assert_false (gtk_widget_is_sensitive (button));
    }
  /* Reading stays possible. */
  g_assert_true (
    gtk_widget_is_sensitive (yun_test_find_action_button (GTK_WIDGET (window), "win.refresh")));
  yun_test_save_screenshot (GTK_WIDGET (window), "read-only");
}

static gboolean
other_workspace_loaded (gpointer before)
{
  YunWorkspace *shown = yun_window_get_workspace (yun_test_main_window ());

  return shown != NULL && shown != before
         && yun_inventory_get_loaded (yun_workspace_get_inventory (shown));
}

/* The account's key is gone from the keyring (a new keyring, a user's clean-up): opened
 * again, the account shows its cached fleet all the same, says why it cannot go further,
 * and offers nothing that would call Tencent Cloud. */
static void
test_key_missing (void)
{
  g_autoptr (YunSecretStore) keyring = yun_secret_store_new ();
  g_autoptr (GError) error = NULL;
  YunWindow *window = yun_test_main_window ();
  YunWorkspace *before = yun_window_get_workspace (window);
  YunWorkspace *shown;
  GtkWindow *dialog;

  g_assert_true (yun_secret_store_clear (keyring, YUN_SECRET_SECRET_KEY, ACCOUNT,
                                         yun_test_sim_get_secret_id (sim), NULL, &error));
  g_assert_no_error (error);

  g_action_group_activate_action (G_ACTION_GROUP (application), "switch-account",
                                  g_variant_new_string (ACCOUNT));
  yun_test_wait_until (other_workspace_loaded, before, "the account opened again");
  shown = yun_window_get_workspace (window);
  g_assert_cmpuint (
    g_list_model_get_n_items (yun_inventory_get_instances (yun_workspace_get_inventory (shown))),
    ==, N_INSTANCES);
  g_assert_cmpuint (yun_instance_view_get_n_visible (yun_window_get_instance_view (window)), ==,
                    N_INSTANCES);

  /* Why, in a dialog over the preferences, where a key can be entered. */
  dialog = yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (yun_workspace_get_connected (shown));
  g_assert_false (
    gtk_widget_is_sensitive (yun_test_find_action_button (GTK_WIDGET (window), "win.refresh")));
  g_assert_false (
    gtk_widget_is_sensitive (yun_test_find_action_button (GTK_WIDGET (window), "win.stop")));
  g_assert_false (yun_inventory_get_syncing (yun_workspace_get_inventory (shown)));
  yun_test_save_screenshot (GTK_WIDGET (dialog), "key-missing");
  gtk_window_destroy (dialog);
  gtk_window_destroy (yun_test_wait_for_window (YUN_TYPE_PREFERENCES_WINDOW));
}

int
main (int argc, char *argv[])
{
  int status;

  application = yun_test_start_application (&argc, &argv);
  sim = yun_test_sim_spawn ("--seed", "11", "--regions", "3", "--instances",
                            G_STRINGIFY (N_INSTANCES), "--transition-ms", "300", NULL);

  g_test_add_func ("/yun/gui/account/welcome", test_welcome);
  g_test_add_func ("/yun/gui/account/add", test_add_account);
  g_test_add_func ("/yun/gui/account/test-connection", test_connection);
  g_test_add_func ("/yun/gui/account/retry-failed", test_retry_failed);
  g_test_add_func ("/yun/gui/account/error-dialog", test_error_dialog);
  g_test_add_func ("/yun/gui/account/read-only", test_read_only_account);
  g_test_add_func ("/yun/gui/account/key-missing", test_key_missing);
  status = g_test_run ();

  yun_test_stop_application ();
  yun_test_sim_free (sim);
  return status;
}
