/* yun-cache.c: the local SQLite database of the inventory
 *
 * SPDX-License-Identifier: MIT
 *
 * One file per user, `$XDG_DATA_HOME/yundesk/yundesk.db`, mode 0600 in a 0700 directory. It
 * holds, per account (a profile name), the regions with their sync freshness and last error,
 * zones, images, instance types per zone and instances, and a log of the changes syncs found.
 * Nothing secret is ever written here: the models it stores have no secret fields.
 *
 * WAL journal, a busy timeout, foreign keys, bound parameters only. The schema grows by
 * migrations numbered by `PRAGMA user_version`; each runs in its own transaction, so an
 * interrupted upgrade leaves the previous version intact.
 */

#define G_LOG_DOMAIN "yun-cache"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yun-api-private.h"
#include "yun-cache-private.h"
#include "yun-models-private.h"

#define BUSY_TIMEOUT_MS 5000
/* Changes kept per account: enough for any view, small enough never to matter. */
#define MAX_CHANGES_KEPT 5000
/* Lists are stored joined by the ASCII unit separator, which no Tencent ID, address or tag
 * may contain. */
#define LIST_SEPARATOR "\x1f"

struct _YunCache
{
  GObject parent_instance;

  char *path;
  GMutex lock;
  sqlite3 *db;
  char *upsert_instance_sql;
  char *select_instance_columns;
};

G_DEFINE_FINAL_TYPE (YunCache, yun_cache, G_TYPE_OBJECT)

/* ---- Schema ---- */

/* Migration N builds version N from version N - 1. Never edit one that has shipped. */
static const char *const migrations[] = {
  /* 1: the inventory. */
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE);"
  "CREATE TABLE regions ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  region TEXT NOT NULL,"
  "  name TEXT,"
  "  state TEXT,"
  "  synced_at INTEGER NOT NULL DEFAULT 0,"
  "  attempted_at INTEGER NOT NULL DEFAULT 0,"
  "  error_code TEXT,"
  "  error_message TEXT,"
  "  PRIMARY KEY (account_id, region)) WITHOUT ROWID;"
  "CREATE TABLE zones ("
  "  account_id INTEGER NOT NULL,"
  "  region TEXT NOT NULL,"
  "  zone TEXT NOT NULL,"
  "  name TEXT,"
  "  zone_id TEXT,"
  "  state TEXT,"
  "  PRIMARY KEY (account_id, zone),"
  "  FOREIGN KEY (account_id, region) REFERENCES regions ON DELETE CASCADE);"
  "CREATE TABLE images ("
  "  account_id INTEGER NOT NULL,"
  "  region TEXT NOT NULL,"
  "  image_id TEXT NOT NULL,"
  "  name TEXT,"
  "  description TEXT,"
  "  os_name TEXT,"
  "  platform TEXT,"
  "  image_type TEXT,"
  "  architecture TEXT,"
  "  state TEXT,"
  "  image_source TEXT,"
  "  size INTEGER,"
  "  created_time INTEGER,"
  "  os_family INTEGER,"
  "  PRIMARY KEY (account_id, region, image_id),"
  "  FOREIGN KEY (account_id, region) REFERENCES regions ON DELETE CASCADE);"
  "CREATE TABLE instance_types ("
  "  account_id INTEGER NOT NULL,"
  "  region TEXT NOT NULL,"
  "  zone TEXT NOT NULL,"
  "  instance_type TEXT NOT NULL,"
  "  charge_type TEXT NOT NULL,"
  "  instance_family TEXT,"
  "  type_name TEXT,"
  "  cpu INTEGER,"
  "  memory INTEGER,"
  "  gpu INTEGER,"
  "  status TEXT,"
  "  status_category TEXT,"
  "  sold_out_reason TEXT,"
  "  cpu_type TEXT,"
  "  frequency TEXT,"
  "  instance_bandwidth REAL,"
  "  has_price INTEGER NOT NULL DEFAULT 0,"
  "  price_is_postpaid INTEGER,"
  "  price_unit_price REAL,"
  "  price_unit_price_discount REAL,"
  "  price_charge_unit TEXT,"
  "  price_is_prepaid INTEGER,"
  "  price_original_price REAL,"
  "  price_discount_price REAL,"
  "  price_discount REAL,"
  "  PRIMARY KEY (account_id, zone, instance_type, charge_type),"
  "  FOREIGN KEY (account_id, region) REFERENCES regions ON DELETE CASCADE);"
  "CREATE TABLE instances ("
  "  account_id INTEGER NOT NULL,"
  "  instance_id TEXT NOT NULL,"
  "  name TEXT,"
  "  state TEXT NOT NULL,"
  "  region TEXT NOT NULL,"
  "  zone TEXT,"
  "  project_id INTEGER,"
  "  instance_type TEXT,"
  "  cpu INTEGER,"
  "  memory INTEGER,"
  "  os_name TEXT,"
  "  os_family INTEGER,"
  "  image_id TEXT,"
  "  public_ips TEXT,"
  "  private_ips TEXT,"
  "  ipv6_addresses TEXT,"
  "  charge_type TEXT,"
  "  created_time INTEGER,"
  "  expired_time INTEGER,"
  "  tags TEXT,"
  "  restrict_state TEXT,"
  "  isolated_source TEXT,"
  "  stop_charging_mode TEXT,"
  "  latest_operation TEXT,"
  "  latest_operation_state TEXT,"
  "  latest_operation_request_id TEXT,"
  "  latest_operation_error TEXT,"
  "  default_login_user TEXT,"
  "  default_login_port INTEGER,"
  "  disable_api_termination INTEGER,"
  "  uuid TEXT,"
  "  vpc_id TEXT,"
  "  subnet_id TEXT,"
  "  security_group_ids TEXT,"
  "  internet_max_bandwidth_out INTEGER,"
  "  system_disk_type TEXT,"
  "  system_disk_size INTEGER,"
  "  fingerprint INTEGER NOT NULL,"
  "  first_seen INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, instance_id),"
  "  FOREIGN KEY (account_id, region) REFERENCES regions ON DELETE CASCADE);"
  "CREATE INDEX instances_by_region ON instances (account_id, region);",

  /* 2: the changes syncs found, so a user can read what happened outside YunDesk. */
  "CREATE TABLE instance_changes ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  detected_at INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('added', 'changed', 'vanished')),"
  "  instance_id TEXT NOT NULL,"
  "  region TEXT NOT NULL,"
  "  name TEXT,"
  "  old_state TEXT,"
  "  new_state TEXT);"
  "CREATE INDEX instance_changes_by_account ON instance_changes (account_id, id);",

  /* 3: the job journal, written before every call a batch makes. */
  "CREATE TABLE jobs ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  params TEXT NOT NULL,"
  "  finished INTEGER NOT NULL DEFAULT 0,"
  "  cancel_requested INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  finished_at INTEGER);"
  "CREATE INDEX jobs_by_account ON jobs (account_id, finished, id);"
  "CREATE TABLE job_items ("
  "  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL,"
  "  instance_id TEXT,"
  "  region TEXT NOT NULL,"
  "  name TEXT,"
  "  step TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  reason TEXT,"
  "  code TEXT,"
  "  message TEXT,"
  "  request_id TEXT,"
  "  before_request_id TEXT,"
  "  client_token TEXT,"
  "  source_state TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  started_at INTEGER,"
  "  finished_at INTEGER,"
  "  PRIMARY KEY (job_id, seq)) WITHOUT ROWID;"
  "CREATE INDEX job_items_by_request ON job_items (request_id);"
  "CREATE INDEX job_items_by_instance ON job_items (instance_id);",

  /* 4: commands through TAT: each item's task, exit code and output, and the commands
   * recently run, for reuse. */
  "ALTER TABLE job_items ADD COLUMN invocation_id TEXT;"
  "ALTER TABLE job_items ADD COLUMN exit_code INTEGER;"
  "ALTER TABLE job_items ADD COLUMN output TEXT;"
  "CREATE TABLE recent_commands ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  used_at INTEGER NOT NULL,"
  "  content TEXT NOT NULL,"
  "  name TEXT,"
  "  timeout INTEGER,"
  "  linux_user TEXT,"
  "  linux_directory TEXT,"
  "  windows_user TEXT,"
  "  windows_directory TEXT,"
  "  UNIQUE (account_id, content));",

  /* 5: instances the user marked protected in YunDesk: no terminate, no password reset. */
  "CREATE TABLE protected_instances ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  instance_id TEXT NOT NULL,"
  "  marked_at INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, instance_id)) WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == YUN_CACHE_SCHEMA_VERSION);

