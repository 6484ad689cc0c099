/* yun-sidebar.h: the regions of the account, with counts and freshness
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_SIDEBAR (yun_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (YunSidebar, yun_sidebar, YUN, SIDEBAR, AdwBin)

void yun_sidebar_set_inventory (YunSidebar *self, YunInventory *inventory);
const char *yun_sidebar_get_selected_region (YunSidebar *self);
void yun_sidebar_select_region (YunSidebar *self, const char *region);

G_END_DECLS
