/* yun-command-dialog.c: what to run on the selected instances, and how
 *
 * SPDX-License-Identifier: MIT
 *
 * A modal window that asks for a script and its options, and answers with a run-command
 * YunJobSpec through an _async/_finish pair, or G_IO_ERROR_CANCELLED. The script is checked
 * as it is typed by the core itself (yun_job_spec_set_command() on a scratch spec), so the
 * dialog and the engine never disagree on what is valid; the core's error shows inline.
 */

#define G_LOG_DOMAIN "yun-command-dialog"

#include "config.h"

#include "yun-command-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "yun-dialog-answer.h"

/* How many recent commands the menu offers. */
#define RECENT_LIMIT 10
/* How much of a script's first line names it in the menu. */
#define RECENT_LABEL_CHARS 48

struct _YunCommandDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *run_button;
  GtkButton *preview_button;
  GtkMenuButton *recent_button;
  GtkTextView *editor;
  GtkLabel *error_label;
  GtkLabel *size_label;
  AdwActionRow *selection_row;
  AdwActionRow *skipped_row;
  GtkLabel *skipped_label;
  AdwPreferencesGroup *linux_group;
  AdwEntryRow *linux_user_row;
  AdwEntryRow *linux_directory_row;
  AdwPreferencesGroup *windows_group;
  AdwEntryRow *windows_user_row;
  AdwEntryRow *windows_directory_row;
  GtkSpinButton *timeout_spin;
  AdwEntryRow *name_row;
  GtkSwitch *secret_switch;

  /* Owned */
  YunWorkspace *workspace;
  GSettings *settings;
  GPtrArray *instances;    /* YunInstance */
  GPtrArray *recent;       /* YunJobSpec */
  YunDialogAnswer *answer; /* until answered */
  GCancellable *load_cancellable;
  gboolean valid;
};

G_DEFINE_FINAL_TYPE (YunCommandDialog, yun_command_dialog, ADW_TYPE_WINDOW)

/* ---- Validation ---- */

static GBytes *
dup_content (YunCommandDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  return g_bytes_new_take (text, strlen (text));
}

static void
update_sensitivity (YunCommandDialog *self)
{
  gboolean enabled = self->valid && self->instances->len > 0 && self->answer != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preview_button), enabled);
}

/* Checks @content as the engine will, and shows its size and any error. */
static void
validate (YunCommandDialog *self, GBytes *content)
{
  g_autoptr (YunJobSpec) scratch = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (GError) error = NULL;
  gsize length = g_bytes_get_size (content);
  gsize encoded = (length + 2) / 3 * 4;
  g_autofree char *size = NULL;

  /* Translators: the script's size once in base64, against TAT's limit, in bytes */
  size = g_strdup_printf (_ ("%u of %u bytes in base64"), (guint) MIN (encoded, G_MAXUINT),
                          YUN_TAT_MAX_CONTENT_BASE64);
  gtk_label_set_label (self->size_label, size);
  if (encoded > YUN_TAT_MAX_CONTENT_BASE64)
    gtk_widget_set_css_classes (GTK_WIDGET (self->size_label),
                                (const char *[]){ "caption", "numeric", "error", NULL });
  else
    gtk_widget_set_css_classes (GTK_WIDGET (self->size_label),
                                (const char *[]){ "caption", "numeric", "dim-label", NULL });

  self->valid = yun_job_spec_set_command (scratch, content, 0, &error);
  /* An empty editor is not an error to point at: only Run waits for it. */
  gtk_label_set_label (self->error_label, self->valid || length == 0 ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !self->valid && length > 0);
  update_sensitivity (self);
}

static void
on_editor_changed (YunCommandDialog *self)
{
  g_autoptr (GBytes) content = dup_content (self);

  validate (self, content);
}

/* ---- Open File… ---- */

static void
on_file_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCommandDialog) self = user_data;
  g_autoptr (YunJobSpec) scratch = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) content = NULL;
  char *data = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
        }
      return;
    }
  content = g_bytes_new_take (data, length);
  /* A file the core refuses stays out of the editor, which holds only valid text. */
  if (!yun_job_spec_set_command (scratch, content, 0, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      /* Translators: %s is a file name, then the reason it cannot be run */
      g_autofree char *text = g_strdup_printf (_ ("%s cannot be run: %s"), name, error->message);

      gtk_label_set_label (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->editor), data, (int) length);
}

static void
on_open_response (GtkNativeDialog *chooser, int response, YunCommandDialog *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_file_load_contents_async (file, self->load_cancellable, on_file_loaded, g_object_ref (self));
}