/* ---- Errors ---- */

static void
set_sqlite_error (GError **error, YunCache *self, YunCacheFailure failure)
{
  const char *path = self->path;
  const char *detail = sqlite3_errmsg (self->db);

  switch (failure)
    {
    case YUN_CACHE_FAILED_OPEN:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   /* Translators: in this message and the five after it, the first
                    * placeholder is the path of the database file, the second what SQLite said
                    * went wrong (in English). */
                   _ ("The inventory database %s: could not be opened: %s"), path, detail);
      break;
    case YUN_CACHE_FAILED_UNUSABLE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s: is not a usable database: %s"), path, detail);
      break;
    case YUN_CACHE_FAILED_NOT_YUNDESK:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s: is not a YunDesk database: %s"), path, detail);
      break;
    case YUN_CACHE_FAILED_UPGRADE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s: could not be upgraded: %s"), path, detail);
      break;
    case YUN_CACHE_FAILED_WRITE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s: could not be written: %s"), path, detail);
      break;
    case YUN_CACHE_FAILED_READ:
    default:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s: could not be read: %s"), path, detail);
      break;
    }
}

static gboolean
exec (YunCache *self, const char *sql, YunCacheFailure failure, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  set_sqlite_error (error, self, failure);
  return FALSE;
}

sqlite3_stmt *
_yun_cache_prepare (YunCache *self, const char *sql, GError **error)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL)
      != SQLITE_OK)
    {
      set_sqlite_error (error, self, YUN_CACHE_FAILED_READ);
      return NULL;
    }
  return statement;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean
_yun_cache_step (YunCache *self, sqlite3_stmt *statement, GError **error)
{
  int rc = sqlite3_step (statement);

  sqlite3_reset (statement);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  set_sqlite_error (error, self, YUN_CACHE_FAILED_WRITE);
  return FALSE;
}

gboolean
_yun_cache_begin (YunCache *self, GError **error)
{
  /* IMMEDIATE: take the write lock now, so the busy timeout covers it. */
  return exec (self, "BEGIN IMMEDIATE", YUN_CACHE_FAILED_WRITE, error);
}

