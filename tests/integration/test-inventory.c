/* test-inventory.c: the inventory (cache, all-region sync, models) and yunctl sync against a
 * real yunsim process
 *
 * SPDX-License-Identifier: MIT
 *
 * Each test has its own simulator and its own temporary folder for the cache
 * (XDG_DATA_HOME of the yunctl it runs), so the tests do not depend on each other.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "yun-cache-private.h"
#include "yun-test-sim.h"

/* The account the in-process tests store their rows under. */
#define ACCOUNT "inventory-test"
/* An address where nothing listens: yunctl --offline must not need it. */
#define CLOSED_ENDPOINT "http://127.0.0.1:9"
#define SYNC_TIMEOUT_S 60

/* ---- Temporary folders ---- */

typedef struct
{
  char *path;
  char *data_home;   /* XDG_DATA_HOME of yunctl */
  char *config_home; /* XDG_CONFIG_HOME of yunctl */
  char *state_home;  /* XDG_STATE_HOME of yunctl: its log */
  char *cache_path;  /* the database yunctl (and yun_cache_dup_default_path()) uses */
} TempHome;

static void
temp_home_init (TempHome *home)
{
  g_autoptr (GError) error = NULL;

  home->path = g_dir_make_tmp ("yun-inventory-XXXXXX", &error);
  g_assert_no_error (error);
  home->data_home = g_build_filename (home->path, "data", NULL);
  home->config_home = g_build_filename (home->path, "config", NULL);
  home->state_home = g_build_filename (home->path, "state", NULL);
  home->cache_path = g_build_filename (home->data_home, "yundesk", "yundesk.db", NULL);
}

static void
temp_home_clear (TempHome *home)
{
  if (home->path != NULL)
    yun_test_remove_tree (home->path);
  g_free (home->path);
  g_free (home->data_home);
  g_free (home->config_home);
  g_free (home->state_home);
  g_free (home->cache_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TempHome, temp_home_clear)

static char *
dup_sibling (const char *path, const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

/* ---- The simulator's fleet, from GET /_yunsim/state ---- */

typedef struct
{
  json_object *state;
  GPtrArray *regions;    /* const char *, in the simulator's order */
  GHashTable *by_id;     /* instance ID → json_object */
  GHashTable *by_region; /* region → GPtrArray of json_object */
  guint n_instances;
} Fleet;

static void
fleet_free (Fleet *fleet)
{
  g_ptr_array_unref (fleet->regions);
  g_hash_table_unref (fleet->by_id);
  g_hash_table_unref (fleet->by_region);
  json_object_put (fleet->state);
  g_free (fleet);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fleet, fleet_free)

static const char *
field (json_object *object, const char *key)
{
  json_object *value = NULL;

  g_assert_true (json_object_object_get_ex (object, key, &value));
  return json_object_get_string (value);
}

static Fleet *
fleet_read (YunTestSim *sim)
{
  Fleet *fleet = g_new0 (Fleet, 1);
  json_object *regions = NULL;
  json_object *instances = NULL;

  fleet->state = yun_test_sim_admin_get (sim, "/_yunsim/state");
  fleet->regions = g_ptr_array_new ();
  fleet->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  fleet->by_region
    = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);

  g_assert_true (json_object_object_get_ex (fleet->state, "regions", &regions));
  for (size_t i = 0; i < json_object_array_length (regions); i++)
    {
      const char *region = json_object_get_string (json_object_array_get_idx (regions, i));

      g_ptr_array_add (fleet->regions, (gpointer) region);
      g_hash_table_insert (fleet->by_region, (gpointer) region, g_ptr_array_new ());
    }

  g_assert_true (json_object_object_get_ex (fleet->state, "instances", &instances));
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);
      GPtrArray *in_region = g_hash_table_lookup (fleet->by_region, field (instance, "Region"));

      g_assert_nonnull (in_region);
      g_assert_true (
        g_hash_table_insert (fleet->by_id, (gpointer) field (instance, "InstanceId"), instance));
      g_ptr_array_add (in_region, instance);
    }
  fleet->n_instances = g_hash_table_size (fleet->by_id);
  return fleet;
}

static GPtrArray *
fleet_region (Fleet *fleet, const char *region)
{
  GPtrArray *instances = g_hash_table_lookup (fleet->by_region, region);

  g_assert_nonnull (instances);
  return instances;
}

/* The first instance of @region in @state, or in any state when @state is NULL. */
static json_object *
fleet_find (Fleet *fleet, const char *region, const char *state)
{
  GPtrArray *instances = fleet_region (fleet, region);

  for (guint i = 0; i < instances->len; i++)
    {
      json_object *instance = instances->pdata[i];

      if (state == NULL || g_str_equal (field (instance, "InstanceState"), state))
        return instance;
    }
  g_error ("%s has no instance in state %s", region, state);
}

/* An instance as a comparable row: what a sync must carry over exactly. */
static char *
row_key (const char *instance_id, const char *name, const char *state)
{
  return g_strdup_printf ("%s\t%s\t%s", instance_id, name, state);
}

static GHashTable *
fleet_rows (Fleet *fleet, const char *region)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *instances = fleet_region (fleet, region);

  for (guint i = 0; i < instances->len; i++)
    g_hash_table_add (rows, row_key (field (instances->pdata[i], "InstanceId"),
                                     field (instances->pdata[i], "InstanceName"),
                                     field (instances->pdata[i], "InstanceState")));
  return rows;
}

static GHashTable *
cache_rows (YunCache *cache, const char *account, const char *region)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = _yun_cache_load_instances (cache, account, region, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = instances->pdata[i];

      g_assert_cmpstr (yun_instance_get_region (instance), ==, region);
      g_assert_true (g_hash_table_add (rows, row_key (yun_instance_get_instance_id (instance),
                                                      yun_instance_get_name (instance),
                                                      yun_instance_get_state (instance))));
    }
  return rows;
}

static gboolean
sets_equal (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

static void
assert_sets_equal (GHashTable *actual, GHashTable *expected, const char *what)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (actual, key))
      g_error ("%s: “%s” is missing", what, (const char *) key);
  g_hash_table_iter_init (&iter, actual);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (expected, key))
      g_error ("%s: “%s” should not be there", what, (const char *) key);
}

/* Every region of the cache holds exactly the simulator's instances. */
static void
assert_cache_matches_fleet (YunCache *cache, const char *account, Fleet *fleet)
{
  for (guint r = 0; r < fleet->regions->len; r++)
    {
      g_autoptr (GHashTable) cached = cache_rows (cache, account, fleet->regions->pdata[r]);
      g_autoptr (GHashTable) listed = fleet_rows (fleet, fleet->regions->pdata[r]);

      assert_sets_equal (cached, listed, fleet->regions->pdata[r]);
    }
}

/* ---- The inventory, in process ---- */

static YunCache *
open_cache (const char *path)
{
  g_autoptr (GError) error = NULL;
  YunCache *cache = yun_cache_open (path, &error);

  g_assert_no_error (error);
  return cache;
}

typedef struct
{
  YunTestSim *sim;
  TempHome home;
  YunCache *cache;
  YunInventory *inventory;
  GPtrArray *changes; /* YunInstanceChange: what "changes-detected" told during the last sync */
  guint progress_done;
  guint progress_total;
  gint64 started; /* unix seconds, before the first sync */
} Harness;

static void
on_changes_detected (YunInventory *inventory, GPtrArray *changes, Harness *harness)
{
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (harness->changes, yun_instance_change_copy (changes->pdata[i]));
}

static void
on_sync_progress (YunInventory *inventory, guint done, guint total, Harness *harness)
{
  harness->progress_done = done;
  harness->progress_total = total;
}

