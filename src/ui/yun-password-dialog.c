/* yun-password-dialog.c: a new password for the selected instances
 *
 * SPDX-License-Identifier: MIT
 *
 * A modal window that asks for a new password (twice) and the account it is for, and
 * answers with a reset-password YunJobSpec through an _async/_finish pair, or
 * G_IO_ERROR_CANCELLED. The password is checked as it is typed by the core itself
 * (yun_password_check()), against the rules of the OS of the selection: the strictest one
 * when it mixes Linux and Windows. The password lives only in the entries and the spec: it
 * is never written to the settings nor logged, and the entries are emptied on close.
 */

#define G_LOG_DOMAIN "yun-password-dialog"

#include "config.h"

#include "yun-password-dialog.h"

#include <glib/gi18n.h>

#include "yun-dialog-answer.h"

struct _YunPasswordDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *reset_button;
  GtkButton *preview_button;
  GtkWidget *running_box;
  GtkLabel *running_label;
  AdwActionRow *selection_row;
  GtkLabel *count_label;
  AdwEntryRow *user_row;
  AdwActionRow *mixed_user_row;
  AdwPreferencesGroup *password_group;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLabel *rule_label;
  GtkLabel *mismatch_label;
  GtkSwitch *remember_switch;

  /* Owned */
  YunWorkspace *workspace;
  GSettings *settings;
  GPtrArray *instances;    /* YunInstance */
  YunDialogAnswer *answer; /* until answered */

  YunOsFamily os_family; /* of the whole selection; unknown when it mixes */
  gboolean valid;
};

G_DEFINE_FINAL_TYPE (YunPasswordDialog, yun_password_dialog, ADW_TYPE_WINDOW)

static const char *
entry_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The account to reset, or %NULL for each image's default (a mixed selection, or an empty
 * entry). Free with g_free(). */
static char *
dup_username (YunPasswordDialog *self)
{
  g_autofree char *username = NULL;

  if (self->os_family == YUN_OS_FAMILY_UNKNOWN)
    return NULL;
  username = g_strstrip (g_strdup (entry_text (self->user_row)));
  return *username != '\0' ? g_steal_pointer (&username) : NULL;
}

/* ---- Validation ---- */

static void
update_sensitivity (YunPasswordDialog *self)
{
  gboolean enabled = self->valid && self->instances->len > 0 && self->answer != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preview_button), enabled);
}

static void
set_rule_label (YunPasswordDialog *self, const char *text, const char *style)
{
  const char *classes[] = { style, NULL };

  gtk_label_set_label (self->rule_label, text != NULL ? text : "");
  gtk_widget_set_css_classes (GTK_WIDGET (self->rule_label), classes);
  gtk_widget_set_visible (GTK_WIDGET (self->rule_label), text != NULL);
}

/* Checks the password as the engine will, and shows the first rule it breaks. */
static void
validate (YunPasswordDialog *self)
{
  const char *password = entry_text (self->password_row);
  const char *confirm = entry_text (self->confirm_row);
  g_autofree char *username = dup_username (self);
  g_autoptr (GError) error = NULL;
  gboolean passes, matches;

  passes
    = yun_password_check (password, self->os_family, YUN_PASSWORD_CONTEXT_RESET, username, &error);
  matches = g_strcmp0 (password, confirm) == 0;

  /* An empty entry is not an error to point at: only Reset waits for it. */
  if (*password == '\0')
    set_rule_label (self, NULL, NULL);
  else if (passes)
    set_rule_label (self, _ ("Meets the rules"), "success");
  else
    set_rule_label (self, error->message, "error");

  gtk_widget_set_visible (GTK_WIDGET (self->mismatch_label), *confirm != '\0' && !matches);
  if (*confirm != '\0' && !matches)
    gtk_widget_add_css_class (GTK_WIDGET (self->confirm_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_row), "error");

  self->valid = passes && matches;
  update_sensitivity (self);
}

/* ---- The selection ---- */

static void
describe_instances (YunPasswordDialog *self)
{
  guint n_linux = 0, n_windows = 0, n_running = 0;
  guint n = self->instances->len;
  g_autofree char *counts = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *total = NULL;
  const char *rules;

  for (guint i = 0; i < n; i++)
    {
      YunInstance *instance = g_ptr_array_index (self->instances, i);

      if (yun_instance_is_windows (instance))
        n_windows++;
      else
        n_linux++;
      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0)
        n_running++;
    }

  if (n_windows == 0)
    self->os_family = YUN_OS_FAMILY_LINUX;
  else if (n_linux == 0)
    self->os_family = YUN_OS_FAMILY_WINDOWS;
  else
    self->os_family = YUN_OS_FAMILY_UNKNOWN;

  /* Translators: how many of the selected instances run Linux and Windows */
  counts = g_strdup_printf (_ ("%u Linux, %u Windows"), n_linux, n_windows);
  adw_action_row_set_subtitle (self->selection_row, counts);
  total = g_strdup_printf ("%u", n);
  gtk_label_set_label (self->count_label, total);
  subtitle
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "On %u instance", "On %u instances", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  switch (self->os_family)
    {
    case YUN_OS_FAMILY_LINUX:
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), "root");
      rules = _ ("Checked against the rules for Linux");
      break;
    case YUN_OS_FAMILY_WINDOWS:
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), "Administrator");
      rules = _ ("Checked against the rules for Windows");
      break;
    case YUN_OS_FAMILY_UNKNOWN:
    default:
      rules = _ ("Checked against the strictest rules, as the selection mixes Linux and Windows");
      break;
    }
  adw_preferences_group_set_description (self->password_group, rules);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), self->os_family != YUN_OS_FAMILY_UNKNOWN);
  gtk_widget_set_visible (GTK_WIDGET (self->mixed_user_row),
                          self->os_family == YUN_OS_FAMILY_UNKNOWN);

  if (n_running > 0)
    {
      g_autofree char *warning = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "%u running instance will be forced off, get the new password, and start "
                     "again",
                     "%u running instances will be forced off, get the new password, and start "
                     "again",
                     n_running),
        n_running);

      gtk_label_set_label (self->running_label, warning);
    }
  gtk_widget_set_visible (self->running_box, n_running > 0);
}

