/* yun-instance-type-quota.c: an instance type on sale in a zone, from
 * DescribeZoneInstanceConfigInfos
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built. One object per (zone, instance type, charge type), with its stock
 * and its price: what a "create instance" dialog offers.
 */

#define G_LOG_DOMAIN "yun-instance-type-quota"

#include "config.h"

#include <string.h>

#include "yun-api-private.h"
#include "yun-models-private.h"

G_DEFINE_FINAL_TYPE (YunInstanceTypeQuota, yun_instance_type_quota, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ZONE,
  PROP_INSTANCE_TYPE,
  PROP_INSTANCE_FAMILY,
  PROP_TYPE_NAME,
  PROP_CPU,
  PROP_MEMORY,
  PROP_GPU,
  PROP_CHARGE_TYPE,
  PROP_STATUS,
  PROP_STATUS_CATEGORY,
  PROP_SOLD_OUT_REASON,
  PROP_CPU_TYPE,
  PROP_FREQUENCY,
  PROP_INSTANCE_BANDWIDTH,
  PROP_PRICE,
  PROP_REGION,
  PROP_SELLABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_instance_type_quota_finalize (GObject *object)
{
  YunInstanceTypeQuota *self = (YunInstanceTypeQuota *) object;

  g_free (self->zone);
  g_free (self->instance_type);
  g_free (self->instance_family);
  g_free (self->type_name);
  g_free (self->charge_type);
  g_free (self->status);
  g_free (self->status_category);
  g_free (self->sold_out_reason);
  g_free (self->cpu_type);
  g_free (self->frequency);
  g_clear_pointer (&self->price, yun_item_price_free);
  g_free (self->region);

  G_OBJECT_CLASS (yun_instance_type_quota_parent_class)->finalize (object);
}

static void
yun_instance_type_quota_get_property (GObject *object,
                                      guint prop_id,
                                      GValue *value,
                                      GParamSpec *pspec)
{
  YunInstanceTypeQuota *self = YUN_INSTANCE_TYPE_QUOTA (object);

  switch (prop_id)
    {
    case PROP_ZONE:
      g_value_set_string (value, self->zone);
      break;
    case PROP_INSTANCE_TYPE:
      g_value_set_string (value, self->instance_type);
      break;
    case PROP_INSTANCE_FAMILY:
      g_value_set_string (value, self->instance_family);
      break;
    case PROP_TYPE_NAME:
      g_value_set_string (value, self->type_name);
      break;
    case PROP_CPU:
      g_value_set_uint (value, self->cpu);
      break;
    case PROP_MEMORY:
      g_value_set_uint (value, self->memory);
      break;
    case PROP_GPU:
      g_value_set_uint (value, self->gpu);
      break;
    case PROP_CHARGE_TYPE:
      g_value_set_string (value, self->charge_type);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_STATUS_CATEGORY:
      g_value_set_string (value, self->status_category);
      break;
    case PROP_SOLD_OUT_REASON:
      g_value_set_string (value, self->sold_out_reason);
      break;
    case PROP_CPU_TYPE:
      g_value_set_string (value, self->cpu_type);
      break;
    case PROP_FREQUENCY:
      g_value_set_string (value, self->frequency);
      break;
    case PROP_INSTANCE_BANDWIDTH:
      g_value_set_double (value, self->instance_bandwidth);
      break;
    case PROP_PRICE:
      g_value_set_boxed (value, self->price);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SELLABLE:
      g_value_set_boolean (value, yun_instance_type_quota_get_sellable (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_type_quota_class_init (YunInstanceTypeQuotaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_instance_type_quota_finalize;
  object_class->get_property = yun_instance_type_quota_get_property;

  /**
   * YunInstanceTypeQuota:zone:
   *
   * `Zone`.
   */
  properties[PROP_ZONE] = g_param_spec_string (
    "zone", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:instance-type:
   *
   * `InstanceType`, such as `S5.MEDIUM4`.
   */
  properties[PROP_INSTANCE_TYPE]
    = g_param_spec_string ("instance-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:instance-family:
   *
   * `InstanceFamily`, such as `S5`.
   */
  properties[PROP_INSTANCE_FAMILY]
    = g_param_spec_string ("instance-family", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:type-name:
   *
   * `TypeName`, such as `标准型S5`.
   */
  properties[PROP_TYPE_NAME]
    = g_param_spec_string ("type-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:cpu:
   *
   * `Cpu`, the number of cores.
   */
  properties[PROP_CPU]
    = g_param_spec_uint ("cpu", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:memory:
   *
   * `Memory`, in GiB.
   */
  properties[PROP_MEMORY]
    = g_param_spec_uint ("memory", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:gpu:
   *
   * `Gpu`, the number of GPU cores.
   */
  properties[PROP_GPU]
    = g_param_spec_uint ("gpu", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:charge-type:
   *
   * `InstanceChargeType`.
   */
  properties[PROP_CHARGE_TYPE]
    = g_param_spec_string ("charge-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:status:
   *
   * `Status`: `SELL` or `SOLD_OUT`.
   */
  properties[PROP_STATUS]
    = g_param_spec_string ("status", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:status-category:
   *
   * `StatusCategory`: `EnoughStock`, `NormalStock`, `UnderStock` or `WithoutStock`.
   */
  properties[PROP_STATUS_CATEGORY]
    = g_param_spec_string ("status-category", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:sold-out-reason:
   *
   * `SoldOutReason`.
   */
  properties[PROP_SOLD_OUT_REASON]
    = g_param_spec_string ("sold-out-reason", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:cpu-type:
   *
   * `CpuType`.
   */
  properties[PROP_CPU_TYPE]
    = g_param_spec_string ("cpu-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:frequency:
   *
   * `Frequency`, such as `2.5/3.1GHz`.
   */
  properties[PROP_FREQUENCY]
    = g_param_spec_string ("frequency", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:instance-bandwidth:
   *
   * `InstanceBandwidth`, in Gbps.
   */
  properties[PROP_INSTANCE_BANDWIDTH]
    = g_param_spec_double ("instance-bandwidth", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:price:
   *
   * `Price`, the price of one instance.
   */
  properties[PROP_PRICE]
    = g_param_spec_boxed ("price", NULL, NULL, YUN_TYPE_ITEM_PRICE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:region:
   *
   * The region that was queried.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInstanceTypeQuota:sellable:
   *
   * Whether the status is `SELL`.
   */
  properties[PROP_SELLABLE]
    = g_param_spec_boolean ("sellable", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_instance_type_quota_init (YunInstanceTypeQuota *self)
{
}

/**
 * yun_instance_type_quota_get_zone:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none): `Zone`.
 */
const char *
yun_instance_type_quota_get_zone (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->zone;
}

/**
 * yun_instance_type_quota_get_instance_type:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none): `InstanceType`, such as `S5.MEDIUM4`.
 */
const char *
yun_instance_type_quota_get_instance_type (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->instance_type;
}

/**
 * yun_instance_type_quota_get_instance_family:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `InstanceFamily`, such as `S5`.
 */
const char *
yun_instance_type_quota_get_instance_family (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->instance_family;
}

/**
 * yun_instance_type_quota_get_type_name:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `TypeName`, such as `标准型S5`.
 */
const char *
yun_instance_type_quota_get_type_name (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->type_name;
}

/**
 * yun_instance_type_quota_get_cpu:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns:: `Cpu`, the number of cores.
 */
guint
yun_instance_type_quota_get_cpu (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), 0);
  return self->cpu;
}

/**
 * yun_instance_type_quota_get_memory:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns:: `Memory`, in GiB.
 */
guint
yun_instance_type_quota_get_memory (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), 0);
  return self->memory;
}

/**
 * yun_instance_type_quota_get_gpu:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns:: `Gpu`, the number of GPU cores.
 */
guint
yun_instance_type_quota_get_gpu (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), 0);
  return self->gpu;
}

/**
 * yun_instance_type_quota_get_charge_type:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `InstanceChargeType`.
 */
const char *
yun_instance_type_quota_get_charge_type (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->charge_type;
}

/**
 * yun_instance_type_quota_get_status:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `Status`: `SELL` or `SOLD_OUT`.
 */
const char *
yun_instance_type_quota_get_status (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->status;
}

/**
 * yun_instance_type_quota_get_status_category:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `StatusCategory`: `EnoughStock`, `NormalStock`, `UnderStock`
 * or `WithoutStock`.
 */
const char *
yun_instance_type_quota_get_status_category (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->status_category;
}

/**
 * yun_instance_type_quota_get_sold_out_reason:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `SoldOutReason`.
 */
const char *
yun_instance_type_quota_get_sold_out_reason (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->sold_out_reason;
}

/**
 * yun_instance_type_quota_get_cpu_type:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `CpuType`.
 */
const char *
yun_instance_type_quota_get_cpu_type (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->cpu_type;
}

/**
 * yun_instance_type_quota_get_frequency:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `Frequency`, such as `2.5/3.1GHz`.
 */
const char *
yun_instance_type_quota_get_frequency (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->frequency;
}

/**
 * yun_instance_type_quota_get_instance_bandwidth:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns:: `InstanceBandwidth`, in Gbps.
 */
double
yun_instance_type_quota_get_instance_bandwidth (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), 0);
  return self->instance_bandwidth;
}

/**
 * yun_instance_type_quota_get_price:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): `Price`, the price of one instance.
 */
YunItemPrice *
yun_instance_type_quota_get_price (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->price;
}

/**
 * yun_instance_type_quota_get_region:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: (transfer none) (nullable): the region that was queried.
 */
const char *
yun_instance_type_quota_get_region (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), NULL);
  return self->region;
}

YunInstanceTypeQuota *
_yun_instance_type_quota_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunInstanceTypeQuota) self = g_object_new (YUN_TYPE_INSTANCE_TYPE_QUOTA, NULL);
  const char *Q = "InstanceTypeQuotaItem";
  json_object *price = NULL;
  gint64 cpu = 0, memory = 0, gpu = 0;

  if (!_yun_json_get_string (json, Q, "Zone", TRUE, &self->zone, error)
      || !_yun_json_get_string (json, Q, "InstanceType", TRUE, &self->instance_type, error)
      || !_yun_json_get_string (json, Q, "InstanceFamily", FALSE, &self->instance_family, error)
      || !_yun_json_get_string (json, Q, "TypeName", FALSE, &self->type_name, error)
      || !_yun_json_get_int64 (json, Q, "Cpu", FALSE, &cpu, error)
      || !_yun_json_get_int64 (json, Q, "Memory", FALSE, &memory, error)
      || !_yun_json_get_int64 (json, Q, "Gpu", FALSE, &gpu, error)
      || !_yun_json_get_string (json, Q, "InstanceChargeType", FALSE, &self->charge_type, error)
      || !_yun_json_get_string (json, Q, "Status", FALSE, &self->status, error)
      || !_yun_json_get_string (json, Q, "StatusCategory", FALSE, &self->status_category, error)
      || !_yun_json_get_string (json, Q, "SoldOutReason", FALSE, &self->sold_out_reason, error)
      || !_yun_json_get_string (json, Q, "CpuType", FALSE, &self->cpu_type, error)
      || !_yun_json_get_string (json, Q, "Frequency", FALSE, &self->frequency, error)
      || !_yun_json_get_double (json, Q, "InstanceBandwidth", FALSE, &self->instance_bandwidth,
                                error)
      || !_yun_json_get_object (json, Q, "Price", FALSE, &price, error))
    return NULL;

  if (price != NULL
      && (self->price = _yun_item_price_new_from_json (price, "InstanceTypeQuotaItem.Price", error))
           == NULL)
    return NULL;

  self->cpu = (guint) CLAMP (cpu, 0, G_MAXUINT);
  self->memory = (guint) CLAMP (memory, 0, G_MAXUINT);
  self->gpu = (guint) CLAMP (gpu, 0, G_MAXUINT);
  self->region = g_strdup (region);

  return g_steal_pointer (&self);
}

/**
 * yun_instance_type_quota_get_sellable:
 * @self: a #YunInstanceTypeQuota
 *
 * Returns: whether the type can be bought now (`Status` is `SELL`)
 */
gboolean
yun_instance_type_quota_get_sellable (YunInstanceTypeQuota *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_TYPE_QUOTA (self), FALSE);
  return g_strcmp0 (self->status, "SELL") == 0;
}
