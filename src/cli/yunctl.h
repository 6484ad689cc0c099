/* yunctl.h: what the commands of yunctl share
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <yun/yun.h>

G_BEGIN_DECLS

typedef struct
{
  YunClient *client;
  char *region;
  gboolean json;

  /* images */
  char *image_type;
  /* instances */
  gboolean all_regions;
  char *state;
  char *search;
} YunctlContext;

typedef gboolean (*YunctlCommandFunc) (YunctlContext *context, GError **error);

gboolean yunctl_command_regions (YunctlContext *context, GError **error);
gboolean yunctl_command_zones (YunctlContext *context, GError **error);
gboolean yunctl_command_images (YunctlContext *context, GError **error);
gboolean yunctl_command_instances (YunctlContext *context, GError **error);

G_END_DECLS
