/* test-inventory-poll.c: the inventory stays true by itself: instances in transition are
 * polled by ID until they settle, and a full refresh runs on its interval
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "yun-cache-private.h"
#include "yun-test-sim.h"

typedef struct
{
  YunTestSim *sim;
  char *directory;
  YunCache *cache;
  YunClient *client;
  YunInventory *inventory;
  GPtrArray *changes; /* YunInstanceChange, every one detected */
  guint progress_signals;
} Fixture;

static void
changes_detected (YunInventory *inventory, GPtrArray *changes, Fixture *fixture)
{
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (fixture->changes, yun_instance_change_copy (changes->pdata[i]));
}

static void
sync_progress (YunInventory *inventory, guint done, guint total, Fixture *fixture)
{
  g_assert_cmpuint (done, <=, total);
  fixture->progress_signals++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->sim = yun_test_sim_spawn ("--seed", "5", "--regions", "3", "--instances", "60",
                                     "--transition-ms", "1500", NULL);
  credentials = yun_credentials_new (yun_test_sim_get_secret_id (fixture->sim),
                                     yun_test_sim_get_secret_key (fixture->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (fixture->sim), &error);
  g_assert_no_error (error);
  fixture->client = yun_client_new (credentials, endpoint);

  fixture->directory = g_dir_make_tmp ("yun-poll-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->directory, "yundesk.db", NULL);
  fixture->cache = yun_cache_open (path, &error);
  g_assert_no_error (error);

  fixture->inventory = yun_inventory_new (fixture->cache, "poll-test");
  yun_inventory_set_refresh_interval (fixture->inventory, 0);
  yun_inventory_set_poll_interval (fixture->inventory, 200);
  yun_inventory_set_client (fixture->inventory, fixture->client);
  fixture->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_change_free);
  g_signal_connect (fixture->inventory, "changes-detected", G_CALLBACK (changes_detected), fixture);
  g_signal_connect (fixture->inventory, "sync-progress", G_CALLBACK (sync_progress), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;

  /* Gone for good before the next test: its syncs and polls end with it. The last
   * reference may be a sync's task on a worker, with nothing to wake the main loop. */
  g_signal_handlers_disconnect_by_data (fixture->inventory, fixture);
  yun_test_release (&fixture->inventory);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->changes, g_ptr_array_unref);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->directory, name, NULL);
      g_unlink (child);
    }
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  yun_test_sim_free (fixture->sim);
}

static void
refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
refresh (Fixture *fixture, const char *const *regions)
{
  gboolean done = FALSE;

  yun_inventory_refresh_async (fixture->inventory, regions, NULL, refresh_done, &done);
  g_assert_true (yun_inventory_get_syncing (fixture->inventory));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (yun_inventory_get_syncing (fixture->inventory));
}

typedef gboolean (*Condition) (Fixture *fixture, gpointer data);

/* Runs the main loop until @condition holds; fails the test after @timeout_ms. */
static void
wait_for (Fixture *fixture, Condition condition, gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (fixture, data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
run_for (guint milliseconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static gboolean
all_in_state (Fixture *fixture, gpointer data)
{
  GPtrArray *ids = data;

  for (guint i = 0; i < ids->len; i++)
    {
      YunInstance *instance = yun_inventory_lookup (fixture->inventory, ids->pdata[i]);

      if (instance == NULL || g_strcmp0 (yun_instance_get_state (instance), "STOPPED") != 0)
        return FALSE;
    }
  return TRUE;
}

/* Three RUNNING instances of one region, and that region. */
static GPtrArray *
pick_running (Fixture *fixture, char **region)
{
  GListModel *model = yun_inventory_get_instances (fixture->inventory);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model) && ids->len < 3; i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (model, i);

      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") != 0
          || yun_instance_is_transitional (instance))
        continue;
      if (*region == NULL)
        *region = g_strdup (yun_instance_get_region (instance));
      if (g_str_equal (*region, yun_instance_get_region (instance)))
        g_ptr_array_add (ids, g_strdup (yun_instance_get_instance_id (instance)));
    }
  g_assert_cmpuint (ids->len, ==, 3);
  return g_steal_pointer (&ids);
}

