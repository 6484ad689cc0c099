/* yun-zone.h: an availability zone, from CVM DescribeZones
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_ZONE (yun_zone_get_type ())

G_DECLARE_FINAL_TYPE (YunZone, yun_zone, YUN, ZONE, GObject)

const char *yun_zone_get_zone (YunZone *self);
const char *yun_zone_get_name (YunZone *self);
const char *yun_zone_get_zone_id (YunZone *self);
const char *yun_zone_get_state (YunZone *self);
const char *yun_zone_get_region (YunZone *self);
gboolean yun_zone_get_available (YunZone *self);

G_END_DECLS
