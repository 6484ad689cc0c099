/* yun-window-actions.c: the window's commands, and when each applies
 *
 * SPDX-License-Identifier: MIT
 *
 * Every command is a "win." action, reached from the toolbar, the context menu and a
 * shortcut alike. Which are enabled follows the selection: an action is on when at least
 * one selected instance is eligible, and its button says how many ("Stop 12 of 15"); the
 * job engine then skips the others with a reason. A read-only account turns off every
 * action that changes an instance.
 */

#define G_LOG_DOMAIN "yun-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "yun-command-dialog.h"
#include "yun-create-dialog.h"
#include "yun-job-view.h"
#include "yun-password-dialog.h"
#include "yun-terminal-view.h"
#include "yun-window-private.h"

/* What an action does to an instance, and which instances it applies to. */
typedef struct
{
  const char *action;
  YunJobKind kind;
  gboolean changes_state;
  gboolean refused_when_protected;
  const char *const *states; /* NULL: any state */
} ActionRule;

static const char *const running[] = { "RUNNING", NULL };
static const char *const stopped[] = { "STOPPED", NULL };
static const char *const running_or_stopped[] = { "RUNNING", "STOPPED", NULL };
static const char *const not_terminating[]
  = { "RUNNING",  "STOPPED",   "PENDING", "LAUNCH_FAILED", "SHUTDOWN", "STARTING",
      "STOPPING", "REBOOTING", NULL };

static const ActionRule rules[] = {
  { "win.start", YUN_JOB_KIND_START, TRUE, FALSE, stopped },
  { "win.stop", YUN_JOB_KIND_STOP, TRUE, FALSE, running },
  { "win.reboot", YUN_JOB_KIND_REBOOT, TRUE, FALSE, running },
  { "win.terminate", YUN_JOB_KIND_TERMINATE, TRUE, TRUE, not_terminating },
  { "win.reset-password", YUN_JOB_KIND_RESET_PASSWORD, TRUE, TRUE, running_or_stopped },
  { "win.run-command", YUN_JOB_KIND_RUN_COMMAND, TRUE, FALSE, running },
};

static gboolean
instance_is_eligible (YunWindow *self, const ActionRule *rule, YunInstance *instance)
{
  if (rule->refused_when_protected
      && g_hash_table_contains (self->protected_ids, yun_instance_get_instance_id (instance)))
    return FALSE;
  return rule->states == NULL || g_strv_contains (rule->states, yun_instance_get_state (instance));
}

static guint
count_eligible (YunWindow *self, const ActionRule *rule, GPtrArray *instances)
{
  guint n = 0;

  for (guint i = 0; i < instances->len; i++)
    n += instance_is_eligible (self, rule, g_ptr_array_index (instances, i));
  return n;
}

static const ActionRule *
find_rule (YunJobKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (rules[i].kind == kind)
      return &rules[i];
  g_assert_not_reached ();
}

/* "Stop", "Stop 15", "Stop 12 of 15". */
static void
label_button (GtkButton *button, const char *verb, guint n_eligible, guint n_selected)
{
  g_autofree char *label = NULL;

  if (n_eligible == 0 || n_selected == 0)
    label = g_strdup (verb);
  else if (n_eligible == n_selected)
    /* Translators: a toolbar button: verb, then how many instances it acts on ("Stop 15") */
    label = g_strdup_printf (C_ ("action-count", "%s %u"), verb, n_eligible);
  else
    /* Translators: a toolbar button: verb, how many it acts on, of how many selected */
    label = g_strdup_printf (C_ ("action-count", "%s %u of %u"), verb, n_eligible, n_selected);
  gtk_button_set_label (button, label);
}

/* Instances SSH can reach now: running, with a public address. */
static guint
count_ssh_eligible (GPtrArray *instances)
{
  guint n = 0;

  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (instances, i);

      n += g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0
           && yun_ssh_instance_get_address (instance) != NULL;
    }
  return n;
}

void
_yun_window_update_actions (YunWindow *self)
{
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  gboolean has_workspace = self->workspace != NULL;
  /* Until its credentials are read, an account shows its cache and history only. */
  gboolean connected = has_workspace && yun_workspace_get_connected (self->workspace);
  gboolean writable = connected && !yun_workspace_get_read_only (self->workspace);
  guint counts[G_N_ELEMENTS (rules)];
  struct
  {
    GtkButton *button;
    const char *verb;
  } buttons[] = {
    { self->start_button, _ ("Start") },
    { self->stop_button, _ ("Stop") },
    { self->reboot_button, _ ("Reboot") },
    { self->terminate_button, _ ("Terminate") },
    { self->reset_password_button, _ ("Reset Password") },
    { self->run_command_button, _ ("Run Command") },
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (buttons) == G_N_ELEMENTS (rules));

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      counts[i] = count_eligible (self, &rules[i], selected);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), rules[i].action, writable && counts[i] > 0);
      label_button (buttons[i].button, buttons[i].verb, counts[i], selected->len);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-id", selected->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-ip", selected->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", selected->len > 0);
  gtk_widget_action_set_enabled (
    GTK_WIDGET (self), "win.open-terminal",
    has_workspace && selected->len == 1
      && g_strcmp0 (yun_instance_get_state (g_ptr_array_index (selected, 0)), "RUNNING") == 0
      && yun_ssh_instance_get_address (g_ptr_array_index (selected, 0)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-over-ssh",
                                 writable && count_ssh_eligible (selected) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.upload-file",
                                 writable && count_ssh_eligible (selected) > 0);
  gtk_widget_action_set_enabled (
    GTK_WIDGET (self), "win.copy-ssh-command",
    selected->len == 1 && yun_ssh_instance_get_address (g_ptr_array_index (selected, 0)) != NULL);
  gtk_widget_action_set_enabled (
    GTK_WIDGET (self), "win.open-vnc",
    connected && selected->len == 1
      && g_strcmp0 (yun_instance_get_state (g_ptr_array_index (selected, 0)), "RUNNING") == 0);
}

