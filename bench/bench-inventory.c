/* bench-inventory.c: how fast the inventory reads a large account, writes it and shows it
 *
 * SPDX-License-Identifier: MIT
 *
 * 1. The peak RSS (ru_maxrss from wait4) and wall time of `yunctl sync --all-regions`
 *    processes over the fleet of 2, served by a yunsim process. It runs first, while this
 *    process is still small (see bench_yunctl()).
 * 2. A full sync (yun_inventory_refresh_async) of an in-process yunsim fleet: 16 regions,
 *    10,000 instances of which 3,000 in ap-guangzhou, 63 images per region, 50 ms of latency
 *    and the documented rate limits. Wall time, requests sent per action (the simulator's
 *    own count), throttling errors the user sees, and the lower bound that the rate limits
 *    and the round trips set (explained in print_bound_model()). Three runs and the median.
 * 3. _yun_cache_store_region() of 10,000 instances of one region: all added to a fresh
 *    cache, the same again (all unchanged), then all changed.
 * 4. A cold load of those 10,000 into the model: yun_inventory_load() in a new process, as
 *    an application starting does (its memory not yet taken from the system); then, in this
 *    process, yun_inventory_load() and yun_inventory_load_async() with a new connection,
 *    and _yun_cache_load_instances() alone.
 *
 * Prints figures and whether each meets the target of the issue; never fails on a time.
 */

#define G_LOG_DOMAIN "bench-inventory"

#include "config.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-common.h"
#include "yun-cache-private.h"
#include "yun-rate-limiter-private.h"
#include "yun-sim.h"

#define ACCOUNT "bench"
#define N_REGIONS 16
#define N_INSTANCES 10000
#define BIG_REGION "ap-guangzhou"
#define BIG_REGION_SIZE "3000"
#define IMAGES_PER_REGION 63
#define LATENCY_MS 50
#define PAGE_SIZE 100
#define N_SYNC_RUNS 3
#define N_REPETITIONS 5
/* The client's rate limiter is process-wide, keyed by SecretId and action, so every sync
 * run draws from the buckets the previous one emptied. A bucket refills completely in
 * burst / rate = 0.5 s; waiting 2 s between runs gives each run full buckets. */
#define PAUSE_BETWEEN_RUNS_US (2 * G_USEC_PER_SEC)

#define TARGET_RATIO 1.2
#define TARGET_UPSERT_MS 150.0
#define TARGET_LOAD_MS 100.0
#define TARGET_RSS_MB 60.0

static const char *const region_sizes[] = { BIG_REGION "=" BIG_REGION_SIZE, NULL };

/* The actions of a full sync, in the order the sync depends on them. */
enum
{
  ACTION_REGIONS,
  ACTION_INSTANCES,
  ACTION_IMAGES,
  ACTION_ZONES,
  ACTION_INSTANCE_TYPES,
  N_ACTIONS
};

static const char *const sync_actions[N_ACTIONS] = {
  [ACTION_REGIONS] = "DescribeRegions",
  [ACTION_INSTANCES] = "DescribeInstances",
  [ACTION_IMAGES] = "DescribeImages",
  [ACTION_ZONES] = "DescribeZones",
  [ACTION_INSTANCE_TYPES] = "DescribeZoneInstanceConfigInfos",
};

typedef struct
{
  double wall_s;
  double bound_s;
  double client_bound_s;
  guint surfaced_throttles;
  guint failed_regions;
  guint model_instances;
} SyncFigures;

/* ---- Helpers ---- */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double left = *(const double *) a;
  double right = *(const double *) b;

  return (left > right) - (left < right);
}

static double
median (const double *values, guint n)
{
  g_autofree double *sorted = g_memdup2 (values, n * sizeof (double));

  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1000.0;
}

static const char *
verdict (gboolean met)
{
  return met ? "met" : "not met";
}

/* ---- The simulator's admin API ---- */

