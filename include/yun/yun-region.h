/* yun-region.h: a Tencent Cloud region, from CVM DescribeRegions
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_REGION (yun_region_get_type ())

G_DECLARE_FINAL_TYPE (YunRegion, yun_region, YUN, REGION, GObject)

const char *yun_region_get_region (YunRegion *self);
const char *yun_region_get_name (YunRegion *self);
const char *yun_region_get_state (YunRegion *self);
gboolean yun_region_get_available (YunRegion *self);

G_END_DECLS