static void
harness_init (Harness *harness, const char *const *sim_args)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (GError) error = NULL;

  harness->sim = yun_test_sim_spawnv (sim_args);
  temp_home_init (&harness->home);
  harness->cache = open_cache (harness->home.cache_path);
  harness->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_change_free);
  harness->started = g_get_real_time () / G_USEC_PER_SEC;

  credentials = yun_credentials_new (yun_test_sim_get_secret_id (harness->sim),
                                     yun_test_sim_get_secret_key (harness->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (harness->sim), &error);
  g_assert_no_error (error);
  client = yun_client_new (credentials, endpoint);

  /* Syncs only when asked, as yunctl runs it. */
  harness->inventory = yun_inventory_new (harness->cache, ACCOUNT);
  yun_inventory_set_refresh_interval (harness->inventory, 0);
  yun_inventory_set_poll_interval (harness->inventory, 0);
  yun_inventory_set_client (harness->inventory, client);
  g_signal_connect (harness->inventory, "changes-detected", G_CALLBACK (on_changes_detected),
                    harness);
  g_signal_connect (harness->inventory, "sync-progress", G_CALLBACK (on_sync_progress), harness);
}

static void
harness_clear (Harness *harness)
{
  g_clear_object (&harness->inventory);
  g_clear_object (&harness->cache);
  g_clear_pointer (&harness->changes, g_ptr_array_unref);
  g_clear_pointer (&harness->sim, yun_test_sim_free);
  temp_home_clear (&harness->home);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Harness, harness_clear)

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  gboolean timed_out;
} Wait;

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
on_sync_timeout (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* A full sync of every region, on the main loop, as the window runs it. */
static gboolean
harness_sync (Harness *harness, GError **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { .loop = loop };
  guint timeout;
  gboolean ok;

  g_ptr_array_set_size (harness->changes, 0);
  harness->progress_done = harness->progress_total = 0;
  yun_inventory_refresh_async (harness->inventory, NULL, NULL, on_refreshed, &wait);
  g_assert_true (yun_inventory_get_syncing (harness->inventory));
  timeout = g_timeout_add_seconds (SYNC_TIMEOUT_S, on_sync_timeout, &wait);
  g_main_loop_run (loop);
  g_assert_false (wait.timed_out);
  g_source_remove (timeout);

  ok = yun_inventory_refresh_finish (harness->inventory, wait.result, error);
  g_object_unref (wait.result);
  g_assert_false (yun_inventory_get_syncing (harness->inventory));
  return ok;
}

/* The instances model holds exactly the simulator's instances, in their states. */
static void
assert_model_matches_fleet (YunInventory *inventory, Fleet *fleet)
{
  GListModel *model = yun_inventory_get_instances (inventory);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fleet->n_instances);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (model, i);
      const char *instance_id = yun_instance_get_instance_id (instance);
      json_object *listed = g_hash_table_lookup (fleet->by_id, instance_id);

      if (listed == NULL)
        g_error ("the model holds %s, which the simulator does not list", instance_id);
      g_assert_true (g_hash_table_add (seen, g_strdup (instance_id)));
      g_assert_cmpstr (yun_instance_get_state (instance), ==, field (listed, "InstanceState"));
      g_assert_cmpstr (yun_instance_get_name (instance), ==, field (listed, "InstanceName"));
      g_assert_cmpstr (yun_instance_get_region (instance), ==, field (listed, "Region"));
      g_assert_cmpstr (yun_instance_get_zone (instance), ==, field (listed, "Zone"));
    }

  g_hash_table_iter_init (&iter, fleet->by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      YunInstance *found = yun_inventory_lookup (inventory, key);

      g_assert_nonnull (found);
      g_assert_cmpstr (yun_instance_get_state (found), ==, field (value, "InstanceState"));
    }
}

static YunInventoryRegion *
find_region (YunInventory *inventory, const char *name)
{
  GListModel *model = yun_inventory_get_regions (inventory);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInventoryRegion) region = g_list_model_get_item (model, i);

      if (g_str_equal (yun_inventory_region_get_region (region), name))
        return g_steal_pointer (&region);
    }
  g_error ("the regions model has no %s", name);
}

static void
assert_region_fresh (YunInventoryRegion *region, guint instance_count, gint64 not_before)
{
  GDateTime *synced_at = yun_inventory_region_get_synced_at (region);

  g_assert_cmpuint (yun_inventory_region_get_instance_count (region), ==, instance_count);
  g_assert_false (yun_inventory_region_get_stale (region));
  g_assert_false (yun_inventory_region_get_syncing (region));
  g_assert_null (yun_inventory_region_get_error_code (region));
  g_assert_null (yun_inventory_region_get_error_message (region));
  g_assert_nonnull (yun_inventory_region_get_name (region));
  g_assert_nonnull (synced_at);
  g_assert_cmpint (g_date_time_to_unix (synced_at), >=, not_before);
  g_assert_cmpint (g_date_time_to_unix (synced_at), <=, g_get_real_time () / G_USEC_PER_SEC);
}

/* The regions model lists every simulated region, each fresh with its instance count. */
static void
assert_regions_match_fleet (YunInventory *inventory, Fleet *fleet, gint64 not_before)
{
  g_assert_cmpuint (g_list_model_get_n_items (yun_inventory_get_regions (inventory)), ==,
                    fleet->regions->len);
  for (guint r = 0; r < fleet->regions->len; r++)
    {
      g_autoptr (YunInventoryRegion) region = find_region (inventory, fleet->regions->pdata[r]);

      assert_region_fresh (region, fleet_region (fleet, fleet->regions->pdata[r])->len, not_before);
    }
}

typedef struct
{
  YunInstanceChangeKind kind;
  const char *instance_id;
  const char *region;
  const char *name;
  const char *old_state;
  const char *new_state;
} ExpectedChange;

/* @changes holds exactly the @expected changes, in any order. */
static void
assert_changes (GPtrArray *changes, const ExpectedChange *expected, guint n_expected)
{
  g_assert_cmpuint (changes->len, ==, n_expected);
  for (guint e = 0; e < n_expected; e++)
    {
      YunInstanceChange *change = NULL;

      for (guint i = 0; i < changes->len && change == NULL; i++)
        if (g_str_equal (((YunInstanceChange *) changes->pdata[i])->instance_id,
                         expected[e].instance_id))
          change = changes->pdata[i];
      if (change == NULL)
        g_error ("no change reported for %s", expected[e].instance_id);
      g_assert_cmpstr (yun_instance_change_kind_to_string (change->kind), ==,
                       yun_instance_change_kind_to_string (expected[e].kind));
      g_assert_cmpstr (change->region, ==, expected[e].region);
      g_assert_cmpstr (change->name, ==, expected[e].name);
      g_assert_cmpstr (change->old_state, ==, expected[e].old_state);
      g_assert_cmpstr (change->new_state, ==, expected[e].new_state);
      g_assert_cmpint (change->detected_at, >, 0);
    }
}

static GPtrArray *
load_changes (YunCache *cache, const char *account)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *changes = _yun_cache_load_changes (cache, account, 1000, &error);

  g_assert_no_error (error);
  return changes;
}

static void
admin_post (YunTestSim *sim, const char *path, const char *body)
{
  g_autoptr (json_object) reply = yun_test_sim_admin_post (sim, path, body);

  g_assert_nonnull (reply);
}

static void
admin_delete (YunTestSim *sim, const char *instance_id)
{
  g_autofree char *path = g_strdup_printf ("/_yunsim/instances/%s/delete", instance_id);

  admin_post (sim, path, NULL);
}

static void
admin_patch (YunTestSim *sim, const char *instance_id, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/_yunsim/instances/%s", instance_id);

  admin_post (sim, path, body);
}

/* ---- 1. A full sync ---- */

static void
test_full_sync (void)
{
  /* One region is empty: it must still be listed, fresh, with 0 instances. */
  const char *const args[]
    = { "--seed",       "31", "--regions", "4", "--instances", "300", "--region-instances",
        "ap-chengdu=0", NULL };
  g_auto (Harness) harness = { 0 };
  g_autoptr (Fleet) fleet = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) logged = NULL;

  harness_init (&harness, args);
  fleet = fleet_read (harness.sim);
  g_assert_cmpuint (fleet->n_instances, ==, 300);
  g_assert_cmpuint (fleet_region (fleet, "ap-chengdu")->len, ==, 0);

  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  assert_model_matches_fleet (harness.inventory, fleet);
  assert_regions_match_fleet (harness.inventory, fleet, harness.started);
  assert_cache_matches_fleet (harness.cache, ACCOUNT, fleet);
  g_assert_cmpuint (harness.progress_total, ==, fleet->regions->len);
  g_assert_cmpuint (harness.progress_done, ==, fleet->regions->len);
  /* What a first sync finds existed already: nothing to report, nothing logged. */
  g_assert_cmpuint (harness.changes->len, ==, 0);
  logged = load_changes (harness.cache, ACCOUNT);
  g_assert_cmpuint (logged->len, ==, 0);

  /* Nothing changed: the second sync reports nothing and logs nothing. */
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (harness.changes->len, ==, 0);
  g_clear_pointer (&logged, g_ptr_array_unref);
  logged = load_changes (harness.cache, ACCOUNT);
  g_assert_cmpuint (logged->len, ==, 0);
  assert_model_matches_fleet (harness.inventory, fleet);
  assert_regions_match_fleet (harness.inventory, fleet, harness.started);
}

