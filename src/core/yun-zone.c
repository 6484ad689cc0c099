/* yun-zone.c: an availability zone, from CVM DescribeZones
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built, so it may be created on a worker thread and handed to the UI.
 */

#define G_LOG_DOMAIN "yun-zone"

#include "config.h"

#include <string.h>

#include "yun-api-private.h"
#include "yun-models-private.h"

G_DEFINE_FINAL_TYPE (YunZone, yun_zone, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ZONE,
  PROP_NAME,
  PROP_ZONE_ID,
  PROP_STATE,
  PROP_REGION,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_zone_finalize (GObject *object)
{
  YunZone *self = (YunZone *) object;

  g_free (self->zone);
  g_free (self->name);
  g_free (self->zone_id);
  g_free (self->state);
  g_free (self->region);

  G_OBJECT_CLASS (yun_zone_parent_class)->finalize (object);
}

static void
yun_zone_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunZone *self = YUN_ZONE (object);

  switch (prop_id)
    {
    case PROP_ZONE:
      g_value_set_string (value, self->zone);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ZONE_ID:
      g_value_set_string (value, self->zone_id);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, yun_zone_get_available (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_zone_class_init (YunZoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_zone_finalize;
  object_class->get_property = yun_zone_get_property;

  /**
   * YunZone:zone:
   *
   * The zone's API name, such as `ap-guangzhou-3`.
   */
  properties[PROP_ZONE] = g_param_spec_string (
    "zone", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunZone:name:
   *
   * The display name, such as `广州三区`.
   */
  properties[PROP_NAME] = g_param_spec_string (
    "name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunZone:zone-id:
   *
   * The numeric zone ID as a string, such as `100003`.
   */
  properties[PROP_ZONE_ID]
    = g_param_spec_string ("zone-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunZone:state:
   *
   * `ZoneState` as sent: `AVAILABLE` or `UNAVAILABLE`.
   */
  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunZone:region:
   *
   * The region that was queried.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunZone:available:
   *
   * Whether the state is `AVAILABLE`, compared without regard to case.
   */
  properties[PROP_AVAILABLE]
    = g_param_spec_boolean ("available", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_zone_init (YunZone *self)
{
}

/**
 * yun_zone_get_zone:
 * @self: a #YunZone
 *
 * Returns: (transfer none): the zone's API name, such as `ap-guangzhou-3`.
 */
const char *
yun_zone_get_zone (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), NULL);
  return self->zone;
}

/**
 * yun_zone_get_name:
 * @self: a #YunZone
 *
 * Returns: (transfer none) (nullable): the display name, such as `广州三区`.
 */
const char *
yun_zone_get_name (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), NULL);
  return self->name;
}

/**
 * yun_zone_get_zone_id:
 * @self: a #YunZone
 *
 * Returns: (transfer none) (nullable): the numeric zone ID as a string, such as `100003`.
 */
const char *
yun_zone_get_zone_id (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), NULL);
  return self->zone_id;
}

/**
 * yun_zone_get_state:
 * @self: a #YunZone
 *
 * Returns: (transfer none) (nullable): `ZoneState` as sent: `AVAILABLE` or `UNAVAILABLE`.
 */
const char *
yun_zone_get_state (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), NULL);
  return self->state;
}

/**
 * yun_zone_get_region:
 * @self: a #YunZone
 *
 * Returns: (transfer none): the region that was queried.
 */
const char *
yun_zone_get_region (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), NULL);
  return self->region;
}

YunZone *
_yun_zone_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunZone) self = g_object_new (YUN_TYPE_ZONE, NULL);

  if (!_yun_json_get_string (json, "ZoneInfo", "Zone", TRUE, &self->zone, error)
      || !_yun_json_get_string (json, "ZoneInfo", "ZoneName", FALSE, &self->name, error)
      || !_yun_json_get_string (json, "ZoneInfo", "ZoneId", FALSE, &self->zone_id, error)
      || !_yun_json_get_string (json, "ZoneInfo", "ZoneState", FALSE, &self->state, error))
    return NULL;
  self->region = g_strdup (region);

  return g_steal_pointer (&self);
}

/**
 * yun_zone_get_available:
 * @self: a #YunZone
 *
 * Returns: whether the zone accepts new instances
 */
gboolean
yun_zone_get_available (YunZone *self)
{
  g_return_val_if_fail (YUN_IS_ZONE (self), FALSE);
  return self->state != NULL && g_ascii_strcasecmp (self->state, "AVAILABLE") == 0;
}
