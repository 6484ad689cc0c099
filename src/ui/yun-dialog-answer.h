/* yun-dialog-answer.h: a dialog's answer, a job specification, handed over as a GTask
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>
#include <yun/yun.h>

G_BEGIN_DECLS

typedef struct _YunDialogAnswer YunDialogAnswer;

YunDialogAnswer *yun_dialog_answer_new (gpointer source_tag,
                                        const char *cancelled_message,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void yun_dialog_answer_close_on_cancel (YunDialogAnswer *self, GtkWindow *dialog);
void yun_dialog_answer_return (YunDialogAnswer **self_ptr, YunJobSpec *spec);
YunJobSpec *yun_dialog_answer_finish (GAsyncResult *result, gpointer source_tag, GError **error);

G_END_DECLS