gboolean
_yun_cache_commit (YunCache *self, GError **error)
{
  if (exec (self, "COMMIT", YUN_CACHE_FAILED_WRITE, error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
_yun_cache_rollback (YunCache *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- Object ---- */

static void
yun_cache_finalize (GObject *object)
{
  YunCache *self = (YunCache *) object;

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->upsert_instance_sql);
  g_free (self->select_instance_columns);

  G_OBJECT_CLASS (yun_cache_parent_class)->finalize (object);
}

static void
yun_cache_class_init (YunCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yun_cache_finalize;
}

static void
build_instance_sql (YunCache *self)
{
  g_autoptr (GString) columns = g_string_new ("account_id");
  g_autoptr (GString) values = g_string_new ("?");
  g_autoptr (GString) updates = g_string_new (NULL);
  g_autoptr (GString) select = g_string_new (NULL);

#define COLUMN(f)                                                                                  \
  g_string_append (columns, ", " #f);                                                              \
  g_string_append (values, ", ?");                                                                 \
  g_string_append (updates, #f " = excluded." #f ", ");                                            \
  g_string_append (select, select->len > 0 ? ", " #f : #f);
  YUN_INSTANCE_FOREACH_FIELD (COLUMN, COLUMN, COLUMN, COLUMN)
#undef COLUMN

  self->upsert_instance_sql = g_strdup_printf (
    "INSERT INTO instances (%s, fingerprint, first_seen, updated_at) VALUES (%s, ?, ?, ?) "
    "ON CONFLICT (account_id, instance_id) DO UPDATE SET %s"
    "fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
    columns->str, values->str, updates->str);
  self->select_instance_columns = g_string_free (g_steal_pointer (&select), FALSE);
}

static void
yun_cache_init (YunCache *self)
{
  g_mutex_init (&self->lock);
  build_instance_sql (self);
}

/**
 * yun_cache_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/yundesk/yundesk.db`
 */
char *
yun_cache_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "yundesk", "yundesk.db", NULL);
}

/* The file exists with mode 0600 before SQLite opens it; SQLite gives its -wal and -shm
 * files the mode of the database. */
static gboolean
create_private_file (const char *path, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE, _ ("Could not create the folder %s: %s"),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE, _ ("Could not open the database %s: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static guint
read_user_version (YunCache *self, GError **error)
{
  g_autoptr (sqlite3_stmt) statement = NULL;
  guint version;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &statement, NULL) != SQLITE_OK
      || sqlite3_step (statement) != SQLITE_ROW)
    {
      set_sqlite_error (error, self, YUN_CACHE_FAILED_NOT_YUNDESK);
      return G_MAXUINT;
    }
  version = (guint) sqlite3_column_int (statement, 0);
  return version;
}

static gboolean
migrate (YunCache *self, guint target, GError **error)
{
  guint version = read_user_version (self, error);

  if (version == G_MAXUINT)
    return FALSE;
  if (version > YUN_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The inventory database %s was written by a newer YunDesk (schema %u; this "
                      "version knows up to %u). Update YunDesk; the file was left untouched."),
                   self->path, version, (guint) YUN_CACHE_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < target; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", version + 1);

      if (!_yun_cache_begin (self, error))
        return FALSE;
      if (!exec (self, migrations[version], YUN_CACHE_FAILED_UPGRADE, error)
          || !exec (self, set_version, YUN_CACHE_FAILED_UPGRADE, error))
        {
          _yun_cache_rollback (self);
          return FALSE;
        }
      if (!_yun_cache_commit (self, error))
        return FALSE;
      g_debug ("%s: schema version %u", self->path, version + 1);
    }
  return TRUE;
}

YunCache *
_yun_cache_open_at_version (const char *path, guint version, GError **error)
{
  g_autoptr (YunCache) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version <= YUN_CACHE_SCHEMA_VERSION, NULL);

  if (!create_private_file (path, error))
    return NULL;

  self = g_object_new (YUN_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      set_sqlite_error (error, self, YUN_CACHE_FAILED_OPEN);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, TRUE);

  /* A file that is not a database fails on the first statement that reads it. */
  if (!exec (self, "PRAGMA journal_mode = WAL", YUN_CACHE_FAILED_UNUSABLE, error)
      || !exec (self, "PRAGMA synchronous = NORMAL", YUN_CACHE_FAILED_UNUSABLE, error)
      || !exec (self, "PRAGMA foreign_keys = ON", YUN_CACHE_FAILED_UNUSABLE, error)
      || !migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * yun_cache_open:
 * @path: the database file, created with mode 0600 if missing; see
 *   yun_cache_dup_default_path()
 * @error: return location for a #GError
 *
 * Opens the inventory database and brings its schema up to date. A file written by a newer
 * YunDesk, or one that is not a database, is refused with a %YUN_ERROR_STORAGE error and
 * left as it is.
 *
 * Returns: (transfer full): the cache, or %NULL on error
 */
YunCache *
yun_cache_open (const char *path, GError **error)
{
  return _yun_cache_open_at_version (path, YUN_CACHE_SCHEMA_VERSION, error);
}

/**
 * yun_cache_get_path:
 * @self: a #YunCache
 *
 * Returns: the database file
 */
const char *
yun_cache_get_path (YunCache *self)
{
  g_return_val_if_fail (YUN_IS_CACHE (self), NULL);
  return self->path;
}

guint
_yun_cache_get_schema_version (YunCache *self)
{
  guint version;

  g_mutex_lock (&self->lock);
  version = read_user_version (self, NULL);
  g_mutex_unlock (&self->lock);
  return version;
}

sqlite3 *
_yun_cache_lock (YunCache *self)
{
  g_mutex_lock (&self->lock);
  return self->db;
}

void
_yun_cache_unlock (YunCache *self)
{
  g_mutex_unlock (&self->lock);
}

void
_yun_cache_set_error (YunCache *self, GError **error, YunCacheFailure failure)
{
  set_sqlite_error (error, self, failure);
}

void
_yun_cache_with_db (YunCache *self, void (*func) (sqlite3 *db, gpointer data), gpointer data)
{
  g_mutex_lock (&self->lock);
  func (self->db, data);
  g_mutex_unlock (&self->lock);
}

/* ---- Small structures ---- */

YunRegionSnapshot *
_yun_region_snapshot_new (const char *region)
{
  YunRegionSnapshot *snapshot = g_new0 (YunRegionSnapshot, 1);

  snapshot->region = g_strdup (region);
  snapshot->instances = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->zones = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->images = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->instance_types = g_ptr_array_new_with_free_func (g_object_unref);
  return snapshot;
}

void
_yun_region_snapshot_free (YunRegionSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->region);
  g_ptr_array_unref (snapshot->instances);
  g_ptr_array_unref (snapshot->zones);
  g_ptr_array_unref (snapshot->images);
  g_ptr_array_unref (snapshot->instance_types);
  g_free (snapshot);
}

YunCacheDiff *
_yun_cache_diff_new (void)
{
  YunCacheDiff *diff = g_new0 (YunCacheDiff, 1);

  diff->added = g_ptr_array_new_with_free_func (g_object_unref);
  diff->changed = g_ptr_array_new_with_free_func (g_object_unref);
  diff->vanished = g_ptr_array_new_with_free_func (g_free);
  diff->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_change_free);
  return diff;
}

void
_yun_cache_diff_free (YunCacheDiff *diff)
{
  if (diff == NULL)
    return;
  g_ptr_array_unref (diff->added);
  g_ptr_array_unref (diff->changed);
  g_ptr_array_unref (diff->vanished);
  g_ptr_array_unref (diff->changes);
  g_free (diff);
}

gboolean
_yun_cache_diff_is_empty (YunCacheDiff *diff)
{
  return diff->added->len == 0 && diff->changed->len == 0 && diff->vanished->len == 0;
}

void
_yun_cache_region_row_free (YunCacheRegionRow *row)
{
  if (row == NULL)
    return;
  g_free (row->region);
  g_free (row->name);
  g_free (row->state);
  g_free (row->error_code);
  g_free (row->error_message);
  g_free (row);
}

/* ---- Column helpers ---- */

char *
_yun_cache_column_text (sqlite3_stmt *statement, int column)
{
  const unsigned char *text = sqlite3_column_text (statement, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static GDateTime *
column_dup_time (sqlite3_stmt *statement, int column)
{
  if (sqlite3_column_type (statement, column) == SQLITE_NULL)
    return NULL;
  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (statement, column));
}

void
_yun_cache_bind_text (sqlite3_stmt *statement, int index, const char *text)
{
  sqlite3_bind_text (statement, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_strv (sqlite3_stmt *statement, int index, char **strv)
{
  char *joined = g_strjoinv (LIST_SEPARATOR, strv != NULL ? strv : (char *[]){ NULL });

  sqlite3_bind_text (statement, index, joined, -1, g_free);
}

static void
bind_time (sqlite3_stmt *statement, int index, GDateTime *time)
{
  if (time != NULL)
    sqlite3_bind_int64 (statement, index, g_date_time_to_unix (time));
  else
    sqlite3_bind_null (statement, index);
}

/* ---- Accounts and regions ---- */

static gint64
ensure_account (YunCache *self, const char *account, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) select = NULL;

  insert = _yun_cache_prepare (self, "INSERT OR IGNORE INTO accounts (name) VALUES (?)", error);
  select = _yun_cache_prepare (self, "SELECT id FROM accounts WHERE name = ?", error);
  if (insert == NULL || select == NULL)
    return -1;
  _yun_cache_bind_text (insert, 1, account);
  if (!_yun_cache_step (self, insert, error))
    return -1;
  _yun_cache_bind_text (select, 1, account);
  if (sqlite3_step (select) != SQLITE_ROW)
    {
      set_sqlite_error (error, self, YUN_CACHE_FAILED_READ);
      return -1;
    }
  return sqlite3_column_int64 (select, 0);
}

/* The account's id, or 0 when it has never been stored: reads then find nothing. */
static gint64
find_account (YunCache *self, const char *account, GError **error)
{
  g_autoptr (sqlite3_stmt) select
    = _yun_cache_prepare (self, "SELECT id FROM accounts WHERE name = ?", error);
  int rc;

  if (select == NULL)
    return -1;
  _yun_cache_bind_text (select, 1, account);
  rc = sqlite3_step (select);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (select, 0);
  if (rc == SQLITE_DONE)
    return 0;
  set_sqlite_error (error, self, YUN_CACHE_FAILED_READ);
  return -1;
}

static gboolean
ensure_region (YunCache *self, gint64 account_id, const char *region, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = _yun_cache_prepare (
    self, "INSERT OR IGNORE INTO regions (account_id, region) VALUES (?, ?)", error);

  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, account_id);
  _yun_cache_bind_text (insert, 2, region);
  return _yun_cache_step (self, insert, error);
}

/**
 * _yun_cache_store_regions:
 * @self: a #YunCache
 * @account: the account
 * @regions: (element-type YunRegion): the answer of DescribeRegions
 * @error: return location for a #GError
 *
 * Records the regions' names and states. A region that is no longer listed is forgotten
 * with everything cached in it.
 */
gboolean
_yun_cache_store_regions (YunCache *self, const char *account, GPtrArray *regions, GError **error)
{
  g_autoptr (sqlite3_stmt) upsert = NULL;
  g_autoptr (sqlite3_stmt) forget = NULL;
  g_autoptr (GString) listed = g_string_new (NULL);
  gint64 account_id;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_CACHE (self), FALSE);
  g_return_val_if_fail (regions != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (!_yun_cache_begin (self, error))
    goto out;

  account_id = ensure_account (self, account, error);
  upsert = _yun_cache_prepare (
    self,
    "INSERT INTO regions (account_id, region, name, state) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (account_id, region) DO UPDATE SET name = excluded.name, "
    "state = excluded.state",
    error);
  /* The listed regions travel as one separated string: no SQL is built from data. */
  forget = _yun_cache_prepare (
    self,
    "DELETE FROM regions WHERE account_id = ?1 AND instr (?2, char (31) || region "
    "|| char (31)) = 0",
    error);
  if (account_id < 0 || upsert == NULL || forget == NULL)
    goto out;

  g_string_append (listed, LIST_SEPARATOR);
  for (guint i = 0; i < regions->len; i++)
    {
      YunRegion *region = g_ptr_array_index (regions, i);

      sqlite3_bind_int64 (upsert, 1, account_id);
      _yun_cache_bind_text (upsert, 2, region->region);
      _yun_cache_bind_text (upsert, 3, region->name);
      _yun_cache_bind_text (upsert, 4, region->state);
      if (!_yun_cache_step (self, upsert, error))
        goto out;
      g_string_append_printf (listed, "%s" LIST_SEPARATOR, region->region);
    }

  if (regions->len > 0)
    {
      sqlite3_bind_int64 (forget, 1, account_id);
      _yun_cache_bind_text (forget, 2, listed->str);
      if (!_yun_cache_step (self, forget, error))
        goto out;
    }
  ok = _yun_cache_commit (self, error);

out:
  if (!ok)
    _yun_cache_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
update_region_sync (YunCache *self,
                    gint64 account_id,
                    const char *region,
                    gint64 now,
                    const GError *sync_error,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;
  const char *code = NULL;

  if (sync_error == NULL)
    update = _yun_cache_prepare (
      self,
      "UPDATE regions SET synced_at = ?3, attempted_at = ?3, error_code = NULL, "
      "error_message = NULL WHERE account_id = ?1 AND region = ?2",
      error);
  else
    update = _yun_cache_prepare (
      self,
      "UPDATE regions SET attempted_at = ?3, error_code = ?4, error_message = ?5 "
      "WHERE account_id = ?1 AND region = ?2",
      error);
  if (update == NULL)
    return FALSE;

  sqlite3_bind_int64 (update, 1, account_id);
  _yun_cache_bind_text (update, 2, region);
  sqlite3_bind_int64 (update, 3, now);
  if (sync_error != NULL)
    {
      if (sync_error->domain == YUN_ERROR)
        code = yun_error_get_code (sync_error);
      if (code == NULL)
        code = g_quark_to_string (sync_error->domain);
      _yun_cache_bind_text (update, 4, code);
      _yun_cache_bind_text (update, 5, sync_error->message);
    }
  return _yun_cache_step (self, update, error);
}

static gboolean
read_synced_at (
  YunCache *self, gint64 account_id, const char *region, gint64 *synced_at, GError **error)
{
  g_autoptr (sqlite3_stmt) select = _yun_cache_prepare (
    self, "SELECT synced_at FROM regions WHERE account_id = ? AND region = ?", error);

  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, account_id);
  _yun_cache_bind_text (select, 2, region);
  *synced_at = sqlite3_step (select) == SQLITE_ROW ? sqlite3_column_int64 (select, 0) : 0;
  return TRUE;
}

/**
 * _yun_cache_store_region_error:
 * @self: a #YunCache
 * @account: the account
 * @region: the region that could not be synced
 * @sync_error: why
 * @now: unix seconds
 * @error: return location for a #GError
 *
 * Marks @region stale with @sync_error and keeps every row it had.
 */
gboolean
_yun_cache_store_region_error (YunCache *self,
                               const char *account,
                               const char *region,
                               const GError *sync_error,
                               gint64 now,
                               GError **error)
{
  gint64 account_id;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_CACHE (self), FALSE);
  g_return_val_if_fail (sync_error != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (!_yun_cache_begin (self, error))
    goto out;
  account_id = ensure_account (self, account, error);
  ok = account_id >= 0 && ensure_region (self, account_id, region, error)
       && update_region_sync (self, account_id, region, now, sync_error, error)
       && _yun_cache_commit (self, error);
out:
  if (!ok)
    _yun_cache_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- Instances ---- */

typedef struct
{
  gint64 fingerprint;
  char *state;
  char *name;
} KnownInstance;

static void
known_instance_free (KnownInstance *known)
{
  g_free (known->state);
  g_free (known->name);
  g_free (known);
}

/* The fingerprints, states and names of the cached instances of @region, or of the IDs in
 * @only when it is given: enough to tell added, changed and vanished apart. */
static GHashTable *
load_known (
  YunCache *self, gint64 account_id, const char *region, const char *const *only, GError **error)
{
  g_autoptr (GHashTable) known
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) known_instance_free);
  g_autoptr (sqlite3_stmt) select = _yun_cache_prepare (
    self,
    only == NULL ? "SELECT instance_id, fingerprint, state, name FROM instances "
                   "WHERE account_id = ? AND region = ?"
                 : "SELECT instance_id, fingerprint, state, name FROM instances "
                   "WHERE account_id = ? AND region = ? AND instance_id = ?",
    error);
  int rc;

  if (select == NULL)
    return NULL;

  for (guint i = 0; only == NULL ? i == 0 : only[i] != NULL; i++)
    {
      sqlite3_bind_int64 (select, 1, account_id);
      _yun_cache_bind_text (select, 2, region);
      if (only != NULL)
        _yun_cache_bind_text (select, 3, only[i]);
      while ((rc = sqlite3_step (select)) == SQLITE_ROW)
        {
          KnownInstance *entry = g_new0 (KnownInstance, 1);

          entry->fingerprint = sqlite3_column_int64 (select, 1);
          entry->state = _yun_cache_column_text (select, 2);
          entry->name = _yun_cache_column_text (select, 3);
          g_hash_table_replace (known, _yun_cache_column_text (select, 0), entry);
        }
      sqlite3_reset (select);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self, YUN_CACHE_FAILED_READ);
          return NULL;
        }
    }
  return g_steal_pointer (&known);
}

static gboolean
upsert_instance (YunCache *self,
                 sqlite3_stmt *upsert,
                 gint64 account_id,
                 YunInstance *instance,
                 gint64 fingerprint,
                 gint64 now,
                 GError **error)
{
  int index = 1;

  sqlite3_bind_int64 (upsert, index++, account_id);
#define STR(f) _yun_cache_bind_text (upsert, index++, instance->f);
#define STRV(f) bind_strv (upsert, index++, instance->f);
#define NUM(f) sqlite3_bind_int64 (upsert, index++, (gint64) instance->f);
#define TIME(f) bind_time (upsert, index++, instance->f);
  YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME
  sqlite3_bind_int64 (upsert, index++, fingerprint);
  sqlite3_bind_int64 (upsert, index++, now); /* first_seen, kept by an update */
  sqlite3_bind_int64 (upsert, index++, now);
  return _yun_cache_step (self, upsert, error);
}

static void
add_change (YunCacheDiff *diff,
            YunInstanceChangeKind kind,
            const char *instance_id,
            const char *region,
            const char *name,
            const char *old_state,
            const char *new_state,
            gint64 now)
{
  YunInstanceChange *change = g_new0 (YunInstanceChange, 1);

  change->kind = kind;
  change->instance_id = g_strdup (instance_id);
  change->region = g_strdup (region);
  change->name = g_strdup (name);
  change->old_state = g_strdup (old_state);
  change->new_state = g_strdup (new_state);
  change->detected_at = now;
  g_ptr_array_add (diff->changes, change);
}

static gboolean
record_changes (YunCache *self, gint64 account_id, YunCacheDiff *diff, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) prune = NULL;

  if (diff->changes->len == 0)
    return TRUE;

  insert = _yun_cache_prepare (
    self,
    "INSERT INTO instance_changes (account_id, detected_at, kind, instance_id, "
    "region, name, old_state, new_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    error);
  prune = _yun_cache_prepare (
    self,
    "DELETE FROM instance_changes WHERE account_id = ?1 AND id <= (SELECT id FROM "
    "instance_changes WHERE account_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    error);
  if (insert == NULL || prune == NULL)
    return FALSE;

  /* Only the most recent ones would survive the pruning: the others are not written. */
  for (guint i = diff->changes->len - MIN (diff->changes->len, MAX_CHANGES_KEPT);
       i < diff->changes->len; i++)
    {
      YunInstanceChange *change = g_ptr_array_index (diff->changes, i);

      sqlite3_bind_int64 (insert, 1, account_id);
      sqlite3_bind_int64 (insert, 2, change->detected_at);
      _yun_cache_bind_text (insert, 3, yun_instance_change_kind_to_string (change->kind));
      _yun_cache_bind_text (insert, 4, change->instance_id);
      _yun_cache_bind_text (insert, 5, change->region);
      _yun_cache_bind_text (insert, 6, change->name);
      _yun_cache_bind_text (insert, 7, change->old_state);
      _yun_cache_bind_text (insert, 8, change->new_state);
      if (!_yun_cache_step (self, insert, error))
        return FALSE;
    }
  sqlite3_bind_int64 (prune, 1, account_id);
  sqlite3_bind_int64 (prune, 2, MAX_CHANGES_KEPT);
  return _yun_cache_step (self, prune, error);
}

/* Drops from @diff's changes those made by YunDesk's own jobs (in this process or another):
 * the instance's latest operation is a call the journal recorded, or the instance was
 * created or terminated by a job. Those are in the job history; they are not changes made
 * outside YunDesk. */
static gboolean
drop_own_changes (YunCache *self, YunCacheDiff *diff, GError **error)
{
  g_autoptr (sqlite3_stmt) any_job = NULL;
  g_autoptr (sqlite3_stmt) by_request = NULL;
  g_autoptr (sqlite3_stmt) by_instance = NULL;
  g_autoptr (GHashTable) changed = NULL;

  if (diff->changes->len == 0)
    return TRUE;
  any_job = _yun_cache_prepare (
    self, "SELECT 1 FROM job_items WHERE request_id IS NOT NULL LIMIT 1", error);
  if (any_job == NULL)
    return FALSE;
  if (sqlite3_step (any_job) != SQLITE_ROW)
    return TRUE;

  by_request
    = _yun_cache_prepare (self, "SELECT 1 FROM job_items WHERE request_id = ? LIMIT 1", error);
  by_instance
    = _yun_cache_prepare (self,
                          "SELECT 1 FROM job_items i JOIN jobs j ON j.id = i.job_id WHERE "
                          "i.instance_id = ? AND i.request_id IS NOT NULL AND j.kind = ? LIMIT 1",
                          error);
  if (by_request == NULL || by_instance == NULL)
    return FALSE;
  changed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < diff->changed->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (diff->changed, i);
      g_hash_table_insert (changed, instance->instance_id, instance);
    }

  for (guint i = diff->changes->len; i > 0; i--)
    {
      YunInstanceChange *change = g_ptr_array_index (diff->changes, i - 1);
      sqlite3_stmt *query = by_instance;
      gboolean own;

      if (change->kind == YUN_INSTANCE_CHANGE_CHANGED)
        {
          YunInstance *instance = g_hash_table_lookup (changed, change->instance_id);

          if (instance == NULL || instance->latest_operation_request_id == NULL)
            continue;
          query = by_request;
          _yun_cache_bind_text (query, 1, instance->latest_operation_request_id);
        }
      else
        {
          _yun_cache_bind_text (query, 1, change->instance_id);
          _yun_cache_bind_text (query, 2,
                                change->kind == YUN_INSTANCE_CHANGE_ADDED ? "create" : "terminate");
        }
      own = sqlite3_step (query) == SQLITE_ROW;
      sqlite3_reset (query);
      if (own)
        g_ptr_array_remove_index (diff->changes, i - 1);
    }
  return TRUE;
}

/* Writes @instances over the rows in @known (which it empties of every instance it sees),
 * filling @diff. What remains in @known afterwards has vanished. */
static gboolean
merge_instances (YunCache *self,
                 gint64 account_id,
                 GPtrArray *instances,
                 GHashTable *known,
                 gint64 now,
                 YunCacheDiff *diff,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) upsert = _yun_cache_prepare (self, self->upsert_instance_sql, error);

  if (upsert == NULL)
    return FALSE;

  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (instances, i);
      gint64 fingerprint = (gint64) _yun_instance_fingerprint (instance);
      KnownInstance *old = g_hash_table_lookup (known, instance->instance_id);

      if (old != NULL && old->fingerprint == fingerprint)
        {
          g_hash_table_remove (known, instance->instance_id);
          continue;
        }
      if (!upsert_instance (self, upsert, account_id, instance, fingerprint, now, error))
        return FALSE;
      if (diff == NULL)
        {
          g_hash_table_remove (known, instance->instance_id);
          continue;
        }
      if (old == NULL)
        {
          g_ptr_array_add (diff->added, g_object_ref (instance));
          add_change (diff, YUN_INSTANCE_CHANGE_ADDED, instance->instance_id, instance->region,
                      instance->name, NULL, instance->state, now);
        }
      else
        {
          g_ptr_array_add (diff->changed, g_object_ref (instance));
          add_change (diff, YUN_INSTANCE_CHANGE_CHANGED, instance->instance_id, instance->region,
                      instance->name, old->state, instance->state, now);
        }
      g_hash_table_remove (known, instance->instance_id);
    }
  return TRUE;
}

