/* test-cache.c: the inventory database: file modes, schema, migrations, diffs, round trips
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "yun-api-private.h"
#include "yun-cache-private.h"
#include "yun-instance-list-private.h"
#include "yun-job-private.h"

#define ACCOUNT "test"
#define REGION "ap-guangzhou"

typedef struct
{
  char *directory;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("yun-cache-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->directory, "sub", "yundesk.db", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  remove_tree (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->path);
}

/* An instance as DescribeInstances would send it, with the fields a diff looks at. */
static YunInstance *
make_instance_after (
  const char *id, const char *name, const char *state, const char *region, const char *request_id)
{
  g_autofree char *text = g_strdup_printf (
    "{\"InstanceId\": \"%s\", \"InstanceName\": \"%s\", \"InstanceState\": \"%s\","
    " \"Placement\": {\"Zone\": \"%s-3\", \"ProjectId\": 0},"
    " \"InstanceType\": \"S5.MEDIUM4\", \"CPU\": 2, \"Memory\": 4,"
    " \"OsName\": \"Ubuntu Server 22.04 LTS 64位\", \"ImageId\": \"img-487zeit5\","
    " \"PublicIpAddresses\": [\"43.128.0.7\"], \"PrivateIpAddresses\": [\"10.0.0.7\", "
    "\"10.0.1.7\"],"
    " \"InstanceChargeType\": \"POSTPAID_BY_HOUR\", \"CreatedTime\": \"2024-03-10T02:43:51Z\","
    " \"ExpiredTime\": null, \"Tags\": [{\"Key\": \"env\", \"Value\": \"prod\"},"
    " {\"Key\": \"team\", \"Value\": \"游戏\"}], \"LatestOperation\": \"StartInstances\","
    " \"LatestOperationState\": \"SUCCESS\", \"LatestOperationRequestId\": \"%s\","
    " \"DefaultLoginUser\": \"root\", \"DefaultLoginPort\": 22,"
    " \"VirtualPrivateCloud\": {\"VpcId\": \"vpc-1\", \"SubnetId\": \"subnet-1\"},"
    " \"SecurityGroupIds\": [\"sg-1\"], \"SystemDisk\": {\"DiskType\": \"CLOUD_PREMIUM\","
    " \"DiskSize\": 50}, \"InternetAccessible\": {\"InternetMaxBandwidthOut\": 5}}",
    id, name, state, region, request_id);
  g_autoptr (json_object) json = json_tokener_parse (text);
  g_autoptr (GError) error = NULL;
  YunInstance *instance;

  g_assert_nonnull (json);
  instance = _yun_instance_new_from_json (json, region, &error);
  g_assert_no_error (error);
  return instance;
}

static YunInstance *
make_instance (const char *id, const char *name, const char *state, const char *region)
{
  return make_instance_after (id, name, state, region, "req-1");
}

static YunRegionSnapshot *
snapshot_of (const char *region, YunInstance *first, ...)
{
  YunRegionSnapshot *snapshot = _yun_region_snapshot_new (region);
  va_list args;

  va_start (args, first);
  for (YunInstance *instance = first; instance != NULL; instance = va_arg (args, YunInstance *))
    g_ptr_array_add (snapshot->instances, instance);
  va_end (args);
  return snapshot;
}

static YunCache *
open_cache (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  YunCache *cache = yun_cache_open (fixture->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cache);
  return cache;
}

/* Writes @snapshot, and frees it. */
static void
store (YunCache *cache, YunRegionSnapshot *snapshot, gint64 now, YunCacheDiff *diff)
{
  g_autoptr (YunRegionSnapshot) owned = snapshot;
  g_autoptr (GError) error = NULL;

  g_assert_true (_yun_cache_store_region (cache, ACCOUNT, snapshot, now, diff, &error));
  g_assert_no_error (error);
}

static void
read_text (sqlite3 *db, gpointer data)
{
  char **io = data;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, io[0], -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  io[1] = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
}

