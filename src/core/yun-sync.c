/* yun-sync.c: reading an account's regions into the cache, as fast as the rate limits allow
 *
 * SPDX-License-Identifier: MIT
 *
 * A full sync is a set of fetches on a private pool of workers: for each region the first
 * page of DescribeInstances and of DescribeImages (each gives a TotalCount, after which the
 * remaining pages go out at once), DescribeZones and DescribeZoneInstanceConfigInfos. First
 * pages go before later ones, so every region learns its size early. The shared rate
 * limiter inside the client paces the calls; the workers only wait on it.
 *
 * When the last fetch of a region ends, that worker writes the region into the cache in
 * one transaction, or, if any fetch failed, marks the region stale with the error and
 * keeps its old rows. Instances listed by offset can shift between pages while the pages
 * are read (one created or deleted meanwhile); a listing whose pages disagree on the total,
 * or whose distinct IDs do not add up to it, is read again rather than written, because it
 * would report instances as vanished that are not.
 */

#define G_LOG_DOMAIN "yun-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yun-api-private.h"
#include "yun-sync-private.h"

#define PAGE_SIZE YUN_CVM_MAX_INSTANCE_IDS
/* Enough workers to keep every action at its rate limit through a round trip of 100 ms or
 * more; the rate limiter, not the pool, sets the pace. */
#define MAX_WORKERS 16
#define MAX_LISTING_ATTEMPTS 3

typedef struct _SyncRun SyncRun;

typedef enum
{
  FETCH_INSTANCES,
  FETCH_IMAGES,
  FETCH_ZONES,
  FETCH_INSTANCE_TYPES,
} FetchKind;

typedef struct
{
  SyncRun *run;
  char *region;

  /* Under run->lock. */
  guint pending;
  guint listing_attempt;
  GPtrArray *instance_pages; /* YunPage or NULL, by page number */
  GPtrArray *image_pages;    /* YunPage or NULL */
  GPtrArray *zones;
  GPtrArray *instance_types;
  GError *error;
} RegionRun;

typedef struct
{
  RegionRun *region;
  FetchKind kind;
  guint page;
  guint listing_attempt;
} Fetch;

struct _SyncRun
{
  YunClient *client;
  YunCache *cache;
  const char *account;
  YunSyncEventFunc func;
  gpointer user_data;
  GCancellable *cancellable;
  GThreadPool *pool;
  guint n_regions;

  GMutex lock;
  GCond finished;
  guint regions_pending;
  GPtrArray *failures; /* "region (code)" */
  GError *first_failure;
};

static void
region_run_free (RegionRun *region)
{
  g_free (region->region);
  g_ptr_array_unref (region->instance_pages);
  g_ptr_array_unref (region->image_pages);
  g_clear_pointer (&region->zones, g_ptr_array_unref);
  g_clear_pointer (&region->instance_types, g_ptr_array_unref);
  g_clear_error (&region->error);
  g_free (region);
}

static void
emit (SyncRun *run, const char *region, YunCacheDiff *diff, const GError *error)
{
  YunSyncEvent event = {
    .n_regions = run->n_regions,
    .region = region,
    .diff = diff,
    .error = error,
  };

  if (run->func != NULL)
    run->func (&event, run->user_data);
  else
    _yun_cache_diff_free (diff);
}

/* Must hold run->lock. */
static void
queue_fetch (RegionRun *region, FetchKind kind, guint page)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->region = region;
  fetch->kind = kind;
  fetch->page = page;
  fetch->listing_attempt = region->listing_attempt;
  region->pending++;
  g_thread_pool_push (region->run->pool, fetch, NULL);
}

static void
set_page (GPtrArray *pages, guint index, GPtrArray *items, guint total)
{
  YunPage *page = g_new0 (YunPage, 1);

  page->items = items;
  page->total_count = total;
  if (pages->len <= index)
    g_ptr_array_set_size (pages, index + 1);
  g_clear_pointer (&g_ptr_array_index (pages, index), _yun_page_free);
  g_ptr_array_index (pages, index) = page;
}

