/* yun-image.h: a system image, from CVM DescribeImages
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_IMAGE (yun_image_get_type ())

G_DECLARE_FINAL_TYPE (YunImage, yun_image, YUN, IMAGE, GObject)

const char *yun_image_get_image_id (YunImage *self);
const char *yun_image_get_name (YunImage *self);
const char *yun_image_get_description (YunImage *self);
const char *yun_image_get_os_name (YunImage *self);
const char *yun_image_get_platform (YunImage *self);
const char *yun_image_get_image_type (YunImage *self);
const char *yun_image_get_architecture (YunImage *self);
const char *yun_image_get_state (YunImage *self);
const char *yun_image_get_image_source (YunImage *self);
guint yun_image_get_size (YunImage *self);
GDateTime *yun_image_get_created_time (YunImage *self);
YunOsFamily yun_image_get_os_family (YunImage *self);
const char *yun_image_get_region (YunImage *self);

gboolean yun_image_is_public (YunImage *self);

G_END_DECLS