static gboolean
delete_vanished (YunCache *self,
                 gint64 account_id,
                 const char *region,
                 GHashTable *vanished,
                 gint64 now,
                 YunCacheDiff *diff,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) delete = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (vanished) == 0)
    return TRUE;
  delete = _yun_cache_prepare (
    self, "DELETE FROM instances WHERE account_id = ? AND instance_id = ?", error);
  if (delete == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, vanished);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KnownInstance *old = value;

      sqlite3_bind_int64 (delete, 1, account_id);
      _yun_cache_bind_text (delete, 2, key);
      if (!_yun_cache_step (self, delete, error))
        return FALSE;
      if (diff != NULL)
        {
          g_ptr_array_add (diff->vanished, g_strdup (key));
          add_change (diff, YUN_INSTANCE_CHANGE_VANISHED, key, region, old->name, old->state, NULL,
                      now);
        }
    }
  return TRUE;
}

/* Writes @instances of @region over the cached rows (all of the region's, or those of
 * @only), filling @diff: what is cached and not in @instances has vanished. */
static gboolean
write_instances (YunCache *self,
                 gint64 account_id,
                 const char *region,
                 const char *const *only,
                 GPtrArray *instances,
                 gint64 now,
                 YunCacheDiff *diff,
                 GError **error)
{
  g_autoptr (GHashTable) known = load_known (self, account_id, region, only, error);

  return known != NULL && merge_instances (self, account_id, instances, known, now, diff, error)
         && delete_vanished (self, account_id, region, known, now, diff, error);
}

