/* yun-instance-selection.h: the instances shown, as rows that keep their place, and which
 * of them are selected
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE_SELECTION (yun_instance_selection_get_type ())

G_DECLARE_FINAL_TYPE (
  YunInstanceSelection, yun_instance_selection, YUN, INSTANCE_SELECTION, GObject)

YunInstanceSelection *yun_instance_selection_new (GListModel *instances);
GListModel *yun_instance_selection_get_model (YunInstanceSelection *self);
void yun_instance_selection_set_model (YunInstanceSelection *self, GListModel *instances);
void
yun_instance_selection_set_shown_range (YunInstanceSelection *self, guint first, guint n_shown);
guint yun_instance_selection_get_n_selected (YunInstanceSelection *self);
GPtrArray *yun_instance_selection_dup_selected (YunInstanceSelection *self);
gboolean yun_instance_selection_select_id (YunInstanceSelection *self, const char *instance_id);
void yun_instance_selection_set_progressive (YunInstanceSelection *self, gboolean progressive);
void yun_instance_selection_set_screenful (YunInstanceSelection *self, guint n_rows);
void yun_instance_selection_set_n_fitting (YunInstanceSelection *self, guint n_rows);
void yun_instance_selection_postpone (YunInstanceSelection *self);
gboolean yun_instance_selection_get_catching_up (YunInstanceSelection *self);
gboolean yun_instance_selection_catch_up (YunInstanceSelection *self);

G_END_DECLS