/* The first column of the first row of @sql, as text. */
static char *
query_text (YunCache *cache, const char *sql)
{
  char *io[2] = { (char *) sql, NULL };

  _yun_cache_with_db (cache, read_text, io);
  return io[1];
}

static void
run_sql (sqlite3 *db, gpointer data)
{
  g_assert_cmpint (sqlite3_exec (db, data, NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_open (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autofree char *directory = g_path_get_dirname (fixture->path);
  g_autofree char *journal = query_text (cache, "PRAGMA journal_mode");
  g_autofree char *foreign_keys = query_text (cache, "PRAGMA foreign_keys");
  g_autofree char *busy = query_text (cache, "PRAGMA busy_timeout");
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  GStatBuf st;

  g_assert_cmpuint (_yun_cache_get_schema_version (cache), ==, YUN_CACHE_SCHEMA_VERSION);
  g_assert_cmpstr (yun_cache_get_path (cache), ==, fixture->path);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (directory, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpstr (foreign_keys, ==, "1");
  g_assert_cmpint (atoi (busy), >=, 1000);

  /* The write-ahead log is as private as the database. */
  store (cache, snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION), NULL),
         100, NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_open_tightens_mode (Fixture *fixture, gconstpointer data)
{
  g_autofree char *directory = g_path_get_dirname (fixture->path);
  g_autoptr (YunCache) cache = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);

  cache = open_cache (fixture);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_refuses_newer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunCache) again = NULL;

  {
    g_autoptr (YunCache) cache = open_cache (fixture);
    _yun_cache_with_db (cache, run_sql, "PRAGMA user_version = 99");
  }

  again = yun_cache_open (fixture->path, &error);
  g_assert_null (again);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "newer YunDesk"));

  /* Left untouched: the newer build still finds its version. */
  g_clear_error (&error);
  again = _yun_cache_open_at_version (fixture->path, 0, &error);
  g_assert_null (again);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_STORAGE);
}

static void
test_refuses_garbage (Fixture *fixture, gconstpointer data)
{
  g_autofree char *directory = g_path_get_dirname (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autofree char *contents = NULL;
  static const char garbage[] = "this is not an SQLite database, but a user's file\n";

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, garbage, -1, NULL));

  cache = yun_cache_open (fixture->path, &error);
  g_assert_null (cache);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, fixture->path));

  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, garbage);
}