/* On a worker: the cache is one connection, which a load or a sync may hold a while. */
static void
list_protected_in_thread (GTask *task,
                          gpointer source_object,
                          gpointer task_data,
                          GCancellable *cancellable)
{
  YunWorkspace *workspace = task_data;
  GError *error = NULL;
  GPtrArray *ids = yun_cache_dup_protected (yun_workspace_get_cache (workspace),
                                            yun_workspace_get_account (workspace), &error);

  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_protected_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunWindow *self = YUN_WINDOW (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_get_task_data (G_TASK (result)) != self->workspace)
    return;
  if (ids == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Protected instances: %s", error->message);
      return;
    }
  g_hash_table_remove_all (self->protected_ids);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (self->protected_ids, g_strdup (g_ptr_array_index (ids, i)));
  _yun_window_update_actions (self);
}

/* The job engine refuses protected instances whatever the window counts; the window reads
 * them to say so before a job is submitted. */
void
_yun_window_reload_protected (YunWindow *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->workspace == NULL)
    return;
  task = g_task_new (self, self->cancellable, on_protected_listed, NULL);
  g_task_set_source_tag (task, _yun_window_reload_protected);
  g_task_set_task_data (task, g_object_ref (self->workspace), g_object_unref);
  g_task_run_in_thread (task, list_protected_in_thread);
}

/* ---- Jobs ---- */

/* Each instance a job sends a call for is read again as soon as it moves, so the list shows
 * its transition and its end. */
static void
on_job_item_step (YunJobItem *item, GParamSpec *pspec, YunWindow *self)
{
  YunJobStep step = yun_job_item_get_step (item);

  if (self->workspace == NULL)
    return;
  if (step == YUN_JOB_STEP_WAITING || step == YUN_JOB_STEP_RESTART_WAITING
      || step == YUN_JOB_STEP_DONE)
    yun_inventory_watch (yun_workspace_get_inventory (self->workspace),
                         yun_job_item_get_instance_id (item), yun_job_item_get_region (item));
}

/* Long enough that the user may have turned to something else: a shorter job's end is
 * told by its toast alone. */
#define LONG_JOB_SECONDS 10

static gboolean
job_was_long (YunJob *job)
{
  GDateTime *created = yun_job_get_created_at (job);
  GDateTime *finished = yun_job_get_finished_at (job);

  return created != NULL && finished != NULL
         && g_date_time_difference (finished, created) >= LONG_JOB_SECONDS * G_TIME_SPAN_SECOND;
}

/* Whether the user is in one of our windows: this one, a job's, a dialog. */
static gboolean
any_window_active (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_is_active (window))
        return TRUE;
    }
  return FALSE;
}

static void
on_job_finished (YunJob *job, YunWindow *self)
{
  guint n_failed = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED);
  g_autofree char *summary = yun_job_view_dup_summary (job);
  /* Translators: a job that ended: its kind ("Stop"), then "6 succeeded, 2 skipped of 8" */
  g_autofree char *title
    = g_strdup_printf (_ ("%s: %s"), yun_job_kind_get_label (yun_job_get_kind (job)), summary);
  g_autoptr (AdwToast) toast = adw_toast_new (title);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  adw_toast_set_timeout (toast, n_failed > 0 ? 0 : 5);
  adw_toast_set_button_label (toast, _ ("Details"));
  adw_toast_set_action_name (toast, "win.show-jobs");
  yun_window_add_toast (self, g_object_ref (toast));

  /* A long job ends while the user is elsewhere. */
  if (application != NULL && !any_window_active () && job_was_long (job)
      && g_settings_get_boolean (self->settings, "notify-job-end"))
    {
      g_autoptr (GNotification) notification
        = g_notification_new (n_failed > 0 ? _ ("A job ended with failures") : _ ("A job ended"));

      g_notification_set_body (notification, title);
      g_notification_set_default_action (notification, "app.activate");
      g_application_send_notification (G_APPLICATION (application), "job-finished", notification);
    }
  if (self->workspace != NULL)
    {
      _yun_window_reload_protected (self);
      /* A password reset may have remembered new passwords. */
      _yun_window_reload_remembered (self);
    }
}

/* Follows @job: its instances in the list as they move, and a toast when it ends. */
void
_yun_window_follow_job (YunWindow *self, YunJob *job)
{
  GListModel *items = yun_job_get_items (job);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      g_signal_connect_object (item, "notify::step", G_CALLBACK (on_job_item_step), self, 0);
    }
  g_signal_connect_object (job, "finished", G_CALLBACK (on_job_finished), self, 0);
  gtk_revealer_set_reveal_child (self->jobs_revealer, TRUE);
}