/* Region → number of instances the simulator holds there. */
static GHashTable *
state_region_sizes (json_object *state)
{
  GHashTable *sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  json_object *regions, *instances;

  if (json_object_object_get_ex (state, "regions", &regions))
    for (gsize i = 0; i < json_object_array_length (regions); i++)
      g_hash_table_insert (
        sizes, g_strdup (json_object_get_string (json_object_array_get_idx (regions, i))),
        GUINT_TO_POINTER (0));
  if (json_object_object_get_ex (state, "instances", &instances))
    for (gsize i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *region;

        if (json_object_object_get_ex (json_object_array_get_idx (instances, i), "Region", &region))
          {
            const char *name = json_object_get_string (region);
            guint count = GPOINTER_TO_UINT (g_hash_table_lookup (sizes, name));

            g_hash_table_insert (sizes, g_strdup (name), GUINT_TO_POINTER (count + 1));
          }
      }
  return sizes;
}

/* ---- 2. Full sync ---- */

static void
print_bound_model (void)
{
  printf ("Lower bound of a full sync (RTT = the configured %u ms; the loopback round trip itself\n"
          "is well under 1 ms and is left out, which only lowers the bound):\n"
          "  - DescribeRegions must answer before any other request is sent: 1 RTT.\n"
          "  - Each action a then needs N_a requests (the fewest a complete sync can make: one\n"
          "    per region, and for DescribeInstances/DescribeImages one per page of 100). The\n"
          "    simulator enforces the documented limit as a token bucket per SecretId and\n"
          "    action, holding b_a = r_a tokens (one second's worth) and refilling at r_a per\n"
          "    second, so the last request of a cannot be sent before\n"
          "    RTT + max(0, N_a - b_a) / r_a.\n"
          "  - A later page cannot be asked before its region's first page answered (it gives\n"
          "    the TotalCount): when some region has more than one page, the last request of\n"
          "    that action is sent at 2 RTT at the earliest.\n"
          "  - Its answer takes one more RTT. Bound = max over actions of\n"
          "    max(RTT + max(0, N_a - b_a) / r_a, depth_a * RTT) + RTT,\n"
          "    where depth_a is 2 for an action with a later page and 1 otherwise; at least\n"
          "    3 RTT as soon as a region needs a second page.\n"
          "  - Parsing answers and writing SQLite are not in the bound: they count against the\n"
          "    sync.\n"
          "  The same formula with the client's own buckets (b_a = floor(3 r_a / 4), see\n"
          "  yun-rate-limiter.c) is printed as \"client bound\": the best this client can do by\n"
          "  its own pacing.\n",
          LATENCY_MS);
}

/* The earliest moment the last answer of an action can arrive; see print_bound_model(). */
static double
action_bound (guint needed, double rate, double burst, guint depth, double rtt)
{
  double paced;

  if (depth == 0) /* DescribeRegions: sent at once */
    return rtt;
  paced = rtt + MAX (0.0, needed - burst) / rate;
  return MAX (paced, depth * rtt) + rtt;
}

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
  gint64 finished_us;
} Waiter;

static void
refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->finished_us = g_get_monotonic_time ();
  waiter->ok = yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

