/* test-gui-terminal.c: an SSH terminal in a tab of the real window, to a real OpenSSH
 * server, under Xvfb
 *
 * SPDX-License-Identifier: MIT
 *
 * Runs under tests/run-with-sshd.sh, as root: the server listens on a loopback port with
 * keys made for the run, and a throwaway user logs in with this build's canary password.
 * An account's yunsim gives one running instance the address 127.0.0.1, and the account's
 * profile says the server's port and that user. The test opens a terminal on that
 * instance as a user would: the unknown host key is trusted on its page, the password is
 * typed into its entry (and remembered), the remote prompt appears in the terminal, a
 * command typed there answers, and the remote terminal takes the widget's size as it
 * changes. Copy and paste go through the clipboard; the shell exits with its status; the
 * terminal reconnects with the remembered password; "Run over SSH…" runs a job with the same
 * login, and "Upload File over SSH…" puts a file there; a changed host key is refused; the closed
 * tab frees its terminal. "Copy SSH Command" is checked on the clipboard.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "yun-gui-test.h"
#include "yun-terminal-view.h"
#include "yun-test-sim.h"

#define ACCOUNT "terminal-test"

static YunApplication *application;
static YunTestSim *sim;
static guint sshd_port;
static const char *ssh_user;

/* ---- Helpers ---- */

static YunWorkspace *
workspace (void)
{
  return yun_window_get_workspace (yun_test_main_window ());
}

/* Connected and loaded, the window has started a sync; it has ended. */
static gboolean
account_synced (gpointer data)
{
  YunWorkspace *shown = workspace ();
  GListModel *regions;

  /* Not syncing is not synced: the first sync starts after the cached list is drawn. */
  if (shown == NULL || g_strcmp0 (yun_workspace_get_account (shown), ACCOUNT) != 0
      || !yun_workspace_get_connected (shown)
      || !yun_inventory_get_loaded (yun_workspace_get_inventory (shown))
      || yun_inventory_get_syncing (yun_workspace_get_inventory (shown)))
    return FALSE;
  regions = yun_inventory_get_regions (yun_workspace_get_inventory (shown));
  for (guint i = 0; i < g_list_model_get_n_items (regions); i++)
    {
      g_autoptr (YunInventoryRegion) region = g_list_model_get_item (regions, i);

      if (yun_inventory_region_get_synced_at (region) == NULL)
        return FALSE;
    }
  return g_list_model_get_n_items (regions) > 0;
}

/* The instance yunsim gave the loopback address. */
static YunInstance *
loopback_instance (void)
{
  GListModel *instances = yun_inventory_get_instances (yun_workspace_get_inventory (workspace ()));

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (instances, i);

      if (g_strcmp0 (yun_ssh_instance_get_address (instance), "127.0.0.1") == 0)
        return instance; /* the inventory keeps its reference */
    }
  return NULL;
}

static YunTerminalView *
terminal_view (void)
{
  GtkWidget *view
    = yun_test_find_descendant (GTK_WIDGET (yun_test_main_window ()), YUN_TYPE_TERMINAL_VIEW);

  g_assert_nonnull (view);
  return YUN_TERMINAL_VIEW (view);
}

static gboolean
in_state (gpointer data)
{
  return (int) yun_terminal_view_get_state (terminal_view ()) == GPOINTER_TO_INT (data);
}

static void
wait_for_state (YunTerminalState state)
{
  g_autoptr (GEnumClass) states = g_type_class_ref (YUN_TYPE_TERMINAL_STATE);
  YunTerminalState now = yun_terminal_view_get_state (terminal_view ());

  /* A failure says why, instead of only timing out. */
  if (now == YUN_TERMINAL_STATE_FAILED && state != YUN_TERMINAL_STATE_FAILED)
    g_error ("The terminal failed: %s", yun_terminal_view_get_message (terminal_view ()));
  yun_test_wait_until (in_state, GINT_TO_POINTER (state),
                       g_enum_get_value (states, state)->value_nick);
}

