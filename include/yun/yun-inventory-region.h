/* yun-inventory-region.h: a region as the inventory sees it: its size and freshness
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INVENTORY_REGION (yun_inventory_region_get_type ())

G_DECLARE_FINAL_TYPE (YunInventoryRegion, yun_inventory_region, YUN, INVENTORY_REGION, GObject)

const char *yun_inventory_region_get_region (YunInventoryRegion *self);
const char *yun_inventory_region_get_name (YunInventoryRegion *self);
guint yun_inventory_region_get_instance_count (YunInventoryRegion *self);
GDateTime *yun_inventory_region_get_synced_at (YunInventoryRegion *self);
gboolean yun_inventory_region_get_stale (YunInventoryRegion *self);
const char *yun_inventory_region_get_error_code (YunInventoryRegion *self);
const char *yun_inventory_region_get_error_message (YunInventoryRegion *self);
gboolean yun_inventory_region_get_syncing (YunInventoryRegion *self);

G_END_DECLS