static void
run_sync (guint run, SyncFigures *figures)
{
  YunSimOptions options;
  g_autoptr (YunSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-inventory-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunInventory) inventory = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (json_object) state = NULL;
  g_autoptr (GHashTable) sizes = NULL;
  YunRateLimiter *limiter = _yun_rate_limiter_get_default ();
  Waiter waiter = { .loop = loop };
  GListModel *regions;
  GHashTableIter iter;
  gpointer key, value;
  /* Per action: the fewest requests, and the round trips before the last can go. */
  guint needed[N_ACTIONS] = { [ACTION_REGIONS] = 1 };
  guint depth[N_ACTIONS] = {
    [ACTION_INSTANCES] = 1, [ACTION_IMAGES] = 1, [ACTION_ZONES] = 1, [ACTION_INSTANCE_TYPES] = 1
  };
  guint sent_total = 0, needed_total = 0, n_images = 0;
  double rtt = LATENCY_MS / 1000.0;
  gint64 start;

  if (dir == NULL)
    g_error ("%s", error->message);
  yun_sim_options_init (&options);
  options.n_regions = N_REGIONS;
  options.n_instances = N_INSTANCES;
  options.region_sizes = region_sizes;
  options.n_images = IMAGES_PER_REGION;
  options.latency_ms = LATENCY_MS;
  options.no_rate_limits = FALSE;
  sim = bench_start_sim (&options);

  path = g_build_filename (dir, "yundesk.db", NULL);
  cache = bench_open_cache (path);
  client = bench_demo_client (yun_sim_get_url (sim));
  inventory = yun_inventory_new (cache, ACCOUNT);
  yun_inventory_set_refresh_interval (inventory, 0);
  yun_inventory_set_poll_interval (inventory, 0);
  yun_inventory_set_client (inventory, client);

  start = g_get_monotonic_time ();
  yun_inventory_refresh_async (inventory, NULL, NULL, refresh_done, &waiter);
  g_main_loop_run (loop);
  figures->wall_s = (double) (waiter.finished_us - start) / G_USEC_PER_SEC;

  /* What the user sees: the sync's error, and each region's. */
  figures->surfaced_throttles
    = !waiter.ok && g_error_matches (waiter.error, YUN_ERROR, YUN_ERROR_THROTTLED) ? 1 : 0;
  figures->failed_regions = 0;
  regions = yun_inventory_get_regions (inventory);
  for (guint i = 0; i < g_list_model_get_n_items (regions); i++)
    {
      g_autoptr (YunInventoryRegion) region = g_list_model_get_item (regions, i);
      const char *code = yun_inventory_region_get_error_code (region);

      if (code != NULL)
        figures->failed_regions++;
      if (code != NULL && g_str_has_prefix (code, "RequestLimitExceeded"))
        figures->surfaced_throttles++;
    }
  figures->model_instances = g_list_model_get_n_items (yun_inventory_get_instances (inventory));

  /* The fewest requests a complete sync needs, from the fleet itself. */
  state = bench_fetch_state (yun_sim_get_url (sim));
  sizes = state_region_sizes (state);
  g_hash_table_iter_init (&iter, sizes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr (GPtrArray) images = _yun_cache_load_images (cache, ACCOUNT, key, NULL);
      guint instance_pages = MAX (1, (GPOINTER_TO_UINT (value) + PAGE_SIZE - 1) / PAGE_SIZE);
      guint image_pages = MAX (1, ((images ? images->len : 0) + PAGE_SIZE - 1) / PAGE_SIZE);

      n_images += images != NULL ? images->len : 0;
      needed[ACTION_INSTANCES] += instance_pages;
      needed[ACTION_IMAGES] += image_pages;
      needed[ACTION_ZONES]++;
      needed[ACTION_INSTANCE_TYPES]++;
      if (instance_pages > 1)
        depth[ACTION_INSTANCES] = 2;
      if (image_pages > 1)
        depth[ACTION_IMAGES] = 2;
    }

  printf ("\nRun %u of %u: %u regions, %u instances (%s %s), %u images, %u ms latency, "
          "documented rate limits\n",
          run, N_SYNC_RUNS, g_hash_table_size (sizes), N_INSTANCES, BIG_REGION, BIG_REGION_SIZE,
          n_images, LATENCY_MS);
  printf ("  %-32s %5s %7s %7s %7s %7s %12s %12s\n", "action", "sent", "needed", "rate/s", "bucket",
          "client", "bound", "client bound");
  figures->bound_s = figures->client_bound_s = 0;
  for (guint a = 0; a < N_ACTIONS; a++)
    {
      double rate = _yun_action_default_rate (sync_actions[a]);
      double client_burst = _yun_rate_limiter_get_burst (limiter, sync_actions[a]);
      double bound = action_bound (needed[a], rate, rate, depth[a], rtt);
      double client_bound = action_bound (needed[a], rate, client_burst, depth[a], rtt);
      guint sent = bench_state_requests (state, sync_actions[a]);

      printf ("  %-32s %5u %7u %7.0f %7.0f %7.0f %10.3f s %10.3f s\n", sync_actions[a], sent,
              needed[a], rate, rate, client_burst, bound, client_bound);
      sent_total += sent;
      needed_total += needed[a];
      figures->bound_s = MAX (figures->bound_s, bound);
      figures->client_bound_s = MAX (figures->client_bound_s, client_bound);
    }
  printf ("  %-32s %5u %7u\n", "total", sent_total, needed_total);
  printf ("  wall time %.3f s; lower bound %.3f s; ratio %.2f (target <= %.1f); "
          "client bound %.3f s (ratio %.2f)\n",
          figures->wall_s, figures->bound_s, figures->wall_s / figures->bound_s, TARGET_RATIO,
          figures->client_bound_s, figures->wall_s / figures->client_bound_s);
  printf ("  requests beyond the needed ones (refused and retried inside the client): %d\n",
          (int) sent_total - (int) needed_total);
  printf ("  throttling errors surfaced to the user: %u (target 0); regions failed for any "
          "reason: %u; instances in the model: %u (expected %u)\n",
          figures->surfaced_throttles, figures->failed_regions, figures->model_instances,
          N_INSTANCES);
  if (!waiter.ok)
    printf ("  the sync failed: %s\n", waiter.error->message);

  g_clear_error (&waiter.error);
  g_clear_object (&inventory);
  g_clear_object (&cache);
  bench_remove_tree (dir);
}