/* Sends @spec to the job engine and follows the job. Returns: (transfer none) (nullable):
 * the job, or %NULL after showing why it could not start */
YunJob *
_yun_window_submit (YunWindow *self, YunJobSpec *spec)
{
  g_autoptr (GError) error = NULL;
  YunJob *job;

  g_return_val_if_fail (self->workspace != NULL, NULL);

  job = yun_job_engine_submit (yun_workspace_get_job_engine (self->workspace), spec, &error);
  if (job == NULL)
    {
      yun_window_show_error (self, _ ("The job could not start"), error);
      return NULL;
    }
  _yun_window_follow_job (self, job);
  return job;
}

static YunJobSpec *
spec_for_selection (YunWindow *self, YunJobKind kind, guint *n_eligible)
{
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  const ActionRule *rule = find_rule (kind);
  YunJobSpec *spec = yun_job_spec_new (kind);

  /* Every selected instance goes in: the engine skips the ineligible with a reason, and
   * the job's report lists them. */
  for (guint i = 0; i < selected->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (selected, i);

      yun_job_spec_add_instance (spec, yun_instance_get_instance_id (instance),
                                 yun_instance_get_region (instance));
    }
  *n_eligible = count_eligible (self, rule, selected);
  return spec;
}

/* ---- Confirmations ---- */

typedef struct
{
  YunWindow *window;
  YunJobSpec *spec;
  guint n_eligible;
  GtkEntry *count_entry;
  GtkDropDown *stop_type;
  GtkCheckButton *stop_charging;
} Confirmation;

static void
confirmation_free (Confirmation *confirmation)
{
  g_object_unref (confirmation->window);
  yun_job_spec_unref (confirmation->spec);
  g_free (confirmation);
}

static const char *const stop_types[] = { "SOFT_FIRST", "SOFT", "HARD" };

static void
on_confirmation_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Confirmation *confirmation = user_data;
  YunWindow *self = confirmation->window;

  if (g_strcmp0 (response, "cancel") == 0 || g_strcmp0 (response, "close") == 0)
    return;
  if (confirmation->stop_type != NULL)
    {
      guint type = gtk_drop_down_get_selected (confirmation->stop_type);

      yun_job_spec_set_stop_type (confirmation->spec,
                                  stop_types[MIN (type, G_N_ELEMENTS (stop_types) - 1)]);
      g_settings_set_string (self->settings, "stop-type",
                             stop_types[MIN (type, G_N_ELEMENTS (stop_types) - 1)]);
    }
  if (confirmation->stop_charging != NULL)
    {
      gboolean stop_charging = gtk_check_button_get_active (confirmation->stop_charging);
      const char *mode = stop_charging ? "STOP_CHARGING" : "KEEP_CHARGING";

      yun_job_spec_set_stopped_mode (confirmation->spec, mode);
      g_settings_set_string (self->settings, "stopped-mode", mode);
    }
  yun_job_spec_set_dry_run (confirmation->spec, g_strcmp0 (response, "preview") == 0);
  _yun_window_submit (self, confirmation->spec);
}

/* Terminating is allowed only once the user has typed how many instances go. */
static void
on_count_typed (GtkEditable *entry, AdwMessageDialog *dialog)
{
  Confirmation *confirmation = g_object_get_data (G_OBJECT (dialog), "yun-confirmation");
  g_autofree char *expected = g_strdup_printf ("%u", confirmation->n_eligible);
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "confirm", g_str_equal (typed, expected));
}

static GtkWidget *
build_stop_options (Confirmation *confirmation, GSettings *settings)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  const char *labels[]
    = { _ ("Shut down, force off if it hangs"), _ ("Shut down"), _ ("Force off"), NULL };
  g_autofree char *stop_type = g_settings_get_string (settings, "stop-type");
  g_autofree char *stopped_mode = g_settings_get_string (settings, "stopped-mode");

  confirmation->stop_type = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (labels));
  for (guint i = 0; i < G_N_ELEMENTS (stop_types); i++)
    if (g_str_equal (stop_type, stop_types[i]))
      gtk_drop_down_set_selected (confirmation->stop_type, i);
  confirmation->stop_charging = GTK_CHECK_BUTTON (
    gtk_check_button_new_with_label (_ ("Stop charging while stopped (pay-as-you-go instances)")));
  gtk_check_button_set_active (confirmation->stop_charging,
                               g_str_equal (stopped_mode, "STOP_CHARGING"));
  gtk_box_append (GTK_BOX (row), gtk_label_new (_ ("How")));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (confirmation->stop_type));
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (confirmation->stop_charging));
  return box;
}

