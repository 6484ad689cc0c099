/* yun-window.h: the main window: regions, instances, actions, jobs
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "yun-instance-view.h"
#include "yun-workspace.h"

G_BEGIN_DECLS

#define YUN_TYPE_WINDOW (yun_window_get_type ())

G_DECLARE_FINAL_TYPE (YunWindow, yun_window, YUN, WINDOW, AdwApplicationWindow)

YunWindow *yun_window_new (GtkApplication *application, GSettings *settings);
YunWorkspace *yun_window_get_workspace (YunWindow *self);
void yun_window_set_workspace (YunWindow *self, YunWorkspace *workspace);
void yun_window_set_accounts (YunWindow *self, GListModel *profiles);
YunInstanceView *yun_window_get_instance_view (YunWindow *self);
void yun_window_add_toast (YunWindow *self, AdwToast *toast);
void yun_window_show_error (YunWindow *self, const char *heading, const GError *error);

G_END_DECLS