/* ---- 2. Changes made behind the client's back ---- */

static void
test_changes_behind_the_back (void)
{
  const char *const args[] = { "--seed", "32", "--regions", "3", "--instances", "120", NULL };
  g_auto (Harness) harness = { 0 };
  g_autoptr (Fleet) before = NULL;
  g_autoptr (Fleet) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_object) created = NULL;
  g_autoptr (GPtrArray) logged = NULL;
  YunInstance *found;
  g_autoptr (YunCache) reopened = NULL;
  g_autoptr (YunInventory) fresh = NULL;
  g_autofree char *deleted_id = NULL, *deleted_name = NULL, *deleted_state = NULL;
  g_autofree char *stopped_id = NULL, *stopped_name = NULL;
  g_autofree char *renamed_id = NULL, *renamed_state = NULL;
  const char *added_id;

  harness_init (&harness, args);
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  before = fleet_read (harness.sim);

  {
    json_object *deleted = fleet_find (before, "ap-beijing", NULL);
    json_object *stopped = fleet_find (before, "ap-guangzhou", "RUNNING");
    json_object *renamed = fleet_find (before, "ap-shanghai", "STOPPED");

    deleted_id = g_strdup (field (deleted, "InstanceId"));
    deleted_name = g_strdup (field (deleted, "InstanceName"));
    deleted_state = g_strdup (field (deleted, "InstanceState"));
    stopped_id = g_strdup (field (stopped, "InstanceId"));
    stopped_name = g_strdup (field (stopped, "InstanceName"));
    renamed_id = g_strdup (field (renamed, "InstanceId"));
    renamed_state = g_strdup (field (renamed, "InstanceState"));
  }

  created = yun_test_sim_admin_post (
    harness.sim, "/_yunsim/instances",
    "{\"Region\": \"ap-shanghai\", \"InstanceName\": \"made-in-console\", "
    "\"InstanceState\": \"STOPPED\"}");
  added_id = field (created, "InstanceId");
  admin_delete (harness.sim, deleted_id);
  admin_patch (harness.sim, stopped_id, "{\"InstanceState\": \"STOPPED\"}");
  admin_patch (harness.sim, renamed_id, "{\"InstanceName\": \"renamed-in-console\"}");
  after = fleet_read (harness.sim);
  g_assert_cmpuint (after->n_instances, ==, before->n_instances);

  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);

  {
    const ExpectedChange expected[] = {
      { YUN_INSTANCE_CHANGE_ADDED, added_id, "ap-shanghai", "made-in-console", NULL, "STOPPED" },
      { YUN_INSTANCE_CHANGE_VANISHED, deleted_id, "ap-beijing", deleted_name, deleted_state, NULL },
      { YUN_INSTANCE_CHANGE_CHANGED, stopped_id, "ap-guangzhou", stopped_name, "RUNNING",
        "STOPPED" },
      { YUN_INSTANCE_CHANGE_CHANGED, renamed_id, "ap-shanghai", "renamed-in-console", renamed_state,
        renamed_state },
    };

    /* Told once, through the signal, and logged in the cache. */
    assert_changes (harness.changes, expected, G_N_ELEMENTS (expected));
    logged = load_changes (harness.cache, ACCOUNT);
    assert_changes (logged, expected, G_N_ELEMENTS (expected));
  }

  found = yun_inventory_lookup (harness.inventory, added_id);
  g_assert_nonnull (found);
  g_assert_cmpstr (yun_instance_get_name (found), ==, "made-in-console");
  g_assert_cmpstr (yun_instance_get_region (found), ==, "ap-shanghai");
  found = yun_inventory_lookup (harness.inventory, deleted_id);
  g_assert_null (found);
  found = yun_inventory_lookup (harness.inventory, stopped_id);
  g_assert_cmpstr (yun_instance_get_state (found), ==, "STOPPED");
  found = yun_inventory_lookup (harness.inventory, renamed_id);
  g_assert_cmpstr (yun_instance_get_name (found), ==, "renamed-in-console");
  assert_model_matches_fleet (harness.inventory, after);
  assert_regions_match_fleet (harness.inventory, after, harness.started);
  assert_cache_matches_fleet (harness.cache, ACCOUNT, after);

  /* What was written is what another process reads. */
  reopened = yun_cache_open (harness.home.cache_path, &error);
  g_assert_no_error (error);
  fresh = yun_inventory_new (reopened, ACCOUNT);
  g_assert_true (yun_inventory_load (fresh, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (yun_inventory_get_loaded (fresh));
  assert_model_matches_fleet (fresh, after);
  assert_regions_match_fleet (fresh, after, harness.started);
}

/* ---- 3. A region that fails ---- */

static void
test_region_outage (void)
{
  const char *const args[] = { "--seed", "33", "--regions", "4", "--instances", "160", NULL };
  g_auto (Harness) harness = { 0 };
  g_autoptr (Fleet) before = NULL;
  g_autoptr (Fleet) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (YunInventoryRegion) shanghai = NULL;
  g_autoptr (GHashTable) shanghai_rows = NULL;
  g_autoptr (GHashTable) shanghai_before = NULL;
  g_autofree char *shanghai_id = NULL, *shanghai_name = NULL, *shanghai_state = NULL;
  g_autofree char *beijing_id = NULL, *beijing_name = NULL, *beijing_state = NULL;
  gint64 first_synced_at;

  harness_init (&harness, args);
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  before = fleet_read (harness.sim);
  shanghai = find_region (harness.inventory, "ap-shanghai");
  first_synced_at = g_date_time_to_unix (yun_inventory_region_get_synced_at (shanghai));
  g_clear_object (&shanghai);

  {
    json_object *in_shanghai = fleet_find (before, "ap-shanghai", NULL);
    json_object *in_beijing = fleet_find (before, "ap-beijing", NULL);

    shanghai_id = g_strdup (field (in_shanghai, "InstanceId"));
    shanghai_name = g_strdup (field (in_shanghai, "InstanceName"));
    shanghai_state = g_strdup (field (in_shanghai, "InstanceState"));
    beijing_id = g_strdup (field (in_beijing, "InstanceId"));
    beijing_name = g_strdup (field (in_beijing, "InstanceName"));
    beijing_state = g_strdup (field (in_beijing, "InstanceState"));
  }

  /* ap-shanghai answers InternalError to everything; both regions lose an instance. */
  admin_post (harness.sim, "/_yunsim/faults", "{\"faults\": [\"internal:1:*:ap-shanghai\"]}");
  admin_delete (harness.sim, shanghai_id);
  admin_delete (harness.sim, beijing_id);
  after = fleet_read (harness.sim);

  g_assert_false (harness_sync (&harness, &error));
  g_assert_error (error, YUN_ERROR, yun_error_category_for_code ("InternalError"));
  g_assert_nonnull (strstr (error->message, "ap-shanghai"));
  g_assert_nonnull (strstr (error->message, "InternalError"));
  for (guint r = 0; r < after->regions->len; r++)
    if (!g_str_equal (after->regions->pdata[r], "ap-shanghai"))
      g_assert_null (strstr (error->message, after->regions->pdata[r]));
  g_clear_error (&error);

  {
    const ExpectedChange expected[] = {
      { YUN_INSTANCE_CHANGE_VANISHED, beijing_id, "ap-beijing", beijing_name, beijing_state, NULL },
    };

    assert_changes (harness.changes, expected, G_N_ELEMENTS (expected));
  }

  /* The regions that answered are committed; ap-shanghai keeps every row it had. */
  shanghai_rows = cache_rows (harness.cache, ACCOUNT, "ap-shanghai");
  shanghai_before = fleet_rows (before, "ap-shanghai");
  assert_sets_equal (shanghai_rows, shanghai_before, "ap-shanghai after its failed sync");
  for (guint r = 0; r < after->regions->len; r++)
    if (!g_str_equal (after->regions->pdata[r], "ap-shanghai"))
      {
        g_autoptr (GHashTable) cached
          = cache_rows (harness.cache, ACCOUNT, after->regions->pdata[r]);
        g_autoptr (GHashTable) listed = fleet_rows (after, after->regions->pdata[r]);

        assert_sets_equal (cached, listed, after->regions->pdata[r]);
      }
  g_assert_nonnull (yun_inventory_lookup (harness.inventory, shanghai_id));
  g_assert_null (yun_inventory_lookup (harness.inventory, beijing_id));

  shanghai = find_region (harness.inventory, "ap-shanghai");
  g_assert_true (yun_inventory_region_get_stale (shanghai));
  g_assert_cmpstr (yun_inventory_region_get_error_code (shanghai), ==, "InternalError");
  g_assert_nonnull (yun_inventory_region_get_error_message (shanghai));
  g_assert_cmpstr (yun_inventory_region_get_error_message (shanghai), !=, "");
  g_assert_cmpuint (yun_inventory_region_get_instance_count (shanghai), ==,
                    fleet_region (before, "ap-shanghai")->len);
  /* Its instances are still the ones of the last good sync. */
  g_assert_cmpint (g_date_time_to_unix (yun_inventory_region_get_synced_at (shanghai)), ==,
                   first_synced_at);
  g_clear_object (&shanghai);
  for (guint r = 0; r < after->regions->len; r++)
    if (!g_str_equal (after->regions->pdata[r], "ap-shanghai"))
      {
        g_autoptr (YunInventoryRegion) region
          = find_region (harness.inventory, after->regions->pdata[r]);

        assert_region_fresh (region, fleet_region (after, after->regions->pdata[r])->len,
                             harness.started);
      }

  /* The same, as stored. */
  rows = _yun_cache_load_region_rows (harness.cache, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, after->regions->len);
  for (guint i = 0; i < rows->len; i++)
    {
      YunCacheRegionRow *row = rows->pdata[i];

      if (g_str_equal (row->region, "ap-shanghai"))
        {
          g_assert_cmpstr (row->error_code, ==, "InternalError");
          g_assert_nonnull (row->error_message);
          g_assert_cmpint (row->synced_at, ==, first_synced_at);
          g_assert_cmpint (row->attempted_at, >=, row->synced_at);
          g_assert_cmpuint (row->n_instances, ==, fleet_region (before, "ap-shanghai")->len);
        }
      else
        {
          g_assert_null (row->error_code);
          g_assert_null (row->error_message);
          g_assert_cmpuint (row->n_instances, ==, fleet_region (after, row->region)->len);
        }
    }

  /* The outage ends: ap-shanghai catches up. */
  admin_post (harness.sim, "/_yunsim/faults", "{\"faults\": []}");
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  {
    const ExpectedChange expected[] = {
      { YUN_INSTANCE_CHANGE_VANISHED, shanghai_id, "ap-shanghai", shanghai_name, shanghai_state,
        NULL },
    };

    assert_changes (harness.changes, expected, G_N_ELEMENTS (expected));
  }
  g_assert_null (yun_inventory_lookup (harness.inventory, shanghai_id));
  assert_cache_matches_fleet (harness.cache, ACCOUNT, after);
  assert_model_matches_fleet (harness.inventory, after);
  assert_regions_match_fleet (harness.inventory, after, harness.started);
}

/* ---- Hostile answers for one region ---- */

typedef struct
{
  const char *region;
  GString *dump;
} RegionDump;

/* Every column of every instance row of a region, and its row in regions, as text: what a
 * half-written sync would change. */
static void
dump_region (sqlite3 *db, gpointer data)
{
  RegionDump *dump = data;
  const char *const queries[] = {
    "SELECT * FROM instances i JOIN accounts a ON a.id = i.account_id "
    "WHERE a.name = ?1 AND i.region = ?2 ORDER BY i.instance_id",
    "SELECT r.region, r.name, r.state, r.synced_at FROM regions r "
    "JOIN accounts a ON a.id = r.account_id WHERE a.name = ?1 AND r.region = ?2",
  };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *statement = NULL;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &statement, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (statement, 1, ACCOUNT, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, dump->region, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (statement); c++)
            {
              const char *text = (const char *) sqlite3_column_text (statement, c);

              g_string_append_printf (dump->dump, "%s=%s|", sqlite3_column_name (statement, c),
                                      text != NULL ? text : "NULL");
            }
          g_string_append_c (dump->dump, '\n');
        }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (statement);
    }
}

