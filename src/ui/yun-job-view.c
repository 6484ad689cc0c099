/* yun-job-view.c: one job's per-instance results, live, with retry and export
 *
 * SPDX-License-Identifier: MIT
 *
 * A window over one YunJob: its items in a column view that updates as the engine moves
 * them, a filter by outcome, and below the list the full output (or error message) of the
 * selected instance. Tencent Cloud error codes and TAT task statuses are shown as a
 * sentence (yun_error_describe_code()); the code and the message stay visible for support.
 */

#define G_LOG_DOMAIN "yun-job-view"

#include "config.h"

#include "yun-job-view.h"

#include <glib/gi18n.h>
#include <string.h>

struct _YunJobView
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *retry_button;
  GtkButton *export_button;
  GtkButton *copy_request_id_button;
  GtkLabel *dry_run_label;
  GtkLabel *succeeded_label;
  GtkLabel *failed_label;
  GtkLabel *skipped_label;
  GtkLabel *other_label;
  GtkProgressBar *progress_bar;
  GtkWidget *spacer;
  GtkDropDown *filter_dropdown;
  GtkColumnView *column_view;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkCustomFilter *filter;
  GtkColumnViewColumn *column_exit_code;
  GtkColumnViewColumn *column_output;
  GtkLabel *output_title;
  GtkLabel *truncated_label;
  GtkTextView *output_view;

  /* Owned */
  YunJobEngine *engine;
  YunJob *job;
  GSignalGroup *job_signals;
  GSignalGroup *item_signals;
};

G_DEFINE_FINAL_TYPE (YunJobView, yun_job_view, ADW_TYPE_WINDOW)

enum
{
  RETRIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  FILTER_ALL,
  FILTER_FAILED,
  FILTER_SUCCEEDED,
  FILTER_SKIPPED,
};

static void yun_job_view_set_job (YunJobView *self, YunJob *job);

/* ---- Labels ---- */

/**
 * yun_job_kind_get_label:
 * @kind: a #YunJobKind
 *
 * Returns: what the user reads for @kind, translated
 */
const char *
yun_job_kind_get_label (YunJobKind kind)
{
  switch (kind)
    {
    case YUN_JOB_KIND_START:
      return _ ("Start");
    case YUN_JOB_KIND_STOP:
      return _ ("Stop");
    case YUN_JOB_KIND_REBOOT:
      return _ ("Reboot");
    case YUN_JOB_KIND_TERMINATE:
      return _ ("Terminate");
    case YUN_JOB_KIND_RESET_PASSWORD:
      return _ ("Reset password");
    case YUN_JOB_KIND_CREATE:
      return _ ("Create instances");
    case YUN_JOB_KIND_RUN_COMMAND:
      return _ ("Run command");
    case YUN_JOB_KIND_SSH_EXEC:
      return _ ("Run over SSH");
    case YUN_JOB_KIND_SFTP_UPLOAD:
      return _ ("Upload file");
    default:
      return yun_job_kind_to_string (kind);
    }
}

/* "3 succeeded", "1 failed": how many items ended with @outcome. */
static char *
format_count (YunJobOutcome outcome, guint n)
{
  switch (outcome)
    {
    case YUN_JOB_OUTCOME_PENDING:
      return g_strdup_printf (_ ("%u pending"), n);
    case YUN_JOB_OUTCOME_SUCCEEDED:
      return g_strdup_printf (_ ("%u succeeded"), n);
    case YUN_JOB_OUTCOME_FAILED:
      return g_strdup_printf (_ ("%u failed"), n);
    case YUN_JOB_OUTCOME_SKIPPED:
      return g_strdup_printf (_ ("%u skipped"), n);
    case YUN_JOB_OUTCOME_CANCELLED:
      return g_strdup_printf (_ ("%u cancelled"), n);
    case YUN_JOB_OUTCOME_WOULD_SEND:
      return g_strdup_printf (_ ("%u would be sent"), n);
    default:
      return g_strdup_printf ("%u", n);
    }
}

/**
 * yun_job_view_dup_summary:
 * @job: a #YunJob
 *
 * Returns: (transfer full): one translated line on where @job stands
 */
