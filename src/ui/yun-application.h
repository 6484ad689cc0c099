/* yun-application.h: YunDesk, the application
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "yun-window.h"

G_BEGIN_DECLS

#define YUN_TYPE_APPLICATION (yun_application_get_type ())

G_DECLARE_FINAL_TYPE (YunApplication, yun_application, YUN, APPLICATION, AdwApplication)

void yun_application_choose_renderer (void);
YunApplication *yun_application_new (void);
GSettings *yun_application_get_settings (YunApplication *self);
YunWindow *yun_application_get_main_window (YunApplication *self);
void yun_application_open_demo (YunApplication *self);
GListModel *yun_application_get_profiles (YunApplication *self);

G_END_DECLS
