/* yun-window-private.h: what the window's actions share with the window
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-jobs-panel.h"
#include "yun-sidebar.h"
#include "yun-window.h"

G_BEGIN_DECLS

struct _YunWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwLeaflet *leaflet;
  YunSidebar *sidebar;
  AdwWindowTitle *window_title;
  GtkMenuButton *account_button;
  GtkMenuButton *welcome_menu_button;
  GtkMenuButton *main_menu_button;
  GMenuModel *primary_menu;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkDropDown *state_dropdown;
  AdwTabView *tab_view;
  AdwTabPage *instances_page;
  YunInstanceView *instance_view;
  GtkRevealer *jobs_revealer;
  GtkBox *jobs_area;
  GtkInscription *status_label;
  GtkProgressBar *sync_progress;
  GtkLabel *demo_label;
  GtkLabel *read_only_label;
  GtkButton *start_button;
  GtkButton *stop_button;
  GtkButton *reboot_button;
  GtkButton *run_command_button;
  GtkButton *reset_password_button;
  GtkButton *terminate_button;

  /* Owned */
  YunJobsPanel *jobs_panel;
  GSettings *settings;
  YunWorkspace *workspace;
  GListModel *profiles;
  GCancellable *cancellable;
  /* Instance IDs marked protected (no terminate, no password reset). */
  GHashTable *protected_ids;
  /* The frame that shows an account's cached list has yet to be drawn; its sync waits. */
  gboolean first_sync_waits;
};

void _yun_window_class_install_actions (GtkWidgetClass *widget_class);
void _yun_window_update_actions (YunWindow *self);
void _yun_window_reload_protected (YunWindow *self);
void _yun_window_reload_remembered (YunWindow *self);
void _yun_window_refresh (YunWindow *self);
YunJob *_yun_window_submit (YunWindow *self, YunJobSpec *spec);
void _yun_window_follow_job (YunWindow *self, YunJob *job);

G_END_DECLS