static void
bench_sync (SyncFigures *result)
{
  SyncFigures runs[N_SYNC_RUNS];
  double walls[N_SYNC_RUNS];

  printf ("\n== 2. Full sync (yun_inventory_refresh_async), fresh simulator and cache per run; "
          "runs %.0f s apart so that the process-wide client buckets are full again ==\n",
          (double) PAUSE_BETWEEN_RUNS_US / G_USEC_PER_SEC);
  print_bound_model ();

  *result = (SyncFigures){ 0 };
  for (guint i = 0; i < N_SYNC_RUNS; i++)
    {
      if (i > 0)
        g_usleep (PAUSE_BETWEEN_RUNS_US);
      run_sync (i + 1, &runs[i]);
      walls[i] = runs[i].wall_s;
      result->surfaced_throttles += runs[i].surfaced_throttles;
      result->failed_regions += runs[i].failed_regions;
      result->model_instances
        = i == 0 ? runs[i].model_instances : MIN (result->model_instances, runs[i].model_instances);
    }
  /* The same seed gives the same fleet, hence the same bound in every run. */
  result->wall_s = median (walls, N_SYNC_RUNS);
  result->bound_s = runs[0].bound_s;
  result->client_bound_s = runs[0].client_bound_s;
  printf ("\nMedian of %u runs: wall %.3f s, ratio to the lower bound %.2f (target <= %.1f), "
          "ratio to the client bound %.2f\n",
          N_SYNC_RUNS, result->wall_s, result->wall_s / result->bound_s, TARGET_RATIO,
          result->wall_s / result->client_bound_s);
}

/* ---- 3. Upsert ---- */

static GPtrArray *
list_instances (YunClient *client)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *instances = yun_client_describe_instances_all (client, BIG_REGION, NULL, NULL, &error);

  if (instances == NULL)
    g_error ("%s", error->message);
  return instances;
}

/* RUNNING ↔ STOPPED for every instance, behind the client's back. */
static void
flip_states (const char *sim_url, GPtrArray *instances)
{
  g_autoptr (GString) answer = g_string_new (NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();

  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (instances, i);
      g_autofree char *url = g_strdup_printf ("%s/_yunsim/instances/%s", sim_url,
                                              yun_instance_get_instance_id (instance));
      const char *body = g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0
                           ? "{\"InstanceState\":\"STOPPED\"}"
                           : "{\"InstanceState\":\"RUNNING\"}";
      long status = bench_admin_request (curl, url, body, answer);

      if (status != 200)
        g_error ("POST %s: HTTP %ld %s", url, status, answer->str);
    }
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
}

static YunRegionSnapshot *
snapshot_of (GPtrArray *instances)
{
  YunRegionSnapshot *snapshot = _yun_region_snapshot_new (BIG_REGION);

  for (guint i = 0; i < instances->len; i++)
    g_ptr_array_add (snapshot->instances, g_object_ref (g_ptr_array_index (instances, i)));
  return snapshot;
}

