/* yun-instance-view.h: the instance list: columns, sorting, filtering, multi-selection
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

#include "yun-instance-cell.h"

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE_VIEW (yun_instance_view_get_type ())

G_DECLARE_FINAL_TYPE (YunInstanceView, yun_instance_view, YUN, INSTANCE_VIEW, AdwBin)

void yun_instance_view_set_model (YunInstanceView *self, GListModel *instances);
const char *yun_instance_view_get_region (YunInstanceView *self);
void yun_instance_view_set_region (YunInstanceView *self, const char *region);
const char *yun_instance_view_get_state_filter (YunInstanceView *self);
void yun_instance_view_set_state_filter (YunInstanceView *self, const char *state);
const char *yun_instance_view_get_search_text (YunInstanceView *self);
void yun_instance_view_set_search_text (YunInstanceView *self, const char *text);
void yun_instance_view_set_settings (YunInstanceView *self, GSettings *settings);

guint yun_instance_view_get_n_visible (YunInstanceView *self);
GListModel *yun_instance_view_get_instances (YunInstanceView *self);
guint yun_instance_view_get_n_selected (YunInstanceView *self);
GPtrArray *yun_instance_view_dup_selected (YunInstanceView *self);
void yun_instance_view_select_all (YunInstanceView *self);
void yun_instance_view_unselect_all (YunInstanceView *self);
gboolean yun_instance_view_select_id (YunInstanceView *self, const char *instance_id);
GtkColumnView *yun_instance_view_get_column_view (YunInstanceView *self);
void yun_instance_view_set_remembered_passwords (YunInstanceView *self,
                                                 const char *const *instance_ids);
gboolean yun_instance_view_get_password_shown (YunInstanceView *self, const char *instance_id);
void yun_instance_view_show_password (YunInstanceView *self,
                                      const char *instance_id,
                                      const char *password);

G_END_DECLS
