/* yunctl.h: what the commands of yunctl share
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <yun/yun.h>

G_BEGIN_DECLS

typedef struct
{
  YunClient *client; /* NULL with --offline */
  char *region;
  gboolean json;
  /* The inventory cache and the account its rows belong to. */
  YunCache *cache;
  const char *account;
  gboolean offline;

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
gboolean yunctl_command_sync (YunctlContext *context, GError **error);

/* The cached instances, filtered like the online ones (yunctl-inventory.c). */
GPtrArray *yunctl_load_cached_instances (YunctlContext *context, GError **error);
gboolean yunctl_instance_wanted (YunctlContext *context, YunInstance *instance);
void yunctl_sort_instances (GPtrArray *instances);

G_END_DECLS