/* ---- Answering ---- */

/* Empties the entries: the password stays nowhere once the dialog is answered. */
static void
clear_passwords (YunPasswordDialog *self)
{
  if (self->password_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (self->confirm_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
}

static YunJobSpec *
build_spec (YunPasswordDialog *self, gboolean dry_run)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_RESET_PASSWORD);
  g_autofree char *username = dup_username (self);

  yun_job_spec_set_password (spec, entry_text (self->password_row), username);
  yun_job_spec_set_remember_password (spec, gtk_switch_get_active (self->remember_switch));
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
answer (YunPasswordDialog *self, gboolean dry_run)
{
  YunJobSpec *spec;

  validate (self);
  if (!self->valid || self->answer == NULL)
    return;
  spec = build_spec (self, dry_run);
  clear_passwords (self);
  /* The caller's callback may run at once and drop its reference to the dialog. */
  g_object_ref (self);
  gtk_window_destroy (GTK_WINDOW (self));
  yun_dialog_answer_return (&self->answer, spec);
  g_object_unref (self);
}

static void
on_reset_clicked (YunPasswordDialog *self)
{
  answer (self, FALSE);
}

static void
on_preview_clicked (YunPasswordDialog *self)
{
  answer (self, TRUE);
}

/* Enter in the confirmation answers, as the default button would. */
static void
on_confirm_entry_activated (YunPasswordDialog *self)
{
  if (self->valid)
    answer (self, FALSE);
}

static gboolean
yun_password_dialog_close_request (GtkWindow *window)
{
  YunPasswordDialog *self = YUN_PASSWORD_DIALOG (window);

  yun_dialog_answer_return (&self->answer, NULL);
  clear_passwords (self);
  return GTK_WINDOW_CLASS (yun_password_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
yun_password_dialog_dispose (GObject *object)
{
  YunPasswordDialog *self = YUN_PASSWORD_DIALOG (object);

  yun_dialog_answer_return (&self->answer, NULL);
  clear_passwords (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_PASSWORD_DIALOG);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->instances, g_ptr_array_unref);

  G_OBJECT_CLASS (yun_password_dialog_parent_class)->dispose (object);
}

static void
yun_password_dialog_class_init (YunPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = yun_password_dialog_dispose;
  window_class->close_request = yun_password_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, reset_button);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, preview_button);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, running_box);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, running_label);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, selection_row);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, count_label);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, mixed_user_row);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, password_group);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, rule_label);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, mismatch_label);
  gtk_widget_class_bind_template_child (widget_class, YunPasswordDialog, remember_switch);

  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yun_password_dialog_init (YunPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->os_family = YUN_OS_FAMILY_UNKNOWN;
  g_signal_connect_object (self->password_row, "changed", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->confirm_row, "changed", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  /* The user name is part of the rules: a password may not contain it. */
  g_signal_connect_object (self->user_row, "changed", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->confirm_row, "entry-activated",
                           G_CALLBACK (on_confirm_entry_activated), self, G_CONNECT_SWAPPED);
}

/* ---- Public API ---- */

/**
 * yun_password_dialog_run_async:
 * @parent: (nullable): the window the dialog is modal for
 * @workspace: the account
 * @instances: (element-type YunInstance): the instances whose password to reset
 * @settings: the application's settings (the password is never written there)
 * @cancellable: (nullable): closes the dialog when cancelled
 * @callback: called when the user reset, previewed or cancelled
 * @user_data: for @callback
 *
 * Asks for a new password for @instances. Reset answers with a reset-password job
 * specification; Preview with the same as a dry run.
 */
void
yun_password_dialog_run_async (GtkWindow *parent,
                               YunWorkspace *workspace,
                               GPtrArray *instances,
                               GSettings *settings,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  YunPasswordDialog *self;
  YunDialogAnswer *pending;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (YUN_IS_WORKSPACE (workspace));
  g_return_if_fail (instances != NULL);
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pending = yun_dialog_answer_new (yun_password_dialog_run_async, _ ("The password was not reset"),
                                   cancellable, callback, user_data);
  if (pending == NULL)
    return;

  self = g_object_new (YUN_TYPE_PASSWORD_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->settings = g_object_ref (settings);
  self->instances = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < instances->len; i++)
    g_ptr_array_add (self->instances, g_object_ref (g_ptr_array_index (instances, i)));
  self->answer = pending;
  yun_dialog_answer_close_on_cancel (pending, GTK_WINDOW (self));

  describe_instances (self);
  validate (self);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/**
 * yun_password_dialog_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the reset-password specification, dry run for Preview, or %NULL
 *   with %G_IO_ERROR_CANCELLED when the user closed the dialog
 */
YunJobSpec *
yun_password_dialog_run_finish (GAsyncResult *result, GError **error)
{
  return yun_dialog_answer_finish (result, yun_password_dialog_run_async, error);
}