/* Times one store; @counts receives added, changed and vanished. */
static double
time_store (YunCache *cache, YunRegionSnapshot *snapshot, guint counts[3])
{
  g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  if (!_yun_cache_store_region (cache, ACCOUNT, snapshot, g_get_real_time () / G_USEC_PER_SEC, diff,
                                &error))
    g_error ("%s", error->message);
  elapsed = ms_since (start);
  counts[0] = diff->added->len;
  counts[1] = diff->changed->len;
  counts[2] = diff->vanished->len;
  return elapsed;
}

/* Returns the median all-added time; leaves the last cache written at @last_path. */
static double
bench_upsert (const char *dir, char **last_path)
{
  YunSimOptions options;
  g_autoptr (YunSim) sim = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (YunRegionSnapshot) added = NULL;
  g_autoptr (YunRegionSnapshot) changed = NULL;
  double added_ms[N_REPETITIONS], unchanged_ms[N_REPETITIONS], changed_ms[N_REPETITIONS];
  guint counts[3][3];
  gint64 start;

  printf ("\n== 3. _yun_cache_store_region() of %u instances of one region ==\n", N_INSTANCES);
  yun_sim_options_init (&options);
  options.n_regions = 1;
  options.n_instances = N_INSTANCES;
  options.no_rate_limits = TRUE;
  sim = bench_start_sim (&options);
  client = bench_demo_client (yun_sim_get_url (sim));

  start = g_get_monotonic_time ();
  before = list_instances (client);
  flip_states (yun_sim_get_url (sim), before);
  after = list_instances (client);
  printf ("Instances from a 1-region, %u-instance yunsim (no rate limits, no latency), listed "
          "with yun_client_describe_instances_all; then every RUNNING one set STOPPED and every "
          "other RUNNING through the admin API, and listed again (%.1f s, paced by the "
          "client's own rate limiter; not timed).\n",
          before->len, ms_since (start) / 1000.0);
  if (before->len != N_INSTANCES || after->len != N_INSTANCES)
    g_error ("listed %u and %u instances, expected %u", before->len, after->len, N_INSTANCES);
  added = snapshot_of (before);
  changed = snapshot_of (after);

  for (guint i = 0; i < N_REPETITIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("upsert-%u.db", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (YunCache) cache = bench_open_cache (path);

      added_ms[i] = time_store (cache, added, counts[0]);
      unchanged_ms[i] = time_store (cache, added, counts[1]);
      changed_ms[i] = time_store (cache, changed, counts[2]);
      if (i == N_REPETITIONS - 1)
        *last_path = g_steal_pointer (&path);
    }

  printf ("Median of %u, each in a fresh cache file (WAL, synchronous=NORMAL), with a diff as "
          "the sync asks for:\n",
          N_REPETITIONS);
  printf ("  all added     (a new cache)             %7.1f ms  (%u added, %u changed, %u "
          "vanished)  target < %.0f ms\n",
          median (added_ms, N_REPETITIONS), counts[0][0], counts[0][1], counts[0][2],
          TARGET_UPSERT_MS);
  printf ("  all unchanged (the same list again)     %7.1f ms  (%u added, %u changed, %u "
          "vanished)\n",
          median (unchanged_ms, N_REPETITIONS), counts[1][0], counts[1][1], counts[1][2]);
  printf ("  all changed   (every state flipped)     %7.1f ms  (%u added, %u changed, %u "
          "vanished; %u changes appended to the change log)\n",
          median (changed_ms, N_REPETITIONS), counts[2][0], counts[2][1], counts[2][2],
          counts[2][1]);
  return median (added_ms, N_REPETITIONS);
}

/* ---- 4. Cold load ---- */

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->finished_us = g_get_monotonic_time ();
  waiter->ok = yun_inventory_load_finish (YUN_INVENTORY (source), result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

/* yun_inventory_load() with a new connection; @n_items receives the model's size. */
static double
time_load (const char *path, guint *n_items)
{
  g_autoptr (YunCache) cache = bench_open_cache (path);
  g_autoptr (YunInventory) inventory = yun_inventory_new (cache, ACCOUNT);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  if (!yun_inventory_load (inventory, NULL, &error))
    g_error ("%s", error->message);
  elapsed = ms_since (start);
  *n_items = g_list_model_get_n_items (yun_inventory_get_instances (inventory));
  return elapsed;
}

/* yun_inventory_load_async(), from the call to its callback on a GMainLoop. */
static double
time_load_async (const char *path, guint *n_items)
{
  g_autoptr (YunCache) cache = bench_open_cache (path);
  g_autoptr (YunInventory) inventory = yun_inventory_new (cache, ACCOUNT);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Waiter waiter = { .loop = loop };
  gint64 start = g_get_monotonic_time ();

  yun_inventory_load_async (inventory, NULL, load_done, &waiter);
  g_main_loop_run (loop);
  if (!waiter.ok)
    g_error ("%s", waiter.error->message);
  *n_items = g_list_model_get_n_items (yun_inventory_get_instances (inventory));
  return (double) (waiter.finished_us - start) / 1000.0;
}

/* _yun_cache_load_instances() alone: SQLite rows to YunInstance objects. */
static double
time_load_rows (const char *path, guint *n_rows)
{
  g_autoptr (YunCache) cache = bench_open_cache (path);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  rows = _yun_cache_load_instances (cache, ACCOUNT, NULL, &error);
  elapsed = ms_since (start);
  if (rows == NULL)
    g_error ("%s", error->message);
  *n_rows = rows->len;
  return elapsed;
}

/* The child of time_fresh_load(): one yun_inventory_load(), its time on stdout. */
static int
load_once (const char *path)
{
  guint n_items = 0;
  double elapsed;

  yun_init ();
  elapsed = time_load (path, &n_items);
  printf ("%.3f %u\n", elapsed, n_items);
  return n_items == N_INSTANCES ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* yun_inventory_load() in a new process of this program. */
static double
time_fresh_load (const char *path, guint *n_items)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_path, "--load-once", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  double elapsed = 0;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                     &error)
      || !g_spawn_check_wait_status (status, &error)
      || sscanf (out, "%lf %u", &elapsed, n_items) != 2)
    g_error ("the load in a new process failed: %s", error != NULL ? error->message : out);
  return elapsed;
}