static char *
dup_region_dump (YunCache *cache, const char *region)
{
  RegionDump dump = { region, g_string_new (NULL) };

  _yun_cache_with_db (cache, dump_region, &dump);
  return g_string_free (dump.dump, FALSE);
}

typedef struct
{
  const char *region;
  char *error_code;
  char *error_message;
} RegionError;

static void
read_region_error (sqlite3 *db, gpointer data)
{
  RegionError *found = data;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT r.error_code, r.error_message FROM regions r "
                                       "JOIN accounts a ON a.id = r.account_id "
                                       "WHERE a.name = ?1 AND r.region = ?2",
                                       -1, &statement, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, ACCOUNT, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, found->region, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  found->error_code = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  found->error_message = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  sqlite3_finalize (statement);
}

/* A region whose DescribeInstances answers cannot be believed keeps the rows of its last
 * good sync, row for row and column for column, and is marked stale with the error; the
 * other regions are synced as usual. An answer with unknown members is no reason to fail. */
static void
test_hostile_region (void)
{
  const char *const args[] = { "--seed", "34", "--regions", "3", "--instances", "90", NULL };
  const char *const kinds[]
    = { "truncated-json", "huge-body", "invalid-utf8", "wrong-types",  "missing-fields",
        "html-200",       "html-502",  "http-503",     "drop-mid-body" };
  const char *target = "ap-shanghai";
  g_auto (Harness) harness = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (Fleet) before = NULL;
  g_autoptr (Fleet) after = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *vanished = NULL;
  g_autofree char *other_vanished = NULL;

  harness_init (&harness, args);
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  before = fleet_read (harness.sim);
  rows_before = dup_region_dump (harness.cache, target);
  g_assert_cmpuint (fleet_region (before, target)->len, >, 0);

  /* Behind the client's back, an instance goes in each of two regions: a sync that believed
   * a broken answer, or wrote half of one, would change the rows. */
  vanished = g_strdup (field (fleet_find (before, target, NULL), "InstanceId"));
  other_vanished = g_strdup (field (fleet_find (before, "ap-guangzhou", NULL), "InstanceId"));
  admin_delete (harness.sim, vanished);
  admin_delete (harness.sim, other_vanished);
  after = fleet_read (harness.sim);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *body
        = g_strdup_printf ("{\"answers\": [{\"kind\": \"%s\", \"action\": \"DescribeInstances\", "
                           "\"region\": \"%s\", \"count\": 100}]}",
                           kinds[k], target);
      g_autofree char *rows_now = NULL;
      g_autoptr (YunInventoryRegion) region = NULL;
      RegionError stored = { target, NULL, NULL };

      g_test_message ("hostile DescribeInstances in %s: %s", target, kinds[k]);
      admin_post (harness.sim, "/_yunsim/hostile", body);
      g_assert_false (harness_sync (&harness, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, target));
      g_clear_error (&error);

      /* Row for row what the last good sync wrote: checked in SQL. */
      rows_now = dup_region_dump (harness.cache, target);
      g_assert_cmpstr (rows_now, ==, rows_before);
      _yun_cache_with_db (harness.cache, read_region_error, &stored);
      g_assert_nonnull (stored.error_code);
      g_assert_nonnull (stored.error_message);
      g_assert_cmpstr (stored.error_message, !=, "");
      g_assert_true (g_utf8_validate (stored.error_message, -1, NULL));
      g_free (stored.error_code);
      g_free (stored.error_message);

      region = find_region (harness.inventory, target);
      g_assert_true (yun_inventory_region_get_stale (region));
      g_assert_nonnull (yun_inventory_region_get_error_message (region));
      g_assert_cmpuint (yun_inventory_region_get_instance_count (region), ==,
                        fleet_region (before, target)->len);
      g_assert_nonnull (yun_inventory_lookup (harness.inventory, vanished));

      /* The other regions answered and are committed. */
      for (guint r = 0; r < after->regions->len; r++)
        if (!g_str_equal (after->regions->pdata[r], target))
          {
            g_autoptr (GHashTable) cached
              = cache_rows (harness.cache, ACCOUNT, after->regions->pdata[r]);
            g_autoptr (GHashTable) listed = fleet_rows (after, after->regions->pdata[r]);

            assert_sets_equal (cached, listed, after->regions->pdata[r]);
          }
      g_assert_null (yun_inventory_lookup (harness.inventory, other_vanished));
    }

  /* Unknown members everywhere: tolerated, and the region catches up. */
  admin_post (harness.sim, "/_yunsim/hostile",
              "{\"answers\": [{\"kind\": \"unexpected-fields\", \"action\": "
              "\"DescribeInstances\", \"count\": 100}]}");
  g_assert_true (harness_sync (&harness, &error));
  g_assert_no_error (error);
  assert_cache_matches_fleet (harness.cache, ACCOUNT, after);
  assert_model_matches_fleet (harness.inventory, after);
  assert_regions_match_fleet (harness.inventory, after, harness.started);
  g_assert_null (yun_inventory_lookup (harness.inventory, vanished));
}