static void
on_open_clicked (YunCommandDialog *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    _ ("Open Script"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Recent commands ---- */

static char *
recent_label (YunJobSpec *spec)
{
  const char *name = yun_job_spec_get_command_name (spec);
  GBytes *content = yun_job_spec_get_command (spec);
  g_autofree char *text = NULL;
  g_autoptr (GString) label = NULL;
  const char *line;
  const char *end;

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  if (content == NULL)
    return g_strdup (_ ("(empty)"));
  text = g_utf8_make_valid (g_bytes_get_data (content, NULL), (gssize) g_bytes_get_size (content));
  line = text;
  while (*line == '\n' || *line == ' ' || *line == '\t')
    line++;
  end = strchr (line, '\n');
  label = g_string_new_len (line, end != NULL ? end - line : (gssize) strlen (line));
  if (g_utf8_strlen (label->str, -1) > RECENT_LABEL_CHARS)
    {
      g_string_truncate (
        label, (gsize) (g_utf8_offset_to_pointer (label->str, RECENT_LABEL_CHARS) - label->str));
      g_string_append (label, "…");
    }
  return g_string_free (g_steal_pointer (&label), FALSE);
}

static void
use_recent (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunCommandDialog *self = YUN_COMMAND_DIALOG (widget);
  guint index = g_variant_get_uint32 (parameter);
  YunJobSpec *spec;
  GBytes *content;
  const char *name;

  if (self->recent == NULL || index >= self->recent->len)
    return;
  spec = g_ptr_array_index (self->recent, index);
  content = yun_job_spec_get_command (spec);
  name = yun_job_spec_get_command_name (spec);
  if (content != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->editor),
                              g_bytes_get_data (content, NULL), (int) g_bytes_get_size (content));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

static void
load_recent (YunCommandDialog *self)
{
  YunJobEngine *engine = yun_workspace_get_job_engine (self->workspace);
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->recent, g_ptr_array_unref);
  if (engine != NULL)
    self->recent = yun_job_engine_dup_recent_commands (engine, RECENT_LIMIT, &error);
  if (error != NULL)
    g_warning ("The recent commands could not be read: %s", error->message);
  for (guint i = 0; self->recent != NULL && i < self->recent->len; i++)
    {
      g_autofree char *label = recent_label (g_ptr_array_index (self->recent, i));
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "dialog.use-recent", g_variant_new_uint32 (i));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button),
                            self->recent != NULL && self->recent->len > 0);
}

/* ---- The selection ---- */

static void
describe_instances (YunCommandDialog *self)
{
  guint n_linux = 0, n_windows = 0, n_not_running = 0;
  g_autofree char *counts = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *not_running = NULL;

  for (guint i = 0; i < self->instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (self->instances, i);

      if (yun_instance_is_windows (instance))
        n_windows++;
      else
        n_linux++;
      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") != 0)
        n_not_running++;
    }

  /* Translators: how many of the selected instances run Linux and Windows */
  counts = g_strdup_printf (_ ("%u Linux, %u Windows"), n_linux, n_windows);
  adw_action_row_set_subtitle (self->selection_row, counts);
  subtitle = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "On %u instance", "On %u instances", self->instances->len),
    self->instances->len);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  not_running = g_strdup_printf ("%u", n_not_running);
  gtk_label_set_label (self->skipped_label, not_running);
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_row), n_not_running > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->linux_group), n_linux > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->windows_group), n_windows > 0);
}

/* ---- Answering ---- */

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static YunJobSpec *
build_spec (YunCommandDialog *self, gboolean dry_run)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (GBytes) content = dup_content (self);
  g_autoptr (GError) error = NULL;
  guint timeout = (guint) gtk_spin_button_get_value_as_int (self->timeout_spin);
  g_autofree char *name = g_strstrip (g_strdup (entry_text (self->name_row)));

  if (!yun_job_spec_set_command (spec, content, timeout, &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return NULL;
    }
  if (*name != '\0')
    yun_job_spec_set_command_name (spec, name);
  yun_job_spec_set_command_secret (spec, gtk_switch_get_active (self->secret_switch));
  yun_job_spec_set_command_os_options (spec, YUN_OS_FAMILY_LINUX, entry_text (self->linux_user_row),
                                       entry_text (self->linux_directory_row));
  yun_job_spec_set_command_os_options (spec, YUN_OS_FAMILY_WINDOWS,
                                       entry_text (self->windows_user_row),
                                       entry_text (self->windows_directory_row));
  yun_job_spec_set_dry_run (spec, dry_run);
  for (guint i = 0; i < self->instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (self->instances, i);

      yun_job_spec_add_instance (spec, yun_instance_get_instance_id (instance),
                                 yun_instance_get_region (instance));
    }
  return g_steal_pointer (&spec);
}

static void
remember_settings (YunCommandDialog *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->linux_group)))
    {
      g_settings_set_string (self->settings, "linux-command-user",
                             entry_text (self->linux_user_row));
      g_settings_set_string (self->settings, "linux-command-directory",
                             entry_text (self->linux_directory_row));
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->windows_group)))
    {
      g_settings_set_string (self->settings, "windows-command-user",
                             entry_text (self->windows_user_row));
      g_settings_set_string (self->settings, "windows-command-directory",
                             entry_text (self->windows_directory_row));
    }
  g_settings_set_uint (self->settings, "command-timeout",
                       (guint) gtk_spin_button_get_value_as_int (self->timeout_spin));
}

