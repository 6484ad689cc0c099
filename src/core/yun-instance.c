/* yun-instance.c: a CVM instance, from DescribeInstances
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built, so it may be created on a worker thread and handed to the main
 * thread; an inventory sync replaces an object rather than changing it, and uses
 * yun_instance_equal() to tell whether anything changed.
 *
 * Tags are a GStrv of "key=value" strings, in the order the API sent them (a key may hold
 * '=' only if Tencent allowed it; the first '=' separates); yun_instance_get_tag() looks one
 * up.
 */

#define G_LOG_DOMAIN "yun-instance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"
#include "yun-models-private.h"

G_DEFINE_FINAL_TYPE (YunInstance, yun_instance, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INSTANCE_ID,
  PROP_NAME,
  PROP_STATE,
  PROP_REGION,
  PROP_ZONE,
  PROP_PROJECT_ID,
  PROP_INSTANCE_TYPE,
  PROP_CPU,
  PROP_MEMORY,
  PROP_OS_NAME,
  PROP_OS_FAMILY,
  PROP_IMAGE_ID,
  PROP_PUBLIC_IPS,
  PROP_PRIVATE_IPS,
  PROP_IPV6_ADDRESSES,
  PROP_CHARGE_TYPE,
  PROP_CREATED_TIME,
  PROP_EXPIRED_TIME,
  PROP_TAGS,
  PROP_RESTRICT_STATE,
  PROP_ISOLATED_SOURCE,
  PROP_STOP_CHARGING_MODE,
  PROP_LATEST_OPERATION,
  PROP_LATEST_OPERATION_STATE,
  PROP_LATEST_OPERATION_REQUEST_ID,
  PROP_LATEST_OPERATION_ERROR,
  PROP_DEFAULT_LOGIN_USER,
  PROP_DEFAULT_LOGIN_PORT,
  PROP_DISABLE_API_TERMINATION,
  PROP_UUID,
  PROP_VPC_ID,
  PROP_SUBNET_ID,
  PROP_SECURITY_GROUP_IDS,
  PROP_INTERNET_MAX_BANDWIDTH_OUT,
  PROP_SYSTEM_DISK_TYPE,
  PROP_SYSTEM_DISK_SIZE,
  PROP_TRANSITIONAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_instance_finalize (GObject *object)
{
  YunInstance *self = (YunInstance *) object;

  if (self->texts != NULL)
    g_free (self->texts);
  else
    {
#define STR(f) g_free (self->f);
#define STRV(f) g_strfreev (self->f);
#define NUM(f)
#define TIME(f)
      YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME
    }
  g_clear_pointer (&self->created_time, g_date_time_unref);
  g_clear_pointer (&self->expired_time, g_date_time_unref);
  g_free (self->search_text);
  g_strfreev (self->collation_keys);

  G_OBJECT_CLASS (yun_instance_parent_class)->finalize (object);
}

static void
yun_instance_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInstance *self = YUN_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_INSTANCE_ID:
      g_value_set_string (value, self->instance_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_ZONE:
      g_value_set_string (value, self->zone);
      break;
    case PROP_PROJECT_ID:
      g_value_set_int64 (value, self->project_id);
      break;
    case PROP_INSTANCE_TYPE:
      g_value_set_string (value, self->instance_type);
      break;
    case PROP_CPU:
      g_value_set_uint (value, self->cpu);
      break;
    case PROP_MEMORY:
      g_value_set_uint (value, self->memory);
      break;
    case PROP_OS_NAME:
      g_value_set_string (value, self->os_name);
      break;
    case PROP_OS_FAMILY:
      g_value_set_enum (value, self->os_family);
      break;
    case PROP_IMAGE_ID:
      g_value_set_string (value, self->image_id);
      break;
    case PROP_PUBLIC_IPS:
      g_value_set_boxed (value, self->public_ips);
      break;
    case PROP_PRIVATE_IPS:
      g_value_set_boxed (value, self->private_ips);
      break;
    case PROP_IPV6_ADDRESSES:
      g_value_set_boxed (value, self->ipv6_addresses);
      break;
    case PROP_CHARGE_TYPE:
      g_value_set_string (value, self->charge_type);
      break;
    case PROP_CREATED_TIME:
      g_value_set_boxed (value, self->created_time);
      break;
    case PROP_EXPIRED_TIME:
      g_value_set_boxed (value, self->expired_time);
      break;
    case PROP_TAGS:
      g_value_set_boxed (value, self->tags);
      break;
    case PROP_RESTRICT_STATE:
      g_value_set_string (value, self->restrict_state);
      break;
    case PROP_ISOLATED_SOURCE:
      g_value_set_string (value, self->isolated_source);
      break;
    case PROP_STOP_CHARGING_MODE:
      g_value_set_string (value, self->stop_charging_mode);
      break;
    case PROP_LATEST_OPERATION:
      g_value_set_string (value, self->latest_operation);
      break;
    case PROP_LATEST_OPERATION_STATE:
      g_value_set_string (value, self->latest_operation_state);
      break;
    case PROP_LATEST_OPERATION_REQUEST_ID:
      g_value_set_string (value, self->latest_operation_request_id);
      break;
    case PROP_LATEST_OPERATION_ERROR:
      g_value_set_string (value, self->latest_operation_error);
      break;
    case PROP_DEFAULT_LOGIN_USER:
      g_value_set_string (value, self->default_login_user);
      break;
    case PROP_DEFAULT_LOGIN_PORT:
      g_value_set_uint (value, self->default_login_port);
      break;
    case PROP_DISABLE_API_TERMINATION:
      g_value_set_boolean (value, self->disable_api_termination);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_VPC_ID:
      g_value_set_string (value, self->vpc_id);
      break;
    case PROP_SUBNET_ID:
      g_value_set_string (value, self->subnet_id);
      break;
    case PROP_SECURITY_GROUP_IDS:
      g_value_set_boxed (value, self->security_group_ids);
      break;
    case PROP_INTERNET_MAX_BANDWIDTH_OUT:
      g_value_set_uint (value, self->internet_max_bandwidth_out);
      break;
    case PROP_SYSTEM_DISK_TYPE:
      g_value_set_string (value, self->system_disk_type);
      break;
    case PROP_SYSTEM_DISK_SIZE:
      g_value_set_uint (value, self->system_disk_size);
      break;
    case PROP_TRANSITIONAL:
      g_value_set_boolean (value, yun_instance_get_transitional (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_class_init (YunInstanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_instance_finalize;
  object_class->get_property = yun_instance_get_property;

  /**
   * YunInstance:instance-id:
   *
   * `InstanceId`, such as `ins-r8hr2upy`.
   */
  properties[PROP_INSTANCE_ID]
    = g_param_spec_string ("instance-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:name:
   *
   * `InstanceName`.
   */
  properties[PROP_NAME] = g_param_spec_string (
    "name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:state:
   *
   * `InstanceState` as Tencent sends it: `RUNNING`, `STOPPED`, `PENDING`, `STOPPING`….
   */
  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:region:
   *
   * The region that was queried (the API object carries none).
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:zone:
   *
   * `Placement.Zone`.
   */
  properties[PROP_ZONE] = g_param_spec_string (
    "zone", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:project-id:
   *
   * `Placement.ProjectId`.
   */
  properties[PROP_PROJECT_ID]
    = g_param_spec_int64 ("project-id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:instance-type:
   *
   * `InstanceType`, such as `S5.MEDIUM4`.
   */
  properties[PROP_INSTANCE_TYPE]
    = g_param_spec_string ("instance-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:cpu:
   *
   * `CPU`, the number of cores.
   */
  properties[PROP_CPU]
    = g_param_spec_uint ("cpu", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:memory:
   *
   * `Memory`, in GiB.
   */
  properties[PROP_MEMORY]
    = g_param_spec_uint ("memory", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:os-name:
   *
   * `OsName`, such as `CentOS 7.6 64位`.
   */
  properties[PROP_OS_NAME]
    = g_param_spec_string ("os-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:os-family:
   *
   * Linux or Windows: Windows when `OsName` names it.
   */
  properties[PROP_OS_FAMILY]
    = g_param_spec_enum ("os-family", NULL, NULL, YUN_TYPE_OS_FAMILY, YUN_OS_FAMILY_UNKNOWN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:image-id:
   *
   * `ImageId`.
   */
  properties[PROP_IMAGE_ID]
    = g_param_spec_string ("image-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:public-ips:
   *
   * `PublicIpAddresses` (empty when the API sent null).
   */
  properties[PROP_PUBLIC_IPS]
    = g_param_spec_boxed ("public-ips", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:private-ips:
   *
   * `PrivateIpAddresses`.
   */
  properties[PROP_PRIVATE_IPS]
    = g_param_spec_boxed ("private-ips", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:ipv6-addresses:
   *
   * `IPv6Addresses`.
   */
  properties[PROP_IPV6_ADDRESSES]
    = g_param_spec_boxed ("ipv6-addresses", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:charge-type:
   *
   * `InstanceChargeType`: `PREPAID`, `POSTPAID_BY_HOUR`, `SPOTPAID`….
   */
  properties[PROP_CHARGE_TYPE]
    = g_param_spec_string ("charge-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:created-time:
   *
   * `CreatedTime`, in UTC.
   */
  properties[PROP_CREATED_TIME]
    = g_param_spec_boxed ("created-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:expired-time:
   *
   * `ExpiredTime`, in UTC; %NULL for pay-as-you-go instances.
   */
  properties[PROP_EXPIRED_TIME]
    = g_param_spec_boxed ("expired-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:tags:
   *
   * `Tags`, as "key=value" strings.
   */
  properties[PROP_TAGS]
    = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:restrict-state:
   *
   * `RestrictState`: `NORMAL`, `EXPIRED` or `PROTECTIVELY_ISOLATED`.
   */
  properties[PROP_RESTRICT_STATE]
    = g_param_spec_string ("restrict-state", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:isolated-source:
   *
   * `IsolatedSource`: `NOTISOLATED`, `ARREAR`, `EXPIRE` or `MANMADE`.
   */
  properties[PROP_ISOLATED_SOURCE]
    = g_param_spec_string ("isolated-source", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:stop-charging-mode:
   *
   * `StopChargingMode`: `KEEP_CHARGING`, `STOP_CHARGING` or `NOT_APPLICABLE`.
   */
  properties[PROP_STOP_CHARGING_MODE]
    = g_param_spec_string ("stop-charging-mode", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:latest-operation:
   *
   * `LatestOperation`, the last action, such as `StopInstances`.
   */
  properties[PROP_LATEST_OPERATION]
    = g_param_spec_string ("latest-operation", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:latest-operation-state:
   *
   * `LatestOperationState`: `SUCCESS`, `OPERATING` or `FAILED`.
   */
  properties[PROP_LATEST_OPERATION_STATE]
    = g_param_spec_string ("latest-operation-state", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:latest-operation-request-id:
   *
   * `LatestOperationRequestId`, to match with the RequestId of a call.
   */
  properties[PROP_LATEST_OPERATION_REQUEST_ID]
    = g_param_spec_string ("latest-operation-request-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:latest-operation-error:
   *
   * `LatestOperationErrorMsg`, or `LatestOperationCode` on TCE.
   */
  properties[PROP_LATEST_OPERATION_ERROR]
    = g_param_spec_string ("latest-operation-error", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:default-login-user:
   *
   * `DefaultLoginUser`, such as `root`, `ubuntu` or `Administrator`.
   */
  properties[PROP_DEFAULT_LOGIN_USER]
    = g_param_spec_string ("default-login-user", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:default-login-port:
   *
   * `DefaultLoginPort`, 0 when not sent.
   */
  properties[PROP_DEFAULT_LOGIN_PORT]
    = g_param_spec_uint ("default-login-port", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:disable-api-termination:
   *
   * `DisableApiTermination`: termination protection.
   */
  properties[PROP_DISABLE_API_TERMINATION]
    = g_param_spec_boolean ("disable-api-termination", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:uuid:
   *
   * `Uuid`.
   */
  properties[PROP_UUID] = g_param_spec_string (
    "uuid", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:vpc-id:
   *
   * `VirtualPrivateCloud.VpcId`.
   */
  properties[PROP_VPC_ID]
    = g_param_spec_string ("vpc-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:subnet-id:
   *
   * `VirtualPrivateCloud.SubnetId`.
   */
  properties[PROP_SUBNET_ID]
    = g_param_spec_string ("subnet-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:security-group-ids:
   *
   * `SecurityGroupIds`.
   */
  properties[PROP_SECURITY_GROUP_IDS]
    = g_param_spec_boxed ("security-group-ids", NULL, NULL, G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:internet-max-bandwidth-out:
   *
   * `InternetAccessible.InternetMaxBandwidthOut`, in Mbps.
   */
  properties[PROP_INTERNET_MAX_BANDWIDTH_OUT]
    = g_param_spec_uint ("internet-max-bandwidth-out", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:system-disk-type:
   *
   * `SystemDisk.DiskType`.
   */
  properties[PROP_SYSTEM_DISK_TYPE]
    = g_param_spec_string ("system-disk-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:system-disk-size:
   *
   * `SystemDisk.DiskSize`, in GiB.
   */
  properties[PROP_SYSTEM_DISK_SIZE]
    = g_param_spec_uint ("system-disk-size", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstance:transitional:
   *
   * Whether the state is one that changes by itself (PENDING, STARTING, STOPPING…).
   */
  properties[PROP_TRANSITIONAL]
    = g_param_spec_boolean ("transitional", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_instance_init (YunInstance *self)
{
}

/**
 * yun_instance_get_instance_id:
 * @self: a #YunInstance
 *
 * Returns: (transfer none): `InstanceId`, such as `ins-r8hr2upy`.
 */
const char *
yun_instance_get_instance_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->instance_id;
}

/**
 * yun_instance_get_name:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `InstanceName`.
 */
const char *
yun_instance_get_name (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->name;
}

/**
 * yun_instance_get_state:
 * @self: a #YunInstance
 *
 * Returns: (transfer none): `InstanceState` as Tencent sends it: `RUNNING`, `STOPPED`, `PENDING`,
 * `STOPPING`….
 */
const char *
yun_instance_get_state (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->state;
}

/**
 * yun_instance_get_region:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): the region that was queried (the API object carries none).
 */
const char *
yun_instance_get_region (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->region;
}

/**
 * yun_instance_get_zone:
 * @self: a #YunInstance
 *
 * Returns: (transfer none): `Placement.Zone`.
 */
const char *
yun_instance_get_zone (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->zone;
}

/**
 * yun_instance_get_project_id:
 * @self: a #YunInstance
 *
 * Returns:: `Placement.ProjectId`.
 */
gint64
yun_instance_get_project_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->project_id;
}

/**
 * yun_instance_get_instance_type:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `InstanceType`, such as `S5.MEDIUM4`.
 */
const char *
yun_instance_get_instance_type (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->instance_type;
}

/**
 * yun_instance_get_cpu:
 * @self: a #YunInstance
 *
 * Returns:: `CPU`, the number of cores.
 */
guint
yun_instance_get_cpu (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->cpu;
}

/**
 * yun_instance_get_memory:
 * @self: a #YunInstance
 *
 * Returns:: `Memory`, in GiB.
 */
guint
yun_instance_get_memory (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->memory;
}

/**
 * yun_instance_get_os_name:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `OsName`, such as `CentOS 7.6 64位`.
 */
const char *
yun_instance_get_os_name (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->os_name;
}

/**
 * yun_instance_get_os_family:
 * @self: a #YunInstance
 *
 * Returns:: linux or Windows: Windows when `OsName` names it.
 */
YunOsFamily
yun_instance_get_os_family (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), YUN_OS_FAMILY_UNKNOWN);
  return self->os_family;
}

/**
 * yun_instance_get_image_id:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `ImageId`.
 */
const char *
yun_instance_get_image_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->image_id;
}

/**
 * yun_instance_get_public_ips:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `PublicIpAddresses` (empty when the API sent null).
 */
const char *const *
yun_instance_get_public_ips (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return (const char *const *) self->public_ips;
}

/**
 * yun_instance_get_private_ips:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `PrivateIpAddresses`.
 */
const char *const *
yun_instance_get_private_ips (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return (const char *const *) self->private_ips;
}

/**
 * yun_instance_get_ipv6_addresses:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `IPv6Addresses`.
 */
const char *const *
yun_instance_get_ipv6_addresses (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return (const char *const *) self->ipv6_addresses;
}

/**
 * yun_instance_get_charge_type:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `InstanceChargeType`: `PREPAID`, `POSTPAID_BY_HOUR`,
 * `SPOTPAID`….
 */
const char *
yun_instance_get_charge_type (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->charge_type;
}

/**
 * yun_instance_get_created_time:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `CreatedTime`, in UTC.
 */
GDateTime *
yun_instance_get_created_time (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->created_time;
}

/**
 * yun_instance_get_expired_time:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `ExpiredTime`, in UTC; %NULL for pay-as-you-go instances.
 */
GDateTime *
yun_instance_get_expired_time (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->expired_time;
}

/**
 * yun_instance_get_tags:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `Tags`, as "key=value" strings.
 */
const char *const *
yun_instance_get_tags (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return (const char *const *) self->tags;
}

/**
 * yun_instance_get_restrict_state:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `RestrictState`: `NORMAL`, `EXPIRED` or
 * `PROTECTIVELY_ISOLATED`.
 */
const char *
yun_instance_get_restrict_state (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->restrict_state;
}

/**
 * yun_instance_get_isolated_source:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `IsolatedSource`: `NOTISOLATED`, `ARREAR`, `EXPIRE` or
 * `MANMADE`.
 */
const char *
yun_instance_get_isolated_source (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->isolated_source;
}

/**
 * yun_instance_get_stop_charging_mode:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `StopChargingMode`: `KEEP_CHARGING`, `STOP_CHARGING` or
 * `NOT_APPLICABLE`.
 */
const char *
yun_instance_get_stop_charging_mode (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->stop_charging_mode;
}

/**
 * yun_instance_get_latest_operation:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `LatestOperation`, the last action, such as `StopInstances`.
 */
const char *
yun_instance_get_latest_operation (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->latest_operation;
}

/**
 * yun_instance_get_latest_operation_state:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `LatestOperationState`: `SUCCESS`, `OPERATING` or `FAILED`.
 */
const char *
yun_instance_get_latest_operation_state (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->latest_operation_state;
}

/**
 * yun_instance_get_latest_operation_request_id:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `LatestOperationRequestId`, to match with the RequestId of a
 * call.
 */
const char *
yun_instance_get_latest_operation_request_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->latest_operation_request_id;
}

/**
 * yun_instance_get_latest_operation_error:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `LatestOperationErrorMsg`, or `LatestOperationCode` on TCE.
 */
const char *
yun_instance_get_latest_operation_error (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->latest_operation_error;
}

/**
 * yun_instance_get_default_login_user:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `DefaultLoginUser`, such as `root`, `ubuntu` or
 * `Administrator`.
 */
const char *
yun_instance_get_default_login_user (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->default_login_user;
}

/**
 * yun_instance_get_default_login_port:
 * @self: a #YunInstance
 *
 * Returns:: `DefaultLoginPort`, 0 when not sent.
 */
guint
yun_instance_get_default_login_port (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->default_login_port;
}

/**
 * yun_instance_get_disable_api_termination:
 * @self: a #YunInstance
 *
 * Returns:: `DisableApiTermination`: termination protection.
 */
gboolean
yun_instance_get_disable_api_termination (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), FALSE);
  return self->disable_api_termination;
}

/**
 * yun_instance_get_uuid:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `Uuid`.
 */
const char *
yun_instance_get_uuid (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->uuid;
}

/**
 * yun_instance_get_vpc_id:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `VirtualPrivateCloud.VpcId`.
 */
const char *
yun_instance_get_vpc_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->vpc_id;
}

/**
 * yun_instance_get_subnet_id:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `VirtualPrivateCloud.SubnetId`.
 */
const char *
yun_instance_get_subnet_id (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->subnet_id;
}

/**
 * yun_instance_get_security_group_ids:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `SecurityGroupIds`.
 */
const char *const *
yun_instance_get_security_group_ids (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return (const char *const *) self->security_group_ids;
}

/**
 * yun_instance_get_internet_max_bandwidth_out:
 * @self: a #YunInstance
 *
 * Returns:: `InternetAccessible.InternetMaxBandwidthOut`, in Mbps.
 */
guint
yun_instance_get_internet_max_bandwidth_out (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->internet_max_bandwidth_out;
}

/**
 * yun_instance_get_system_disk_type:
 * @self: a #YunInstance
 *
 * Returns: (transfer none) (nullable): `SystemDisk.DiskType`.
 */
const char *
yun_instance_get_system_disk_type (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  return self->system_disk_type;
}

/**
 * yun_instance_get_system_disk_size:
 * @self: a #YunInstance
 *
 * Returns:: `SystemDisk.DiskSize`, in GiB.
 */
guint
yun_instance_get_system_disk_size (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), 0);
  return self->system_disk_size;
}

static const GEnumValue os_family_values[] = {
  { YUN_OS_FAMILY_UNKNOWN, "YUN_OS_FAMILY_UNKNOWN", "unknown" },
  { YUN_OS_FAMILY_LINUX, "YUN_OS_FAMILY_LINUX", "linux" },
  { YUN_OS_FAMILY_WINDOWS, "YUN_OS_FAMILY_WINDOWS", "windows" },
  { 0, NULL, NULL },
};

GType
yun_os_family_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("YunOsFamily", os_family_values));
  return type_id;
}

/**
 * yun_os_family_from_os_name:
 * @os_name: (nullable): an `OsName` such as `Windows Server 2019 数据中心版 64位中文版`
 *
 * Returns: %YUN_OS_FAMILY_WINDOWS when @os_name contains "Windows" in any case,
 *   %YUN_OS_FAMILY_UNKNOWN when it is %NULL or empty, %YUN_OS_FAMILY_LINUX otherwise
 */
YunOsFamily
yun_os_family_from_os_name (const char *os_name)
{
  g_autofree char *lower = NULL;

  if (os_name == NULL || *os_name == '\0')
    return YUN_OS_FAMILY_UNKNOWN;

  lower = g_ascii_strdown (os_name, -1);
  if (strstr (lower, "windows") != NULL)
    return YUN_OS_FAMILY_WINDOWS;
  return YUN_OS_FAMILY_LINUX;
}

/**
 * yun_os_family_to_string:
 * @os_family: a #YunOsFamily
 *
 * Returns: (transfer none): "unknown", "linux" or "windows"
 */
const char *
yun_os_family_to_string (YunOsFamily os_family)
{
  switch (os_family)
    {
    case YUN_OS_FAMILY_LINUX:
      return "linux";
    case YUN_OS_FAMILY_WINDOWS:
      return "windows";
    case YUN_OS_FAMILY_UNKNOWN:
    default:
      return "unknown";
    }
}

static gboolean
read_uint (json_object *json, const char *where, const char *field, guint *out, GError **error)
{
  gint64 value = 0;

  if (!_yun_json_get_int64 (json, where, field, FALSE, &value, error))
    return FALSE;
  if (value < 0 || value > G_MAXUINT)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   _ ("The service sent an answer that cannot be read: %s.%s is out of range "
                      "(%lld)"),
                   where, field, (long long) value);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_tags (json_object *json, char ***out, GError **error)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  json_object *array;
  size_t n;

  *out = NULL;
  if (!_yun_json_get_array (json, "Instance", "Tags", FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  builder = g_strv_builder_new ();
  n = json_object_array_length (array);
  for (size_t i = 0; i < n; i++)
    {
      json_object *tag = json_object_array_get_idx (array, i);
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (!_yun_json_get_string (tag, "Instance.Tags[]", "Key", TRUE, &key, error)
          || !_yun_json_get_string (tag, "Instance.Tags[]", "Value", FALSE, &value, error))
        return FALSE;
      g_autofree char *pair = g_strdup_printf ("%s=%s", key, value != NULL ? value : "");

      g_strv_builder_add (builder, pair);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static char **
strv_or_empty (char **strv)
{
  return strv != NULL ? strv : g_new0 (char *, 1);
}

YunInstance *
_yun_instance_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunInstance) self = g_object_new (YUN_TYPE_INSTANCE, NULL);
  json_object *placement = NULL;
  json_object *vpc = NULL;
  json_object *internet = NULL;
  json_object *disk = NULL;
  g_autofree char *error_code = NULL;
  const char *I = "Instance";

  if (!_yun_json_get_string (json, I, "InstanceId", TRUE, &self->instance_id, error)
      || !_yun_json_get_string (json, I, "InstanceState", TRUE, &self->state, error)
      || !_yun_json_get_string (json, I, "InstanceName", FALSE, &self->name, error)
      || !_yun_json_get_object (json, I, "Placement", TRUE, &placement, error)
      || !_yun_json_get_string (placement, "Instance.Placement", "Zone", TRUE, &self->zone, error)
      || !_yun_json_get_int64 (placement, "Instance.Placement", "ProjectId", FALSE,
                               &self->project_id, error)
      || !_yun_json_get_string (json, I, "InstanceType", FALSE, &self->instance_type, error)
      || !read_uint (json, I, "CPU", &self->cpu, error)
      || !read_uint (json, I, "Memory", &self->memory, error)
      || !_yun_json_get_string (json, I, "OsName", FALSE, &self->os_name, error)
      || !_yun_json_get_string (json, I, "ImageId", FALSE, &self->image_id, error)
      || !_yun_json_get_strv (json, I, "PublicIpAddresses", FALSE, &self->public_ips, error)
      || !_yun_json_get_strv (json, I, "PrivateIpAddresses", FALSE, &self->private_ips, error)
      || !_yun_json_get_strv (json, I, "IPv6Addresses", FALSE, &self->ipv6_addresses, error)
      || !_yun_json_get_string (json, I, "InstanceChargeType", FALSE, &self->charge_type, error)
      || !_yun_json_get_datetime (json, I, "CreatedTime", FALSE, &self->created_time, error)
      || !_yun_json_get_datetime (json, I, "ExpiredTime", FALSE, &self->expired_time, error)
      || !read_tags (json, &self->tags, error)
      || !_yun_json_get_string (json, I, "RestrictState", FALSE, &self->restrict_state, error)
      || !_yun_json_get_string (json, I, "IsolatedSource", FALSE, &self->isolated_source, error)
      || !_yun_json_get_string (json, I, "StopChargingMode", FALSE, &self->stop_charging_mode,
                                error)
      || !_yun_json_get_string (json, I, "LatestOperation", FALSE, &self->latest_operation, error)
      || !_yun_json_get_string (json, I, "LatestOperationState", FALSE,
                                &self->latest_operation_state, error)
      || !_yun_json_get_string (json, I, "LatestOperationRequestId", FALSE,
                                &self->latest_operation_request_id, error)
      || !_yun_json_get_string (json, I, "LatestOperationErrorMsg", FALSE,
                                &self->latest_operation_error, error)
      || !_yun_json_get_string (json, I, "LatestOperationCode", FALSE, &error_code, error)
      || !_yun_json_get_string (json, I, "DefaultLoginUser", FALSE, &self->default_login_user,
                                error)
      || !read_uint (json, I, "DefaultLoginPort", &self->default_login_port, error)
      || !_yun_json_get_boolean (json, I, "DisableApiTermination", FALSE,
                                 &self->disable_api_termination, error)
      || !_yun_json_get_string (json, I, "Uuid", FALSE, &self->uuid, error)
      || !_yun_json_get_strv (json, I, "SecurityGroupIds", FALSE, &self->security_group_ids, error)
      || !_yun_json_get_object (json, I, "VirtualPrivateCloud", FALSE, &vpc, error)
      || !_yun_json_get_object (json, I, "InternetAccessible", FALSE, &internet, error)
      || !_yun_json_get_object (json, I, "SystemDisk", FALSE, &disk, error))
    return NULL;

  if (vpc != NULL
      && (!_yun_json_get_string (vpc, "Instance.VirtualPrivateCloud", "VpcId", FALSE, &self->vpc_id,
                                 error)
          || !_yun_json_get_string (vpc, "Instance.VirtualPrivateCloud", "SubnetId", FALSE,
                                    &self->subnet_id, error)))
    return NULL;
  if (internet != NULL
      && !read_uint (internet, "Instance.InternetAccessible", "InternetMaxBandwidthOut",
                     &self->internet_max_bandwidth_out, error))
    return NULL;
  if (disk != NULL
      && (!_yun_json_get_string (disk, "Instance.SystemDisk", "DiskType", FALSE,
                                 &self->system_disk_type, error)
          || !read_uint (disk, "Instance.SystemDisk", "DiskSize", &self->system_disk_size, error)))
    return NULL;

  /* An empty error message means no error. TCE sends a code instead of a message. */
  if (self->latest_operation_error != NULL && *self->latest_operation_error == '\0')
    g_clear_pointer (&self->latest_operation_error, g_free);
  if (self->latest_operation_error == NULL && error_code != NULL && *error_code != '\0')
    self->latest_operation_error = g_steal_pointer (&error_code);

  /* Null lists become empty lists: a caller can always iterate. */
  self->public_ips = strv_or_empty (self->public_ips);
  self->private_ips = strv_or_empty (self->private_ips);
  self->ipv6_addresses = strv_or_empty (self->ipv6_addresses);
  self->tags = strv_or_empty (self->tags);
  self->security_group_ids = strv_or_empty (self->security_group_ids);

  self->os_family = yun_os_family_from_os_name (self->os_name);
  if (self->os_family == YUN_OS_FAMILY_UNKNOWN && self->default_login_user != NULL)
    self->os_family = g_strcmp0 (self->default_login_user, "Administrator") == 0
                        ? YUN_OS_FAMILY_WINDOWS
                        : YUN_OS_FAMILY_LINUX;
  self->region = g_strdup (region);

  return g_steal_pointer (&self);
}

/**
 * yun_instance_state_is_transitional:
 * @state: (nullable): an `InstanceState`
 *
 * Returns: whether @state is one that ends by itself: PENDING, STARTING, STOPPING,
 *   REBOOTING, TERMINATING, and the rescue-mode and live-migration steps
 */
gboolean
yun_instance_state_is_transitional (const char *state)
{
  static const char *const transitional[] = {
    "PENDING",
    "STARTING",
    "STOPPING",
    "REBOOTING",
    "TERMINATING",
    "ENTER_RESCUE_MODE",
    "EXIT_RESCUE_MODE",
    "ENTER_SERVICE_LIVE_MIGRATE",
    "SERVICE_LIVE_MIGRATE",
    "EXIT_SERVICE_LIVE_MIGRATE",
    NULL,
  };

  return state != NULL && g_strv_contains (transitional, state);
}

/**
 * yun_instance_is_transitional:
 * @self: a #YunInstance
 *
 * An instance is in transition when its state is transitional (see
 * yun_instance_state_is_transitional()) or when its latest operation is still
 * `OPERATING` (a password reset on a stopped instance changes no state). A batch
 * leaves such instances alone.
 *
 * Returns: whether the instance is in transition
 */
gboolean
yun_instance_is_transitional (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), FALSE);
  return yun_instance_state_is_transitional (self->state)
         || g_strcmp0 (self->latest_operation_state, "OPERATING") == 0;
}

/**
 * yun_instance_get_transitional:
 * @self: a #YunInstance
 *
 * The getter of #YunInstance:transitional, the same as yun_instance_is_transitional().
 *
 * Returns: whether the instance is in transition
 */
gboolean
yun_instance_get_transitional (YunInstance *self)
{
  return yun_instance_is_transitional (self);
}

/**
 * yun_instance_is_windows:
 * @self: a #YunInstance
 *
 * Returns: whether the instance runs Windows, as far as is known
 */
gboolean
yun_instance_is_windows (YunInstance *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), FALSE);
  return self->os_family == YUN_OS_FAMILY_WINDOWS;
}

/**
 * yun_instance_get_tag:
 * @self: a #YunInstance
 * @key: a tag key
 *
 * Returns: (transfer none) (nullable): the value of tag @key, or %NULL if the
 *   instance has no such tag
 */
const char *
yun_instance_get_tag (YunInstance *self, const char *key)
{
  gsize len;

  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  len = strlen (key);
  for (guint i = 0; self->tags[i] != NULL; i++)
    if (strncmp (self->tags[i], key, len) == 0 && self->tags[i][len] == '=')
      return self->tags[i] + len + 1;
  return NULL;
}

/**
 * yun_instance_equal:
 * @a: a #YunInstance
 * @b: a #YunInstance
 *
 * Compares every field, the region and the OS family included.
 *
 * Returns: whether @a and @b describe the same instance in the same condition
 */
gboolean
yun_instance_equal (YunInstance *a, YunInstance *b)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (a), FALSE);
  g_return_val_if_fail (YUN_IS_INSTANCE (b), FALSE);

  if (a == b)
    return TRUE;

#define STR(f) &&g_strcmp0 (a->f, b->f) == 0
#define STRV(f) &&_yun_strv_equal0 ((const char *const *) a->f, (const char *const *) b->f)
#define NUM(f) &&a->f == b->f
#define TIME(f) &&_yun_date_time_equal0 (a->f, b->f)
  return TRUE YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME);
#undef STR
#undef STRV
#undef NUM
#undef TIME
}

/* @texts: (transfer full): the block every STR and STRV field of @self points into */
void
_yun_instance_take_texts (YunInstance *self, char *texts)
{
  g_assert (self->texts == NULL);
  self->texts = texts;
}

/**
 * yun_instance_copy_with_os_family:
 * @self: a #YunInstance
 * @os_family: the OS family learnt elsewhere (the image's platform, the TAT agent)
 *
 * Instances are immutable; this is how a better-informed OS family replaces the guess
 * made from `OsName`.
 *
 * Returns: (transfer full): a new #YunInstance, equal to @self but for its OS family
 */
YunInstance *
yun_instance_copy_with_os_family (YunInstance *self, YunOsFamily os_family)
{
  YunInstance *copy;

  g_return_val_if_fail (YUN_IS_INSTANCE (self), NULL);

  copy = g_object_new (YUN_TYPE_INSTANCE, NULL);
#define STR(f) copy->f = g_strdup (self->f);
#define STRV(f) copy->f = g_strdupv (self->f);
#define NUM(f) copy->f = self->f;
#define TIME(f) copy->f = self->f != NULL ? g_date_time_ref (self->f) : NULL;
  YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME
  copy->os_family = os_family;

  return copy;
}

static char *
build_search_text (YunInstance *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const char *const *lists[] = {
    (const char *const *) self->public_ips,
    (const char *const *) self->private_ips,
    (const char *const *) self->ipv6_addresses,
    (const char *const *) self->tags,
  };

  /* One folded string, fields separated by a newline that no search text can span. */
  g_string_append (text, self->instance_id);
  g_string_append_c (text, '\n');
  if (self->name != NULL)
    g_string_append (text, self->name);
  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    for (guint j = 0; lists[i] != NULL && lists[i][j] != NULL; j++)
      {
        g_string_append_c (text, '\n');
        g_string_append (text, lists[i][j]);
      }
  return g_utf8_casefold (text->str, (gssize) text->len);
}

/* The folded fields, built on the first call from any thread and kept. */
static const char *
get_search_text (YunInstance *self)
{
  char *text = g_atomic_pointer_get (&self->search_text);
  char *built;

  if (text != NULL)
    return text;
  built = build_search_text (self);
  if (g_atomic_pointer_compare_and_exchange (&self->search_text, NULL, built))
    return built;
  g_free (built);
  return g_atomic_pointer_get (&self->search_text);
}

enum
{
  COLLATION_KEY_NAME,
  COLLATION_KEY_OS_NAME,
  N_COLLATION_KEYS
};

static char *
build_collation_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);

  return g_utf8_collate_key (folded, -1);
}

/* Built on the first call from any thread and kept: a sort of thousands of instances
 * compares each one many times, and building a key costs more than comparing two. */
static const char *const *
get_collation_keys (YunInstance *self)
{
  char **keys = g_atomic_pointer_get (&self->collation_keys);
  char **built;

  if (keys != NULL)
    return (const char *const *) keys;
  built = g_new0 (char *, N_COLLATION_KEYS + 1);
  built[COLLATION_KEY_NAME] = build_collation_key (self->name);
  built[COLLATION_KEY_OS_NAME] = build_collation_key (self->os_name);
  if (g_atomic_pointer_compare_and_exchange (&self->collation_keys, NULL, built))
    return (const char *const *) built;
  g_strfreev (built);
  return (const char *const *) g_atomic_pointer_get (&self->collation_keys);
}

static int
collate (YunInstance *a, YunInstance *b, guint key)
{
  return strcmp (get_collation_keys (a)[key], get_collation_keys (b)[key]);
}

/**
 * yun_instance_collate_names:
 * @a: a #YunInstance
 * @b: another
 *
 * Orders instances by name as people read names: case aside, in the order of the user's
 * locale. The keys are built on the first call and kept, so a sort of thousands of
 * instances costs one strcmp() per comparison. Safe from any thread.
 *
 * Returns: less than, equal to or greater than 0 as @a's name sorts before, with or after
 * @b's; a missing name sorts as an empty one
 */
int
yun_instance_collate_names (YunInstance *a, YunInstance *b)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (a) && YUN_IS_INSTANCE (b), 0);
  return collate (a, b, COLLATION_KEY_NAME);
}

/**
 * yun_instance_collate_os_names:
 * @a: a #YunInstance
 * @b: another
 *
 * As yun_instance_collate_names(), by the operating system's name (`OsName`).
 *
 * Returns: less than, equal to or greater than 0 as @a's OS name sorts before, with or
 * after @b's
 */
int
yun_instance_collate_os_names (YunInstance *a, YunInstance *b)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (a) && YUN_IS_INSTANCE (b), 0);
  return collate (a, b, COLLATION_KEY_OS_NAME);
}

/* Builds what the search and the collate functions read, so that the first search or sort
 * of the list does not. The search texts first, one after the other: a search reads every
 * instance's, and reads them faster close together. */
void
_yun_instance_prepare_lookups (GPtrArray *instances)
{
  for (guint i = 0; i < instances->len; i++)
    get_search_text (g_ptr_array_index (instances, i));
  for (guint i = 0; i < instances->len; i++)
    get_collation_keys (g_ptr_array_index (instances, i));
}

/**
 * yun_instance_matches_search:
 * @self: a #YunInstance
 * @folded_text: the text searched for, already folded with g_utf8_casefold()
 *
 * The search of the instance list: whether the name, the ID, an IP address or a tag
 * (key or value) contains @folded_text, ignoring case. The folded fields are built on the
 * first call and kept, so a search over thousands of instances costs one substring search
 * each. Safe from any thread.
 *
 * Returns: whether @self matches; every instance matches an empty text
 */
gboolean
yun_instance_matches_search (YunInstance *self, const char *folded_text)
{
  g_return_val_if_fail (YUN_IS_INSTANCE (self), FALSE);

  if (folded_text == NULL || *folded_text == '\0')
    return TRUE;
  if (strchr (folded_text, '\n') != NULL)
    return FALSE;
  return strstr (get_search_text (self), folded_text) != NULL;
}

#define FNV_PRIME G_GUINT64_CONSTANT (0x100000001b3)

static guint64
fnv1a_string (guint64 hash, const char *text)
{
  /* NULL and "" differ: a marker of their own, then the bytes. */
  hash = (hash ^ (text == NULL ? 0x01 : 0x02)) * FNV_PRIME;
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    hash = (hash ^ (guchar) *p) * FNV_PRIME;
  return hash;
}

static guint64
fnv1a_number (guint64 hash, gint64 number)
{
  for (guint i = 0; i < 8; i++)
    hash = (hash ^ (guchar) (number >> (i * 8))) * FNV_PRIME;
  return hash;
}

static guint64
fnv1a_strv (guint64 hash, char **strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    hash = fnv1a_string (hash, strv[i]);
  return fnv1a_string (hash, NULL);
}

guint64
_yun_instance_fingerprint (YunInstance *self)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

#define STR(f) hash = fnv1a_string (hash, self->f);
#define STRV(f) hash = fnv1a_strv (hash, self->f);
#define NUM(f) hash = fnv1a_number (hash, (gint64) self->f);
#define TIME(f)                                                                                    \
  hash = fnv1a_number (hash, self->f != NULL ? g_date_time_to_unix (self->f) : G_MININT64);
  YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME
  return hash;
}

/* ---- Export ---- */

void
_yun_csv_append_field (GString *line, const char *value)
{
  /* A spreadsheet would run a cell that starts like a formula (an instance named
   * "=HYPERLINK(…)"): such a cell starts with an apostrophe, which it shows as text. */
  gboolean formula = value != NULL && value[0] != '\0' && strchr ("=+@\t\r", value[0]) != NULL;

  if (line->len > 0 && line->str[line->len - 1] != '\n')
    g_string_append_c (line, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      if (formula)
        g_string_append_c (line, '\'');
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static char *
dup_joined (const char *const *values)
{
  return values != NULL ? g_strjoinv (" ", (char **) values) : NULL;
}

/**
 * yun_instances_to_csv:
 * @instances: (element-type YunInstance): the instances
 *
 * Returns: (transfer full): one line per instance, with a header line; several addresses
 *   or tags are separated by spaces
 */
char *
yun_instances_to_csv (GPtrArray *instances)
{
  GString *csv = g_string_new ("instance_id,name,state,region,zone,instance_type,cpu,memory_gb,"
                               "os_name,public_ips,private_ips,charge_type,created_time,"
                               "expired_time,tags\n");

  g_return_val_if_fail (instances != NULL, NULL);

  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (instances, i);
      g_autofree char *cpu = g_strdup_printf ("%u", yun_instance_get_cpu (instance));
      g_autofree char *memory = g_strdup_printf ("%u", yun_instance_get_memory (instance));
      g_autofree char *public_ips = dup_joined (yun_instance_get_public_ips (instance));
      g_autofree char *private_ips = dup_joined (yun_instance_get_private_ips (instance));
      g_autofree char *tags = dup_joined (yun_instance_get_tags (instance));
      GDateTime *created = yun_instance_get_created_time (instance);
      GDateTime *expired = yun_instance_get_expired_time (instance);
      g_autofree char *created_text = created != NULL ? g_date_time_format_iso8601 (created) : NULL;
      g_autofree char *expired_text = expired != NULL ? g_date_time_format_iso8601 (expired) : NULL;

      _yun_csv_append_field (csv, yun_instance_get_instance_id (instance));
      _yun_csv_append_field (csv, yun_instance_get_name (instance));
      _yun_csv_append_field (csv, yun_instance_get_state (instance));
      _yun_csv_append_field (csv, yun_instance_get_region (instance));
      _yun_csv_append_field (csv, yun_instance_get_zone (instance));
      _yun_csv_append_field (csv, yun_instance_get_instance_type (instance));
      _yun_csv_append_field (csv, cpu);
      _yun_csv_append_field (csv, memory);
      _yun_csv_append_field (csv, yun_instance_get_os_name (instance));
      _yun_csv_append_field (csv, public_ips);
      _yun_csv_append_field (csv, private_ips);
      _yun_csv_append_field (csv, yun_instance_get_charge_type (instance));
      _yun_csv_append_field (csv, created_text);
      _yun_csv_append_field (csv, expired_text);
      _yun_csv_append_field (csv, tags);
      g_string_append_c (csv, '\n');
    }
  return g_string_free (csv, FALSE);
}
