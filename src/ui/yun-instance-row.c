/* yun-instance-row.c: a row of the instance list, showing one instance after another
 *
 * SPDX-License-Identifier: MIT
 *
 * GTK 4.8's list views keep a row's widgets only while its item stays the same object. A
 * row is the item YunInstanceSelection gives for a position, and keeps its place when the
 * filter, the sort or a sync changes the instance shown there: the cells follow the
 * "instance" property instead of being built again. A row past the instances shown is blank:
 * it shows no instance.
 */

#define G_LOG_DOMAIN "yun-instance-row"

#include "config.h"

#include "yun-instance-row.h"

struct _YunInstanceRow
{
  GObject parent_instance;

  YunInstance *instance;
};

G_DEFINE_FINAL_TYPE (YunInstanceRow, yun_instance_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INSTANCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_instance_row_dispose (GObject *object)
{
  YunInstanceRow *self = YUN_INSTANCE_ROW (object);

  g_clear_object (&self->instance);

  G_OBJECT_CLASS (yun_instance_row_parent_class)->dispose (object);
}

static void
yun_instance_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInstanceRow *self = YUN_INSTANCE_ROW (object);

  switch (prop_id)
    {
    case PROP_INSTANCE:
      g_value_set_object (value, self->instance);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_row_class_init (YunInstanceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yun_instance_row_dispose;
  object_class->get_property = yun_instance_row_get_property;

  properties[PROP_INSTANCE]
    = g_param_spec_object ("instance", NULL, NULL, YUN_TYPE_INSTANCE,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_instance_row_init (YunInstanceRow *self)
{
}

/* @instance: (nullable): what the row shows, or nothing */
YunInstanceRow *
yun_instance_row_new (YunInstance *instance)
{
  YunInstanceRow *self = g_object_new (YUN_TYPE_INSTANCE_ROW, NULL);

  g_return_val_if_fail (instance == NULL || YUN_IS_INSTANCE (instance), self);

  g_set_object (&self->instance, instance);
  return self;
}

/* Returns: (nullable) (transfer none): the instance the row shows; %NULL for a blank row */
YunInstance *
yun_instance_row_get_instance (YunInstanceRow *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_ROW (self), NULL);
  return self->instance;
}

/* @instance: (nullable): what the row shows, or nothing */
void
yun_instance_row_set_instance (YunInstanceRow *self, YunInstance *instance)
{
  g_return_if_fail (YUN_IS_INSTANCE_ROW (self));
  g_return_if_fail (instance == NULL || YUN_IS_INSTANCE (instance));

  if (g_set_object (&self->instance, instance))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTANCE]);
}
