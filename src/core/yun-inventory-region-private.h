/* yun-inventory-region-private.h: how the inventory updates its regions
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-cache-private.h"

G_BEGIN_DECLS

YunInventoryRegion *_yun_inventory_region_new (const char *region);
void _yun_inventory_region_set_name (YunInventoryRegion *self, const char *name);
void _yun_inventory_region_set_instance_count (YunInventoryRegion *self, guint count);
void _yun_inventory_region_set_synced (YunInventoryRegion *self, gint64 synced_at);
void
_yun_inventory_region_set_error (YunInventoryRegion *self, const char *code, const char *message);
void _yun_inventory_region_set_syncing (YunInventoryRegion *self, gboolean syncing);
void _yun_inventory_region_update_from_row (YunInventoryRegion *self, YunCacheRegionRow *row);

G_END_DECLS