/* ---- yunctl ---- */

typedef struct
{
  const char *secret_id;
  const char *secret_key;
  const char *endpoint;
  TempHome *home;
} YunctlEnv;

/* yunctl as a user runs it: the simulator's key in the environment, the endpoint in
 * YUNDESK_ENDPOINT, and the test's own data and config folders. */
static GSubprocessLauncher *
yunctl_launcher_new (const YunctlEnv *env, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID", env->secret_id, TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY", env->secret_key, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", env->endpoint, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", env->home->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", env->home->config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", env->home->state_home, TRUE);
  return launcher;
}

static GPtrArray *
collect_args (va_list ap)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Debug lines that worker threads log at once can interleave on stderr, and split a
 * character: the text, made valid. */
static char *
dup_text (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_utf8_make_valid (data != NULL ? data : "", (gssize) size);
}

static void
run_launcher (GSubprocessLauncher *launcher, YunTestRun *run, GPtrArray *argv)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata + 1);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->out = dup_text (out);
  run->err = dup_text (err);
  if (!g_subprocess_get_if_exited (process))
    g_error ("yunctl %s was killed by signal %d; stderr:\n%s", command,
             g_subprocess_get_term_sig (process), run->err);
  run->exit_status = g_subprocess_get_exit_status (process);
  /* Into the test log, where the secret-leak check reads everything yunctl printed. */
  g_test_message ("yunctl %s exited %d; stdout:\n%s\nstderr:\n%s", command, run->exit_status,
                  run->out, run->err);
}

static void
run_yunctl (const YunctlEnv *env, YunTestRun *run, ...)
{
  g_autoptr (GSubprocessLauncher) launcher
    = yunctl_launcher_new (env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = NULL;
  va_list ap;

  va_start (ap, run);
  argv = collect_args (ap);
  va_end (ap);
  run_launcher (launcher, run, argv);
}

static json_object *
parse_output (YunTestRun *run)
{
  json_object *parsed = json_tokener_parse (run->out);

  if (parsed == NULL)
    g_error ("yunctl printed no JSON: %s", run->out);
  return parsed;
}

static json_object *
member (json_object *object, const char *key)
{
  json_object *value = NULL;

  g_assert_true (json_object_object_get_ex (object, key, &value));
  return value;
}

static char *
dup_account (const YunctlEnv *env)
{
  return g_strconcat ("env:", env->secret_id, NULL);
}

/* The sync report: every region once, fresh, with the simulator's count. yunctl sync prints
 * the regions model, so the core bug described at test_regions_after_first_sync() can make
 * a region of a first sync show up stale with 0 instances here. */
static void
assert_sync_report (json_object *report, Fleet *fleet)
{
  json_object *regions = member (report, "Regions");
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint sum = 0;

  g_assert_cmpuint (json_object_array_length (regions), ==, fleet->regions->len);
  for (size_t i = 0; i < json_object_array_length (regions); i++)
    {
      json_object *region = json_object_array_get_idx (regions, i);
      const char *name = field (region, "region");
      guint count = (guint) json_object_get_int (member (region, "instance-count"));

      g_assert_true (g_hash_table_add (seen, (gpointer) name));
      g_assert_cmpuint (count, ==, fleet_region (fleet, name)->len);
      g_assert_false (json_object_get_boolean (member (region, "stale")));
      g_assert_nonnull (field (region, "synced-at"));
      sum += count;
    }
  g_assert_cmpuint (sum, ==, fleet->n_instances);
}

/* ---- 4. The sync report of a first sync, many times ---- */

/* The report of a first sync must show every region as the cache has it, even when
 * regions are written at nearly the same time and their events race (the last event
 * queued must carry the newest region rows): first syncs of twelve small regions, four
 * yunctl at a time so that workers get preempted. */
static void
test_first_sync_reports (void)
{
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "37", "--regions", "12", "--instances",
                                                   "60", "--no-rate-limits", NULL);
  g_autoptr (Fleet) fleet = fleet_read (sim);
  g_autofree char *account = g_strconcat ("env:", yun_test_sim_get_secret_id (sim), NULL);

  for (guint round = 0; round < 10; round++)
    {
      TempHome homes[4] = { { 0 } };
      GSubprocess *processes[G_N_ELEMENTS (homes)] = { NULL };

      for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
        {
          YunctlEnv env = { yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim),
                            yun_test_sim_get_url (sim), &homes[i] };
          g_autoptr (GSubprocessLauncher) launcher = NULL;
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          g_autoptr (GError) error = NULL;

          temp_home_init (&homes[i]);
          out = g_build_filename (homes[i].path, "stdout", NULL);
          err = g_build_filename (homes[i].path, "stderr", NULL);
          launcher = yunctl_launcher_new (&env, G_SUBPROCESS_FLAGS_NONE);
          g_subprocess_launcher_set_stdout_file_path (launcher, out);
          g_subprocess_launcher_set_stderr_file_path (launcher, err);
          processes[i] = g_subprocess_launcher_spawn (launcher, &error, YUNCTL_PATH, "--json",
                                                      "sync", "--all-regions", NULL);
          g_assert_no_error (error);
        }

      for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
        {
          g_autofree char *out_path = g_build_filename (homes[i].path, "stdout", NULL);
          g_autofree char *err_path = g_build_filename (homes[i].path, "stderr", NULL);
          g_autoptr (GError) error = NULL;
          g_auto (YunTestRun) run = { 0 };
          g_autoptr (json_object) report = NULL;
          g_autoptr (YunCache) cache = NULL;

          g_assert_true (g_subprocess_wait (processes[i], NULL, &error));
          g_assert_no_error (error);
          g_file_get_contents (out_path, &run.out, NULL, &error);
          g_assert_no_error (error);
          g_file_get_contents (err_path, &run.err, NULL, &error);
          g_assert_no_error (error);
          g_test_message ("round %u, yunctl %u; stdout:\n%s\nstderr:\n%s", round, i, run.out,
                          run.err);
          if (!g_subprocess_get_successful (processes[i]))
            g_error ("yunctl sync failed (status %d); stderr:\n%s",
                     g_subprocess_get_status (processes[i]), run.err);
          g_clear_object (&processes[i]);

          /* The cache is right; the report must say what the cache says. */
          cache = open_cache (homes[i].cache_path);
          assert_cache_matches_fleet (cache, account, fleet);
          g_clear_object (&cache);
          report = parse_output (&run);
          assert_sync_report (report, fleet);
          temp_home_clear (&homes[i]);
        }
    }
}

/* ---- 5. A sync killed part-way ---- */

static void
integrity_check (sqlite3 *db, gpointer data)
{
  char **result = data;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  *result = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
}