/* Logs @diff's changes but those YunDesk's own jobs made. */
static gboolean
log_changes (YunCache *self, gint64 account_id, YunCacheDiff *diff, GError **error)
{
  return diff == NULL
         || (drop_own_changes (self, diff, error)
             && record_changes (self, account_id, diff, error));
}

/* ---- Zones, images, instance types ---- */

static gboolean
replace_zones (YunCache *self, gint64 account_id, YunRegionSnapshot *snapshot, GError **error)
{
  g_autoptr (sqlite3_stmt) clear
    = _yun_cache_prepare (self, "DELETE FROM zones WHERE account_id = ? AND region = ?", error);
  g_autoptr (sqlite3_stmt) insert = _yun_cache_prepare (
    self,
    "INSERT OR REPLACE INTO zones (account_id, region, zone, name, zone_id, state) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    error);

  if (clear == NULL || insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account_id);
  _yun_cache_bind_text (clear, 2, snapshot->region);
  if (!_yun_cache_step (self, clear, error))
    return FALSE;

  for (guint i = 0; i < snapshot->zones->len; i++)
    {
      YunZone *zone = g_ptr_array_index (snapshot->zones, i);

      sqlite3_bind_int64 (insert, 1, account_id);
      _yun_cache_bind_text (insert, 2, snapshot->region);
      _yun_cache_bind_text (insert, 3, zone->zone);
      _yun_cache_bind_text (insert, 4, zone->name);
      _yun_cache_bind_text (insert, 5, zone->zone_id);
      _yun_cache_bind_text (insert, 6, zone->state);
      if (!_yun_cache_step (self, insert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
replace_images (YunCache *self, gint64 account_id, YunRegionSnapshot *snapshot, GError **error)
{
  g_autoptr (sqlite3_stmt) clear
    = _yun_cache_prepare (self, "DELETE FROM images WHERE account_id = ? AND region = ?", error);
  g_autoptr (sqlite3_stmt) insert = _yun_cache_prepare (
    self,
    "INSERT OR REPLACE INTO images (account_id, region, image_id, name, description, os_name, "
    "platform, image_type, architecture, state, image_source, size, created_time, os_family) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    error);

  if (clear == NULL || insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account_id);
  _yun_cache_bind_text (clear, 2, snapshot->region);
  if (!_yun_cache_step (self, clear, error))
    return FALSE;

  for (guint i = 0; i < snapshot->images->len; i++)
    {
      YunImage *image = g_ptr_array_index (snapshot->images, i);

      sqlite3_bind_int64 (insert, 1, account_id);
      _yun_cache_bind_text (insert, 2, snapshot->region);
      _yun_cache_bind_text (insert, 3, image->image_id);
      _yun_cache_bind_text (insert, 4, image->name);
      _yun_cache_bind_text (insert, 5, image->description);
      _yun_cache_bind_text (insert, 6, image->os_name);
      _yun_cache_bind_text (insert, 7, image->platform);
      _yun_cache_bind_text (insert, 8, image->image_type);
      _yun_cache_bind_text (insert, 9, image->architecture);
      _yun_cache_bind_text (insert, 10, image->state);
      _yun_cache_bind_text (insert, 11, image->image_source);
      sqlite3_bind_int64 (insert, 12, image->size);
      bind_time (insert, 13, image->created_time);
      sqlite3_bind_int (insert, 14, image->os_family);
      if (!_yun_cache_step (self, insert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
replace_instance_types (YunCache *self,
                        gint64 account_id,
                        YunRegionSnapshot *snapshot,
                        GError **error)
{
  g_autoptr (sqlite3_stmt) clear = _yun_cache_prepare (
    self, "DELETE FROM instance_types WHERE account_id = ? AND region = ?", error);
  g_autoptr (sqlite3_stmt) insert = _yun_cache_prepare (
    self,
    "INSERT OR REPLACE INTO instance_types (account_id, region, zone, instance_type, charge_type, "
    "instance_family, type_name, cpu, memory, gpu, status, status_category, sold_out_reason, "
    "cpu_type, frequency, instance_bandwidth, has_price, price_is_postpaid, price_unit_price, "
    "price_unit_price_discount, price_charge_unit, price_is_prepaid, price_original_price, "
    "price_discount_price, price_discount) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    error);

  if (clear == NULL || insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account_id);
  _yun_cache_bind_text (clear, 2, snapshot->region);
  if (!_yun_cache_step (self, clear, error))
    return FALSE;

  for (guint i = 0; i < snapshot->instance_types->len; i++)
    {
      YunInstanceTypeQuota *quota = g_ptr_array_index (snapshot->instance_types, i);
      YunItemPrice *price = quota->price;

      sqlite3_bind_int64 (insert, 1, account_id);
      _yun_cache_bind_text (insert, 2, snapshot->region);
      _yun_cache_bind_text (insert, 3, quota->zone);
      _yun_cache_bind_text (insert, 4, quota->instance_type);
      _yun_cache_bind_text (insert, 5, quota->charge_type != NULL ? quota->charge_type : "");
      _yun_cache_bind_text (insert, 6, quota->instance_family);
      _yun_cache_bind_text (insert, 7, quota->type_name);
      sqlite3_bind_int64 (insert, 8, quota->cpu);
      sqlite3_bind_int64 (insert, 9, quota->memory);
      sqlite3_bind_int64 (insert, 10, quota->gpu);
      _yun_cache_bind_text (insert, 11, quota->status);
      _yun_cache_bind_text (insert, 12, quota->status_category);
      _yun_cache_bind_text (insert, 13, quota->sold_out_reason);
      _yun_cache_bind_text (insert, 14, quota->cpu_type);
      _yun_cache_bind_text (insert, 15, quota->frequency);
      sqlite3_bind_double (insert, 16, quota->instance_bandwidth);
      sqlite3_bind_int (insert, 17, price != NULL);
      if (price != NULL)
        {
          sqlite3_bind_int (insert, 18, price->is_postpaid);
          sqlite3_bind_double (insert, 19, price->unit_price);
          sqlite3_bind_double (insert, 20, price->unit_price_discount);
          _yun_cache_bind_text (insert, 21, price->charge_unit);
          sqlite3_bind_int (insert, 22, price->is_prepaid);
          sqlite3_bind_double (insert, 23, price->original_price);
          sqlite3_bind_double (insert, 24, price->discount_price);
          sqlite3_bind_double (insert, 25, price->discount);
        }
      else
        for (int column = 18; column <= 25; column++)
          sqlite3_bind_null (insert, column);
      if (!_yun_cache_step (self, insert, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * _yun_cache_store_region:
 * @self: a #YunCache
 * @account: the account
 * @snapshot: everything a full sync read of one region
 * @now: unix seconds
 * @diff: (nullable): receives what changed in the instances
 * @error: return location for a #GError
 *
 * Replaces what is cached of one region by @snapshot, in one transaction: instances are
 * merged (added, changed, vanished; unchanged rows are not written), zones, images and
 * instance types replaced, the region marked fresh and the changes logged.
 */
gboolean
_yun_cache_store_region (YunCache *self,
                         const char *account,
                         YunRegionSnapshot *snapshot,
                         gint64 now,
                         YunCacheDiff *diff,
                         GError **error)
{
  gint64 account_id;
  gint64 synced_at = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_CACHE (self), FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (!_yun_cache_begin (self, error))
    goto out;

  account_id = ensure_account (self, account, error);
  if (account_id < 0 || !ensure_region (self, account_id, snapshot->region, error))
    goto out;
  if (!read_synced_at (self, account_id, snapshot->region, &synced_at, error))
    goto out;
  ok = write_instances (self, account_id, snapshot->region, NULL, snapshot->instances, now, diff,
                        error)
       && replace_zones (self, account_id, snapshot, error)
       && replace_images (self, account_id, snapshot, error)
       && replace_instance_types (self, account_id, snapshot, error)
       && update_region_sync (self, account_id, snapshot->region, now, NULL, error);
  /* The first sync of a region finds what exists: that is not a change to report. */
  if (ok && diff != NULL && synced_at == 0)
    g_ptr_array_set_size (diff->changes, 0);
  ok = ok && log_changes (self, account_id, diff, error) && _yun_cache_commit (self, error);

out:
  if (!ok)
    _yun_cache_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * _yun_cache_store_instances:
 * @self: a #YunCache
 * @account: the account
 * @region: the region of every instance
 * @instance_ids: the IDs that were asked for
 * @instances: (element-type YunInstance): what DescribeInstances answered for them
 * @now: unix seconds
 * @diff: (nullable): receives what changed
 * @error: return location for a #GError
 *
 * Records a poll of some instances: the ones answered replace their rows, the ones asked for
 * and not answered are gone.
 */
gboolean
_yun_cache_store_instances (YunCache *self,
                            const char *account,
                            const char *region,
                            const char *const *instance_ids,
                            GPtrArray *instances,
                            gint64 now,
                            YunCacheDiff *diff,
                            GError **error)
{
  gint64 account_id;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_CACHE (self), FALSE);
  g_return_val_if_fail (instance_ids != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (!_yun_cache_begin (self, error))
    goto out;

  account_id = ensure_account (self, account, error);
  if (account_id < 0 || !ensure_region (self, account_id, region, error))
    goto out;
  ok = write_instances (self, account_id, region, instance_ids, instances, now, diff, error)
       && log_changes (self, account_id, diff, error) && _yun_cache_commit (self, error);

out:
  if (!ok)
    _yun_cache_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- Reads ---- */

/* Runs @select (whose first two parameters are the account and, unless NULL, the region)
 * and builds one object per row with @build. */
typedef gpointer (*RowBuilder) (sqlite3_stmt *statement);

static GPtrArray *
load_rows (YunCache *self,
           const char *account,
           const char *region,
           const char *sql_all,
           const char *sql_region,
           RowBuilder build,
           GDestroyNotify free_func,
           GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  g_autoptr (sqlite3_stmt) select = NULL;
  gint64 account_id;
  int rc;

  g_return_val_if_fail (YUN_IS_CACHE (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  g_mutex_lock (&self->lock);
  account_id = find_account (self, account, error);
  if (account_id <= 0)
    {
      g_mutex_unlock (&self->lock);
      return account_id == 0 ? g_steal_pointer (&rows) : NULL;
    }

  select = _yun_cache_prepare (self, region != NULL ? sql_region : sql_all, error);
  if (select == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int64 (select, 1, account_id);
  if (region != NULL)
    _yun_cache_bind_text (select, 2, region);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    g_ptr_array_add (rows, build (select));
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, self, YUN_CACHE_FAILED_READ);
  g_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

/* The length of a vector's text column, and in @n_items how many items it holds, as
 * g_strsplit() would split it: none in "". */
static gsize
column_strv_size (sqlite3_stmt *statement, int column, gsize *n_items)
{
  const char *text = (const char *) sqlite3_column_text (statement, column);
  gsize length = text != NULL ? (gsize) sqlite3_column_bytes (statement, column) : 0;

  *n_items = length > 0 ? 1 : 0;
  for (gsize i = 0; i < length; i++)
    *n_items += text[i] == LIST_SEPARATOR[0];
  return length;
}

/* Copies a vector's text column to @text and points @items at its items, splitting it
 * where g_strsplit() would; returns the end of what it wrote at @text. */
static char *
copy_column_strv (sqlite3_stmt *statement, int column, char **items, char *text)
{
  const char *source = (const char *) sqlite3_column_text (statement, column);
  gsize length = source != NULL ? (gsize) sqlite3_column_bytes (statement, column) : 0;
  guint n = 0;

  if (length > 0)
    {
      memcpy (text, source, length + 1);
      items[n++] = text;
      for (gsize i = 0; i < length; i++)
        if (text[i] == LIST_SEPARATOR[0])
          {
            text[i] = '\0';
            items[n++] = text + i + 1;
          }
      text += length + 1;
    }
  items[n] = NULL;
  return text;
}

/* An instance's texts, vectors included, in one block (_yun_instance_take_texts()): a
 * cache of 10,000 instances holds some 300,000 of them, and an allocation each cost the
 * load as much in memory touched for the first time as in copying. The vectors' pointer
 * arrays come first, for their alignment, then the strings. */
static gpointer
build_instance (sqlite3_stmt *statement)
{
  YunInstance *instance = g_object_new (YUN_TYPE_INSTANCE, NULL);
  gsize n_pointers = 0, n_bytes = 0, n_items;
  char **pointers;
  char *block, *text;
  int column = 0;

#define STR(f)                                                                                     \
  if (sqlite3_column_text (statement, column) != NULL)                                             \
    n_bytes += (gsize) sqlite3_column_bytes (statement, column) + 1;                               \
  column++;
#define STRV(f)                                                                                    \
  n_bytes += column_strv_size (statement, column++, &n_items);                                     \
  n_bytes += n_items > 0 ? 1 : 0;                                                                  \
  n_pointers += n_items + 1;
#define NUM(f) column++;
#define TIME(f) column++;
  YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME

  block = g_malloc (n_pointers * sizeof (char *) + n_bytes);
  pointers = (char **) block;
  text = block + n_pointers * sizeof (char *);
  column = 0;
#define STR(f)                                                                                     \
  if (sqlite3_column_text (statement, column) != NULL)                                             \
    {                                                                                              \
      gsize length = (gsize) sqlite3_column_bytes (statement, column);                             \
                                                                                                   \
      instance->f = memcpy (text, sqlite3_column_text (statement, column), length + 1);            \
      text += length + 1;                                                                          \
    }                                                                                              \
  column++;
#define STRV(f)                                                                                    \
  instance->f = pointers;                                                                          \
  text = copy_column_strv (statement, column++, pointers, text);                                   \
  pointers += g_strv_length (instance->f) + 1;
#define NUM(f) instance->f = sqlite3_column_int64 (statement, column++);
#define TIME(f) instance->f = column_dup_time (statement, column++);
  YUN_INSTANCE_FOREACH_FIELD (STR, STRV, NUM, TIME)
#undef STR
#undef STRV
#undef NUM
#undef TIME
  _yun_instance_take_texts (instance, block);
  return instance;
}

GPtrArray *
_yun_cache_load_instances (YunCache *self, const char *account, const char *region, GError **error)
{
  g_autofree char *sql_all
    = g_strdup_printf ("SELECT %s FROM instances WHERE account_id = ? ORDER BY region, instance_id",
                       self->select_instance_columns);
  g_autofree char *sql_region = g_strdup_printf (
    "SELECT %s FROM instances WHERE account_id = ? AND region = ? ORDER BY instance_id",
    self->select_instance_columns);

  return load_rows (self, account, region, sql_all, sql_region, build_instance, g_object_unref,
                    error);
}

static gpointer
build_region (sqlite3_stmt *statement)
{
  YunRegion *region = g_object_new (YUN_TYPE_REGION, NULL);

  region->region = _yun_cache_column_text (statement, 0);
  region->name = _yun_cache_column_text (statement, 1);
  region->state = _yun_cache_column_text (statement, 2);
  return region;
}

GPtrArray *
_yun_cache_load_regions (YunCache *self, const char *account, GError **error)
{
  return load_rows (self, account, NULL,
                    "SELECT region, name, state FROM regions WHERE account_id = ? "
                    "AND name IS NOT NULL ORDER BY region",
                    NULL, build_region, g_object_unref, error);
}

static gpointer
build_region_row (sqlite3_stmt *statement)
{
  YunCacheRegionRow *row = g_new0 (YunCacheRegionRow, 1);

  row->region = _yun_cache_column_text (statement, 0);
  row->name = _yun_cache_column_text (statement, 1);
  row->state = _yun_cache_column_text (statement, 2);
  row->synced_at = sqlite3_column_int64 (statement, 3);
  row->attempted_at = sqlite3_column_int64 (statement, 4);
  row->error_code = _yun_cache_column_text (statement, 5);
  row->error_message = _yun_cache_column_text (statement, 6);
  row->n_instances = (guint) sqlite3_column_int64 (statement, 7);
  return row;
}

GPtrArray *
_yun_cache_load_region_rows (YunCache *self, const char *account, GError **error)
{
  return load_rows (self, account, NULL,
                    "SELECT r.region, r.name, r.state, r.synced_at, r.attempted_at, r.error_code, "
                    "r.error_message, (SELECT count (*) FROM instances i WHERE i.account_id = "
                    "r.account_id AND i.region = r.region) FROM regions r WHERE r.account_id = ? "
                    "ORDER BY r.region",
                    NULL, build_region_row, (GDestroyNotify) _yun_cache_region_row_free, error);
}

static gpointer
build_zone (sqlite3_stmt *statement)
{
  YunZone *zone = g_object_new (YUN_TYPE_ZONE, NULL);

  zone->region = _yun_cache_column_text (statement, 0);
  zone->zone = _yun_cache_column_text (statement, 1);
  zone->name = _yun_cache_column_text (statement, 2);
  zone->zone_id = _yun_cache_column_text (statement, 3);
  zone->state = _yun_cache_column_text (statement, 4);
  return zone;
}

GPtrArray *
_yun_cache_load_zones (YunCache *self, const char *account, const char *region, GError **error)
{
  return load_rows (self, account, region,
                    "SELECT region, zone, name, zone_id, state FROM zones WHERE account_id = ? "
                    "ORDER BY region, zone",
                    "SELECT region, zone, name, zone_id, state FROM zones WHERE account_id = ? "
                    "AND region = ? ORDER BY zone",
                    build_zone, g_object_unref, error);
}

static gpointer
build_image (sqlite3_stmt *statement)
{
  YunImage *image = g_object_new (YUN_TYPE_IMAGE, NULL);

  image->region = _yun_cache_column_text (statement, 0);
  image->image_id = _yun_cache_column_text (statement, 1);
  image->name = _yun_cache_column_text (statement, 2);
  image->description = _yun_cache_column_text (statement, 3);
  image->os_name = _yun_cache_column_text (statement, 4);
  image->platform = _yun_cache_column_text (statement, 5);
  image->image_type = _yun_cache_column_text (statement, 6);
  image->architecture = _yun_cache_column_text (statement, 7);
  image->state = _yun_cache_column_text (statement, 8);
  image->image_source = _yun_cache_column_text (statement, 9);
  image->size = (guint) sqlite3_column_int64 (statement, 10);
  image->created_time = column_dup_time (statement, 11);
  image->os_family = sqlite3_column_int (statement, 12);
  return image;
}

#define IMAGE_COLUMNS                                                                              \
  "region, image_id, name, description, os_name, platform, image_type, architecture, state, "      \
  "image_source, size, created_time, os_family"

GPtrArray *
_yun_cache_load_images (YunCache *self, const char *account, const char *region, GError **error)
{
  return load_rows (
    self, account, region,
    "SELECT " IMAGE_COLUMNS " FROM images WHERE account_id = ? ORDER BY region, image_id",
    "SELECT " IMAGE_COLUMNS " FROM images WHERE account_id = ? AND region = ? ORDER BY image_id",
    build_image, g_object_unref, error);
}

static gpointer
build_instance_type (sqlite3_stmt *statement)
{
  YunInstanceTypeQuota *quota = g_object_new (YUN_TYPE_INSTANCE_TYPE_QUOTA, NULL);

  quota->region = _yun_cache_column_text (statement, 0);
  quota->zone = _yun_cache_column_text (statement, 1);
  quota->instance_type = _yun_cache_column_text (statement, 2);
  quota->charge_type = _yun_cache_column_text (statement, 3);
  quota->instance_family = _yun_cache_column_text (statement, 4);
  quota->type_name = _yun_cache_column_text (statement, 5);
  quota->cpu = (guint) sqlite3_column_int64 (statement, 6);
  quota->memory = (guint) sqlite3_column_int64 (statement, 7);
  quota->gpu = (guint) sqlite3_column_int64 (statement, 8);
  quota->status = _yun_cache_column_text (statement, 9);
  quota->status_category = _yun_cache_column_text (statement, 10);
  quota->sold_out_reason = _yun_cache_column_text (statement, 11);
  quota->cpu_type = _yun_cache_column_text (statement, 12);
  quota->frequency = _yun_cache_column_text (statement, 13);
  quota->instance_bandwidth = sqlite3_column_double (statement, 14);
  if (sqlite3_column_int (statement, 15))
    {
      quota->price = g_new0 (YunItemPrice, 1);
      quota->price->is_postpaid = sqlite3_column_int (statement, 16);
      quota->price->unit_price = sqlite3_column_double (statement, 17);
      quota->price->unit_price_discount = sqlite3_column_double (statement, 18);
      quota->price->charge_unit = _yun_cache_column_text (statement, 19);
      quota->price->is_prepaid = sqlite3_column_int (statement, 20);
      quota->price->original_price = sqlite3_column_double (statement, 21);
      quota->price->discount_price = sqlite3_column_double (statement, 22);
      quota->price->discount = sqlite3_column_double (statement, 23);
    }
  return quota;
}

#define INSTANCE_TYPE_COLUMNS                                                                      \
  "region, zone, instance_type, charge_type, instance_family, type_name, cpu, memory, gpu, "       \
  "status, status_category, sold_out_reason, cpu_type, frequency, instance_bandwidth, "            \
  "has_price, price_is_postpaid, price_unit_price, price_unit_price_discount, "                    \
  "price_charge_unit, price_is_prepaid, price_original_price, price_discount_price, "              \
  "price_discount"

GPtrArray *
_yun_cache_load_instance_types (YunCache *self,
                                const char *account,
                                const char *region,
                                GError **error)
{
  return load_rows (self, account, region,
                    "SELECT " INSTANCE_TYPE_COLUMNS " FROM instance_types WHERE account_id = ? "
                    "ORDER BY region, zone, cpu, memory, instance_type",
                    "SELECT " INSTANCE_TYPE_COLUMNS " FROM instance_types WHERE account_id = ? "
                    "AND region = ? ORDER BY zone, cpu, memory, instance_type",
                    build_instance_type, g_object_unref, error);
}

static gpointer
build_change (sqlite3_stmt *statement)
{
  YunInstanceChange *change = g_new0 (YunInstanceChange, 1);
  const char *kind = (const char *) sqlite3_column_text (statement, 1);

  change->detected_at = sqlite3_column_int64 (statement, 0);
  change->kind = g_strcmp0 (kind, "added") == 0      ? YUN_INSTANCE_CHANGE_ADDED
                 : g_strcmp0 (kind, "vanished") == 0 ? YUN_INSTANCE_CHANGE_VANISHED
                                                     : YUN_INSTANCE_CHANGE_CHANGED;
  change->instance_id = _yun_cache_column_text (statement, 2);
  change->region = _yun_cache_column_text (statement, 3);
  change->name = _yun_cache_column_text (statement, 4);
  change->old_state = _yun_cache_column_text (statement, 5);
  change->new_state = _yun_cache_column_text (statement, 6);
  return change;
}

GPtrArray *
_yun_cache_load_changes (YunCache *self, const char *account, guint limit, GError **error)
{
  g_autofree char *sql
    = g_strdup_printf ("SELECT detected_at, kind, instance_id, region, name, old_state, new_state "
                       "FROM instance_changes WHERE account_id = ? ORDER BY id DESC LIMIT %u",
                       limit);

  return load_rows (self, account, NULL, sql, NULL, build_change,
                    (GDestroyNotify) yun_instance_change_free, error);
}

/* ---- Protected instances ---- */

/**
 * yun_cache_set_protected:
 * @self: a #YunCache
 * @account: the account
 * @instance_id: an instance ID
 * @protect: whether to mark it protected or remove the mark
 * @error: return location for a #GError
 *
 * A protected instance is refused by terminate and reset-password jobs until the mark is
 * removed: a guard of YunDesk's own, beside Tencent's termination protection.
 */
gboolean
yun_cache_set_protected (
  YunCache *self, const char *account, const char *instance_id, gboolean protect, GError **error)
{
  g_autoptr (sqlite3_stmt) write = NULL;
  gint64 account_id;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_CACHE (self), FALSE);

  if (!_yun_check_instance_id (instance_id, FALSE, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  if (!_yun_cache_begin (self, error))
    goto out;
  account_id = ensure_account (self, account, error);
  if (account_id < 0)
    goto out;
  write = _yun_cache_prepare (
    self,
    protect ? "INSERT OR IGNORE INTO protected_instances (account_id, instance_id, "
              "marked_at) VALUES (?, ?, ?)"
            : "DELETE FROM protected_instances WHERE account_id = ? AND "
              "instance_id = ?",
    error);
  if (write == NULL)
    goto out;
  sqlite3_bind_int64 (write, 1, account_id);
  _yun_cache_bind_text (write, 2, instance_id);
  if (protect)
    sqlite3_bind_int64 (write, 3, g_get_real_time () / G_USEC_PER_SEC);
  ok = _yun_cache_step (self, write, error) && _yun_cache_commit (self, error);
out:
  if (!ok)
    _yun_cache_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gpointer
build_instance_id (sqlite3_stmt *statement)
{
  return _yun_cache_column_text (statement, 0);
}

/**
 * yun_cache_dup_protected:
 * @self: a #YunCache
 * @account: the account
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8): the IDs of the protected instances
 */
GPtrArray *
yun_cache_dup_protected (YunCache *self, const char *account, GError **error)
{
  return load_rows (self, account, NULL,
                    "SELECT instance_id FROM protected_instances WHERE account_id = ? "
                    "ORDER BY instance_id",
                    NULL, build_instance_id, g_free, error);
}
