/* yun-dialog-answer.c: a dialog's answer, a job specification, handed over as a GTask
 *
 * SPDX-License-Identifier: MIT
 *
 * The run-command, reset-password and create dialogs each answer once: with a job
 * specification, or cancelled when the user closes them or the caller cancels. This is
 * that contract, written once.
 */

#define G_LOG_DOMAIN "yun-dialog-answer"

#include "config.h"

#include "yun-dialog-answer.h"

struct _YunDialogAnswer
{
  GTask *task;
  char *cancelled_message;
  gulong cancelled_id;
};

/**
 * yun_dialog_answer_new:
 * @source_tag: the dialog's run_async function
 * @cancelled_message: the error message when no answer comes, translated
 * @cancellable: (nullable): closes the dialog when cancelled
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Returns: (transfer full) (nullable): the pending answer, or %NULL when @cancellable is
 *   cancelled already (@callback then gets %G_IO_ERROR_CANCELLED, and there is no dialog
 *   to show)
 */
YunDialogAnswer *
yun_dialog_answer_new (gpointer source_tag,
                       const char *cancelled_message,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  YunDialogAnswer *self;

  g_task_set_source_tag (task, source_tag);
  if (g_task_return_error_if_cancelled (task))
    return NULL;
  self = g_new0 (YunDialogAnswer, 1);
  self->task = g_steal_pointer (&task);
  self->cancelled_message = g_strdup (cancelled_message);
  return self;
}

static gboolean
close_dialog (gpointer dialog)
{
  gtk_window_close (GTK_WINDOW (dialog));
  return G_SOURCE_REMOVE;
}

/* May run on any thread, and must not disconnect itself: the window closes from an idle,
 * and its close answers "cancelled". */
static void
on_cancelled (GCancellable *cancellable, GtkWindow *dialog)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, close_dialog, g_object_ref (dialog), g_object_unref);
}

/**
 * yun_dialog_answer_close_on_cancel:
 * @self: a pending answer
 * @dialog: the dialog that owns @self, and answers before it is finalized
 *
 * Closes @dialog when the answer's cancellable is cancelled.
 */
void
yun_dialog_answer_close_on_cancel (YunDialogAnswer *self, GtkWindow *dialog)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (cancellable != NULL)
    self->cancelled_id
      = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), dialog, NULL);
}

/**
 * yun_dialog_answer_return:
 * @self_ptr: where the pending answer is kept; cleared
 * @spec: (transfer full) (nullable): the answer, or %NULL for cancelled
 *
 * Answers once: later calls, with *@self_ptr %NULL, do nothing.
 */
void
yun_dialog_answer_return (YunDialogAnswer **self_ptr, YunJobSpec *spec)
{
  YunDialogAnswer *self = g_steal_pointer (self_ptr);

  if (self == NULL)
    {
      g_clear_pointer (&spec, yun_job_spec_unref);
      return;
    }
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (self->task), self->cancelled_id);
  if (spec != NULL)
    g_task_return_pointer (self->task, spec, (GDestroyNotify) yun_job_spec_unref);
  else
    g_task_return_new_error (self->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             self->cancelled_message);
  g_object_unref (self->task);
  g_free (self->cancelled_message);
  g_free (self);
}

/**
 * yun_dialog_answer_finish:
 * @result: the result given to the callback
 * @source_tag: the dialog's run_async function
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the job specification, or %NULL with %G_IO_ERROR_CANCELLED
 */
YunJobSpec *
yun_dialog_answer_finish (GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
