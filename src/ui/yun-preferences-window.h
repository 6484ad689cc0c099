/* yun-preferences-window.h: accounts and preferences
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_PREFERENCES_WINDOW (yun_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (
  YunPreferencesWindow, yun_preferences_window, YUN, PREFERENCES_WINDOW, AdwPreferencesWindow)

YunPreferencesWindow *yun_preferences_window_new (GtkWindow *parent,
                                                  GSettings *settings,
                                                  YunSecretStore *secrets,
                                                  GListStore *profiles);

G_END_DECLS