static void
confirm_and_submit (YunWindow *self, YunJobKind kind)
{
  Confirmation *confirmation = g_new0 (Confirmation, 1);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *verb = NULL;
  guint n_selected;

  confirmation->window = g_object_ref (self);
  confirmation->spec = spec_for_selection (self, kind, &confirmation->n_eligible);
  n_selected = yun_job_spec_get_n_instances (confirmation->spec);

  switch (kind)
    {
    case YUN_JOB_KIND_STOP:
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Stop %u Instance?",
                                              "Stop %u Instances?", confirmation->n_eligible),
                                 confirmation->n_eligible);
      verb = _ ("_Stop");
      break;
    case YUN_JOB_KIND_REBOOT:
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reboot %u Instance?",
                                              "Reboot %u Instances?", confirmation->n_eligible),
                                 confirmation->n_eligible);
      verb = _ ("_Reboot");
      break;
    case YUN_JOB_KIND_TERMINATE:
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Terminate %u Instance?",
                                              "Terminate %u Instances?", confirmation->n_eligible),
                                 confirmation->n_eligible);
      verb = _ ("_Terminate");
      break;
    case YUN_JOB_KIND_START:
    case YUN_JOB_KIND_RESET_PASSWORD:
    case YUN_JOB_KIND_CREATE:
    case YUN_JOB_KIND_RUN_COMMAND:
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
    default:
      g_assert_not_reached ();
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  if (kind == YUN_JOB_KIND_TERMINATE)
    body = g_strdup_printf (
      _ ("Terminated instances and their disks are destroyed; pay-as-you-go instances cannot be "
         "recovered. Type %u to confirm."),
      confirmation->n_eligible);
  else if (n_selected > confirmation->n_eligible)
    body = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE,
                   "%u selected instance is not in a state for this and will be skipped.",
                   "%u selected instances are not in a state for this and will be skipped.",
                   n_selected - confirmation->n_eligible),
      n_selected - confirmation->n_eligible);
  if (body != NULL)
    adw_message_dialog_set_body (dialog, body);

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "preview", _ ("_Preview"),
                                    "confirm", verb, NULL);
  adw_message_dialog_set_response_appearance (
    dialog, "confirm",
    kind == YUN_JOB_KIND_TERMINATE ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  if (kind == YUN_JOB_KIND_STOP)
    adw_message_dialog_set_extra_child (dialog, build_stop_options (confirmation, self->settings));
  else if (kind == YUN_JOB_KIND_TERMINATE)
    {
      confirmation->count_entry = GTK_ENTRY (gtk_entry_new ());
      gtk_entry_set_input_purpose (confirmation->count_entry, GTK_INPUT_PURPOSE_DIGITS);
      gtk_entry_set_placeholder_text (confirmation->count_entry, _ ("Number of instances"));
      adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (confirmation->count_entry));
      adw_message_dialog_set_response_enabled (dialog, "confirm", FALSE);
      g_signal_connect (confirmation->count_entry, "changed", G_CALLBACK (on_count_typed), dialog);
    }
  g_object_set_data_full (G_OBJECT (dialog), "yun-confirmation", confirmation,
                          (GDestroyNotify) confirmation_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirmation_response), confirmation);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Actions ---- */

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  _yun_window_refresh (YUN_WINDOW (widget));
}

static void
find_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
select_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  yun_instance_view_select_all (YUN_WINDOW (widget)->instance_view);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  guint n_eligible = 0;
  g_autoptr (YunJobSpec) spec = spec_for_selection (self, YUN_JOB_KIND_START, &n_eligible);

  /* Starting is harmless and undone by a stop: no question asked. */
  _yun_window_submit (self, spec);
}

static void
stop_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  confirm_and_submit (YUN_WINDOW (widget), YUN_JOB_KIND_STOP);
}

static void
reboot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  confirm_and_submit (YUN_WINDOW (widget), YUN_JOB_KIND_REBOOT);
}

static void
terminate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  confirm_and_submit (YUN_WINDOW (widget), YUN_JOB_KIND_TERMINATE);
}

static void
copy_text (YunWindow *self, const char *text, const char *toast_title)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  yun_window_add_toast (self, adw_toast_new (toast_title));
}

static void
copy_id_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < selected->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "",
                            yun_instance_get_instance_id (g_ptr_array_index (selected, i)));
  copy_text (self, text->str,
             selected->len == 1 ? _ ("Instance ID copied") : _ ("Instance IDs copied"));
}

static void
copy_ip_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < selected->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (selected, i);
      const char *const *public_ips = yun_instance_get_public_ips (instance);
      const char *const *private_ips = yun_instance_get_private_ips (instance);
      const char *address = public_ips != NULL && public_ips[0] != NULL ? public_ips[0]
                            : private_ips != NULL                       ? private_ips[0]
                                                                        : NULL;

      if (address != NULL)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", address);
    }
  if (text->len == 0)
    {
      yun_window_add_toast (self, adw_toast_new (_ ("The selected instances have no IP address")));
      return;
    }
  copy_text (self, text->str, _ ("IP addresses copied"));
}

/* ---- Remembered passwords ---- */

/* On a worker: the keyring answers over D-Bus. */
static void
list_remembered_in_thread (GTask *task,
                           gpointer source_object,
                           gpointer task_data,
                           GCancellable *cancellable)
{
  YunWorkspace *workspace = task_data;
  GError *error = NULL;
  GStrv ids = yun_secret_store_dup_keys (
    yun_workspace_get_secret_store (workspace), YUN_SECRET_INSTANCE_PASSWORD,
    yun_workspace_get_account (workspace), cancellable, &error);

  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_strfreev);
}

static void
on_remembered_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunWindow *self = YUN_WINDOW (source);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_get_task_data (G_TASK (result)) != self->workspace)
    return;
  if (ids == NULL)
    {
      if (!g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        yun_window_show_error (self, _ ("Remembered passwords could not be listed"), error);
      return;
    }
  yun_instance_view_set_remembered_passwords (self->instance_view, (const char *const *) ids);
}

