/* yun-instance-list-private.h: the inventory's list of instances, indexed by ID
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-cache-private.h"

G_BEGIN_DECLS

#define YUN_TYPE_INSTANCE_LIST (yun_instance_list_get_type ())

G_DECLARE_FINAL_TYPE (YunInstanceList, yun_instance_list, YUN, INSTANCE_LIST, GObject)

YunInstanceList *_yun_instance_list_new (void);
YunInstance *_yun_instance_list_lookup (YunInstanceList *self, const char *instance_id);
/* Replaces every item by @instances (YunInstance), in one items-changed. */
void _yun_instance_list_reset (YunInstanceList *self, GPtrArray *instances);
/* Applies a diff: changed items replaced in place, added ones appended, vanished removed. */
void _yun_instance_list_apply (YunInstanceList *self, YunCacheDiff *diff);

G_END_DECLS
