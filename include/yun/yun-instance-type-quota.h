/* yun-instance-type-quota.h: an instance type on sale in a zone, from
 * DescribeZoneInstanceConfigInfos
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-cvm.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE_TYPE_QUOTA (yun_instance_type_quota_get_type ())

G_DECLARE_FINAL_TYPE (
  YunInstanceTypeQuota, yun_instance_type_quota, YUN, INSTANCE_TYPE_QUOTA, GObject)

const char *yun_instance_type_quota_get_zone (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_instance_type (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_instance_family (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_type_name (YunInstanceTypeQuota *self);
guint yun_instance_type_quota_get_cpu (YunInstanceTypeQuota *self);
guint yun_instance_type_quota_get_memory (YunInstanceTypeQuota *self);
guint yun_instance_type_quota_get_gpu (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_charge_type (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_status (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_status_category (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_sold_out_reason (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_cpu_type (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_frequency (YunInstanceTypeQuota *self);
double yun_instance_type_quota_get_instance_bandwidth (YunInstanceTypeQuota *self);
YunItemPrice *yun_instance_type_quota_get_price (YunInstanceTypeQuota *self);
const char *yun_instance_type_quota_get_region (YunInstanceTypeQuota *self);
gboolean yun_instance_type_quota_get_sellable (YunInstanceTypeQuota *self);

G_END_DECLS