char *
yun_job_view_dup_summary (YunJob *job)
{
  static const YunJobOutcome order[] = {
    YUN_JOB_OUTCOME_SUCCEEDED, YUN_JOB_OUTCOME_FAILED,     YUN_JOB_OUTCOME_SKIPPED,
    YUN_JOB_OUTCOME_CANCELLED, YUN_JOB_OUTCOME_WOULD_SEND,
  };
  g_autoptr (GString) text = NULL;
  guint n_items;

  g_return_val_if_fail (YUN_IS_JOB (job), NULL);

  n_items = yun_job_get_n_items (job);
  if (!yun_job_get_finished (job))
    {
      if (yun_job_get_cancel_requested (job))
        /* Translators: a job being cancelled; %u of %u instances are done */
        return g_strdup_printf (_ ("Cancelling… %u of %u done"), yun_job_get_n_done (job), n_items);
      /* Translators: a running job; %u of %u instances are done */
      return g_strdup_printf (_ ("%u of %u done"), yun_job_get_n_done (job), n_items);
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint n = yun_job_get_n_outcome (job, order[i]);
      g_autofree char *count = NULL;

      if (n == 0)
        continue;
      count = format_count (order[i], n);
      if (text->len > 0)
        g_string_append (text, _ (", "));
      g_string_append (text, count);
    }
  if (text->len == 0)
    /* Translators: a finished job; %u is the number of instances */
    return g_strdup_printf (_ ("Finished, %u instances"), n_items);
  /* Translators: "3 succeeded, 1 failed of 4": the counts, then the number of instances */
  return g_strdup_printf (_ ("%s of %u"), text->str, n_items);
}

static const char *
outcome_label (YunJobOutcome outcome)
{
  switch (outcome)
    {
    case YUN_JOB_OUTCOME_PENDING:
      return _ ("Pending");
    case YUN_JOB_OUTCOME_SUCCEEDED:
      return _ ("Succeeded");
    case YUN_JOB_OUTCOME_FAILED:
      return _ ("Failed");
    case YUN_JOB_OUTCOME_SKIPPED:
      return _ ("Skipped");
    case YUN_JOB_OUTCOME_CANCELLED:
      return _ ("Cancelled");
    case YUN_JOB_OUTCOME_WOULD_SEND:
      return _ ("Would be sent");
    default:
      return yun_job_outcome_to_string (outcome);
    }
}

static char *
format_outcome (gpointer unused, YunJobOutcome outcome)
{
  return g_strdup (outcome_label (outcome));
}

static GStrv
outcome_css_classes (gpointer unused, YunJobOutcome outcome)
{
  const char *class = "dim-label";

  if (outcome == YUN_JOB_OUTCOME_SUCCEEDED)
    class = "success";
  else if (outcome == YUN_JOB_OUTCOME_FAILED)
    class = "error";
  else if (outcome == YUN_JOB_OUTCOME_SKIPPED || outcome == YUN_JOB_OUTCOME_CANCELLED)
    class = "warning";
  else if (outcome == YUN_JOB_OUTCOME_WOULD_SEND)
    class = "accent";
  return g_strdupv ((char *[]){ (char *) class, NULL });
}

static gboolean
outcome_is_pending (gpointer unused, YunJobOutcome outcome)
{
  return outcome == YUN_JOB_OUTCOME_PENDING;
}

static char *
format_step (gpointer unused, YunJobStep step)
{
  switch (step)
    {
    case YUN_JOB_STEP_QUEUED:
      return g_strdup (_ ("Queued"));
    case YUN_JOB_STEP_SENDING:
      return g_strdup (_ ("Sending"));
    case YUN_JOB_STEP_WAITING:
      return g_strdup (_ ("Waiting"));
    case YUN_JOB_STEP_RESTART_QUEUED:
      return g_strdup (_ ("Restart queued"));
    case YUN_JOB_STEP_RESTART_SENDING:
      return g_strdup (_ ("Restarting"));
    case YUN_JOB_STEP_RESTART_WAITING:
      return g_strdup (_ ("Waiting for restart"));
    case YUN_JOB_STEP_DONE:
      return g_strdup (_ ("Done"));
    default:
      return g_strdup (yun_job_step_to_string (step));
    }
}

