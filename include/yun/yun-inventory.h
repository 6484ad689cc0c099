/* yun-inventory.h: every instance of an account, in every region, cached and kept true
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-cache.h>
#include <yun/yun-client.h>
#include <yun/yun-instance.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INVENTORY (yun_inventory_get_type ())
#define YUN_TYPE_INSTANCE_CHANGE (yun_instance_change_get_type ())
#define YUN_TYPE_INSTANCE_CHANGE_KIND (yun_instance_change_kind_get_type ())

/* Defaults: a full sync every 5 minutes, transitional instances polled every 3 s. */
#define YUN_INVENTORY_DEFAULT_REFRESH_INTERVAL 300
#define YUN_INVENTORY_DEFAULT_POLL_INTERVAL_MS 3000

/**
 * YunInstanceChangeKind:
 * @YUN_INSTANCE_CHANGE_ADDED: an instance the cache did not know
 * @YUN_INSTANCE_CHANGE_CHANGED: a known instance with a field changed
 * @YUN_INSTANCE_CHANGE_VANISHED: a cached instance the service no longer lists
 */
typedef enum
{
  YUN_INSTANCE_CHANGE_ADDED,
  YUN_INSTANCE_CHANGE_CHANGED,
  YUN_INSTANCE_CHANGE_VANISHED,
} YunInstanceChangeKind;

GType yun_instance_change_kind_get_type (void) G_GNUC_CONST;
const char *yun_instance_change_kind_to_string (YunInstanceChangeKind kind);

/**
 * YunInstanceChange:
 * @kind: what happened
 * @instance_id: the instance
 * @region: its region
 * @name: (nullable): its name (the last one known, for a vanished instance)
 * @old_state: (nullable): the state before (%NULL for an added instance)
 * @new_state: (nullable): the state now (%NULL for a vanished one)
 * @detected_at: when a sync noticed it, unix seconds
 *
 * A difference between the cache and the service that a sync or a poll found: something
 * done in the console, by another tool, or by time (a transition that ended).
 */
typedef struct
{
  YunInstanceChangeKind kind;
  char *instance_id;
  char *region;
  char *name;
  char *old_state;
  char *new_state;
  gint64 detected_at;
} YunInstanceChange;

GType yun_instance_change_get_type (void) G_GNUC_CONST;
YunInstanceChange *yun_instance_change_copy (const YunInstanceChange *self);
void yun_instance_change_free (YunInstanceChange *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunInstanceChange, yun_instance_change_free)

G_DECLARE_FINAL_TYPE (YunInventory, yun_inventory, YUN, INVENTORY, GObject)

YunInventory *yun_inventory_new (YunCache *cache, const char *account);

YunCache *yun_inventory_get_cache (YunInventory *self);
const char *yun_inventory_get_account (YunInventory *self);
YunClient *yun_inventory_get_client (YunInventory *self);
void yun_inventory_set_client (YunInventory *self, YunClient *client);
guint yun_inventory_get_refresh_interval (YunInventory *self);
void yun_inventory_set_refresh_interval (YunInventory *self, guint seconds);
guint yun_inventory_get_poll_interval (YunInventory *self);
void yun_inventory_set_poll_interval (YunInventory *self, guint milliseconds);
gboolean yun_inventory_get_loaded (YunInventory *self);
gboolean yun_inventory_get_syncing (YunInventory *self);

GListModel *yun_inventory_get_regions (YunInventory *self);
GListModel *yun_inventory_get_instances (YunInventory *self);
YunInstance *yun_inventory_lookup (YunInventory *self, const char *instance_id);
void yun_inventory_watch (YunInventory *self, const char *instance_id, const char *region);

gboolean yun_inventory_load (YunInventory *self, GCancellable *cancellable, GError **error);
void yun_inventory_load_async (YunInventory *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean yun_inventory_load_finish (YunInventory *self, GAsyncResult *result, GError **error);

void yun_inventory_refresh_async (YunInventory *self,
                                  const char *const *regions,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean yun_inventory_refresh_finish (YunInventory *self, GAsyncResult *result, GError **error);

G_END_DECLS