/* Every table and index definition, sorted: two schemas built differently must match. */
static void
read_schema (sqlite3 *db, gpointer data)
{
  GString *schema = data;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                       "ORDER BY name",
                                       -1, &statement, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    g_string_append_printf (schema, "%s;\n", sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
}

static char *
schema_of (YunCache *cache)
{
  GString *schema = g_string_new (NULL);

  _yun_cache_with_db (cache, read_schema, schema);
  return g_string_free (schema, FALSE);
}

static void
test_migrations (Fixture *fixture, gconstpointer data)
{
  g_autofree char *fresh_path = g_build_filename (fixture->directory, "fresh.db", NULL);
  g_autofree char *fresh_schema = NULL;

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (YunCache) fresh = yun_cache_open (fresh_path, &error);

    g_assert_no_error (error);
    fresh_schema = schema_of (fresh);
  }

  /* From every earlier version, with data written by that version. */
  for (guint version = 0; version < YUN_CACHE_SCHEMA_VERSION; version++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s/v%u.db", fixture->directory, version);
      g_autoptr (YunCache) upgraded = NULL;
      g_autoptr (GPtrArray) instances = NULL;
      g_autofree char *schema = NULL;

      {
        g_autoptr (YunCache) old = _yun_cache_open_at_version (path, version, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (_yun_cache_get_schema_version (old), ==, version);
        if (version >= 1)
          {
            g_autoptr (YunRegionSnapshot) snapshot
              = snapshot_of (REGION, make_instance ("ins-old00001", "老", "RUNNING", REGION),
                             make_instance ("ins-old00002", "old", "STOPPED", REGION), NULL);

            g_assert_true (_yun_cache_store_region (old, ACCOUNT, snapshot, 1000, NULL, &error));
            g_assert_no_error (error);
          }
      }

      upgraded = yun_cache_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (_yun_cache_get_schema_version (upgraded), ==, YUN_CACHE_SCHEMA_VERSION);
      schema = schema_of (upgraded);
      g_assert_cmpstr (schema, ==, fresh_schema);

      instances = _yun_cache_load_instances (upgraded, ACCOUNT, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (instances->len, ==, version >= 1 ? 2 : 0);
      if (version >= 1)
        {
          g_autoptr (GPtrArray) rows = _yun_cache_load_region_rows (upgraded, ACCOUNT, &error);
          g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();
          g_autoptr (GPtrArray) changes = NULL;
          YunRegionSnapshot *later
            = snapshot_of (REGION, make_instance ("ins-old00001", "老", "STOPPED", REGION), NULL);

          g_assert_cmpstr (yun_instance_get_name (instances->pdata[0]), ==, "老");
          g_assert_cmpuint (rows->len, ==, 1);
          g_assert_cmpint (((YunCacheRegionRow *) rows->pdata[0])->synced_at, ==, 1000);

          /* What the upgrade added works on the upgraded data. */
          store (upgraded, later, 2000, diff);
          changes = _yun_cache_load_changes (upgraded, ACCOUNT, 10, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (changes->len, ==, 2);
        }
    }
}

static void
test_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autoptr (YunInstance) linux_ = make_instance ("ins-aaaaaaa1", "网站-01", "RUNNING", REGION);
  g_autoptr (YunInstance) other = make_instance ("ins-bbbbbbb2", "db", "STOPPED", "ap-shanghai");
  YunRegionSnapshot *snapshot = snapshot_of (REGION, g_object_ref (linux_), NULL);
  YunRegionSnapshot *snapshot2 = snapshot_of ("ap-shanghai", g_object_ref (other), NULL);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) guangzhou = NULL;
  g_autoptr (GPtrArray) other_account = NULL;
  g_autoptr (GError) error = NULL;

  store (cache, snapshot, 100, NULL);
  store (cache, snapshot2, 100, NULL);

  all = _yun_cache_load_instances (cache, ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  guangzhou = _yun_cache_load_instances (cache, ACCOUNT, REGION, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (guangzhou->len, ==, 1);

  /* Every field survives, lists and times included. */
  g_assert_true (yun_instance_equal (guangzhou->pdata[0], linux_));
  g_assert_cmpstr (yun_instance_get_tag (guangzhou->pdata[0], "team"), ==, "游戏");
  g_assert_cmpstr (yun_instance_get_private_ips (guangzhou->pdata[0])[1], ==, "10.0.1.7");
  g_assert_null (yun_instance_get_expired_time (guangzhou->pdata[0]));

  /* Accounts never see each other's rows. */
  other_account = _yun_cache_load_instances (cache, "someone-else", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other_account->len, ==, 0);
}

static YunInstanceChange *
find_change (GPtrArray *changes, const char *instance_id)
{
  for (guint i = 0; i < changes->len; i++)
    {
      YunInstanceChange *change = g_ptr_array_index (changes, i);

      if (g_str_equal (change->instance_id, instance_id))
        return change;
    }
  return NULL;
}

static void
test_diff (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autoptr (YunCacheDiff) first = _yun_cache_diff_new ();
  g_autoptr (YunCacheDiff) same = _yun_cache_diff_new ();
  g_autoptr (YunCacheDiff) second = _yun_cache_diff_new ();
  g_autoptr (GPtrArray) logged = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  YunInstanceChange *change;

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "RUNNING", REGION),
                      make_instance ("ins-ccccccc3", "c", "STOPPED", REGION), NULL),
         100, first);
  /* A first sync fills the models but reports nothing: nothing changed, it was learnt. */
  g_assert_cmpuint (first->added->len, ==, 3);
  g_assert_cmpuint (first->changes->len, ==, 0);

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "RUNNING", REGION),
                      make_instance ("ins-ccccccc3", "c", "STOPPED", REGION), NULL),
         200, same);
  g_assert_true (_yun_cache_diff_is_empty (same));
  g_assert_cmpuint (same->changes->len, ==, 0);

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "STOPPED", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "RUNNING", REGION),
                      make_instance ("ins-ddddddd4", "d", "PENDING", REGION), NULL),
         300, second);
  g_assert_cmpuint (second->added->len, ==, 1);
  g_assert_cmpstr (yun_instance_get_instance_id (second->added->pdata[0]), ==, "ins-ddddddd4");
  g_assert_cmpuint (second->changed->len, ==, 1);
  g_assert_cmpstr (yun_instance_get_state (second->changed->pdata[0]), ==, "STOPPED");
  g_assert_cmpuint (second->vanished->len, ==, 1);
  g_assert_cmpstr (second->vanished->pdata[0], ==, "ins-ccccccc3");
  g_assert_cmpuint (second->changes->len, ==, 3);

  change = find_change (second->changes, "ins-aaaaaaa1");
  g_assert_cmpint (change->kind, ==, YUN_INSTANCE_CHANGE_CHANGED);
  g_assert_cmpstr (change->old_state, ==, "RUNNING");
  g_assert_cmpstr (change->new_state, ==, "STOPPED");
  change = find_change (second->changes, "ins-ccccccc3");
  g_assert_cmpint (change->kind, ==, YUN_INSTANCE_CHANGE_VANISHED);
  g_assert_cmpstr (change->name, ==, "c");
  g_assert_null (change->new_state);

  logged = _yun_cache_load_changes (cache, ACCOUNT, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (logged->len, ==, 3);
  change = find_change (logged, "ins-ddddddd4");
  g_assert_cmpint (change->kind, ==, YUN_INSTANCE_CHANGE_ADDED);
  g_assert_cmpint (change->detected_at, ==, 300);

  rows = _yun_cache_load_region_rows (cache, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((YunCacheRegionRow *) rows->pdata[0])->n_instances, ==, 3);
  g_assert_cmpint (((YunCacheRegionRow *) rows->pdata[0])->synced_at, ==, 300);
}

