/* yun-sync-private.h: reading an account's regions into the cache, as fast as the rate
 * limits allow
 *
 * SPDX-License-Identifier: MIT
 *
 * Synchronous, for a worker thread: the inventory runs these in a GTask, yunctl and the
 * benchmarks through the inventory.
 */

#pragma once

#include "yun-cache-private.h"

G_BEGIN_DECLS

/**
 * YunSyncEvent:
 * @n_regions: how many regions this sync covers, once known (in every event)
 * @region: (nullable): the region this event is about; %NULL for "the regions are known"
 * @diff: (nullable) (transfer full): what the region's write changed, when it succeeded;
 *   the receiver owns it
 * @error: (nullable): why the region failed; its old rows are kept, marked stale
 *
 * Sent from a worker thread each time the list of regions is known and each time a region
 * is written or has failed. Everything but @diff is borrowed for the call.
 */
typedef struct
{
  guint n_regions;
  const char *region;
  YunCacheDiff *diff;
  const GError *error;
} YunSyncEvent;

typedef void (*YunSyncEventFunc) (const YunSyncEvent *event, gpointer user_data);

/* Reads @regions (NULL: DescribeRegions, then every available region) in parallel and
 * writes each into @cache in one transaction. Returns FALSE when the region list could not
 * be read, when a region failed (each is reported by an event; the error names them) or on
 * cancellation. */
gboolean _yun_sync_regions (YunClient *client,
                            YunCache *cache,
                            const char *account,
                            const char *const *regions,
                            YunSyncEventFunc func,
                            gpointer user_data,
                            GCancellable *cancellable,
                            GError **error);

/* Re-reads some instances by ID (@ids_by_region: region → GPtrArray of IDs) and writes
 * the answers into @cache, one event per region. */
gboolean _yun_sync_instances (YunClient *client,
                              YunCache *cache,
                              const char *account,
                              GHashTable *ids_by_region,
                              YunSyncEventFunc func,
                              gpointer user_data,
                              GCancellable *cancellable,
                              GError **error);

G_END_DECLS