static void
checkpoint (sqlite3 *db, gpointer data)
{
  int log_frames = -1, checkpointed = -1;

  g_assert_cmpint (
    sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed),
    ==, SQLITE_OK);
}

static void
assert_private_file (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

/* The database as the complete first sync left it, in place of whatever is there. */
static void
restore_database (const char *path, GBytes *snapshot)
{
  g_autofree char *wal = dup_sibling (path, "-wal");
  g_autofree char *shm = dup_sibling (path, "-shm");
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (snapshot, &size);

  g_unlink (wal);
  g_unlink (shm);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* Starts `yunctl sync --all-regions` and sends it SIGKILL after @delay_us. Returns whether
 * the signal ended it (it may have finished first). */
static gboolean
kill_sync_after (const YunctlEnv *env, gint64 delay_us)
{
  g_autoptr (GSubprocessLauncher) launcher = yunctl_launcher_new (
    env, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  process
    = g_subprocess_launcher_spawn (launcher, &error, YUNCTL_PATH, "sync", "--all-regions", NULL);
  g_assert_no_error (error);
  g_usleep ((gulong) delay_us);
  g_subprocess_force_exit (process);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (process))
    {
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
      return FALSE;
    }
  g_assert_true (g_subprocess_get_if_signaled (process));
  return TRUE;
}

static void
test_killed_sync (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "34", "--regions", "8", "--instances", "2000", "--latency-ms",
                          "30", "--jitter-ms", "60", "--no-rate-limits", NULL);
  g_auto (TempHome) home = { 0 };
  g_auto (YunTestRun) first = { 0 };
  g_auto (YunTestRun) last = { 0 };
  g_autoptr (Fleet) before = NULL;
  g_autoptr (Fleet) after = NULL;
  g_autoptr (GPtrArray) old_rows
    = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr (GPtrArray) new_rows
    = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr (GBytes) snapshot = NULL;
  g_autofree char *account = NULL;
  const guint n_kills = 10;
  guint killed = 0, midway = 0, none_written = 0, all_written = 0;
  gint64 start, full_us;
  YunctlEnv env;

  temp_home_init (&home);
  env = (YunctlEnv){ yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim),
                     yun_test_sim_get_url (sim), &home };
  account = dup_account (&env);

  start = g_get_monotonic_time ();
  run_yunctl (&env, &first, "sync", "--all-regions", NULL);
  full_us = g_get_monotonic_time () - start;
  g_assert_cmpint (first.exit_status, ==, 0);
  before = fleet_read (sim);
  g_assert_cmpuint (before->regions->len, ==, 8);

  {
    g_autoptr (YunCache) cache = open_cache (home.cache_path);
    gsize size;
    char *contents = NULL;
    g_autoptr (GError) error = NULL;

    assert_cache_matches_fleet (cache, account, before);
    for (guint r = 0; r < before->regions->len; r++)
      g_ptr_array_add (old_rows, fleet_rows (before, before->regions->pdata[r]));
    /* Everything in the main file, so that a copy of it is the whole database. */
    _yun_cache_with_db (cache, checkpoint, NULL);
    g_file_get_contents (home.cache_path, &contents, &size, &error);
    g_assert_no_error (error);
    snapshot = g_bytes_new_take (contents, size);
  }

  /* In every region, one instance deleted and one renamed behind yunctl's back. */
  for (guint r = 0; r < before->regions->len; r++)
    {
      GPtrArray *instances = fleet_region (before, before->regions->pdata[r]);
      g_autofree char *rename = g_strdup_printf ("{\"InstanceName\": \"renamed-%u\"}", r);

      g_assert_cmpuint (instances->len, >=, 2);
      admin_delete (sim, field (instances->pdata[0], "InstanceId"));
      admin_patch (sim, field (instances->pdata[1], "InstanceId"), rename);
    }
  after = fleet_read (sim);
  for (guint r = 0; r < after->regions->len; r++)
    {
      g_ptr_array_add (new_rows, fleet_rows (after, after->regions->pdata[r]));
      g_assert_false (sets_equal (old_rows->pdata[r], new_rows->pdata[r]));
    }

  /* From 20 ms after the start to the time a whole sync took, each time from the database
   * of the first sync. */
  for (guint k = 0; k < n_kills; k++)
    {
      gint64 delay_us = 20000 + (full_us - 20000) * k / (n_kills - 1);
      g_autoptr (YunCache) cache = NULL;
      g_autoptr (GPtrArray) changes = NULL;
      g_autofree char *integrity = NULL;
      g_autofree char *wal = dup_sibling (home.cache_path, "-wal");
      g_autofree char *shm = dup_sibling (home.cache_path, "-shm");
      guint n_old = 0, n_new = 0;

      restore_database (home.cache_path, snapshot);
      if (kill_sync_after (&env, delay_us))
        killed++;

      /* SQLite gives the journal files the database's mode. */
      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        assert_private_file (wal);
      if (g_file_test (shm, G_FILE_TEST_EXISTS))
        assert_private_file (shm);

      cache = open_cache (home.cache_path);
      _yun_cache_with_db (cache, integrity_check, &integrity);
      g_assert_cmpstr (integrity, ==, "ok");
      changes = load_changes (cache, account);

      for (guint r = 0; r < after->regions->len; r++)
        {
          const char *region = after->regions->pdata[r];
          g_autoptr (GHashTable) cached = cache_rows (cache, account, region);
          gboolean is_new = sets_equal (cached, new_rows->pdata[r]);
          guint n_logged = 0;

          if (!is_new && !sets_equal (cached, old_rows->pdata[r]))
            g_error ("kill after %" G_GINT64_FORMAT " ms: %s is neither its old nor its new "
                     "self (%u rows)",
                     delay_us / 1000, region, g_hash_table_size (cached));
          if (is_new)
            n_new++;
          else
            n_old++;
          /* A region's changes are logged with the region, never without it. */
          for (guint i = 0; i < changes->len; i++)
            if (g_str_equal (((YunInstanceChange *) changes->pdata[i])->region, region))
              n_logged++;
          g_assert_cmpuint (n_logged, ==, is_new ? 2 : 0);
        }
      if (n_old > 0 && n_new > 0)
        midway++;
      else if (n_new == 0)
        none_written++;
      else
        all_written++;
      g_test_message ("kill after %" G_GINT64_FORMAT " ms: %u regions old, %u new", delay_us / 1000,
                      n_old, n_new);
    }
  g_test_message ("a whole sync took %" G_GINT64_FORMAT " ms; of %u kills, %u ended yunctl: %u "
                  "before any region was written, %u mid-way, %u after every region",
                  full_us / 1000, n_kills, killed, none_written, midway, all_written);
  /* At 20 ms yunctl has not even listed the regions. */
  g_assert_cmpuint (killed, >, 0);
  g_assert_cmpuint (none_written, >, 0);

  run_yunctl (&env, &last, "sync", "--all-regions", NULL);
  g_assert_cmpint (last.exit_status, ==, 0);
  {
    g_autoptr (YunCache) cache = open_cache (home.cache_path);

    assert_cache_matches_fleet (cache, account, after);
  }
}

/* ---- 6. yunctl sync and instances --offline ---- */

static gboolean
fleet_instance_matches (json_object *instance, const char *folded_text)
{
  g_autoptr (GString) text = g_string_new (field (instance, "InstanceId"));
  g_autofree char *folded = NULL;
  json_object *tags = member (instance, "Tags");
  const char *const lists[] = { "PrivateIpAddresses", "PublicIpAddresses" };

  g_string_append_printf (text, "\n%s", field (instance, "InstanceName"));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      json_object *addresses = member (instance, lists[l]);

      for (size_t i = 0; addresses != NULL && i < json_object_array_length (addresses); i++)
        g_string_append_printf (text, "\n%s",
                                json_object_get_string (json_object_array_get_idx (addresses, i)));
    }
  for (size_t i = 0; tags != NULL && i < json_object_array_length (tags); i++)
    g_string_append_printf (text, "\n%s=%s", field (json_object_array_get_idx (tags, i), "Key"),
                            field (json_object_array_get_idx (tags, i), "Value"));
  folded = g_utf8_casefold (text->str, -1);
  return strstr (folded, folded_text) != NULL;
}