/* What YunDesk's own jobs did is in the job history, not reported as made outside it. */
static void
test_own_changes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();
  g_autoptr (YunJobRecord) stop = _yun_job_record_new (YUN_JOB_KIND_STOP);
  g_autoptr (YunJobRecord) terminate = _yun_job_record_new (YUN_JOB_KIND_TERMINATE);
  g_autoptr (YunJobRecord) create = _yun_job_record_new (YUN_JOB_KIND_CREATE);
  g_autoptr (GError) error = NULL;
  const struct
  {
    YunJobRecord *record;
    const char *instance_id;
    const char *request_id;
  } jobs[] = {
    { stop, "ins-aaaaaaa1", "req-own-stop" },
    { terminate, "ins-ccccccc3", "req-own-terminate" },
    { create, "ins-eeeeeee5", "req-own-create" },
  };

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "RUNNING", REGION),
                      make_instance ("ins-ccccccc3", "c", "RUNNING", REGION),
                      make_instance ("ins-ddddddd4", "d", "RUNNING", REGION), NULL),
         100, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      YunJobRecordItem *item = g_new0 (YunJobRecordItem, 1);

      item->instance_id = g_strdup (jobs[i].instance_id);
      item->region = g_strdup (REGION);
      item->request_id = g_strdup (jobs[i].request_id);
      item->step = YUN_JOB_STEP_DONE;
      item->outcome = YUN_JOB_OUTCOME_SUCCEEDED;
      jobs[i].record->params = json_object_new_object ();
      g_ptr_array_add (jobs[i].record->items, item);
      g_assert_true (_yun_journal_create (cache, ACCOUNT, jobs[i].record, &error));
      g_assert_no_error (error);
    }

  /* a stopped by a job, b stopped in the console, c terminated by a job, d deleted in the
   * console, e created by a job, f created in the console. */
  store (cache,
         snapshot_of (
           REGION, make_instance_after ("ins-aaaaaaa1", "a", "STOPPED", REGION, "req-own-stop"),
           make_instance_after ("ins-bbbbbbb2", "b", "STOPPED", REGION, "req-console"),
           make_instance_after ("ins-eeeeeee5", "e", "RUNNING", REGION, "req-own-create"),
           make_instance ("ins-fffffff6", "f", "RUNNING", REGION), NULL),
         200, diff);

  /* The models learn everything… */
  g_assert_cmpuint (diff->changed->len, ==, 2);
  g_assert_cmpuint (diff->added->len, ==, 2);
  g_assert_cmpuint (diff->vanished->len, ==, 2);
  /* …but only what happened outside YunDesk is reported. */
  g_assert_cmpuint (diff->changes->len, ==, 3);
  g_assert_nonnull (find_change (diff->changes, "ins-bbbbbbb2"));
  g_assert_nonnull (find_change (diff->changes, "ins-ddddddd4"));
  g_assert_nonnull (find_change (diff->changes, "ins-fffffff6"));
}