static char *
dup_terminal_text (void)
{
  return vte_terminal_get_text (yun_terminal_view_get_terminal (terminal_view ()), NULL, NULL,
                                NULL);
}

/* The terminal shows @data on a line other than the one typed. */
static gboolean
terminal_shows (gpointer data)
{
  g_autofree char *text = dup_terminal_text ();
  g_auto (GStrv) lines = NULL;

  if (yun_terminal_view_get_state (terminal_view ()) == YUN_TERMINAL_STATE_FAILED)
    g_error ("The terminal failed: %s", yun_terminal_view_get_message (terminal_view ()));
  if (text == NULL)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], data) != NULL && strstr (lines[i], "echo") == NULL)
      return TRUE;
  return FALSE;
}

/* How many prompts the terminal shows: lines that end with "$" or "#" (and blanks). */
static guint
count_prompts (void)
{
  g_autofree char *text = dup_terminal_text ();
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  if (yun_terminal_view_get_state (terminal_view ()) == YUN_TERMINAL_STATE_FAILED)
    g_error ("The terminal failed: %s", yun_terminal_view_get_message (terminal_view ()));
  if (text == NULL)
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (g_str_has_suffix (lines[i], "$") || g_str_has_suffix (lines[i], "#"))
        n++;
    }
  return n;
}

/* A new prompt, after the @data (GUINT_TO_POINTER) there were. */
static gboolean
prompt_shown (gpointer data)
{
  return count_prompts () > GPOINTER_TO_UINT (data);
}

static gboolean
grid_changed (gpointer data)
{
  return vte_terminal_get_row_count (yun_terminal_view_get_terminal (terminal_view ()))
         != GPOINTER_TO_INT (data);
}

static void
type_into_terminal (const char *text)
{
  vte_terminal_feed_child (yun_terminal_view_get_terminal (terminal_view ()), text, -1);
}

static gboolean
button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget)
         && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* Presses the button labelled @label that is on screen. */
