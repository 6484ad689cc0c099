/* yun-instance.h: a CVM instance, from DescribeInstances
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE (yun_instance_get_type ())

G_DECLARE_FINAL_TYPE (YunInstance, yun_instance, YUN, INSTANCE, GObject)

const char *yun_instance_get_instance_id (YunInstance *self);
const char *yun_instance_get_name (YunInstance *self);
const char *yun_instance_get_state (YunInstance *self);
const char *yun_instance_get_region (YunInstance *self);
const char *yun_instance_get_zone (YunInstance *self);
gint64 yun_instance_get_project_id (YunInstance *self);
const char *yun_instance_get_instance_type (YunInstance *self);
guint yun_instance_get_cpu (YunInstance *self);
guint yun_instance_get_memory (YunInstance *self);
const char *yun_instance_get_os_name (YunInstance *self);
YunOsFamily yun_instance_get_os_family (YunInstance *self);
const char *yun_instance_get_image_id (YunInstance *self);
const char *const *yun_instance_get_public_ips (YunInstance *self);
const char *const *yun_instance_get_private_ips (YunInstance *self);
const char *const *yun_instance_get_ipv6_addresses (YunInstance *self);
const char *yun_instance_get_charge_type (YunInstance *self);
GDateTime *yun_instance_get_created_time (YunInstance *self);
GDateTime *yun_instance_get_expired_time (YunInstance *self);
const char *const *yun_instance_get_tags (YunInstance *self);
const char *yun_instance_get_restrict_state (YunInstance *self);
const char *yun_instance_get_isolated_source (YunInstance *self);
const char *yun_instance_get_stop_charging_mode (YunInstance *self);
const char *yun_instance_get_latest_operation (YunInstance *self);
const char *yun_instance_get_latest_operation_state (YunInstance *self);
const char *yun_instance_get_latest_operation_request_id (YunInstance *self);
const char *yun_instance_get_latest_operation_error (YunInstance *self);
const char *yun_instance_get_default_login_user (YunInstance *self);
guint yun_instance_get_default_login_port (YunInstance *self);
gboolean yun_instance_get_disable_api_termination (YunInstance *self);
const char *yun_instance_get_uuid (YunInstance *self);
const char *yun_instance_get_vpc_id (YunInstance *self);
const char *yun_instance_get_subnet_id (YunInstance *self);
const char *const *yun_instance_get_security_group_ids (YunInstance *self);
guint yun_instance_get_internet_max_bandwidth_out (YunInstance *self);
const char *yun_instance_get_system_disk_type (YunInstance *self);
guint yun_instance_get_system_disk_size (YunInstance *self);

const char *yun_instance_get_tag (YunInstance *self, const char *key);
gboolean yun_instance_get_transitional (YunInstance *self);
gboolean yun_instance_is_transitional (YunInstance *self);
gboolean yun_instance_is_windows (YunInstance *self);
gboolean yun_instance_equal (YunInstance *a, YunInstance *b);
gboolean yun_instance_matches_search (YunInstance *self, const char *folded_text);
int yun_instance_collate_names (YunInstance *a, YunInstance *b);
int yun_instance_collate_os_names (YunInstance *a, YunInstance *b);
YunInstance *yun_instance_copy_with_os_family (YunInstance *self, YunOsFamily os_family);

gboolean yun_instance_state_is_transitional (const char *state);

char *yun_instances_to_csv (GPtrArray *instances);

G_END_DECLS