static GHashTable *
output_ids (json_object *parsed, guint *total_count)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  json_object *instances = member (parsed, "Instances");

  *total_count = (guint) json_object_get_int (member (parsed, "TotalCount"));
  g_assert_cmpuint (json_object_array_length (instances), ==, *total_count);
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    g_assert_true (g_hash_table_add (
      ids, g_strdup (field (json_object_array_get_idx (instances, i), "instance-id"))));
  return ids;
}

static void
test_yunctl_sync_and_offline (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "35", "--regions", "5", "--instances", "250", NULL);
  g_auto (TempHome) home = { 0 };
  g_auto (TempHome) empty_home = { 0 };
  g_auto (YunTestRun) first = { 0 };
  g_auto (YunTestRun) second = { 0 };
  g_auto (YunTestRun) outage = { 0 };
  g_auto (YunTestRun) offline = { 0 };
  g_auto (YunTestRun) filtered = { 0 };
  g_auto (YunTestRun) offline_regions = { 0 };
  g_auto (YunTestRun) offline_sync = { 0 };
  g_auto (YunTestRun) never_synced = { 0 };
  g_auto (YunTestRun) other_profile = { 0 };
  g_autoptr (json_object) first_report = NULL;
  g_autoptr (json_object) second_report = NULL;
  g_autoptr (json_object) outage_report = NULL;
  g_autoptr (json_object) offline_list = NULL;
  g_autoptr (json_object) filtered_list = NULL;
  g_autoptr (json_object) never_list = NULL;
  g_autoptr (json_object) other_list = NULL;
  g_autoptr (Fleet) fleet = NULL;
  g_autoptr (GHashTable) listed = NULL;
  g_autoptr (GHashTable) fleet_ids = NULL;
  g_autoptr (GHashTable) expected = NULL;
  g_autofree char *secret_id = NULL;
  g_autofree char *secret_key = NULL;
  g_autofree char *stopped_id = NULL;
  g_autofree char *stopped_name = NULL;
  g_autofree char *profiles_dir = NULL;
  g_autofree char *profiles = NULL;
  g_autofree char *search = g_utf8_casefold ("WEB", -1);
  g_autoptr (GError) error = NULL;
  const char *region = "ap-shanghai";
  guint n_running = 0, n_matching = 0, total = 0;
  json_object *changes;
  json_object *change;
  YunctlEnv env;

  temp_home_init (&home);
  env = (YunctlEnv){ yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim),
                     yun_test_sim_get_url (sim), &home };
  fleet = fleet_read (sim);

  run_yunctl (&env, &first, "--json", "sync", "--all-regions", NULL);
  g_assert_cmpint (first.exit_status, ==, 0);
  first_report = parse_output (&first);
  assert_sync_report (first_report, fleet);
  g_assert_cmpuint (json_object_array_length (member (first_report, "Changes")), ==, 0);

  /* Stopped in the console: the next sync tells. */
  {
    json_object *running = fleet_find (fleet, "ap-beijing", "RUNNING");

    stopped_id = g_strdup (field (running, "InstanceId"));
    stopped_name = g_strdup (field (running, "InstanceName"));
  }
  admin_patch (sim, stopped_id, "{\"InstanceState\": \"STOPPED\"}");
  g_clear_pointer (&fleet, fleet_free);
  fleet = fleet_read (sim);

  run_yunctl (&env, &second, "--json", "sync", "--all-regions", NULL);
  g_assert_cmpint (second.exit_status, ==, 0);
  second_report = parse_output (&second);
  assert_sync_report (second_report, fleet);
  changes = member (second_report, "Changes");
  g_assert_cmpuint (json_object_array_length (changes), ==, 1);
  change = json_object_array_get_idx (changes, 0);
  g_assert_cmpstr (field (change, "kind"), ==, "changed");
  g_assert_cmpstr (field (change, "instance_id"), ==, stopped_id);
  g_assert_cmpstr (field (change, "region"), ==, "ap-beijing");
  g_assert_cmpstr (field (change, "name"), ==, stopped_name);
  g_assert_cmpstr (field (change, "old_state"), ==, "RUNNING");
  g_assert_cmpstr (field (change, "new_state"), ==, "STOPPED");

  /* A region that fails: exit 1, and the report still shows every region, that one stale. */
  admin_post (sim, "/_yunsim/faults", "{\"faults\": [\"internal:1:*:ap-chengdu\"]}");
  run_yunctl (&env, &outage, "--json", "sync", "--all-regions", NULL);
  g_assert_cmpint (outage.exit_status, ==, 1);
  g_assert_nonnull (strstr (outage.err, "ap-chengdu"));
  outage_report = parse_output (&outage);
  {
    json_object *regions = member (outage_report, "Regions");

    g_assert_cmpuint (json_object_array_length (regions), ==, fleet->regions->len);
    for (size_t i = 0; i < json_object_array_length (regions); i++)
      {
        json_object *item = json_object_array_get_idx (regions, i);
        gboolean failed = g_str_equal (field (item, "region"), "ap-chengdu");

        g_assert_cmpint (json_object_get_boolean (member (item, "stale")), ==, failed);
        g_assert_cmpstr (field (item, "error-code"), ==, failed ? "InternalError" : NULL);
        g_assert_cmpuint (json_object_get_int (member (item, "instance-count")), ==,
                          fleet_region (fleet, field (item, "region"))->len);
      }
  }
  g_assert_cmpuint (json_object_array_length (member (outage_report, "Changes")), ==, 0);

  /* The filter's answer, from the simulator, before it goes away. */
  expected = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < fleet_region (fleet, region)->len; i++)
    {
      json_object *instance = fleet_region (fleet, region)->pdata[i];
      gboolean running = g_str_equal (field (instance, "InstanceState"), "RUNNING");
      gboolean matching = fleet_instance_matches (instance, search);

      n_running += running;
      n_matching += matching;
      if (running && matching)
        g_hash_table_add (expected, (gpointer) field (instance, "InstanceId"));
    }
  /* Both filters take some instances out, and leave some. */
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  g_assert_cmpuint (g_hash_table_size (expected), <, n_running);
  g_assert_cmpuint (g_hash_table_size (expected), <, n_matching);

  /* No simulator any more, and the endpoint is a closed port: the cache answers. */
  secret_id = g_strdup (env.secret_id);
  secret_key = g_strdup (env.secret_key);
  env.secret_id = secret_id;
  env.secret_key = secret_key;
  env.endpoint = CLOSED_ENDPOINT;
  g_clear_pointer (&sim, yun_test_sim_free);

  run_yunctl (&env, &offline, "--endpoint", CLOSED_ENDPOINT, "--offline", "--json", "instances",
              "--all-regions", NULL);
  g_assert_cmpint (offline.exit_status, ==, 0);
  offline_list = parse_output (&offline);
  listed = output_ids (offline_list, &total);
  g_assert_cmpuint (total, ==, fleet->n_instances);
  fleet_ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint r = 0; r < fleet->regions->len; r++)
    for (guint i = 0; i < fleet_region (fleet, fleet->regions->pdata[r])->len; i++)
      g_hash_table_add (
        fleet_ids,
        (gpointer) field (fleet_region (fleet, fleet->regions->pdata[r])->pdata[i], "InstanceId"));
  assert_sets_equal (listed, fleet_ids, "yunctl --offline instances --all-regions");
  {
    json_object *instances = member (offline_list, "Instances");

    for (size_t i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *item = json_object_array_get_idx (instances, i);
        json_object *listed_instance
          = g_hash_table_lookup (fleet->by_id, field (item, "instance-id"));

        g_assert_cmpstr (field (item, "state"), ==, field (listed_instance, "InstanceState"));
        g_assert_cmpstr (field (item, "name"), ==, field (listed_instance, "InstanceName"));
      }
  }

  g_clear_pointer (&listed, g_hash_table_unref);
  run_yunctl (&env, &filtered, "--offline", "--json", "instances", "--region", region, "--state",
              "RUNNING", "--search", "WEB", NULL);
  g_assert_cmpint (filtered.exit_status, ==, 0);
  filtered_list = parse_output (&filtered);
  listed = output_ids (filtered_list, &total);
  g_assert_cmpuint (total, ==, g_hash_table_size (expected));
  assert_sets_equal (listed, expected, "yunctl --offline instances --region --state --search");

  /* --offline only applies to instances. */
  run_yunctl (&env, &offline_regions, "--offline", "regions", NULL);
  g_assert_cmpint (offline_regions.exit_status, ==, 2);
  g_assert_nonnull (strstr (offline_regions.err, "--offline"));
  g_assert_cmpstr (offline_regions.out, ==, "");
  run_yunctl (&env, &offline_sync, "--offline", "sync", "--all-regions", NULL);
  g_assert_cmpint (offline_sync.exit_status, ==, 2);
  g_assert_cmpstr (offline_sync.out, ==, "");

  /* An account never synced: no cache at all, or a cache that holds another account. */
  temp_home_init (&empty_home);
  env.home = &empty_home;
  run_yunctl (&env, &never_synced, "--offline", "--json", "instances", "--all-regions", NULL);
  g_assert_cmpint (never_synced.exit_status, ==, 0);
  never_list = parse_output (&never_synced);
  g_assert_cmpint (json_object_get_int (member (never_list, "TotalCount")), ==, 0);
  g_assert_cmpuint (json_object_array_length (member (never_list, "Instances")), ==, 0);

  env.home = &home;
  profiles_dir = g_build_filename (home.config_home, "yundesk", NULL);
  profiles = g_build_filename (profiles_dir, "profiles.ini", NULL);
  g_assert_cmpint (g_mkdir_with_parents (profiles_dir, 0700), ==, 0);
  g_file_set_contents (profiles, "[profile other]\nregion = ap-beijing\n", -1, &error);
  g_assert_no_error (error);
  run_yunctl (&env, &other_profile, "--profile", "other", "--offline", "--json", "instances",
              "--all-regions", NULL);
  g_assert_cmpint (other_profile.exit_status, ==, 0);
  other_list = parse_output (&other_profile);
  g_assert_cmpint (json_object_get_int (member (other_list, "TotalCount")), ==, 0);
}