/* The sentence for the code if there is one, else the core's reason, else the message. */
static char *
format_reason (gpointer unused, const char *code, const char *reason, const char *message)
{
  const char *sentence = yun_error_describe_code (code);

  if (sentence != NULL)
    return g_strdup (sentence);
  if (reason != NULL && *reason != '\0')
    return g_strdup (reason);
  return g_strdup (message != NULL ? message : "");
}

static char *
format_reason_tooltip (gpointer unused, const char *code, const char *reason, const char *message)
{
  g_autofree char *shown = format_reason (NULL, code, reason, message);

  if (message != NULL && *message != '\0' && g_strcmp0 (shown, message) != 0)
    return g_strdup_printf ("%s\n%s", shown, message);
  return *shown != '\0' ? g_steal_pointer (&shown) : NULL;
}

static char *
format_attempts (gpointer unused, guint attempts)
{
  return attempts > 0 ? g_strdup_printf ("%u", attempts) : g_strdup ("");
}

static char *
format_seconds (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_ ("%d s"), (int) seconds);
  if (seconds < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_ ("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_ ("%d h %d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

static char *
format_duration (gpointer unused, GDateTime *started_at, GDateTime *finished_at)
{
  if (started_at == NULL)
    return g_strdup ("");
  if (finished_at == NULL)
    return g_strdup ("…");
  return format_seconds (
    MAX (0, g_date_time_difference (finished_at, started_at) / G_TIME_SPAN_SECOND));
}

static char *
format_exit_code (gpointer unused, gboolean has_exit_code, int exit_code)
{
  return has_exit_code ? g_strdup_printf ("%d", exit_code) : g_strdup ("");
}

static char *
format_first_line (gpointer unused, const char *output)
{
  const char *end;

  if (output == NULL)
    return g_strdup ("");
  while (*output == '\n')
    output++;
  end = strchr (output, '\n');
  return end != NULL ? g_strndup (output, (gsize) (end - output)) : g_strdup (output);
}

/* The core ends truncated output with a line "[N more bytes were cut off]": the text
 * without it, and N through @dropped (0 when the output is whole). */
static char *
split_truncation_note (const char *output, guint64 *dropped)
{
  g_autoptr (GRegex) regex
    = g_regex_new ("\\n?\\[(\\d+) more bytes were cut off\\]\\n?\\z", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  int start = 0;

  *dropped = 0;
  if (!g_regex_match (regex, output, 0, &match))
    return g_strdup (output);
  {
    g_autofree char *number = g_match_info_fetch (match, 1);

    *dropped = g_ascii_strtoull (number, NULL, 10);
  }
  g_match_info_fetch_pos (match, 0, &start, NULL);
  return g_strndup (output, (gsize) start);
}

/* ---- Filtering ---- */

static gboolean
item_is_visible (gpointer item, gpointer user_data)
{
  YunJobView *self = user_data;
  YunJobOutcome outcome = yun_job_item_get_outcome (YUN_JOB_ITEM (item));

  switch (gtk_drop_down_get_selected (self->filter_dropdown))
    {
    case FILTER_FAILED:
      return outcome == YUN_JOB_OUTCOME_FAILED;
    case FILTER_SUCCEEDED:
      return outcome == YUN_JOB_OUTCOME_SUCCEEDED;
    case FILTER_SKIPPED:
      return outcome == YUN_JOB_OUTCOME_SKIPPED || outcome == YUN_JOB_OUTCOME_CANCELLED;
    default:
      return TRUE;
    }
}

static void
on_filter_changed (YunJobView *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- The job's state ---- */

static void
set_count_label (GtkLabel *label, YunJobOutcome outcome, guint n)
{
  g_autofree char *text = format_count (outcome, n);

  gtk_label_set_label (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), n > 0);
}

static void
update_job_state (YunJobView *self)
{
  YunJob *job = self->job;
  g_autofree char *summary = NULL;
  g_autofree char *title = NULL;
  g_autofree char *progress = NULL;
  gboolean finished;
  guint n_items, n_done, n_failed, n_other;

  if (job == NULL)
    return;

  finished = yun_job_get_finished (job);
  n_items = yun_job_get_n_items (job);
  n_done = yun_job_get_n_done (job);
  n_failed = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED);
  n_other = yun_job_get_n_outcome (job, yun_job_get_dry_run (job) ? YUN_JOB_OUTCOME_WOULD_SEND
                                                                  : YUN_JOB_OUTCOME_CANCELLED);

  summary = yun_job_view_dup_summary (job);
  /* Translators: the title of a job's window, such as "Job: Stop" */
  title = g_strdup_printf (_ ("Job: %s"), yun_job_kind_get_label (yun_job_get_kind (job)));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, summary);

  gtk_widget_set_visible (GTK_WIDGET (self->dry_run_label), yun_job_get_dry_run (job));
  set_count_label (self->succeeded_label, YUN_JOB_OUTCOME_SUCCEEDED,
                   yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED));
  set_count_label (self->failed_label, YUN_JOB_OUTCOME_FAILED, n_failed);
  set_count_label (self->skipped_label, YUN_JOB_OUTCOME_SKIPPED,
                   yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED));
  set_count_label (
    self->other_label,
    yun_job_get_dry_run (job) ? YUN_JOB_OUTCOME_WOULD_SEND : YUN_JOB_OUTCOME_CANCELLED, n_other);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), !finished);
  gtk_widget_set_visible (self->spacer, finished);
  gtk_progress_bar_set_fraction (self->progress_bar, n_items > 0 ? (double) n_done / n_items : 0);
  progress = g_strdup_printf (_ ("%u of %u done"), n_done, n_items);
  gtk_progress_bar_set_text (self->progress_bar, progress);

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !yun_job_get_cancel_requested (job));
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_button),
                            finished && n_failed > 0 && self->engine != NULL);

  /* Outcomes move while the job runs: a filtered list follows them. */
  if (gtk_drop_down_get_selected (self->filter_dropdown) != FILTER_ALL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- The selected item ---- */

static YunJobItem *
get_selected_item (YunJobView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_output (YunJobView *self)
{
  YunJobItem *item = get_selected_item (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  gboolean run_command
    = self->job != NULL && yun_job_get_kind (self->job) == YUN_JOB_KIND_RUN_COMMAND;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  const char *name;
  guint64 dropped = 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_request_id_button),
                            item != NULL && yun_job_item_get_request_id (item) != NULL
                              && *yun_job_item_get_request_id (item) != '\0');
  if (item == NULL)
    {
      gtk_label_set_label (self->output_title, run_command
                                                 ? _ ("Select an instance to see its output")
                                                 : _ ("Select an instance to see its details"));
      gtk_text_buffer_set_text (buffer, "", -1);
      gtk_widget_set_visible (GTK_WIDGET (self->truncated_label), FALSE);
      return;
    }

  name = yun_job_item_get_name (item);
  if (name == NULL || *name == '\0')
    name = yun_job_item_get_instance_id (item);
  if (run_command)
    {
      const char *output = yun_job_item_get_output (item);

      /* Translators: %s is an instance's name */
      title = g_strdup_printf (_ ("Output of %s"), name);
      text = split_truncation_note (output != NULL ? output : "", &dropped);
    }
  else
    {
      const char *message = yun_job_item_get_message (item);
      const char *reason = yun_job_item_get_reason (item);

      /* Translators: %s is an instance's name */
      title = g_strdup_printf (_ ("Details of %s"), name);
      text = g_strdup (message != NULL && *message != '\0' ? message
                       : reason != NULL                    ? reason
                                                           : "");
    }
  gtk_label_set_label (self->output_title, title);
  gtk_text_buffer_set_text (buffer, text, -1);

  gtk_widget_set_visible (GTK_WIDGET (self->truncated_label), dropped > 0);
  if (dropped > 0)
    {
      g_autofree char *size = g_format_size (dropped);
      g_autofree char *note = g_strdup_printf (
        /* Translators: %s is a size such as "3.2 kB" */
        _ ("The output was truncated: the last %s were cut off by the agent."), size);

      gtk_label_set_label (self->truncated_label, note);
    }
}

static void
on_selected_item_changed (YunJobView *self)
{
  g_signal_group_set_target (self->item_signals, get_selected_item (self));
  update_output (self);
}

/* ---- Buttons ---- */

static void
on_cancel_clicked (YunJobView *self)
{
  if (self->job != NULL)
    yun_job_cancel (self->job);
}

static void
show_error (YunJobView *self, const char *heading, const GError *error)
{
  AdwMessageDialog *dialog
    = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, error->message));

  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