void
_yun_window_reload_remembered (YunWindow *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->workspace == NULL)
    {
      yun_instance_view_set_remembered_passwords (self->instance_view, NULL);
      return;
    }
  task = g_task_new (self, self->cancellable, on_remembered_listed, NULL);
  g_task_set_source_tag (task, _yun_window_reload_remembered);
  g_task_set_task_data (task, g_object_ref (self->workspace), g_object_unref);
  g_task_run_in_thread (task, list_remembered_in_thread);
}

typedef struct
{
  YunWindow *window;
  YunWorkspace *workspace;
  char *instance_id;
  gboolean copy;
} PasswordRequest;

static void
password_request_free (PasswordRequest *request)
{
  g_object_unref (request->window);
  g_object_unref (request->workspace);
  g_free (request->instance_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PasswordRequest, password_request_free)

static void
on_password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PasswordRequest) request = user_data;
  YunWindow *self = request->window;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSecret) password
    = yun_secret_store_lookup_finish (YUN_SECRET_STORE (source), result, &error);

  if (request->workspace != self->workspace)
    return;
  if (error != NULL)
    {
      if (!g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED))
        yun_window_show_error (self, _ ("The password could not be read from the keyring"), error);
      return;
    }
  if (password == NULL)
    {
      yun_window_add_toast (self, adw_toast_new (_ ("The keyring no longer holds this password")));
      _yun_window_reload_remembered (self);
      return;
    }
  if (request->copy)
    copy_text (self, password, _ ("Password copied"));
  else
    yun_instance_view_show_password (self->instance_view, request->instance_id, password);
}

static void
look_up_password (YunWindow *self, const char *instance_id, gboolean copy)
{
  PasswordRequest *request;

  if (self->workspace == NULL)
    return;
  request = g_new0 (PasswordRequest, 1);
  request->window = g_object_ref (self);
  request->workspace = g_object_ref (self->workspace);
  request->instance_id = g_strdup (instance_id);
  request->copy = copy;
  yun_secret_store_lookup_async (yun_workspace_get_secret_store (self->workspace),
                                 YUN_SECRET_INSTANCE_PASSWORD,
                                 yun_workspace_get_account (self->workspace), instance_id,
                                 self->cancellable, on_password_looked_up, request);
}

static void
reveal_password_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  const char *instance_id = g_variant_get_string (parameter, NULL);

  if (yun_instance_view_get_password_shown (self->instance_view, instance_id))
    yun_instance_view_show_password (self->instance_view, instance_id, NULL);
  else
    look_up_password (self, instance_id, FALSE);
}

static void
copy_password_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  look_up_password (YUN_WINDOW (widget), g_variant_get_string (parameter, NULL), TRUE);
}

static void
on_vnc_url (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunVncUrl) vnc
    = yun_client_describe_instance_vnc_url_finish (YUN_CLIENT (source), result, &error);

  if (vnc == NULL)
    {
      yun_window_show_error (self, _ ("The VNC console could not be opened"), error);
      return;
    }
  /* The URL is good once, for 15 seconds: open it now. */
  gtk_show_uri (GTK_WINDOW (self), vnc->url, GDK_CURRENT_TIME);
}

static void
open_vnc_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  YunInstance *instance;

  if (selected->len != 1 || self->workspace == NULL)
    return;
  instance = g_ptr_array_index (selected, 0);
  yun_client_describe_instance_vnc_url_async (
    yun_workspace_get_client (self->workspace), yun_instance_get_region (instance),
    yun_instance_get_instance_id (instance), self->cancellable, on_vnc_url, g_object_ref (self));
}

/* ---- Terminals ---- */

/* A tab shows how its terminal is doing: busy while connecting, asking for attention while
 * a question waits. */
static void
on_terminal_state (YunTerminalView *terminal, GParamSpec *pspec, AdwTabPage *page)
{
  YunTerminalState state = yun_terminal_view_get_state (terminal);

  adw_tab_page_set_loading (page, state == YUN_TERMINAL_STATE_CONNECTING);
  adw_tab_page_set_needs_attention (page, state == YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN
                                            || state == YUN_TERMINAL_STATE_HOST_KEY_CHANGED
                                            || state == YUN_TERMINAL_STATE_PASSWORD);
}

/* The last terminal closed: the list alone needs no tab bar, and a pinned tab would keep it
 * shown. */
static void
on_n_tabs_changed (YunWindow *self)
{
  if (adw_tab_view_get_n_pages (self->tab_view) == 1
      && adw_tab_page_get_pinned (self->instances_page))
    adw_tab_view_set_page_pinned (self->tab_view, self->instances_page, FALSE);
}

/* A region chosen in the sidebar shows its instances, even from a terminal's tab. */
static void
on_region_chosen (YunWindow *self)
{
  adw_tab_view_set_selected_page (self->tab_view, self->instances_page);
}