static void
answer (YunCommandDialog *self, gboolean dry_run)
{
  YunJobSpec *spec = build_spec (self, dry_run);

  if (spec == NULL)
    return;
  if (!dry_run)
    remember_settings (self);
  /* The caller's callback may run at once and drop its reference to the dialog. */
  g_object_ref (self);
  gtk_window_destroy (GTK_WINDOW (self));
  yun_dialog_answer_return (&self->answer, spec);
  g_object_unref (self);
}

static void
on_run_clicked (YunCommandDialog *self)
{
  answer (self, FALSE);
}

static void
on_preview_clicked (YunCommandDialog *self)
{
  answer (self, TRUE);
}

static gboolean
yun_command_dialog_close_request (GtkWindow *window)
{
  YunCommandDialog *self = YUN_COMMAND_DIALOG (window);

  yun_dialog_answer_return (&self->answer, NULL);
  return GTK_WINDOW_CLASS (yun_command_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
yun_command_dialog_dispose (GObject *object)
{
  YunCommandDialog *self = YUN_COMMAND_DIALOG (object);

  yun_dialog_answer_return (&self->answer, NULL);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_COMMAND_DIALOG);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->instances, g_ptr_array_unref);
  g_clear_pointer (&self->recent, g_ptr_array_unref);

  G_OBJECT_CLASS (yun_command_dialog_parent_class)->dispose (object);
}

static void
yun_command_dialog_class_init (YunCommandDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = yun_command_dialog_dispose;
  window_class->close_request = yun_command_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-command-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, preview_button);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, recent_button);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, editor);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, size_label);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, selection_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, skipped_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, linux_group);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, linux_user_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, linux_directory_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, windows_group);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, windows_user_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, windows_directory_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, YunCommandDialog, secret_switch);

  gtk_widget_class_bind_template_callback (widget_class, on_run_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);

  gtk_widget_class_install_action (widget_class, "dialog.use-recent", "u", use_recent);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yun_command_dialog_init (YunCommandDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->editor), "changed",
                           G_CALLBACK (on_editor_changed), self, G_CONNECT_SWAPPED);
}

/* ---- Public API ---- */

/**
 * yun_command_dialog_run_async:
 * @parent: (nullable): the window the dialog is modal for
 * @workspace: the account: its job engine gives the recent commands
 * @instances: (element-type YunInstance): the instances to run the command on
 * @settings: the application's settings, for the per-OS defaults and the timeout
 * @cancellable: (nullable): closes the dialog when cancelled
 * @callback: called when the user ran, previewed or cancelled
 * @user_data: for @callback
 *
 * Asks what to run on @instances. Run remembers the user, directory and timeout in
 * @settings; Preview asks for a dry run.
 */
void
yun_command_dialog_run_async (GtkWindow *parent,
                              YunWorkspace *workspace,
                              GPtrArray *instances,
                              GSettings *settings,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  YunCommandDialog *self;
  YunDialogAnswer *pending;
  g_autofree char *linux_user = NULL;
  g_autofree char *linux_directory = NULL;
  g_autofree char *windows_user = NULL;
  g_autofree char *windows_directory = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (YUN_IS_WORKSPACE (workspace));
  g_return_if_fail (instances != NULL);
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pending = yun_dialog_answer_new (yun_command_dialog_run_async, _ ("The command was not run"),
                                   cancellable, callback, user_data);
  if (pending == NULL)
    return;

  self = g_object_new (YUN_TYPE_COMMAND_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->settings = g_object_ref (settings);
  self->instances = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < instances->len; i++)
    g_ptr_array_add (self->instances, g_object_ref (g_ptr_array_index (instances, i)));
  self->answer = pending;
  yun_dialog_answer_close_on_cancel (pending, GTK_WINDOW (self));

  linux_user = g_settings_get_string (settings, "linux-command-user");
  linux_directory = g_settings_get_string (settings, "linux-command-directory");
  windows_user = g_settings_get_string (settings, "windows-command-user");
  windows_directory = g_settings_get_string (settings, "windows-command-directory");
  gtk_editable_set_text (GTK_EDITABLE (self->linux_user_row), linux_user);
  gtk_editable_set_text (GTK_EDITABLE (self->linux_directory_row), linux_directory);
  gtk_editable_set_text (GTK_EDITABLE (self->windows_user_row), windows_user);
  gtk_editable_set_text (GTK_EDITABLE (self->windows_directory_row), windows_directory);
  gtk_spin_button_set_value (self->timeout_spin, g_settings_get_uint (settings, "command-timeout"));

  describe_instances (self);
  load_recent (self);
  on_editor_changed (self);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->editor));
}

/**
 * yun_command_dialog_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the run-command specification, dry run for Preview, or %NULL
 *   with %G_IO_ERROR_CANCELLED when the user closed the dialog
 */
YunJobSpec *
yun_command_dialog_run_finish (GAsyncResult *result, GError **error)
{
  return yun_dialog_answer_finish (result, yun_command_dialog_run_async, error);
}