static void
test_region_error (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autoptr (GError) sync_error = yun_error_new_tencent ("InternalError", "内部错误", "req-0001");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  YunCacheRegionRow *row;

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "RUNNING", REGION), NULL),
         100, NULL);
  g_assert_true (_yun_cache_store_region_error (cache, ACCOUNT, REGION, sync_error, 200, &error));
  g_assert_no_error (error);

  instances = _yun_cache_load_instances (cache, ACCOUNT, REGION, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 2);
  rows = _yun_cache_load_region_rows (cache, ACCOUNT, &error);
  g_assert_no_error (error);
  row = rows->pdata[0];
  g_assert_cmpint (row->synced_at, ==, 100);
  g_assert_cmpint (row->attempted_at, ==, 200);
  g_assert_cmpstr (row->error_code, ==, "InternalError");
  g_assert_nonnull (strstr (row->error_message, "内部错误"));

  /* The next good sync clears the error. */
  store (cache, snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "RUNNING", REGION), NULL),
         300, NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = _yun_cache_load_region_rows (cache, ACCOUNT, &error);
  row = rows->pdata[0];
  g_assert_null (row->error_code);
  g_assert_null (row->error_message);
  g_assert_cmpint (row->synced_at, ==, 300);
}

static void
test_poll_store (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();
  g_autoptr (GPtrArray) answered = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GError) error = NULL;
  const char *asked[] = { "ins-aaaaaaa1", "ins-bbbbbbb2", NULL };

  store (cache,
         snapshot_of (REGION, make_instance ("ins-aaaaaaa1", "a", "STOPPING", REGION),
                      make_instance ("ins-bbbbbbb2", "b", "TERMINATING", REGION),
                      make_instance ("ins-ccccccc3", "c", "PENDING", REGION), NULL),
         100, NULL);

  /* Asked for a and b; a answered STOPPED, b is gone; c, not asked, is left alone. */
  g_ptr_array_add (answered, make_instance ("ins-aaaaaaa1", "a", "STOPPED", REGION));
  g_assert_true (
    _yun_cache_store_instances (cache, ACCOUNT, REGION, asked, answered, 200, diff, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (diff->changed->len, ==, 1);
  g_assert_cmpuint (diff->vanished->len, ==, 1);
  g_assert_cmpstr (diff->vanished->pdata[0], ==, "ins-bbbbbbb2");
  g_assert_cmpuint (diff->added->len, ==, 0);

  instances = _yun_cache_load_instances (cache, ACCOUNT, REGION, &error);
  g_assert_cmpuint (instances->len, ==, 2);
  g_assert_cmpstr (yun_instance_get_state (instances->pdata[0]), ==, "STOPPED");
  g_assert_cmpstr (yun_instance_get_state (instances->pdata[1]), ==, "PENDING");
}

static void
test_catalogue (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCache) cache = open_cache (fixture);
  YunRegionSnapshot *snapshot = _yun_region_snapshot_new (REGION);
  g_autoptr (GPtrArray) regions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) zones = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GPtrArray) types = NULL;
  g_autoptr (GPtrArray) loaded_regions = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const region_json[]
    = { "{\"Region\": \"ap-guangzhou\", \"RegionName\": \"华南地区(广州)\", \"RegionState\": "
        "\"AVAILABLE\"}",
        "{\"Region\": \"ap-tokyo\", \"RegionName\": \"亚太东北(东京)\", \"RegionState\": "
        "\"AVAILABLE\"}" };
  json_object *zone = json_tokener_parse (
    "{\"Zone\": \"ap-guangzhou-3\", \"ZoneName\": \"广州三区\", \"ZoneId\": \"100003\", "
    "\"ZoneState\": \"AVAILABLE\"}");
  json_object *image = json_tokener_parse (
    "{\"ImageId\": \"img-9qabwvbn\", \"ImageName\": \"Windows Server 2019\", \"OsName\": "
    "\"Windows Server 2019 数据中心版 64位中文版\", \"Platform\": \"Windows\", \"ImageType\": "
    "\"PUBLIC_IMAGE\", \"Architecture\": \"x86_64\", \"ImageState\": \"NORMAL\", \"ImageSize\": "
    "50, \"CreatedTime\": \"2023-01-01T00:00:00Z\"}");
  json_object *type = json_tokener_parse (
    "{\"Zone\": \"ap-guangzhou-3\", \"InstanceType\": \"S5.MEDIUM4\", \"InstanceChargeType\": "
    "\"POSTPAID_BY_HOUR\", \"InstanceFamily\": \"S5\", \"TypeName\": \"标准型S5\", \"Cpu\": 2, "
    "\"Memory\": 4, \"Gpu\": 0, \"Status\": \"SOLD_OUT\", \"StatusCategory\": "
    "\"WithoutStock\", \"SoldOutReason\": \"库存不足\", \"Price\": {\"UnitPrice\": 0.32, "
    "\"UnitPriceDiscount\": 0.3, \"ChargeUnit\": \"HOUR\", \"Discount\": 94.0}}");

  for (guint i = 0; i < G_N_ELEMENTS (region_json); i++)
    {
      g_autoptr (json_object) json = json_tokener_parse (region_json[i]);
      g_ptr_array_add (regions, _yun_region_new_from_json (json, &error));
      g_assert_no_error (error);
    }
  g_assert_true (_yun_cache_store_regions (cache, ACCOUNT, regions, &error));
  g_assert_no_error (error);

  g_ptr_array_add (snapshot->zones, _yun_zone_new_from_json (zone, REGION, &error));
  g_ptr_array_add (snapshot->images, _yun_image_new_from_json (image, REGION, &error));
  g_ptr_array_add (snapshot->instance_types,
                   _yun_instance_type_quota_new_from_json (type, REGION, &error));
  g_assert_no_error (error);
  json_object_put (zone);
  json_object_put (image);
  json_object_put (type);
  store (cache, snapshot, 100, NULL);

  zones = _yun_cache_load_zones (cache, ACCOUNT, REGION, &error);
  images = _yun_cache_load_images (cache, ACCOUNT, NULL, &error);
  types = _yun_cache_load_instance_types (cache, ACCOUNT, REGION, &error);
  loaded_regions = _yun_cache_load_regions (cache, ACCOUNT, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (loaded_regions->len, ==, 2);
  g_assert_cmpstr (yun_region_get_name (loaded_regions->pdata[1]), ==, "亚太东北(东京)");
  g_assert_cmpuint (zones->len, ==, 1);
  g_assert_cmpstr (yun_zone_get_name (zones->pdata[0]), ==, "广州三区");
  g_assert_cmpstr (yun_zone_get_region (zones->pdata[0]), ==, REGION);
  g_assert_cmpuint (images->len, ==, 1);
  g_assert_cmpint (yun_image_get_os_family (images->pdata[0]), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_cmpstr (yun_image_get_image_type (images->pdata[0]), ==, "PUBLIC_IMAGE");
  g_assert_cmpstr (yun_image_get_platform (images->pdata[0]), ==, "Windows");
  g_assert_cmpuint (types->len, ==, 1);
  g_assert_false (yun_instance_type_quota_get_sellable (types->pdata[0]));
  g_assert_cmpstr (yun_instance_type_quota_get_sold_out_reason (types->pdata[0]), ==, "库存不足");
  g_assert_cmpfloat (yun_instance_type_quota_get_price (types->pdata[0])->unit_price_discount, ==,
                     0.3);

  /* A region no longer listed is forgotten with its rows (foreign keys cascade). */
  g_ptr_array_remove_index (regions, 0);
  g_assert_true (_yun_cache_store_regions (cache, ACCOUNT, regions, &error));
  g_clear_pointer (&zones, g_ptr_array_unref);
  zones = _yun_cache_load_zones (cache, ACCOUNT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (zones->len, ==, 0);
}

/* ---- The instance list model ---- */

typedef struct
{
  guint n_items;
} Mirror;

/* Keeps a count the way a view does, from items-changed alone. */
static void
mirror_items_changed (GListModel *model, guint position, guint removed, guint added, Mirror *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->n_items);
  mirror->n_items = mirror->n_items - removed + added;
  g_assert_cmpuint (mirror->n_items, ==, g_list_model_get_n_items (model));
}

static void
test_instance_list (void)
{
  g_autoptr (YunInstanceList) list = _yun_instance_list_new ();
  g_autoptr (GPtrArray) initial = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (YunCacheDiff) diff = _yun_cache_diff_new ();
  Mirror mirror = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_items_changed), &mirror);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("ins-0000000%u", i);
      g_ptr_array_add (initial, make_instance (id, id, "RUNNING", REGION));
    }
  /* A duplicate ID is kept once. */
  g_ptr_array_add (initial, make_instance ("ins-00000001", "dup", "RUNNING", REGION));
  _yun_instance_list_reset (list, initial);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_cmpuint (g_list_model_get_item_type (G_LIST_MODEL (list)), ==, YUN_TYPE_INSTANCE);

  g_ptr_array_add (diff->vanished, g_strdup ("ins-00000001"));
  g_ptr_array_add (diff->vanished, g_strdup ("ins-00000004"));
  g_ptr_array_add (diff->vanished, g_strdup ("ins-99999999")); /* unknown: ignored */
  g_ptr_array_add (diff->changed, make_instance ("ins-00000002", "two", "STOPPED", REGION));
  g_ptr_array_add (diff->added, make_instance ("ins-00000005", "five", "PENDING", REGION));
  g_ptr_array_add (diff->changed, make_instance ("ins-00000006", "six", "RUNNING", REGION));
  _yun_instance_list_apply (list, diff);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_null (_yun_instance_list_lookup (list, "ins-00000001"));
  g_assert_null (_yun_instance_list_lookup (list, "ins-00000004"));
  g_assert_cmpstr (yun_instance_get_state (_yun_instance_list_lookup (list, "ins-00000002")), ==,
                   "STOPPED");
  g_assert_nonnull (_yun_instance_list_lookup (list, "ins-00000005"));
  g_assert_nonnull (_yun_instance_list_lookup (list, "ins-00000006"));

  /* The index and the positions agree for every item. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr (YunInstance) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (_yun_instance_list_lookup (list, yun_instance_get_instance_id (item)) == item);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 5));
}

static void
test_search (void)
{
  g_autoptr (YunInstance) instance
    = make_instance ("ins-aaaaaaa1", "网站-Web-01", "RUNNING", REGION);

  g_assert_true (yun_instance_matches_search (instance, ""));
  g_assert_true (yun_instance_matches_search (instance, "web-01"));
  g_assert_true (yun_instance_matches_search (instance, "网站"));
  g_assert_true (yun_instance_matches_search (instance, "ins-aaaa"));
  g_assert_true (yun_instance_matches_search (instance, "43.128.0.7"));
  g_assert_true (yun_instance_matches_search (instance, "10.0.1."));
  g_assert_true (yun_instance_matches_search (instance, "env=prod"));
  g_assert_true (yun_instance_matches_search (instance, "游戏"));
  g_assert_false (yun_instance_matches_search (instance, "staging"));
  /* No match across two fields. */
  g_assert_false (yun_instance_matches_search (instance, "01\nins"));
  g_assert_false (yun_instance_matches_search (instance, "7ins"));
}

