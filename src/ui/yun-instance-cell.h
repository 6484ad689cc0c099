/* yun-instance-cell.h: the cells of the instance list, built in code
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>
#include <yun/yun.h>

G_BEGIN_DECLS

typedef enum
{
  YUN_INSTANCE_CELL_NAME,
  YUN_INSTANCE_CELL_INSTANCE_ID,
  YUN_INSTANCE_CELL_STATE,
  YUN_INSTANCE_CELL_ZONE,
  YUN_INSTANCE_CELL_TYPE,
  YUN_INSTANCE_CELL_CPU,
  YUN_INSTANCE_CELL_MEMORY,
  YUN_INSTANCE_CELL_OS,
  YUN_INSTANCE_CELL_PUBLIC_IP,
  YUN_INSTANCE_CELL_PRIVATE_IP,
  YUN_INSTANCE_CELL_CHARGE_TYPE,
  YUN_INSTANCE_CELL_CREATED,
} YunInstanceCell;

GtkListItemFactory *yun_instance_cell_factory_new (YunInstanceCell cell);

const char *yun_instance_state_get_label (const char *state);

G_END_DECLS
