/* yun-inventory-region.c: a region as the inventory sees it: its size and freshness
 *
 * SPDX-License-Identifier: MIT
 *
 * Lives on the main thread; the inventory changes it and views bind to its properties.
 * A region is stale when its last sync failed: its instances are the ones cached at
 * #YunInventoryRegion:synced-at, and #YunInventoryRegion:error-message says why.
 */

#define G_LOG_DOMAIN "yun-inventory-region"

#include "config.h"

#include "yun-inventory-region-private.h"

struct _YunInventoryRegion
{
  GObject parent_instance;

  char *region;
  char *name;
  guint instance_count;
  GDateTime *synced_at;
  char *error_code;
  char *error_message;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (YunInventoryRegion, yun_inventory_region, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_REGION,
  PROP_NAME,
  PROP_INSTANCE_COUNT,
  PROP_SYNCED_AT,
  PROP_STALE,
  PROP_ERROR_CODE,
  PROP_ERROR_MESSAGE,
  PROP_SYNCING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_inventory_region_finalize (GObject *object)
{
  YunInventoryRegion *self = (YunInventoryRegion *) object;

  g_free (self->region);
  g_free (self->name);
  g_clear_pointer (&self->synced_at, g_date_time_unref);
  g_free (self->error_code);
  g_free (self->error_message);

  G_OBJECT_CLASS (yun_inventory_region_parent_class)->finalize (object);
}

static void
yun_inventory_region_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInventoryRegion *self = YUN_INVENTORY_REGION (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_NAME:
      g_value_set_string (value, yun_inventory_region_get_name (self));
      break;
    case PROP_INSTANCE_COUNT:
      g_value_set_uint (value, self->instance_count);
      break;
    case PROP_SYNCED_AT:
      g_value_set_boxed (value, self->synced_at);
      break;
    case PROP_STALE:
      g_value_set_boolean (value, yun_inventory_region_get_stale (self));
      break;
    case PROP_ERROR_CODE:
      g_value_set_string (value, self->error_code);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_inventory_region_class_init (YunInventoryRegionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = yun_inventory_region_finalize;
  object_class->get_property = yun_inventory_region_get_property;

  /** YunInventoryRegion:region: the API name, such as `ap-guangzhou` */
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);
  /** YunInventoryRegion:name: the name DescribeRegions gave, or the API name */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /** YunInventoryRegion:instance-count: the instances cached in the region */
  properties[PROP_INSTANCE_COUNT]
    = g_param_spec_uint ("instance-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /** YunInventoryRegion:synced-at: when the cached instances were read, %NULL for never */
  properties[PROP_SYNCED_AT]
    = g_param_spec_boxed ("synced-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /** YunInventoryRegion:stale: the last sync failed, or none ever succeeded */
  properties[PROP_STALE] = g_param_spec_boolean ("stale", NULL, NULL, TRUE, flags);
  /** YunInventoryRegion:error-code: Tencent's code of the last failure */
  properties[PROP_ERROR_CODE] = g_param_spec_string ("error-code", NULL, NULL, NULL, flags);
  /** YunInventoryRegion:error-message: what went wrong the last time */
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  /** YunInventoryRegion:syncing: a sync of this region is under way */
  properties[PROP_SYNCING] = g_param_spec_boolean ("syncing", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_inventory_region_init (YunInventoryRegion *self)
{
}

YunInventoryRegion *
_yun_inventory_region_new (const char *region)
{
  YunInventoryRegion *self = g_object_new (YUN_TYPE_INVENTORY_REGION, NULL);

  self->region = g_strdup (region);
  return self;
}

const char *
yun_inventory_region_get_region (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), NULL);
  return self->region;
}

const char *
yun_inventory_region_get_name (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), NULL);
  return self->name != NULL ? self->name : self->region;
}

guint
yun_inventory_region_get_instance_count (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), 0);
  return self->instance_count;
}

GDateTime *
yun_inventory_region_get_synced_at (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), NULL);
  return self->synced_at;
}

gboolean
yun_inventory_region_get_stale (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), TRUE);
  return self->synced_at == NULL || self->error_message != NULL;
}

const char *
yun_inventory_region_get_error_code (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), NULL);
  return self->error_code;
}

const char *
yun_inventory_region_get_error_message (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), NULL);
  return self->error_message;
}

gboolean
yun_inventory_region_get_syncing (YunInventoryRegion *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY_REGION (self), FALSE);
  return self->syncing;
}

static void
set_string (YunInventoryRegion *self, char **field, const char *value, guint prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
_yun_inventory_region_set_name (YunInventoryRegion *self, const char *name)
{
  set_string (self, &self->name, name, PROP_NAME);
}

void
_yun_inventory_region_set_instance_count (YunInventoryRegion *self, guint count)
{
  if (self->instance_count == count)
    return;
  self->instance_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTANCE_COUNT]);
}

void
_yun_inventory_region_set_synced (YunInventoryRegion *self, gint64 synced_at)
{
  gboolean was_stale = yun_inventory_region_get_stale (self);

  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->synced_at, g_date_time_unref);
  if (synced_at > 0)
    self->synced_at = g_date_time_new_from_unix_local (synced_at);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_AT]);
  _yun_inventory_region_set_error (self, NULL, NULL);
  if (was_stale != yun_inventory_region_get_stale (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_yun_inventory_region_set_error (YunInventoryRegion *self, const char *code, const char *message)
{
  gboolean was_stale = yun_inventory_region_get_stale (self);

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error_code, code, PROP_ERROR_CODE);
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  if (was_stale != yun_inventory_region_get_stale (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_yun_inventory_region_set_syncing (YunInventoryRegion *self, gboolean syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

void
_yun_inventory_region_update_from_row (YunInventoryRegion *self, YunCacheRegionRow *row)
{
  g_object_freeze_notify (G_OBJECT (self));
  _yun_inventory_region_set_name (self, row->name);
  _yun_inventory_region_set_instance_count (self, row->n_instances);
  _yun_inventory_region_set_synced (self, row->synced_at);
  _yun_inventory_region_set_error (self, row->error_code, row->error_message);
  g_object_thaw_notify (G_OBJECT (self));
}