retry (YunJobView *self, const char *password)
{
  g_autoptr (GError) error = NULL;
  YunJob *job;

  job = yun_job_engine_retry_failed (self->engine, self->job, password, &error);
  if (job == NULL)
    {
      show_error (self, _ ("The failed instances could not be retried"), error);
      return;
    }
  g_signal_emit (self, signals[RETRIED], 0, job);
  yun_job_view_set_job (self, job);
}

static void
on_password_response (AdwMessageDialog *dialog, const char *response, YunJobView *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "yun-password-entry");

  if (g_strcmp0 (response, "retry") == 0)
    retry (self, gtk_editable_get_text (entry));
  /* Not kept in the entry longer than needed. */
  gtk_editable_set_text (entry, "");
}

static void
on_password_changed (GtkEditable *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "retry", *gtk_editable_get_text (entry) != '\0');
}

static void
on_password_activate (GtkPasswordEntry *entry, AdwMessageDialog *dialog)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) != '\0')
    adw_message_dialog_response (dialog, "retry");
}

static void
ask_password (YunJobView *self)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_password_entry_new ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self), _ ("New Password"),
    _ ("The password is not kept after the job: type it again to retry the instances that "
       "failed.")));
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("New password"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "retry", _ ("_Retry"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "retry", FALSE);
  adw_message_dialog_set_default_response (dialog, "retry");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "yun-password-entry", entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_password_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_password_activate), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_password_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
