/* yun-region.c: a Tencent Cloud region
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built, so it may be created on a worker thread and handed to the UI.
 */

#define G_LOG_DOMAIN "yun-region"

#include "config.h"

#include "yun-api-private.h"
#include "yun-models-private.h"

G_DEFINE_FINAL_TYPE (YunRegion, yun_region, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_REGION,
  PROP_NAME,
  PROP_STATE,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_region_finalize (GObject *object)
{
  YunRegion *self = (YunRegion *) object;

  g_free (self->region);
  g_free (self->name);
  g_free (self->state);

  G_OBJECT_CLASS (yun_region_parent_class)->finalize (object);
}

static void
yun_region_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunRegion *self = YUN_REGION (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, yun_region_get_available (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_region_class_init (YunRegionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_region_finalize;
  object_class->get_property = yun_region_get_property;

  /**
   * YunRegion:region:
   *
   * The region's API name, such as `ap-guangzhou`.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunRegion:name:
   *
   * The region's display name, such as `华南地区(广州)`.
   */
  properties[PROP_NAME] = g_param_spec_string (
    "name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunRegion:state:
   *
   * `RegionState` as sent (`AVAILABLE`, or `available` on TCE).
   */
  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunRegion:available:
   *
   * Whether the state is `AVAILABLE`, compared without regard to case.
   */
  properties[PROP_AVAILABLE]
    = g_param_spec_boolean ("available", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_region_init (YunRegion *self)
{
}

YunRegion *
_yun_region_new_from_json (json_object *json, GError **error)
{
  g_autoptr (YunRegion) self = g_object_new (YUN_TYPE_REGION, NULL);

  if (!_yun_json_get_string (json, "RegionInfo", "Region", TRUE, &self->region, error)
      || !_yun_json_get_string (json, "RegionInfo", "RegionName", FALSE, &self->name, error)
      || !_yun_json_get_string (json, "RegionInfo", "RegionState", FALSE, &self->state, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * yun_region_get_region:
 * @self: a #YunRegion
 *
 * Returns: (transfer none): the API name, such as `ap-guangzhou`
 */
const char *
yun_region_get_region (YunRegion *self)
{
  g_return_val_if_fail (YUN_IS_REGION (self), NULL);
  return self->region;
}

/**
 * yun_region_get_name:
 * @self: a #YunRegion
 *
 * Returns: (transfer none) (nullable): the display name
 */
const char *
yun_region_get_name (YunRegion *self)
{
  g_return_val_if_fail (YUN_IS_REGION (self), NULL);
  return self->name;
}

/**
 * yun_region_get_state:
 * @self: a #YunRegion
 *
 * Returns: (transfer none) (nullable): the `RegionState` as sent
 */
const char *
yun_region_get_state (YunRegion *self)
{
  g_return_val_if_fail (YUN_IS_REGION (self), NULL);
  return self->state;
}

/**
 * yun_region_get_available:
 * @self: a #YunRegion
 *
 * Returns: whether the region accepts new resources
 */
gboolean
yun_region_get_available (YunRegion *self)
{
  g_return_val_if_fail (YUN_IS_REGION (self), FALSE);
  return self->state != NULL && g_ascii_strcasecmp (self->state, "AVAILABLE") == 0;
}