static void
press (GtkWidget *root, const char *label)
{
  GtkWidget *button = yun_test_find_widget (root, button_labelled, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static char *
dup_known_hosts (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

typedef struct
{
  char *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr (GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* ---- Tests ---- */

static void
test_open_terminal (void)
{
  YunWindow *window = yun_test_main_window ();
  YunInstanceView *view = yun_window_get_instance_view (window);
  YunInstance *instance;
  AdwTabView *tabs;
  AdwStatusPage *host_key_page;
  GtkWidget *password_row;
  g_autofree char *fingerprint
    = yun_test_dup_key_fingerprint (yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  g_autofree char *known_hosts = NULL;
  g_autofree char *known_name = g_strdup_printf ("[127.0.0.1]:%u ", sshd_port);
  YunTerminalView *terminal;
  VteTerminal *vte;
  g_autofree char *size = NULL;
  glong rows;

  yun_test_wait_until (account_synced, NULL, "the account's fleet");
  instance = loopback_instance ();
  g_assert_nonnull (instance);
  g_assert_cmpstr (yun_instance_get_state (instance), ==, "RUNNING");

  /* Nothing selected: no terminal. */
  yun_instance_view_unselect_all (view);
  g_assert_false (gtk_widget_is_sensitive (
    yun_test_find_action_button (GTK_WIDGET (window), "win.open-terminal")));
  g_assert_true (yun_instance_view_select_id (view, yun_instance_get_instance_id (instance)));
  g_assert_true (gtk_widget_is_sensitive (
    yun_test_find_action_button (GTK_WIDGET (window), "win.open-terminal")));

  tabs = ADW_TAB_VIEW (yun_test_find_by_id (GTK_WIDGET (window), "tab_view"));
  g_assert_nonnull (tabs);
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-terminal", NULL));
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 2);
  /* The list stays first, and cannot be closed; the terminal's tab is named after the
   * instance and shown. */
  g_assert_true (adw_tab_page_get_pinned (adw_tab_view_get_nth_page (tabs, 0)));
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_nth_page (tabs, 0)), ==,
                   _ ("Instances"));
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_selected_page (tabs)), ==,
                   yun_instance_get_name (instance));
  terminal = terminal_view ();
  g_assert_true (adw_tab_view_get_selected_page (tabs)
                 == adw_tab_view_get_page (tabs, GTK_WIDGET (terminal)));

  /* A server never seen: its fingerprint is shown, and nothing is recorded until trusted. */
  wait_for_state (YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN);
  host_key_page = ADW_STATUS_PAGE (yun_test_find_by_id (GTK_WIDGET (terminal), "host_key_page"));
  g_assert_nonnull (strstr (adw_status_page_get_description (host_key_page), fingerprint));
  known_hosts = dup_known_hosts ();
  g_assert_true (known_hosts == NULL || strstr (known_hosts, known_name) == NULL);
  g_clear_pointer (&known_hosts, g_free);
  yun_test_save_screenshot (GTK_WIDGET (window), "terminal-host-key");
  press (GTK_WIDGET (terminal), _ ("_Trust and Connect"));

  /* No key logs in (none in ~/.ssh, no agent): the password is asked for. */
  wait_for_state (YUN_TERMINAL_STATE_PASSWORD);
  known_hosts = dup_known_hosts ();
  g_assert_nonnull (known_hosts);
  g_assert_nonnull (strstr (known_hosts, known_name));
  password_row = yun_test_find_descendant (GTK_WIDGET (terminal), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (password_row);

  /* A wrong one first: asked again. */
  gtk_editable_set_text (GTK_EDITABLE (password_row), "not-the-password");
  press (GTK_WIDGET (terminal), _ ("_Log In"));
  yun_test_wait_until (in_state, GINT_TO_POINTER (YUN_TERMINAL_STATE_CONNECTING), "logging in");
  wait_for_state (YUN_TERMINAL_STATE_PASSWORD);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");

  gtk_check_button_set_active (
    GTK_CHECK_BUTTON (yun_test_find_by_id (GTK_WIDGET (terminal), "remember_check")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (password_row), yun_test_sshd_env ("YUN_TEST_PASSWORD"));
  yun_test_save_screenshot (GTK_WIDGET (window), "terminal-password");
  press (GTK_WIDGET (terminal), _ ("_Log In"));
  wait_for_state (YUN_TERMINAL_STATE_CONNECTED);
  /* The typed password does not stay in the entry. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");

  yun_test_wait_until (prompt_shown, GUINT_TO_POINTER (0), "the remote prompt");
  type_into_terminal ("echo yundesk-$((6*7))\r");
  yun_test_wait_until (terminal_shows, "yundesk-42", "the command's answer");
  /* UTF-8 both ways. */
  type_into_terminal ("echo 云桌面-$((1+1))\r");
  yun_test_wait_until (terminal_shows, "云桌面-2", "UTF-8 text");

  /* The remote terminal has the widget's size: the shell opened before the widget had one,
   * so it was forwarded. */
  vte = yun_terminal_view_get_terminal (terminal);
  size = g_strdup_printf ("%ld %ld", vte_terminal_get_row_count (vte),
                          vte_terminal_get_column_count (vte));
  g_assert_cmpstr (size, !=, "24 80");
  type_into_terminal ("stty size\r");
  yun_test_wait_until (terminal_shows, size, "the remote terminal's size");

  /* And follows it: fewer rows (the width stays, so the sidebar does). */
  rows = vte_terminal_get_row_count (vte);
  gtk_window_set_default_size (GTK_WINDOW (window), gtk_widget_get_width (GTK_WIDGET (window)),
                               gtk_widget_get_height (GTK_WIDGET (window)) - 160);
  yun_test_wait_until (grid_changed, GINT_TO_POINTER ((int) rows), "a shorter terminal");
  g_free (size);
  size = g_strdup_printf ("%ld %ld", vte_terminal_get_row_count (vte),
                          vte_terminal_get_column_count (vte));
  type_into_terminal ("stty size\r");
  yun_test_wait_until (terminal_shows, size, "the remote terminal's new size");
  yun_test_save_screenshot (GTK_WIDGET (window), "terminal");
}

static void
test_copy_ssh_command (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autofree char *expected = g_strdup_printf ("ssh -p %u %s@127.0.0.1", sshd_port, ssh_user);
  ClipboardRead read = { NULL, FALSE };

  /* The instance is still the one selected. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-ssh-command", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 on_clipboard_read, &read);
  yun_test_wait_until (clipboard_read, &read, "the clipboard");
  g_assert_cmpstr (read.text, ==, expected);
  g_free (read.text);
}

/* Ctrl+Shift+C and Ctrl+Shift+V's actions: the selection goes to the clipboard, and the
 * clipboard to the shell. */
static void
test_copy_paste (void)
{
  YunTerminalView *terminal = terminal_view ();
  VteTerminal *vte = yun_terminal_view_get_terminal (terminal);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (vte));
  ClipboardRead read = { NULL, FALSE };

  vte_terminal_select_all (vte);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (terminal), "terminal.copy", NULL));
  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_read, &read);
  yun_test_wait_until (clipboard_read, &read, "the clipboard");
  g_assert_nonnull (read.text);
  g_assert_nonnull (strstr (read.text, "yundesk-42"));
  g_free (read.text);
  vte_terminal_unselect_all (vte);

  gdk_clipboard_set_text (clipboard, "echo yundesk-paste-$((2+3))\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (terminal), "terminal.paste", NULL));
  yun_test_wait_until (terminal_shows, "yundesk-paste-5", "the pasted command's answer");
}

static void
test_exit_and_reconnect (void)
{
  YunTerminalView *terminal = terminal_view ();
  guint n_prompts;
  int status = -1;

  type_into_terminal ("exit 3\r");
  wait_for_state (YUN_TERMINAL_STATE_CLOSED);
  g_assert_true (yun_terminal_view_get_exit_status (terminal, &status));
  g_assert_cmpint (status, ==, 3);
  /* What the shell printed last is all there. */
  yun_test_wait_until (terminal_shows, "exit 3", "the last line the shell echoed");
  g_assert_true (
    gtk_widget_get_child_visible (yun_test_find_by_id (GTK_WIDGET (terminal), "closed_revealer")));
  yun_test_save_screenshot (GTK_WIDGET (yun_test_main_window ()), "terminal-closed");

  /* The key is known now, and the password remembered: straight to the shell. */
  n_prompts = count_prompts ();
  press (GTK_WIDGET (terminal), _ ("_Reconnect"));
  wait_for_state (YUN_TERMINAL_STATE_CONNECTED);
  yun_test_wait_until (prompt_shown, GUINT_TO_POINTER (n_prompts), "the remote prompt, again");
  type_into_terminal ("echo yundesk-$((7*7))\r");
  yun_test_wait_until (terminal_shows, "yundesk-49", "the second command's answer");
}

static gboolean
job_finished (gpointer data)
{
  return yun_job_get_finished (YUN_JOB (data));
}

static gboolean
is_text_view (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_TEXT_VIEW (widget);
}

/* "Run over SSH…" on the selected instances: a job whose item has the command's output and
 * exit code, logged in with the password the terminal remembered. */
static void
test_run_over_ssh (void)
{
  YunWindow *window = yun_test_main_window ();
  GtkWidget *dialog;
  GtkWidget *editor;
  GListModel *jobs;
  g_autoptr (YunJob) job = NULL;
  g_autoptr (YunJobItem) item = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-over-ssh", NULL));
  dialog = GTK_WIDGET (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  editor = yun_test_find_widget (dialog, is_text_view, NULL);
  g_assert_nonnull (editor);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)),
                            "echo ssh-batch-$((5*5)); exit 4", -1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  yun_test_save_screenshot (dialog, "run-over-ssh");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "run");
  gtk_window_destroy (GTK_WINDOW (dialog));

  jobs = yun_job_engine_get_jobs (yun_workspace_get_job_engine (workspace ()));
  g_assert_cmpuint (g_list_model_get_n_items (jobs), >, 0);
  job = g_list_model_get_item (jobs, 0);
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_SSH_EXEC);
  yun_test_wait_until (job_finished, job, "the SSH job");
  g_assert_cmpuint (yun_job_get_n_items (job), ==, 1);
  item = g_list_model_get_item (yun_job_get_items (job), 0);
  g_test_message ("%s: %s", yun_job_item_get_code (item), yun_job_item_get_message (item));
  g_assert_cmpint (yun_job_item_get_exit_code (item), ==, 4);
  g_assert_nonnull (strstr (yun_job_item_get_output (item), "ssh-batch-25"));
}