static double
bench_load (const char *path)
{
  double fresh_ms[N_REPETITIONS], load_ms[N_REPETITIONS], async_ms[N_REPETITIONS],
    rows_ms[N_REPETITIONS];
  guint n_fresh = 0, n_load = 0, n_async = 0, n_rows = 0;

  printf ("\n== 4. Cold load of %u instances into the model (a new YunCache connection and a "
          "new YunInventory each time; the file is in the page cache) ==\n",
          N_INSTANCES);
  for (guint i = 0; i < N_REPETITIONS; i++)
    fresh_ms[i] = time_fresh_load (path, &n_fresh);
  printf ("In a new process each time (the figure for an application that starts), runs:");
  for (guint i = 0; i < N_REPETITIONS; i++)
    printf (" %.1f", fresh_ms[i]);
  printf (" ms\n  median %.1f ms (%u instances in the model)  target < %.0f ms\n",
          median (fresh_ms, N_REPETITIONS), n_fresh, TARGET_LOAD_MS);
  printf ("In this process, whose memory earlier work has already taken from the system:\n");
  for (guint i = 0; i < N_REPETITIONS; i++)
    {
      load_ms[i] = time_load (path, &n_load);
      async_ms[i] = time_load_async (path, &n_async);
      rows_ms[i] = time_load_rows (path, &n_rows);
    }
  printf ("Median of %u:\n", N_REPETITIONS);
  printf ("  yun_inventory_load            %7.1f ms  (%u instances in the model)  target < %.0f "
          "ms\n",
          median (load_ms, N_REPETITIONS), n_load, TARGET_LOAD_MS);
  printf ("  yun_inventory_load_async      %7.1f ms  (%u instances; call to callback, on a "
          "GMainLoop)\n",
          median (async_ms, N_REPETITIONS), n_async);
  printf ("  _yun_cache_load_instances     %7.1f ms  (%u rows, SQLite to YunInstance objects "
          "only)\n",
          median (rows_ms, N_REPETITIONS), n_rows);
  return median (fresh_ms, N_REPETITIONS);
}

/* ---- 1. yunctl sync ---- */