on_retry_clicked (YunJobView *self)
{
  if (self->job == NULL || self->engine == NULL)
    return;
  if (yun_job_get_kind (self->job) == YUN_JOB_KIND_RESET_PASSWORD)
    ask_password (self);
  else
    retry (self, NULL);
}

typedef struct
{
  char *path;
  char *contents;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_free (data->path);
  g_free (data->contents);
  g_free (data);
}

static void
export_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (!yun_export_save (data->path, data->contents, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_export_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunJobView *self = YUN_JOB_VIEW (source);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    show_error (self, _ ("The results could not be saved"), error);
}

static void
on_export_response (GtkNativeDialog *chooser, int response, YunJobView *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GTask) task = NULL;
  ExportData *data;

  if (response == GTK_RESPONSE_ACCEPT && self->job != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL || g_file_peek_path (file) == NULL)
    return;

  data = g_new0 (ExportData, 1);
  data->path = g_file_get_path (file);
  /* The format follows the name the user chose. */
  if (g_str_has_suffix (data->path, ".json") || g_str_has_suffix (data->path, ".JSON"))
    data->contents = yun_job_to_json (self->job);
  else
    data->contents = yun_job_to_csv (self->job);

  task = g_task_new (self, NULL, on_export_written, NULL);
  g_task_set_source_tag (task, on_export_response);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_worker);
}