static guint
n_pages (guint total)
{
  return (total + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The instances of a complete listing, or NULL when its pages do not agree. */
static GPtrArray *
assemble_instances (RegionRun *region)
{
  g_autoptr (GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  YunPage *first = region->instance_pages->len > 0 ? region->instance_pages->pdata[0] : NULL;

  if (first == NULL || region->instance_pages->len != MAX (n_pages (first->total_count), 1))
    return NULL;

  for (guint i = 0; i < region->instance_pages->len; i++)
    {
      YunPage *page = g_ptr_array_index (region->instance_pages, i);

      if (page == NULL || page->total_count != first->total_count)
        return NULL;
      for (guint j = 0; j < page->items->len; j++)
        {
          YunInstance *instance = g_ptr_array_index (page->items, j);

          if (g_hash_table_add (seen, (gpointer) yun_instance_get_instance_id (instance)))
            g_ptr_array_add (instances, g_object_ref (instance));
        }
    }
  if (instances->len != first->total_count)
    return NULL;
  return g_steal_pointer (&instances);
}

static void
gather_pages (GPtrArray *pages, GPtrArray *into)
{
  for (guint i = 0; i < pages->len; i++)
    {
      YunPage *page = g_ptr_array_index (pages, i);

      for (guint j = 0; page != NULL && j < page->items->len; j++)
        g_ptr_array_add (into, g_object_ref (g_ptr_array_index (page->items, j)));
    }
}

static void
region_failed (RegionRun *region, const GError *error)
{
  SyncRun *run = region->run;
  g_autoptr (GError) write_error = NULL;
  const char *code = error->domain == YUN_ERROR ? yun_error_get_code (error) : NULL;

  if (!g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED)
      && !_yun_cache_store_region_error (run->cache, run->account, region->region, error,
                                         g_get_real_time () / G_USEC_PER_SEC, &write_error))
    g_warning ("%s", write_error->message);

  g_mutex_lock (&run->lock);
  g_ptr_array_add (run->failures, code != NULL ? g_strdup_printf ("%s (%s)", region->region, code)
                                               : g_strdup (region->region));
  if (run->first_failure == NULL)
    run->first_failure = g_error_copy (error);
  g_mutex_unlock (&run->lock);

  emit (run, region->region, NULL, error);
}

/* The last fetch of @region has ended: write it, fail it, or read its listing again. */
static void
finish_region (RegionRun *region)
{
  SyncRun *run = region->run;
  g_autoptr (YunRegionSnapshot) snapshot = NULL;
  g_autoptr (YunCacheDiff) diff = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GError) error = NULL;

  if (region->error != NULL)
    {
      region_failed (region, region->error);
      goto done;
    }

  instances = assemble_instances (region);
  if (instances == NULL)
    {
      g_mutex_lock (&run->lock);
      if (++region->listing_attempt < MAX_LISTING_ATTEMPTS)
        {
          g_debug ("%s: the instance list changed while it was read; reading it again",
                   region->region);
          g_ptr_array_set_size (region->instance_pages, 0);
          queue_fetch (region, FETCH_INSTANCES, 0);
          g_mutex_unlock (&run->lock);
          return;
        }
      g_mutex_unlock (&run->lock);
      g_set_error (&error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                   /* Translators: a region ID such as ap-guangzhou, then a number of
                    * attempts (always more than one). */
                   _ ("The instances of %s kept changing while they were listed (%u attempts); "
                      "the cached list was kept"),
                   region->region, MAX_LISTING_ATTEMPTS);
      region_failed (region, error);
      goto done;
    }

  snapshot = _yun_region_snapshot_new (region->region);
  g_ptr_array_extend_and_steal (snapshot->instances, g_steal_pointer (&instances));
  gather_pages (region->image_pages, snapshot->images);
  g_ptr_array_extend_and_steal (snapshot->zones, g_steal_pointer (&region->zones));
  g_ptr_array_extend_and_steal (snapshot->instance_types,
                                g_steal_pointer (&region->instance_types));

  diff = _yun_cache_diff_new ();
  if (_yun_cache_store_region (run->cache, run->account, snapshot,
                               g_get_real_time () / G_USEC_PER_SEC, diff, &error))
    emit (run, region->region, g_steal_pointer (&diff), NULL);
  else
    region_failed (region, error);

done:
  g_mutex_lock (&run->lock);
  if (--run->regions_pending == 0)
    g_cond_signal (&run->finished);
  g_mutex_unlock (&run->lock);
}

static void
run_fetch (gpointer data, gpointer user_data)
{
  g_autofree Fetch *fetch = data;
  SyncRun *run = user_data;
  RegionRun *region = fetch->region;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  guint total = 0;
  gboolean last;

  switch (fetch->kind)
    {
    case FETCH_INSTANCES:
      items = yun_client_describe_instances_page (run->client, region->region, NULL,
                                                  fetch->page * PAGE_SIZE, PAGE_SIZE, &total,
                                                  run->cancellable, &error);
      break;
    case FETCH_IMAGES:
      items = yun_client_describe_images_page (run->client, region->region, NULL, NULL, NULL,
                                               fetch->page * PAGE_SIZE, &total, run->cancellable,
                                               &error);
      break;
    case FETCH_ZONES:
      items = yun_client_describe_zones (run->client, region->region, run->cancellable, &error);
      break;
    case FETCH_INSTANCE_TYPES:
      items = yun_client_describe_zone_instance_config_infos (run->client, region->region, NULL,
                                                              run->cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  g_mutex_lock (&run->lock);
  if (items == NULL)
    {
      if (region->error == NULL)
        region->error = g_steal_pointer (&error);
    }
  else if (fetch->kind == FETCH_INSTANCES && fetch->listing_attempt == region->listing_attempt)
    {
      set_page (region->instance_pages, fetch->page, g_steal_pointer (&items), total);
      if (fetch->page == 0 && region->error == NULL)
        for (guint page = 1; page < n_pages (total); page++)
          queue_fetch (region, FETCH_INSTANCES, page);
    }
  else if (fetch->kind == FETCH_IMAGES)
    {
      set_page (region->image_pages, fetch->page, g_steal_pointer (&items), total);
      if (fetch->page == 0 && region->error == NULL)
        for (guint page = 1; page < n_pages (total); page++)
          queue_fetch (region, FETCH_IMAGES, page);
    }
  else if (fetch->kind == FETCH_ZONES)
    region->zones = g_steal_pointer (&items);
  else if (fetch->kind == FETCH_INSTANCE_TYPES)
    region->instance_types = g_steal_pointer (&items);
  last = --region->pending == 0;
  g_mutex_unlock (&run->lock);

  if (last)
    finish_region (region);
}

/* First pages before later ones: they tell how many more there are. */
static gint
compare_fetches (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Fetch *left = a;
  const Fetch *right = b;

  return (left->page > 0) - (right->page > 0);
}

static GStrv
list_available_regions (SyncRun *run, GError **error)
{
  g_autoptr (GPtrArray) regions = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  regions = yun_client_describe_regions (run->client, run->cancellable, error);
  if (regions == NULL || !_yun_cache_store_regions (run->cache, run->account, regions, error))
    return NULL;
  for (guint i = 0; i < regions->len; i++)
    if (yun_region_get_available (regions->pdata[i]))
      g_strv_builder_add (names, yun_region_get_region (regions->pdata[i]));
  return g_strv_builder_end (names);
}

gboolean
_yun_sync_regions (YunClient *client,
                   YunCache *cache,
                   const char *account,
                   const char *const *regions,
                   YunSyncEventFunc func,
                   gpointer user_data,
                   GCancellable *cancellable,
                   GError **error)
{
  g_autoptr (GPtrArray) region_runs
    = g_ptr_array_new_with_free_func ((GDestroyNotify) region_run_free);
  g_auto (GStrv) listed = NULL;
  SyncRun run = {
    .client = client,
    .cache = cache,
    .account = account,
    .func = func,
    .user_data = user_data,
    .cancellable = cancellable,
    .failures = g_ptr_array_new_with_free_func (g_free),
  };
  gboolean ok;

  g_return_val_if_fail (YUN_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (YUN_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  if (regions == NULL)
    {
      listed = list_available_regions (&run, error);
      if (listed == NULL)
        {
          g_ptr_array_unref (run.failures);
          return FALSE;
        }
      regions = (const char *const *) listed;
    }
  run.n_regions = g_strv_length ((char **) regions);
  emit (&run, NULL, NULL, NULL);

  g_mutex_init (&run.lock);
  g_cond_init (&run.finished);
  run.pool = g_thread_pool_new (run_fetch, &run, MAX_WORKERS, FALSE, NULL);
  g_thread_pool_set_sort_function (run.pool, compare_fetches, NULL);

  g_mutex_lock (&run.lock);
  run.regions_pending = run.n_regions;
  for (guint i = 0; regions[i] != NULL; i++)
    {
      RegionRun *region = g_new0 (RegionRun, 1);

      region->run = &run;
      region->region = g_strdup (regions[i]);
      region->instance_pages = g_ptr_array_new_with_free_func (_yun_page_free);
      region->image_pages = g_ptr_array_new_with_free_func (_yun_page_free);
      g_ptr_array_add (region_runs, region);
      queue_fetch (region, FETCH_INSTANCES, 0);
      queue_fetch (region, FETCH_IMAGES, 0);
      queue_fetch (region, FETCH_ZONES, 0);
      queue_fetch (region, FETCH_INSTANCE_TYPES, 0);
    }
  while (run.regions_pending > 0)
    g_cond_wait (&run.finished, &run.lock);
  g_mutex_unlock (&run.lock);

  g_thread_pool_free (run.pool, FALSE, TRUE);
  g_cond_clear (&run.finished);
  g_mutex_clear (&run.lock);

  ok = run.failures->len == 0;
  if (!ok)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (run.failures, NULL);
      names = g_strjoinv (", ", (char **) run.failures->pdata);
      if (g_cancellable_is_cancelled (cancellable))
        g_set_error_literal (error, YUN_ERROR, YUN_ERROR_CANCELLED, _ ("The sync was cancelled"));
      else
        g_set_error (error, run.first_failure->domain, run.first_failure->code,
                     /* Translators: how many regions failed, how many there are, the list
                      * of those that failed with their error codes (“ap-guangzhou
                      * (InternalError), …”), then the first error. */
                     _ ("%u of %u regions could not be read and keep their cached instances: %s. "
                        "First error: %s"),
                     run.failures->len - 1, run.n_regions, names, run.first_failure->message);
    }
  g_clear_error (&run.first_failure);
  g_ptr_array_unref (run.failures);
  return ok;
}

gboolean
_yun_sync_instances (YunClient *client,
                     YunCache *cache,
                     const char *account,
                     GHashTable *ids_by_region,
                     YunSyncEventFunc func,
                     gpointer user_data,
                     GCancellable *cancellable,
                     GError **error)
{
  GHashTableIter iter;
  gpointer key, value;
  SyncRun run = {
    .func = func,
    .user_data = user_data,
    .n_regions = g_hash_table_size (ids_by_region),
  };

  g_return_val_if_fail (YUN_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (YUN_IS_CACHE (cache), FALSE);

  g_hash_table_iter_init (&iter, ids_by_region);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *region = key;
      GPtrArray *ids = value;
      /* Borrowed IDs, NULL-terminated for the call. */
      g_autoptr (GPtrArray) id_list = g_ptr_array_new_full (ids->len + 1, NULL);
      g_autoptr (GPtrArray) instances = NULL;
      g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();

      g_ptr_array_extend (id_list, ids, NULL, NULL);
      g_ptr_array_add (id_list, NULL);
      instances = yun_client_describe_instances_by_ids (
        client, region, (const char *const *) id_list->pdata, cancellable, error);
      if (instances == NULL
          || !_yun_cache_store_instances (cache, account, region,
                                          (const char *const *) id_list->pdata, instances,
                                          g_get_real_time () / G_USEC_PER_SEC, diff, error))
        return FALSE;
      emit (&run, region, g_steal_pointer (&diff), NULL);
    }
  return TRUE;
}