static int
sign (int value)
{
  return (value > 0) - (value < 0);
}

static int
collate_names_at (GPtrArray *instances, guint i, guint j)
{
  return yun_instance_collate_names (g_ptr_array_index (instances, i),
                                     g_ptr_array_index (instances, j));
}

/* The list's sort by name or OS: case aside, in the locale's order, as g_utf8_collate()
 * orders the folded texts. */
static void
test_collate (void)
{
  const char *names[] = { "web-02", "Web-01", "WEB-01", "db", "网站-01", "alpha", "", "Zeta" };
  g_autoptr (GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("ins-0000000%u", i);

      g_ptr_array_add (instances, make_instance (id, names[i], "RUNNING", REGION));
    }
  for (guint i = 0; i < instances->len; i++)
    for (guint j = 0; j < instances->len; j++)
      {
        YunInstance *a = g_ptr_array_index (instances, i);
        YunInstance *b = g_ptr_array_index (instances, j);
        g_autofree char *folded_a = g_utf8_casefold (names[i], -1);
        g_autofree char *folded_b = g_utf8_casefold (names[j], -1);

        g_assert_cmpint (sign (yun_instance_collate_names (a, b)), ==,
                         sign (g_utf8_collate (folded_a, folded_b)));
        /* Every instance here runs the same OS. */
        g_assert_cmpint (yun_instance_collate_os_names (a, b), ==, 0);
      }
  /* Spelled out: case aside ("Web-01", "WEB-01"), "alpha" before "web-02" before "Zeta", a
   * missing name first. */
  g_assert_cmpint (collate_names_at (instances, 1, 2), ==, 0);
  g_assert_cmpint (collate_names_at (instances, 5, 0), <, 0);
  g_assert_cmpint (collate_names_at (instances, 7, 0), >, 0);
  g_assert_cmpint (collate_names_at (instances, 6, 5), <, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/yun/cache/open", test_open);
  ADD ("/yun/cache/open-tightens-mode", test_open_tightens_mode);
  ADD ("/yun/cache/refuses-newer", test_refuses_newer);
  ADD ("/yun/cache/refuses-garbage", test_refuses_garbage);
  ADD ("/yun/cache/migrations", test_migrations);
  ADD ("/yun/cache/round-trip", test_round_trip);
  ADD ("/yun/cache/diff", test_diff);
  ADD ("/yun/cache/own-changes", test_own_changes);
  ADD ("/yun/cache/region-error", test_region_error);
  ADD ("/yun/cache/poll-store", test_poll_store);
  ADD ("/yun/cache/catalogue", test_catalogue);
#undef ADD
  g_test_add_func ("/yun/cache/instance-list", test_instance_list);
  g_test_add_func ("/yun/cache/search", test_search);
  g_test_add_func ("/yun/cache/collate", test_collate);

  return g_test_run ();
}