static gboolean
row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* "Upload File over SSH…": the file lands where asked (the server is this machine). */
static void
test_upload_file (void)
{
  YunWindow *window = yun_test_main_window ();
  g_autofree char *local = g_build_filename (g_get_tmp_dir (), "yundesk-upload.txt", NULL);
  g_autofree char *remote = g_strdup_printf ("/tmp/yundesk-upload-%d.txt", (int) getpid ());
  g_autofree char *uploaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunJob) job = NULL;
  GtkWidget *dialog;
  GtkWidget *row;

  g_assert_true (g_file_set_contents (local, "uploaded by YunDesk\n", -1, &error));
  g_assert_no_error (error);
  g_unlink (remote);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.upload-file", NULL));
  dialog = GTK_WIDGET (yun_test_wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  row = yun_test_find_widget (dialog, row_titled, _ ("Local file"));
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), local);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  row = yun_test_find_widget (dialog, row_titled, _ ("Remote path (a file there is replaced)"));
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), remote);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  yun_test_save_screenshot (dialog, "upload-file");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "run");
  gtk_window_destroy (GTK_WINDOW (dialog));

  job = g_list_model_get_item (
    yun_job_engine_get_jobs (yun_workspace_get_job_engine (workspace ())), 0);
  g_assert_cmpint (yun_job_get_kind (job), ==, YUN_JOB_KIND_SFTP_UPLOAD);
  yun_test_wait_until (job_finished, job, "the upload job");
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 1);
  g_assert_true (g_file_get_contents (remote, &uploaded, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uploaded, ==, "uploaded by YunDesk\n");
  g_unlink (remote);
  g_unlink (local);
}