static GSubprocess *
spawn_yunsim (char **url)
{
  const char *argv[] = { YUNSIM_PATH,
                         "--port",
                         "0",
                         "--regions",
                         G_STRINGIFY (N_REGIONS),
                         "--instances",
                         G_STRINGIFY (N_INSTANCES),
                         "--region-instances",
                         BIG_REGION "=" BIG_REGION_SIZE,
                         "--images",
                         G_STRINGIFY (IMAGES_PER_REGION),
                         "--latency-ms",
                         G_STRINGIFY (LATENCY_MS),
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process
    = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr (GDataInputStream) data = NULL;
  g_autofree char *line = NULL;

  if (process == NULL)
    g_error ("%s", error->message);
  data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "yunsim listening on "))
    g_error ("yunsim did not start");
  *url = g_strdup (line + strlen ("yunsim listening on "));
  return g_steal_pointer (&process);
}

static void
count_instance_rows (sqlite3 *db, gpointer data)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM instances", -1, &statement, NULL) == SQLITE_OK
      && sqlite3_step (statement) == SQLITE_ROW)
    *(guint *) data = (guint) sqlite3_column_int (statement, 0);
  sqlite3_finalize (statement);
}

/* How many instances yunctl wrote, without loading them into this process. */
static guint
count_cached_instances (const char *db)
{
  g_autoptr (YunCache) cache = bench_open_cache (db);
  guint count = 0;

  _yun_cache_with_db (cache, count_instance_rows, &count);
  return count;
}

/* This process's own high-water mark (VmHWM), in MB. */
static double
own_peak_rss_mb (void)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;
  line = strstr (contents, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) / 1024.0 : -1;
}

/* Runs yunctl once with a cache of its own; returns its ru_maxrss in MB, or -1 when the sync
 * failed or did not write every instance. */
static double
run_yunctl (const char *url, const char *home, guint run, double *wall_s)
{
  g_autofree char *db = g_build_filename (home, "yundesk", "yundesk.db", NULL);
  const char *argv[] = { YUNCTL_PATH, "--endpoint", url, "sync", "--all-regions", "--json", NULL };
  g_auto (GStrv) envp = g_get_environ ();
  posix_spawn_file_actions_t actions;
  struct rusage usage;
  double own_mb = own_peak_rss_mb ();
  double rss_mb;
  int status = 0;
  pid_t pid;
  gint64 start;
  guint cached;

  g_mkdir_with_parents (home, 0700);
  envp = g_environ_setenv (envp, "TENCENTCLOUD_SECRET_ID", YUN_SIM_DEMO_SECRET_ID, TRUE);
  envp = g_environ_setenv (envp, "TENCENTCLOUD_SECRET_KEY", YUN_SIM_DEMO_SECRET_KEY, TRUE);
  envp = g_environ_unsetenv (envp, "TENCENTCLOUD_SESSION_TOKEN");
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", home, TRUE);

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  start = g_get_monotonic_time ();
  if (posix_spawn (&pid, YUNCTL_PATH, &actions, NULL, (char **) argv, envp) != 0)
    g_error ("could not run %s", YUNCTL_PATH);
  if (wait4 (pid, &status, 0, &usage) != pid)
    g_error ("wait4 failed");
  *wall_s = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  posix_spawn_file_actions_destroy (&actions);
  rss_mb = usage.ru_maxrss / 1024.0;
  cached = count_cached_instances (db);

  printf ("  run %u: exit status %d, wall time %.2f s, ru_maxrss %.1f MB, %u instances in its "
          "cache (this benchmark's own high-water mark at the spawn: %.1f MB)\n",
          run, WIFEXITED (status) ? WEXITSTATUS (status) : -1, *wall_s, rss_mb, cached, own_mb);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 && cached == N_INSTANCES ? rss_mb : -1;
}

/* Runs first, while this process is small: a child's ru_maxrss starts from the high-water
 * mark of the memory it was forked from, which exec keeps, so a child of a large process
 * reports at least that process's peak. Returns the median, or -1 when a run failed. */
