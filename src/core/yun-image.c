/* yun-image.c: a system image, from CVM DescribeImages
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built, so it may be created on a worker thread and handed to the UI.
 * The OS family comes from `Platform` ("Windows") and, failing that, from `OsName`.
 */

#define G_LOG_DOMAIN "yun-image"

#include "config.h"

#include <string.h>

#include "yun-api-private.h"
#include "yun-models-private.h"

G_DEFINE_FINAL_TYPE (YunImage, yun_image, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_IMAGE_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_OS_NAME,
  PROP_PLATFORM,
  PROP_IMAGE_TYPE,
  PROP_ARCHITECTURE,
  PROP_STATE,
  PROP_IMAGE_SOURCE,
  PROP_SIZE,
  PROP_CREATED_TIME,
  PROP_OS_FAMILY,
  PROP_REGION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_image_finalize (GObject *object)
{
  YunImage *self = (YunImage *) object;

  g_free (self->image_id);
  g_free (self->name);
  g_free (self->description);
  g_free (self->os_name);
  g_free (self->platform);
  g_free (self->image_type);
  g_free (self->architecture);
  g_free (self->state);
  g_free (self->image_source);
  g_clear_pointer (&self->created_time, g_date_time_unref);
  g_free (self->region);

  G_OBJECT_CLASS (yun_image_parent_class)->finalize (object);
}

static void
yun_image_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunImage *self = YUN_IMAGE (object);

  switch (prop_id)
    {
    case PROP_IMAGE_ID:
      g_value_set_string (value, self->image_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_OS_NAME:
      g_value_set_string (value, self->os_name);
      break;
    case PROP_PLATFORM:
      g_value_set_string (value, self->platform);
      break;
    case PROP_IMAGE_TYPE:
      g_value_set_string (value, self->image_type);
      break;
    case PROP_ARCHITECTURE:
      g_value_set_string (value, self->architecture);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_IMAGE_SOURCE:
      g_value_set_string (value, self->image_source);
      break;
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;
    case PROP_CREATED_TIME:
      g_value_set_boxed (value, self->created_time);
      break;
    case PROP_OS_FAMILY:
      g_value_set_enum (value, self->os_family);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_image_class_init (YunImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_image_finalize;
  object_class->get_property = yun_image_get_property;

  /**
   * YunImage:image-id:
   *
   * The image ID, such as `img-eb30mz89`.
   */
  properties[PROP_IMAGE_ID]
    = g_param_spec_string ("image-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:name:
   *
   * `ImageName`.
   */
  properties[PROP_NAME] = g_param_spec_string (
    "name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:description:
   *
   * `ImageDescription`.
   */
  properties[PROP_DESCRIPTION]
    = g_param_spec_string ("description", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:os-name:
   *
   * `OsName`, such as `TencentOS Server 3.1 (TK4)` or `Windows Server 2022 数据中心版 64位中文版`.
   */
  properties[PROP_OS_NAME]
    = g_param_spec_string ("os-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:platform:
   *
   * `Platform`, such as `TencentOS`, `CentOS`, `Ubuntu` or `Windows`.
   */
  properties[PROP_PLATFORM]
    = g_param_spec_string ("platform", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:image-type:
   *
   * `ImageType`: `PUBLIC_IMAGE`, `PRIVATE_IMAGE` or `SHARED_IMAGE`.
   */
  properties[PROP_IMAGE_TYPE]
    = g_param_spec_string ("image-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:architecture:
   *
   * `Architecture`: `x86_64`, `arm` or `i386`.
   */
  properties[PROP_ARCHITECTURE]
    = g_param_spec_string ("architecture", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:state:
   *
   * `ImageState`, such as `NORMAL` or `CREATING`.
   */
  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:image-source:
   *
   * `ImageSource`: `OFFICIAL`, `CREATE_IMAGE` or `EXTERNAL_IMPORT`.
   */
  properties[PROP_IMAGE_SOURCE]
    = g_param_spec_string ("image-source", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:size:
   *
   * `ImageSize`, in GiB.
   */
  properties[PROP_SIZE]
    = g_param_spec_uint ("size", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:created-time:
   *
   * `CreatedTime`, in UTC.
   */
  properties[PROP_CREATED_TIME]
    = g_param_spec_boxed ("created-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:os-family:
   *
   * Linux or Windows, from the platform or the OS name.
   */
  properties[PROP_OS_FAMILY]
    = g_param_spec_enum ("os-family", NULL, NULL, YUN_TYPE_OS_FAMILY, YUN_OS_FAMILY_UNKNOWN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunImage:region:
   *
   * The region that was queried.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_image_init (YunImage *self)
{
}

/**
 * yun_image_get_image_id:
 * @self: a #YunImage
 *
 * Returns: (transfer none): the image ID, such as `img-eb30mz89`.
 */
const char *
yun_image_get_image_id (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->image_id;
}

/**
 * yun_image_get_name:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `ImageName`.
 */
const char *
yun_image_get_name (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->name;
}

/**
 * yun_image_get_description:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `ImageDescription`.
 */
const char *
yun_image_get_description (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->description;
}

/**
 * yun_image_get_os_name:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `OsName`, such as `TencentOS Server 3.1 (TK4)` or `Windows
 * Server 2022 数据中心版 64位中文版`.
 */
const char *
yun_image_get_os_name (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->os_name;
}

/**
 * yun_image_get_platform:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `Platform`, such as `TencentOS`, `CentOS`, `Ubuntu` or
 * `Windows`.
 */
const char *
yun_image_get_platform (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->platform;
}

/**
 * yun_image_get_image_type:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `ImageType`: `PUBLIC_IMAGE`, `PRIVATE_IMAGE` or
 * `SHARED_IMAGE`.
 */
const char *
yun_image_get_image_type (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->image_type;
}

/**
 * yun_image_get_architecture:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `Architecture`: `x86_64`, `arm` or `i386`.
 */
const char *
yun_image_get_architecture (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->architecture;
}

/**
 * yun_image_get_state:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `ImageState`, such as `NORMAL` or `CREATING`.
 */
const char *
yun_image_get_state (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->state;
}

/**
 * yun_image_get_image_source:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `ImageSource`: `OFFICIAL`, `CREATE_IMAGE` or
 * `EXTERNAL_IMPORT`.
 */
const char *
yun_image_get_image_source (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->image_source;
}

/**
 * yun_image_get_size:
 * @self: a #YunImage
 *
 * Returns:: `ImageSize`, in GiB.
 */
guint
yun_image_get_size (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), 0);
  return self->size;
}

/**
 * yun_image_get_created_time:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): `CreatedTime`, in UTC.
 */
GDateTime *
yun_image_get_created_time (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->created_time;
}

/**
 * yun_image_get_os_family:
 * @self: a #YunImage
 *
 * Returns:: linux or Windows, from the platform or the OS name.
 */
YunOsFamily
yun_image_get_os_family (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), YUN_OS_FAMILY_UNKNOWN);
  return self->os_family;
}

/**
 * yun_image_get_region:
 * @self: a #YunImage
 *
 * Returns: (transfer none) (nullable): the region that was queried.
 */
const char *
yun_image_get_region (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), NULL);
  return self->region;
}

YunImage *
_yun_image_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunImage) self = g_object_new (YUN_TYPE_IMAGE, NULL);
  gint64 size = 0;

  if (!_yun_json_get_string (json, "Image", "ImageId", TRUE, &self->image_id, error)
      || !_yun_json_get_string (json, "Image", "ImageName", FALSE, &self->name, error)
      || !_yun_json_get_string (json, "Image", "ImageDescription", FALSE, &self->description, error)
      || !_yun_json_get_string (json, "Image", "OsName", FALSE, &self->os_name, error)
      || !_yun_json_get_string (json, "Image", "Platform", FALSE, &self->platform, error)
      || !_yun_json_get_string (json, "Image", "ImageType", FALSE, &self->image_type, error)
      || !_yun_json_get_string (json, "Image", "Architecture", FALSE, &self->architecture, error)
      || !_yun_json_get_string (json, "Image", "ImageState", FALSE, &self->state, error)
      || !_yun_json_get_string (json, "Image", "ImageSource", FALSE, &self->image_source, error)
      || !_yun_json_get_int64 (json, "Image", "ImageSize", FALSE, &size, error)
      || !_yun_json_get_datetime (json, "Image", "CreatedTime", FALSE, &self->created_time, error))
    return NULL;

  self->size = (guint) CLAMP (size, 0, G_MAXUINT);
  self->region = g_strdup (region);

  /* Platform is the better witness; OsName is free text. */
  if (self->platform != NULL && g_ascii_strncasecmp (self->platform, "Windows", 7) == 0)
    self->os_family = YUN_OS_FAMILY_WINDOWS;
  else
    self->os_family = yun_os_family_from_os_name (self->os_name);
  if (self->os_family == YUN_OS_FAMILY_UNKNOWN && self->platform != NULL && *self->platform != '\0')
    self->os_family = YUN_OS_FAMILY_LINUX;

  return g_steal_pointer (&self);
}

/**
 * yun_image_is_public:
 * @self: a #YunImage
 *
 * Returns: whether the image is an official public image
 */
gboolean
yun_image_is_public (YunImage *self)
{
  g_return_val_if_fail (YUN_IS_IMAGE (self), FALSE);
  return g_strcmp0 (self->image_type, "PUBLIC_IMAGE") == 0;
}