static void
test_changed_host_key (void)
{
  YunTerminalView *terminal = terminal_view ();
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  g_autofree char *other = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) fields = NULL;

  /* The known key for this server is now another one. */
  g_assert_true (
    g_file_get_contents (yun_test_sshd_env ("YUN_TEST_SSH_OTHER_HOST_KEY"), &other, NULL, &error));
  g_assert_no_error (error);
  fields = g_strsplit (other, " ", 3);
  line = g_strdup_printf ("[127.0.0.1]:%u %s %s\n", sshd_port, fields[0], fields[1]);
  g_assert_true (g_file_set_contents (path, line, -1, &error));
  g_assert_no_error (error);

  yun_terminal_view_connect (terminal);
  wait_for_state (YUN_TERMINAL_STATE_HOST_KEY_CHANGED);
  /* Refused: nothing connects from here, not even the action behind the button. */
  gtk_widget_activate_action (GTK_WIDGET (terminal), "terminal.trust-host-key", NULL);
  g_assert_cmpint (yun_terminal_view_get_state (terminal), ==, YUN_TERMINAL_STATE_HOST_KEY_CHANGED);
  g_assert_null (
    yun_test_find_widget (GTK_WIDGET (terminal), button_labelled, _ ("_Trust and Connect")));
  yun_test_save_screenshot (GTK_WIDGET (yun_test_main_window ()), "terminal-host-key-changed");
}

