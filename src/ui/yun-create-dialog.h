/* yun-create-dialog.h: what instances to create, and where
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

#include "yun-workspace.h"

G_BEGIN_DECLS

#define YUN_TYPE_CREATE_DIALOG (yun_create_dialog_get_type ())

G_DECLARE_FINAL_TYPE (YunCreateDialog, yun_create_dialog, YUN, CREATE_DIALOG, AdwWindow)

void yun_create_dialog_run_async (GtkWindow *parent,
                                  YunWorkspace *workspace,
                                  GSettings *settings,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
YunJobSpec *yun_create_dialog_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
