/* yun-command-dialog.h: what to run on the selected instances, and how
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

#include "yun-workspace.h"

G_BEGIN_DECLS

#define YUN_TYPE_COMMAND_DIALOG (yun_command_dialog_get_type ())

G_DECLARE_FINAL_TYPE (YunCommandDialog, yun_command_dialog, YUN, COMMAND_DIALOG, AdwWindow)

void yun_command_dialog_run_async (GtkWindow *parent,
                                   YunWorkspace *workspace,
                                   GPtrArray *instances,
                                   GSettings *settings,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
YunJobSpec *yun_command_dialog_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