static void
open_terminal_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  g_autoptr (GIcon) icon = NULL;
  YunInstance *instance;
  YunTerminalView *terminal;
  AdwTabPage *page;
  const char *name;
  g_autofree char *tooltip = NULL;

  if (selected->len != 1 || self->workspace == NULL)
    return;
  instance = g_ptr_array_index (selected, 0);

  /* The instance list stays first and cannot be closed: a pinned tab, while terminals are
   * open. */
  if (adw_tab_page_get_icon (self->instances_page) == NULL)
    {
      icon = g_themed_icon_new ("view-list-symbolic");
      adw_tab_page_set_icon (self->instances_page, icon);
      g_signal_connect_object (self->tab_view, "notify::n-pages", G_CALLBACK (on_n_tabs_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sidebar, "notify::selected-region",
                               G_CALLBACK (on_region_chosen), self, G_CONNECT_SWAPPED);
    }
  if (!adw_tab_page_get_pinned (self->instances_page))
    adw_tab_view_set_page_pinned (self->tab_view, self->instances_page, TRUE);

  terminal = yun_terminal_view_new (self->workspace, instance);
  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (terminal));
  name = yun_instance_get_name (instance);
  adw_tab_page_set_title (
    page, name != NULL && *name != '\0' ? name : yun_instance_get_instance_id (instance));
  /* Translators: a terminal tab's tooltip: the instance's ID, then its address */
  tooltip = g_strdup_printf (_ ("%s at %s"), yun_instance_get_instance_id (instance),
                             yun_ssh_instance_get_address (instance));
  adw_tab_page_set_tooltip (page, tooltip);
  g_signal_connect_object (terminal, "notify::state", G_CALLBACK (on_terminal_state), page, 0);
  adw_tab_view_set_selected_page (self->tab_view, page);
  yun_terminal_view_connect (terminal);
  on_terminal_state (terminal, NULL, page);
}

static void
copy_ssh_command_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *command = NULL;

  if (selected->len != 1)
    return;
  command = yun_ssh_dup_command_for_instance (
    g_ptr_array_index (selected, 0),
    self->workspace != NULL ? yun_workspace_get_profile (self->workspace) : NULL, &error);
  if (command == NULL)
    {
      yun_window_show_error (self, _ ("No SSH command for this instance"), error);
      return;
    }
  copy_text (self, command, _ ("SSH command copied"));
}

/* ---- Batch SSH ---- */

/* How long a command run over SSH may take on each instance. */
#define SSH_COMMAND_TIMEOUT_SECONDS 600

/* A "Run over SSH…" or "Upload File…" question, until answered. */
typedef struct
{
  YunWindow *window;
  YunJobSpec *spec; /* the instances, until the rest is known */
  AdwMessageDialog *dialog;
  /* Run over SSH */
  GtkTextView *editor;
  /* Upload */
  AdwEntryRow *local_row;
  AdwEntryRow *remote_row;
  /* Both */
  AdwPasswordEntryRow *password_row;
  GtkCheckButton *accept_new;
} SshBatch;

static void
ssh_batch_free (SshBatch *batch)
{
  g_object_unref (batch->window);
  yun_job_spec_unref (batch->spec);
  g_free (batch);
}

static char *
dup_editor_text (GtkTextView *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (editor);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
editable_is_blank (GtkEditable *editable)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (editable));

  return *g_strstrip (text) == '\0';
}

static void
on_ssh_batch_changed (SshBatch *batch)
{
  gboolean ready;

  if (batch->editor != NULL)
    {
      g_autofree char *text = dup_editor_text (batch->editor);

      ready = *g_strstrip (text) != '\0';
    }
  else
    ready = !editable_is_blank (GTK_EDITABLE (batch->local_row))
            && !editable_is_blank (GTK_EDITABLE (batch->remote_row));
  adw_message_dialog_set_response_enabled (batch->dialog, "run", ready);
}

static void
on_ssh_batch_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  SshBatch *batch = user_data;
  YunWindow *self = batch->window;
  YunProfile *profile;
  g_autoptr (GError) error = NULL;
  const char *password;
  gboolean ok;
  YunJob *job;

  if (g_strcmp0 (response, "run") != 0 || self->workspace == NULL)
    return;
  if (batch->editor != NULL)
    {
      char *text = dup_editor_text (batch->editor);
      g_autoptr (GBytes) content = g_bytes_new_take (text, strlen (text));

      ok = yun_job_spec_set_command (batch->spec, content, SSH_COMMAND_TIMEOUT_SECONDS, &error);
    }
  else
    {
      g_autofree char *local = g_strdup (gtk_editable_get_text (GTK_EDITABLE (batch->local_row)));
      g_autofree char *remote = g_strdup (gtk_editable_get_text (GTK_EDITABLE (batch->remote_row)));

      ok = yun_job_spec_set_upload (batch->spec, g_strstrip (local), g_strstrip (remote), -1,
                                    &error);
    }
  if (!ok)
    {
      yun_window_show_error (self, _ ("The job could not start"), error);
      return;
    }
  /* The profile's port and users; without a typed password, each instance's remembered one
   * (the engine looks it up) after ssh-agent and the keys of ~/.ssh. */
  profile = yun_workspace_get_profile (self->workspace);
  password = gtk_editable_get_text (GTK_EDITABLE (batch->password_row));
  yun_job_spec_set_ssh_login (
    batch->spec, profile != NULL ? yun_profile_get_ssh_user (profile, YUN_OS_FAMILY_LINUX) : NULL,
    profile != NULL ? yun_profile_get_ssh_user (profile, YUN_OS_FAMILY_WINDOWS) : NULL,
    profile != NULL ? yun_profile_get_ssh_port (profile) : 0,
    password != NULL && *password != '\0' ? password : NULL);
  gtk_editable_set_text (GTK_EDITABLE (batch->password_row), "");
  yun_job_spec_set_ssh_host_keys (batch->spec, NULL,
                                  gtk_check_button_get_active (batch->accept_new));
  job = _yun_window_submit (self, batch->spec);
  if (job != NULL)
    yun_jobs_panel_show_job (self->jobs_panel, job);
}