static double
bench_yunctl (const char *dir)
{
  g_autofree char *url = NULL;
  g_autoptr (GSubprocess) yunsim = spawn_yunsim (&url);
  double rss_mb[N_SYNC_RUNS], wall_s[N_SYNC_RUNS];
  gboolean failed = FALSE;

  printf ("== 1. `yunctl --endpoint URL sync --all-regions --json` (stdout to /dev/null), a "
          "yunsim process with the fleet of part 2 (%u regions, %u instances, %s %s, %u images "
          "per region, %u ms latency, rate limits on); a new cache each run, runs 2 s apart ==\n",
          N_REGIONS, N_INSTANCES, BIG_REGION, BIG_REGION_SIZE, IMAGES_PER_REGION, LATENCY_MS);
  for (guint i = 0; i < N_SYNC_RUNS; i++)
    {
      g_autofree char *name = g_strdup_printf ("yunctl-%u", i);
      g_autofree char *home = g_build_filename (dir, name, NULL);

      /* The simulator's buckets hold one second's worth: 2 s refills them. */
      if (i > 0)
        g_usleep (PAUSE_BETWEEN_RUNS_US);
      rss_mb[i] = run_yunctl (url, home, i + 1, &wall_s[i]);
      failed |= rss_mb[i] < 0;
    }
  printf ("Median of %u: peak RSS %.1f MB (target < %.0f MB), wall time %.2f s\n", N_SYNC_RUNS,
          median (rss_mb, N_SYNC_RUNS), TARGET_RSS_MB, median (wall_s, N_SYNC_RUNS));

  g_subprocess_send_signal (yunsim, SIGTERM);
  g_subprocess_wait (yunsim, NULL, NULL);
  return failed ? -1 : median (rss_mb, N_SYNC_RUNS);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *upsert_path = NULL;
  SyncFigures sync;
  double upsert_ms, load_ms, rss_mb;
  double ratio;

  if (argc == 3 && g_str_equal (argv[1], "--load-once"))
    return load_once (argv[2]);

  yun_init ();
  printf ("bench-inventory on %u CPUs\n", g_get_num_processors ());
  dir = g_dir_make_tmp ("bench-inventory-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  rss_mb = bench_yunctl (dir);
  bench_sync (&sync);
  upsert_ms = bench_upsert (dir, &upsert_path);
  load_ms = bench_load (upsert_path);
  bench_remove_tree (dir);

  ratio = sync.wall_s / sync.bound_s;
  printf ("\n== Summary ==\n");
  printf ("  %-48s %12s %12s\n", "figure", "target", "measured");
  printf ("  %-48s %12s %10.2f s\n", "full sync wall time (median of 3)", "", sync.wall_s);
  printf ("  %-48s %12s %10.2f s\n", "lower bound (rate limits and round trips)", "", sync.bound_s);
  printf ("  %-48s %12s %10.2f s\n", "bound of the client's own buckets", "", sync.client_bound_s);
  printf ("  %-48s %12s %12.2f  %s\n", "ratio wall / lower bound", "<= 1.2", ratio,
          verdict (ratio <= TARGET_RATIO));
  printf ("  %-48s %12s %12u  %s\n", "throttling errors surfaced (3 runs)", "0",
          sync.surfaced_throttles, verdict (sync.surfaced_throttles == 0));
  printf ("  %-48s %12s %12u\n", "regions failed for any reason (3 runs)", "", sync.failed_regions);
  printf ("  %-48s %12u %12u  %s\n", "instances in the model after a sync (fewest)", N_INSTANCES,
          sync.model_instances, verdict (sync.model_instances == N_INSTANCES));
  printf ("  %-48s %12s %9.1f ms  %s\n", "upsert of 10,000 instances, all added", "< 150 ms",
          upsert_ms, verdict (upsert_ms < TARGET_UPSERT_MS));
  printf ("  %-48s %12s %9.1f ms  %s\n", "cold load of 10,000, new process (median)", "< 100 ms",
          load_ms, verdict (load_ms < TARGET_LOAD_MS));
  if (rss_mb >= 0)
    printf ("  %-48s %12s %9.1f MB  %s\n", "peak RSS of yunctl sync (median of 3)", "< 60 MB",
            rss_mb, verdict (rss_mb < TARGET_RSS_MB));
  else
    printf ("  %-48s %12s %12s  %s\n", "peak RSS of yunctl sync (median of 3)", "< 60 MB",
            "sync failed", verdict (FALSE));
  return 0;
}
