/* yun-password-dialog.h: a new password for the selected instances
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

#include "yun-workspace.h"

G_BEGIN_DECLS

#define YUN_TYPE_PASSWORD_DIALOG (yun_password_dialog_get_type ())

G_DECLARE_FINAL_TYPE (YunPasswordDialog, yun_password_dialog, YUN, PASSWORD_DIALOG, AdwWindow)

void yun_password_dialog_run_async (GtkWindow *parent,
                                    YunWorkspace *workspace,
                                    GPtrArray *instances,
                                    GSettings *settings,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
YunJobSpec *yun_password_dialog_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