static void
on_export_clicked (YunJobView *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) json = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->job == NULL)
    return;

  chooser
    = gtk_file_chooser_native_new (_ ("Export Job Results"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_file_filter_set_name (csv, _ ("CSV"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_set_name (json, _ ("JSON"));
  gtk_file_filter_add_suffix (json, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = g_strdup_printf ("yundesk-job-%" G_GINT64_FORMAT ".csv", yun_job_get_id (self->job));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_copy_request_id_clicked (YunJobView *self)
{
  YunJobItem *item = get_selected_item (self);
  const char *request_id = item != NULL ? yun_job_item_get_request_id (item) : NULL;

  if (request_id == NULL || *request_id == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), request_id);
}

/* ---- The job ---- */

static void
yun_job_view_set_job (YunJobView *self, YunJob *job)
{
  gboolean run_command = yun_job_get_kind (job) == YUN_JOB_KIND_RUN_COMMAND;

  if (!g_set_object (&self->job, job))
    return;
  g_signal_group_set_target (self->job_signals, job);
  gtk_column_view_column_set_visible (self->column_exit_code, run_command);
  gtk_column_view_column_set_visible (self->column_output, run_command);
  gtk_filter_list_model_set_model (self->filter_model, yun_job_get_items (job));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  update_job_state (self);
  update_output (self);
}

/* ---- GObject ---- */

static void
yun_job_view_dispose (GObject *object)
{
  YunJobView *self = YUN_JOB_VIEW (object);

  if (self->job_signals != NULL)
    g_signal_group_set_target (self->job_signals, NULL);
  if (self->item_signals != NULL)
    g_signal_group_set_target (self->item_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_JOB_VIEW);
  g_clear_object (&self->job_signals);
  g_clear_object (&self->item_signals);
  g_clear_object (&self->job);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (yun_job_view_parent_class)->dispose (object);
}

static void
yun_job_view_class_init (YunJobViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_job_view_dispose;

  /**
   * YunJobView::retried:
   * @new_job: the job that retries the failed instances
   *
   * The user retried the failed instances; the view now shows @new_job.
   */
  signals[RETRIED] = g_signal_new ("retried", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, YUN_TYPE_JOB);

  g_type_ensure (YUN_TYPE_JOB_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-job-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YunJobView, window_title);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, export_button);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, copy_request_id_button);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, dry_run_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, succeeded_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, failed_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, other_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, spacer);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, column_view);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, selection);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, filter);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, column_exit_code);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, column_output);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, output_title);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, truncated_label);
  gtk_widget_class_bind_template_child (widget_class, YunJobView, output_view);

  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_request_id_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_item_changed);
  gtk_widget_class_bind_template_callback (widget_class, format_outcome);
  gtk_widget_class_bind_template_callback (widget_class, outcome_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, outcome_is_pending);
  gtk_widget_class_bind_template_callback (widget_class, format_step);
  gtk_widget_class_bind_template_callback (widget_class, format_reason);
  gtk_widget_class_bind_template_callback (widget_class, format_reason_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, format_attempts);
  gtk_widget_class_bind_template_callback (widget_class, format_duration);
  gtk_widget_class_bind_template_callback (widget_class, format_exit_code);
  gtk_widget_class_bind_template_callback (widget_class, format_first_line);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yun_job_view_init (YunJobView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_custom_filter_set_filter_func (self->filter, item_is_visible, self, NULL);

  self->job_signals = g_signal_group_new (YUN_TYPE_JOB);
  g_signal_group_connect_object (self->job_signals, "notify", G_CALLBACK (update_job_state), self,
                                 G_CONNECT_SWAPPED);
  self->item_signals = g_signal_group_new (YUN_TYPE_JOB_ITEM);
  g_signal_group_connect_object (self->item_signals, "notify", G_CALLBACK (update_output), self,
                                 G_CONNECT_SWAPPED);
}

/* ---- Public API ---- */

/**
 * yun_job_view_new:
 * @parent: (nullable): the window it belongs to
 * @engine: (nullable): the engine that retries failed instances
 * @job: the job to show
 *
 * Returns: (transfer none): a window over @job, to present
 */
YunJobView *
yun_job_view_new (GtkWindow *parent, YunJobEngine *engine, YunJob *job)
{
  YunJobView *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (engine == NULL || YUN_IS_JOB_ENGINE (engine), NULL);
  g_return_val_if_fail (YUN_IS_JOB (job), NULL);

  self
    = g_object_new (YUN_TYPE_JOB_VIEW, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  g_set_object (&self->engine, engine);
  yun_job_view_set_job (self, job);
  return self;
}

/**
 * yun_job_view_get_job:
 * @self: a #YunJobView
 *
 * Returns: (transfer none): the job shown, which a retry changes
 */
YunJob *
yun_job_view_get_job (YunJobView *self)
{
  g_return_val_if_fail (YUN_IS_JOB_VIEW (self), NULL);
  return self->job;
}