static void
test_poll_until_settled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *region = NULL;
  g_autofree char *request_id = NULL;
  gint64 regions_before, zones_before, instances_before, instances_after;

  refresh (fixture, NULL);
  g_assert_cmpuint (fixture->progress_signals, >, 0);
  g_assert_cmpuint (fixture->changes->len, ==, 0);

  ids = pick_running (fixture, &region);
  g_ptr_array_add (ids, NULL);
  request_id = yun_client_stop_instances (fixture->client, region, (const char *const *) ids->pdata,
                                          "SOFT", NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_remove_index (ids, ids->len - 1);

  /* One region re-read: the model learns the instances are stopping. */
  refresh (fixture, (const char *const[]){ region, NULL });
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (
      yun_instance_get_state (yun_inventory_lookup (fixture->inventory, ids->pdata[i])), ==,
      "STOPPING");

  regions_before = yun_test_sim_count_requests (fixture->sim, "DescribeRegions");
  zones_before = yun_test_sim_count_requests (fixture->sim, "DescribeZones");
  instances_before = yun_test_sim_count_requests (fixture->sim, "DescribeInstances");

  /* Nothing more is asked of the inventory: its polls must see the transition end. */
  wait_for (fixture, all_in_state, ids, 10000);

  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), ==,
                   regions_before);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeZones"), ==, zones_before);
  instances_after = yun_test_sim_count_requests (fixture->sim, "DescribeInstances");
  /* A 1.5 s transition polled every 0.2 s: about 8 polls of one request each. */
  g_assert_cmpint (instances_after - instances_before, >=, 1);
  g_assert_cmpint (instances_after - instances_before, <=, 20);

  /* The end of each transition was reported as a change. */
  for (guint i = 0; i < ids->len; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < fixture->changes->len; j++)
        {
          YunInstanceChange *change = fixture->changes->pdata[j];

          if (g_str_equal (change->instance_id, ids->pdata[i])
              && g_strcmp0 (change->old_state, "STOPPING") == 0
              && g_strcmp0 (change->new_state, "STOPPED") == 0)
            found = TRUE;
        }
      g_assert_true (found);
    }

  /* Settled: the polls stop. */
  run_for (800);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeInstances"), ==,
                   instances_after);

  /* What the polls learnt is in the cache too. */
  {
    g_autoptr (GPtrArray) cached
      = _yun_cache_load_instances (fixture->cache, "poll-test", region, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < cached->len; i++)
      if (g_ptr_array_find_with_equal_func (ids, yun_instance_get_instance_id (cached->pdata[i]),
                                            g_str_equal, NULL))
        g_assert_cmpstr (yun_instance_get_state (cached->pdata[i]), ==, "STOPPED");
  }
}

static gboolean
instance_gone (Fixture *fixture, gpointer data)
{
  return yun_inventory_lookup (fixture->inventory, data) == NULL;
}

static void
test_periodic_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunInstance) victim = NULL;
  g_autofree char *path = NULL;
  g_autoptr (json_object) answer = NULL;
  gint64 regions_before;

  refresh (fixture, NULL);
  victim = g_list_model_get_item (yun_inventory_get_instances (fixture->inventory), 7);
  path = g_strdup_printf ("instances/%s/delete", yun_instance_get_instance_id (victim));
  answer = yun_test_sim_admin_post (fixture->sim, path, "{}");
  g_assert_nonnull (answer);
  regions_before = yun_test_sim_count_requests (fixture->sim, "DescribeRegions");

  /* Found by the periodic refresh alone, within its interval and a sync's time. */
  yun_inventory_set_refresh_interval (fixture->inventory, 1);
  wait_for (fixture, instance_gone, (gpointer) yun_instance_get_instance_id (victim), 6000);
  g_assert_cmpint (yun_test_sim_count_requests (fixture->sim, "DescribeRegions"), >,
                   regions_before);
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpint (((YunInstanceChange *) fixture->changes->pdata[0])->kind, ==,
                   YUN_INSTANCE_CHANGE_VANISHED);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (yun_inventory_load_finish (YUN_INVENTORY (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
refresh_refused (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_false (yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "offline"));
  *done = TRUE;
}

static void
test_offline_load (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunInventory) offline = yun_inventory_new (fixture->cache, "poll-test");
  GListModel *regions;
  gboolean done = FALSE;
  guint total = 0;

  refresh (fixture, NULL);

  /* No client: the cache alone, loaded off the main thread. */
  yun_inventory_load_async (offline, NULL, load_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (yun_inventory_get_loaded (offline));
  g_assert_cmpuint (g_list_model_get_n_items (yun_inventory_get_instances (offline)), ==,
                    g_list_model_get_n_items (yun_inventory_get_instances (fixture->inventory)));

  regions = yun_inventory_get_regions (offline);
  g_assert_cmpuint (g_list_model_get_n_items (regions), ==, 3);
  for (guint i = 0; i < g_list_model_get_n_items (regions); i++)
    {
      g_autoptr (YunInventoryRegion) region = g_list_model_get_item (regions, i);

      g_assert_false (yun_inventory_region_get_stale (region));
      g_assert_nonnull (yun_inventory_region_get_synced_at (region));
      g_assert_cmpstr (yun_inventory_region_get_name (region), !=,
                       yun_inventory_region_get_region (region));
      total += yun_inventory_region_get_instance_count (region);
    }
  g_assert_cmpuint (total, ==, 60);

  /* Offline, a refresh is refused with a clear error, and nothing changes. */
  done = FALSE;
  yun_inventory_refresh_async (offline, NULL, NULL, refresh_refused, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (yun_inventory_get_syncing (offline));
}

int
main (int argc, char *argv[])
{
  yun_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/yun/inventory/poll-until-settled", Fixture, NULL, fixture_set_up,
              test_poll_until_settled, fixture_tear_down);
  g_test_add ("/yun/inventory/periodic-refresh", Fixture, NULL, fixture_set_up,
              test_periodic_refresh, fixture_tear_down);
  g_test_add ("/yun/inventory/offline-load", Fixture, NULL, fixture_set_up, test_offline_load,
              fixture_tear_down);

  return g_test_run ();
}