static void
on_upload_file_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  SshBatch *batch = user_data;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  if (path != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (batch->local_row), path);
      if (editable_is_blank (GTK_EDITABLE (batch->remote_row)))
        {
          name = g_path_get_basename (path);
          g_free (path);
          path = g_build_filename ("/tmp", name, NULL);
          gtk_editable_set_text (GTK_EDITABLE (batch->remote_row), path);
        }
    }
  g_object_unref (chooser);
  g_object_unref (batch->dialog);
}

static void
choose_upload_file (SshBatch *batch)
{
  GtkFileChooserNative *chooser
    = gtk_file_chooser_native_new (_ ("File to Upload"), GTK_WINDOW (batch->dialog),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));

  /* The dialog (and @batch with it) lives until the chooser answers. */
  g_object_ref (batch->dialog);
  g_signal_connect (chooser, "response", G_CALLBACK (on_upload_file_chosen), batch);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Asks for what an ssh-exec or sftp-upload job on the selected instances needs. */
static void
ask_ssh_batch (YunWindow *self, YunJobKind kind)
{
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  guint n_eligible = count_ssh_eligible (selected);
  SshBatch *batch;
  GtkWidget *box, *list;
  g_autofree char *heading = NULL;

  if (self->workspace == NULL || n_eligible == 0)
    return;
  batch = g_new0 (SshBatch, 1);
  batch->window = g_object_ref (self);
  batch->spec = yun_job_spec_new (kind);
  /* Every selected instance goes in: the engine skips the others with a reason. */
  for (guint i = 0; i < selected->len; i++)
    yun_job_spec_add_instance (batch->spec,
                               yun_instance_get_instance_id (g_ptr_array_index (selected, i)),
                               yun_instance_get_region (g_ptr_array_index (selected, i)));

  if (kind == YUN_JOB_KIND_SSH_EXEC)
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Run over SSH on %u Instance",
                                            "Run over SSH on %u Instances", n_eligible),
                               n_eligible);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Upload a File to %u Instance",
                                            "Upload a File to %u Instances", n_eligible),
                               n_eligible);
  batch->dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_set_body (
    batch->dialog,
    _ ("For instances without the TAT agent: each one's public address is reached over SSH, "
       "with ssh-agent, the keys in ~/.ssh, then the password below or the one remembered for "
       "the instance. Only running instances with a public address are reached."));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (kind == YUN_JOB_KIND_SSH_EXEC)
    {
      GtkWidget *scroller = gtk_scrolled_window_new ();

      batch->editor = GTK_TEXT_VIEW (gtk_text_view_new ());
      gtk_text_view_set_monospace (batch->editor, TRUE);
      gtk_text_view_set_wrap_mode (batch->editor, GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (batch->editor, 6);
      gtk_text_view_set_bottom_margin (batch->editor, 6);
      gtk_text_view_set_left_margin (batch->editor, 6);
      gtk_text_view_set_right_margin (batch->editor, 6);
      gtk_accessible_update_property (GTK_ACCESSIBLE (batch->editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Command"), -1);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (batch->editor));
      gtk_widget_add_css_class (scroller, "card");
      gtk_box_append (GTK_BOX (box), scroller);
      g_signal_connect_swapped (gtk_text_view_get_buffer (batch->editor), "changed",
                                G_CALLBACK (on_ssh_batch_changed), batch);
    }
  else
    {
      GtkWidget *choose = gtk_button_new_from_icon_name ("document-open-symbolic");

      batch->local_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (batch->local_row), _ ("Local file"));
      gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (choose, "flat");
      gtk_widget_set_tooltip_text (choose, _ ("Choose a File…"));
      g_signal_connect_swapped (choose, "clicked", G_CALLBACK (choose_upload_file), batch);
      adw_entry_row_add_suffix (batch->local_row, choose);
      batch->remote_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (batch->remote_row),
                                     _ ("Remote path (a file there is replaced)"));
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (batch->local_row));
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (batch->remote_row));
      g_signal_connect_swapped (batch->local_row, "changed", G_CALLBACK (on_ssh_batch_changed),
                                batch);
      g_signal_connect_swapped (batch->remote_row, "changed", G_CALLBACK (on_ssh_batch_changed),
                                batch);
    }
  batch->password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (batch->password_row),
                                 _ ("Password (optional)"));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (batch->password_row));
  gtk_box_append (GTK_BOX (box), list);

  batch->accept_new = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (
    _ ("_Trust host keys not seen before (a changed key is always refused)")));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (batch->accept_new));
  adw_message_dialog_set_extra_child (batch->dialog, box);

  adw_message_dialog_add_responses (batch->dialog, "cancel", _ ("_Cancel"), "run",
                                    kind == YUN_JOB_KIND_SSH_EXEC ? _ ("_Run") : _ ("_Upload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (batch->dialog, "run", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (batch->dialog, "run", FALSE);
  adw_message_dialog_set_close_response (batch->dialog, "cancel");
  g_object_set_data_full (G_OBJECT (batch->dialog), "yun-ssh-batch", batch,
                          (GDestroyNotify) ssh_batch_free);
  g_signal_connect (batch->dialog, "response", G_CALLBACK (on_ssh_batch_response), batch);
  gtk_window_present (GTK_WINDOW (batch->dialog));
  gtk_widget_grab_focus (batch->editor != NULL ? GTK_WIDGET (batch->editor)
                                               : GTK_WIDGET (batch->local_row));
}

static void
run_over_ssh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ask_ssh_batch (YUN_WINDOW (widget), YUN_JOB_KIND_SSH_EXEC);
}

