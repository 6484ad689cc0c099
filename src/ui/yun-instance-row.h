/* yun-instance-row.h: a row of the instance list, showing one instance after another
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE_ROW (yun_instance_row_get_type ())

G_DECLARE_FINAL_TYPE (YunInstanceRow, yun_instance_row, YUN, INSTANCE_ROW, GObject)

YunInstanceRow *yun_instance_row_new (YunInstance *instance);
YunInstance *yun_instance_row_get_instance (YunInstanceRow *self);
void yun_instance_row_set_instance (YunInstanceRow *self, YunInstance *instance);

G_END_DECLS