/* Closing the terminal's tab ends it; the list alone needs no tab bar. */
static void
test_close_tab (void)
{
  YunWindow *window = yun_test_main_window ();
  AdwTabView *tabs = ADW_TAB_VIEW (yun_test_find_by_id (GTK_WIDGET (window), "tab_view"));
  AdwTabBar *bar = ADW_TAB_BAR (yun_test_find_by_id (GTK_WIDGET (window), "tab_bar"));
  YunTerminalView *terminal = terminal_view ();

  g_assert_true (adw_tab_bar_get_tabs_revealed (bar));
  g_object_add_weak_pointer (G_OBJECT (terminal), (gpointer *) &terminal);
  adw_tab_view_close_page (tabs, adw_tab_view_get_page (tabs, GTK_WIDGET (terminal)));
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 1);
  g_assert_false (adw_tab_page_get_pinned (adw_tab_view_get_nth_page (tabs, 0)));
  g_assert_false (adw_tab_bar_get_tabs_revealed (bar));
  /* Nothing keeps the terminal: its steps hold weak references only. */
  g_assert_null (terminal);
}

/* The profile of an account whose yunsim gives one instance 127.0.0.1, with the test
 * server's port and user, and its SecretKey in the keyring: the application opens it. */
static void
add_account (void)
{
  g_autoptr (YunProfile) profile = yun_profile_new (ACCOUNT);
  g_autoptr (YunSecretStore) secrets = yun_secret_store_new ();
  g_autofree char *path = yun_profile_dup_default_path ();
  g_autoptr (GError) error = NULL;

  yun_profile_set_secret_id (profile, yun_test_sim_get_secret_id (sim));
  yun_profile_set_endpoint (profile, yun_test_sim_get_url (sim));
  yun_profile_set_ssh_port (profile, sshd_port);
  yun_profile_set_ssh_user (profile, YUN_OS_FAMILY_LINUX, ssh_user);
  g_assert_true (yun_profile_save (profile, path, &error));
  g_assert_no_error (error);
  g_assert_true (yun_profile_store_secret_key (profile, secrets, yun_test_sim_get_secret_key (sim),
                                               NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  int status;

  sshd_port = (guint) g_ascii_strtoull (yun_test_sshd_env ("YUN_TEST_SSHD_PORT"), NULL, 10);
  ssh_user = g_getenv ("YUN_TEST_SSH_PASSWORD_USER");
  if (ssh_user == NULL || g_getenv ("YUN_TEST_PASSWORD") == NULL)
    {
      g_printerr ("test-gui-terminal: the password login needs run-with-sshd.sh as root, with "
                  "YUN_TEST_PASSWORD set; skipped\n");
      return 77;
    }
  /* Only the password logs in: no agent, and no keys in this run's ~/.ssh. */
  g_unsetenv ("SSH_AUTH_SOCK");

  sim = yun_test_sim_spawn ("--seed", "5", "--regions", "2", "--instances", "12", "--loopback-ip=1",
                            NULL);
  add_account ();
  application = yun_test_start_application (&argc, &argv);

  g_test_add_func ("/yun/gui/terminal/open", test_open_terminal);
  g_test_add_func ("/yun/gui/terminal/copy-ssh-command", test_copy_ssh_command);
  g_test_add_func ("/yun/gui/terminal/copy-paste", test_copy_paste);
  g_test_add_func ("/yun/gui/terminal/exit-and-reconnect", test_exit_and_reconnect);
  g_test_add_func ("/yun/gui/terminal/run-over-ssh", test_run_over_ssh);
  g_test_add_func ("/yun/gui/terminal/upload-file", test_upload_file);
  g_test_add_func ("/yun/gui/terminal/changed-host-key", test_changed_host_key);
  g_test_add_func ("/yun/gui/terminal/close-tab", test_close_tab);
  status = g_test_run ();

  yun_test_stop_application ();
  yun_test_sim_free (sim);
  return status;
}