static void
upload_file_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ask_ssh_batch (YUN_WINDOW (widget), YUN_JOB_KIND_SFTP_UPLOAD);
}

/* ---- Actions through a dialog ---- */

typedef YunJobSpec *(*DialogFinishFunc) (GAsyncResult *result, GError **error);

/* A dialog answered with a job to run, or was cancelled. */
static void
submit_from_dialog (YunWindow *self,
                    GAsyncResult *result,
                    DialogFinishFunc finish,
                    gboolean show_job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunJobSpec) spec = finish (result, &error);
  YunJob *job;

  if (spec == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        yun_window_show_error (self, _ ("The job could not start"), error);
      return;
    }
  if (self->workspace == NULL)
    return;
  job = _yun_window_submit (self, spec);
  /* A command's answers are read per instance, as they come. */
  if (job != NULL && show_job)
    yun_jobs_panel_show_job (self->jobs_panel, job);
}

static void
on_password_dialog_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;

  submit_from_dialog (self, result, yun_password_dialog_run_finish, FALSE);
}

static void
reset_password_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);

  yun_password_dialog_run_async (GTK_WINDOW (self), self->workspace, selected, self->settings,
                                 self->cancellable, on_password_dialog_done, g_object_ref (self));
}

static void
on_command_dialog_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;

  submit_from_dialog (self, result, yun_command_dialog_run_finish, TRUE);
}

static void
run_command_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);

  yun_command_dialog_run_async (GTK_WINDOW (self), self->workspace, selected, self->settings,
                                self->cancellable, on_command_dialog_done, g_object_ref (self));
}

static void
on_create_dialog_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;

  submit_from_dialog (self, result, yun_create_dialog_run_finish, FALSE);
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);

  yun_create_dialog_run_async (GTK_WINDOW (self), self->workspace, self->settings,
                               self->cancellable, on_create_dialog_done, g_object_ref (self));
}

/* ---- Export ---- */

typedef struct
{
  YunWindow *window;
  char *csv;
} Export;

static void
export_free (Export *export)
{
  g_object_unref (export->window);
  g_free (export->csv);
  g_free (export);
}

static void
on_export_file_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  Export *export = user_data;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      if (yun_export_save (path, export->csv, &error))
        yun_window_add_toast (export->window, adw_toast_new (_ ("Selection exported")));
      else
        yun_window_show_error (export->window, _ ("The selection could not be exported"), error);
    }
  g_object_unref (chooser);
  export_free (export);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);
  g_autoptr (GPtrArray) selected = yun_instance_view_dup_selected (self->instance_view);
  GtkFileChooserNative *chooser;
  Export *export;

  if (selected->len == 0)
    return;
  export = g_new0 (Export, 1);
  export->window = g_object_ref (self);
  export->csv = yun_instances_to_csv (selected);
  chooser
    = gtk_file_chooser_native_new (_ ("Export Selection"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "instances.csv");
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_file_chosen), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
show_jobs_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunWindow *self = YUN_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->jobs_revealer,
                                 !gtk_revealer_get_reveal_child (self->jobs_revealer));
}

void
_yun_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.reboot", NULL, reboot_action);
  gtk_widget_class_install_action (widget_class, "win.terminate", NULL, terminate_action);
  gtk_widget_class_install_action (widget_class, "win.copy-id", NULL, copy_id_action);
  gtk_widget_class_install_action (widget_class, "win.copy-ip", NULL, copy_ip_action);
  gtk_widget_class_install_action (widget_class, "win.open-vnc", NULL, open_vnc_action);
  gtk_widget_class_install_action (widget_class, "win.open-terminal", NULL, open_terminal_action);
  gtk_widget_class_install_action (widget_class, "win.copy-ssh-command", NULL,
                                   copy_ssh_command_action);
  gtk_widget_class_install_action (widget_class, "win.run-over-ssh", NULL, run_over_ssh_action);
  gtk_widget_class_install_action (widget_class, "win.upload-file", NULL, upload_file_action);
  gtk_widget_class_install_action (widget_class, "win.show-jobs", NULL, show_jobs_action);
  gtk_widget_class_install_action (widget_class, "win.reset-password", NULL, reset_password_action);
  gtk_widget_class_install_action (widget_class, "win.run-command", NULL, run_command_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "win.reveal-password", "s",
                                   reveal_password_action);
  gtk_widget_class_install_action (widget_class, "win.copy-password", "s", copy_password_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "win.select-all",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, GDK_CONTROL_MASK, "win.show-jobs",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.terminate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.create",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export",
                                       NULL);
}