/* ---- 7. The cache file is private ---- */

static void
open_umask (gpointer user_data)
{
  umask (0);
}

/* yunctl sync with umask 0, so only the modes yunctl chooses protect the files. */
static void
sync_with_open_umask (const YunctlEnv *env, YunTestRun *run)
{
  g_autoptr (GSubprocessLauncher) launcher
    = yunctl_launcher_new (env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  g_ptr_array_add (argv, (gpointer) "sync");
  g_ptr_array_add (argv, (gpointer) "--all-regions");
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, open_umask, NULL, NULL);
  run_launcher (launcher, run, argv);
}

static void
assert_no_secret_key (const char *path, const char *secret_key)
{
  g_autofree char *contents = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  g_assert_null (memmem (contents, size, secret_key, strlen (secret_key)));
}

static void
test_cache_file_modes (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "36", "--regions", "2", "--instances", "40", NULL);
  g_auto (TempHome) home = { 0 };
  g_auto (TempHome) loose_home = { 0 };
  g_auto (YunTestRun) run = { 0 };
  g_auto (YunTestRun) loose_run = { 0 };
  g_autofree char *directory = NULL;
  g_autofree char *loose_directory = NULL;
  g_autofree char *wal = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  YunctlEnv env;

  temp_home_init (&home);
  env = (YunctlEnv){ yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim),
                     yun_test_sim_get_url (sim), &home };
  sync_with_open_umask (&env, &run);
  g_assert_cmpint (run.exit_status, ==, 0);

  directory = g_path_get_dirname (home.cache_path);
  g_assert_cmpint (g_stat (directory, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  assert_private_file (home.cache_path);
  /* The rows name the account by its SecretId; the key is nowhere. */
  wal = dup_sibling (home.cache_path, "-wal");
  assert_no_secret_key (home.cache_path, env.secret_key);
  assert_no_secret_key (wal, env.secret_key);

  /* A database file left readable by others is made private again. */
  temp_home_init (&loose_home);
  loose_directory = g_path_get_dirname (loose_home.cache_path);
  g_assert_cmpint (g_mkdir_with_parents (loose_directory, 0700), ==, 0);
  g_file_set_contents_full (loose_home.cache_path, "", 0, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  env.home = &loose_home;
  sync_with_open_umask (&env, &loose_run);
  g_assert_cmpint (loose_run.exit_status, ==, 0);
  assert_private_file (loose_home.cache_path);
}

/* Everything YunDesk writes is private, whatever the umask: the config folder 0700 and the
 * profiles 0600 (written by the core), the data folder 0700 and the database 0600, the
 * state folder 0700 and the log 0600 (written by a yunctl sync under umask 0). */
static void
test_file_modes (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--seed", "37", "--regions", "2", "--instances", "20", NULL);
  g_auto (TempHome) home = { 0 };
  g_auto (YunTestRun) run = { 0 };
  g_autoptr (YunProfile) profile = yun_profile_new ("files");
  g_autoptr (GError) error = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *profiles = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *log = NULL;
  g_autofree char *log_text = NULL;
  YunctlEnv env;
  mode_t old_umask;

  temp_home_init (&home);
  config_dir = g_build_filename (home.config_home, "yundesk", NULL);
  profiles = g_build_filename (config_dir, "profiles.ini", NULL);
  data_dir = g_path_get_dirname (home.cache_path);
  state_dir = g_build_filename (home.state_home, "yundesk", NULL);
  log = g_build_filename (state_dir, "yundesk.log", NULL);

  old_umask = umask (0);
  yun_profile_set_secret_id (profile, yun_test_sim_get_secret_id (sim));
  yun_profile_set_endpoint (profile, yun_test_sim_get_url (sim));
  g_assert_true (yun_profile_save (profile, profiles, &error));
  g_assert_no_error (error);
  umask (old_umask);

  env = (YunctlEnv){ yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim),
                     yun_test_sim_get_url (sim), &home };
  {
    g_autoptr (GSubprocessLauncher) launcher
      = yunctl_launcher_new (&env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    const char *const argv[] = { YUNCTL_PATH, "sync", "--all-regions", NULL };
    g_autoptr (GPtrArray) args = g_ptr_array_new ();

    for (guint i = 0; i < G_N_ELEMENTS (argv); i++)
      g_ptr_array_add (args, (gpointer) argv[i]);
    /* Debug lines, so that the log has something to hold. */
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
    g_subprocess_launcher_set_child_setup (launcher, open_umask, NULL, NULL);
    run_launcher (launcher, &run, args);
  }
  g_assert_cmpint (run.exit_status, ==, 0);

  {
    const struct
    {
      const char *path;
      guint mode;
    } expected[] = {
      { config_dir, 0700 },      { profiles, 0600 },  { data_dir, 0700 },
      { home.cache_path, 0600 }, { state_dir, 0700 }, { log, 0600 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        GStatBuf st;

        g_assert_cmpint (g_lstat (expected[i].path, &st), ==, 0);
        if ((st.st_mode & 07777) != expected[i].mode)
          g_error ("%s has mode %04o, not %04o", expected[i].path, st.st_mode & 07777,
                   expected[i].mode);
      }
  }

  /* The log has yunctl's lines, and not its SecretKey. */
  g_file_get_contents (log, &log_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log_text, "DescribeInstances"));
  g_assert_null (strstr (log_text, env.secret_key));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  yun_init ();

  g_test_add_func ("/yun/inventory/full-sync", test_full_sync);
  g_test_add_func ("/yun/inventory/changes-behind-the-back", test_changes_behind_the_back);
  g_test_add_func ("/yun/inventory/region-outage", test_region_outage);
  g_test_add_func ("/yun/inventory/hostile-region", test_hostile_region);
  g_test_add_func ("/yun/inventory/first-sync-reports", test_first_sync_reports);
  g_test_add_func ("/yun/inventory/killed-sync", test_killed_sync);
  g_test_add_func ("/yun/inventory/yunctl-sync-and-offline", test_yunctl_sync_and_offline);
  g_test_add_func ("/yun/inventory/cache-file-modes", test_cache_file_modes);
  g_test_add_func ("/yun/inventory/file-modes", test_file_modes);

  return g_test_run ();
}
