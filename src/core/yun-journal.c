/* yun-journal.c: the job journal, in the inventory database
 *
 * SPDX-License-Identifier: MIT
 *
 * A job and one row per item are written before any call; each item's step is written
 * before the call it prepares (see YunJobStep), and its outcome after. Every write is one
 * transaction, so a process killed at any moment leaves each item at a step it really
 * reached. No secret is ever written here: passwords stay in memory and in the secret
 * store.
 */

#define G_LOG_DOMAIN "yun-journal"

#include "config.h"

#include "yun-job-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
bind_time (sqlite3_stmt *statement, int index, gint64 unix_seconds)
{
  if (unix_seconds > 0)
    sqlite3_bind_int64 (statement, index, unix_seconds);
  else
    sqlite3_bind_null (statement, index);
}

/* Runs @write between BEGIN IMMEDIATE and COMMIT, under the cache's lock. */
typedef gboolean (*JournalWrite) (YunCache *cache, sqlite3 *db, gpointer data, GError **error);

static gboolean
in_transaction (YunCache *cache, JournalWrite write, gpointer data, GError **error)
{
  sqlite3 *db = _yun_cache_lock (cache);
  gboolean ok = _yun_cache_begin (cache, error) && write (cache, db, data, error)
                && _yun_cache_commit (cache, error);

  if (!ok)
    _yun_cache_rollback (cache);
  _yun_cache_unlock (cache);
  return ok;
}

static gboolean
write_items (YunCache *cache, sqlite3 *db, gint64 job_id, GPtrArray *items, GError **error)
{
  g_autoptr (sqlite3_stmt) upsert = _yun_cache_prepare (
    cache,
    "INSERT OR REPLACE INTO job_items (job_id, seq, instance_id, region, name, step, "
    "outcome, reason, code, message, request_id, before_request_id, client_token, "
    "source_state, attempts, started_at, finished_at, invocation_id, exit_code, output) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    error);

  if (upsert == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);

      sqlite3_bind_int64 (upsert, 1, job_id);
      sqlite3_bind_int64 (upsert, 2, item->index);
      _yun_cache_bind_text (upsert, 3, item->instance_id);
      _yun_cache_bind_text (upsert, 4, item->region);
      _yun_cache_bind_text (upsert, 5, item->name);
      _yun_cache_bind_text (upsert, 6, yun_job_step_to_string (item->step));
      _yun_cache_bind_text (upsert, 7, yun_job_outcome_to_string (item->outcome));
      _yun_cache_bind_text (upsert, 8, item->reason);
      _yun_cache_bind_text (upsert, 9, item->code);
      _yun_cache_bind_text (upsert, 10, item->message);
      _yun_cache_bind_text (upsert, 11, item->request_id);
      _yun_cache_bind_text (upsert, 12, item->before_request_id);
      _yun_cache_bind_text (upsert, 13, item->client_token);
      _yun_cache_bind_text (upsert, 14, item->source_state);
      sqlite3_bind_int64 (upsert, 15, item->attempts);
      bind_time (upsert, 16, item->started_at);
      bind_time (upsert, 17, item->finished_at);
      _yun_cache_bind_text (upsert, 18, item->invocation_id);
      if (item->has_exit_code)
        sqlite3_bind_int (upsert, 19, item->exit_code);
      else
        sqlite3_bind_null (upsert, 19);
      _yun_cache_bind_text (upsert, 20, item->output);
      if (!_yun_cache_step (cache, upsert, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *account;
  YunJobRecord *record;
  GPtrArray *items;
} WriteData;

static gboolean
write_new_job (YunCache *cache, sqlite3 *db, gpointer user_data, GError **error)
{
  WriteData *data = user_data;
  YunJobRecord *record = data->record;
  g_autoptr (sqlite3_stmt) account = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;

  account = _yun_cache_prepare (cache, "INSERT OR IGNORE INTO accounts (name) VALUES (?)", error);
  insert = _yun_cache_prepare (
    cache,
    "INSERT INTO jobs (account_id, kind, params, created_at) VALUES ((SELECT id "
    "FROM accounts WHERE name = ?), ?, ?, ?)",
    error);
  if (account == NULL || insert == NULL)
    return FALSE;

  _yun_cache_bind_text (account, 1, data->account);
  if (!_yun_cache_step (cache, account, error))
    return FALSE;
  _yun_cache_bind_text (insert, 1, data->account);
  _yun_cache_bind_text (insert, 2, yun_job_kind_to_string (record->kind));
  _yun_cache_bind_text (insert, 3,
                        json_object_to_json_string_ext (record->params, JSON_C_TO_STRING_PLAIN));
  sqlite3_bind_int64 (insert, 4, record->created_at);
  if (!_yun_cache_step (cache, insert, error))
    return FALSE;
  record->id = sqlite3_last_insert_rowid (db);
  return write_items (cache, db, record->id, record->items, error);
}

/**
 * _yun_journal_create:
 * @cache: the database
 * @account: the account the job belongs to
 * @record: the job, with every item; its id is set
 * @error: return location for a #GError
 *
 * Records a new job before anything is sent.
 */
gboolean
_yun_journal_create (YunCache *cache, const char *account, YunJobRecord *record, GError **error)
{
  WriteData data = { .account = account, .record = record };

  return in_transaction (cache, write_new_job, &data, error);
}

static gboolean
write_item_updates (YunCache *cache, sqlite3 *db, gpointer user_data, GError **error)
{
  WriteData *data = user_data;

  return write_items (cache, db, data->record->id, data->items, error);
}

/**
 * _yun_journal_update_items:
 * @cache: the database
 * @record: the job
 * @items: (element-type YunJobRecordItem): the items whose step or outcome changed
 * @error: return location for a #GError
 */
gboolean
_yun_journal_update_items (YunCache *cache, YunJobRecord *record, GPtrArray *items, GError **error)
{
  WriteData data = { .record = record, .items = items };

  if (items->len == 0)
    return TRUE;
  return in_transaction (cache, write_item_updates, &data, error);
}

static gboolean
write_finish (YunCache *cache, sqlite3 *db, gpointer user_data, GError **error)
{
  YunJobRecord *record = user_data;
  g_autoptr (sqlite3_stmt) update = _yun_cache_prepare (
    cache, "UPDATE jobs SET finished = 1, finished_at = ? WHERE id = ?", error);

  if (update == NULL || !write_items (cache, db, record->id, record->items, error))
    return FALSE;
  sqlite3_bind_int64 (update, 1, record->finished_at);
  sqlite3_bind_int64 (update, 2, record->id);
  return _yun_cache_step (cache, update, error);
}

gboolean
_yun_journal_finish (YunCache *cache, YunJobRecord *record, GError **error)
{
  return in_transaction (cache, write_finish, record, error);
}

static gboolean
write_cancel (YunCache *cache, sqlite3 *db, gpointer user_data, GError **error)
{
  g_autoptr (sqlite3_stmt) update
    = _yun_cache_prepare (cache, "UPDATE jobs SET cancel_requested = 1 WHERE id = ?", error);

  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, *(gint64 *) user_data);
  return _yun_cache_step (cache, update, error);
}

/* A cancellation outlives a crash: a resumed job still stops. */
gboolean
_yun_journal_request_cancel (YunCache *cache, gint64 job_id, GError **error)
{
  return in_transaction (cache, write_cancel, &job_id, error);
}

static YunJobStep
step_from_string (const char *text)
{
  for (YunJobStep step = YUN_JOB_STEP_QUEUED; step <= YUN_JOB_STEP_DONE; step++)
    if (g_strcmp0 (text, yun_job_step_to_string (step)) == 0)
      return step;
  return YUN_JOB_STEP_QUEUED;
}

static YunJobOutcome
outcome_from_string (const char *text)
{
  for (YunJobOutcome outcome = YUN_JOB_OUTCOME_PENDING; outcome <= YUN_JOB_OUTCOME_WOULD_SEND;
       outcome++)
    if (g_strcmp0 (text, yun_job_outcome_to_string (outcome)) == 0)
      return outcome;
  return YUN_JOB_OUTCOME_PENDING;
}

static gboolean
load_items (YunCache *cache, sqlite3 *db, YunJobRecord *record, GError **error)
{
  g_autoptr (sqlite3_stmt) select = _yun_cache_prepare (
    cache,
    "SELECT seq, instance_id, region, name, step, outcome, reason, code, message, "
    "request_id, before_request_id, client_token, source_state, attempts, started_at, "
    "finished_at, invocation_id, exit_code, output FROM job_items WHERE job_id = ? "
    "ORDER BY seq",
    error);
  int rc;

  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, record->id);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      YunJobRecordItem *item = g_new0 (YunJobRecordItem, 1);
      g_autofree char *step = _yun_cache_column_text (select, 4);
      g_autofree char *outcome = _yun_cache_column_text (select, 5);

      item->index = (guint) sqlite3_column_int64 (select, 0);
      item->instance_id = _yun_cache_column_text (select, 1);
      item->region = _yun_cache_column_text (select, 2);
      item->name = _yun_cache_column_text (select, 3);
      item->step = step_from_string (step);
      item->outcome = outcome_from_string (outcome);
      item->reason = _yun_cache_column_text (select, 6);
      item->code = _yun_cache_column_text (select, 7);
      item->message = _yun_cache_column_text (select, 8);
      item->request_id = _yun_cache_column_text (select, 9);
      item->before_request_id = _yun_cache_column_text (select, 10);
      item->client_token = _yun_cache_column_text (select, 11);
      item->source_state = _yun_cache_column_text (select, 12);
      item->attempts = (guint) sqlite3_column_int64 (select, 13);
      item->started_at = sqlite3_column_int64 (select, 14);
      item->finished_at = sqlite3_column_int64 (select, 15);
      item->invocation_id = _yun_cache_column_text (select, 16);
      item->has_exit_code = sqlite3_column_type (select, 17) != SQLITE_NULL;
      item->exit_code = sqlite3_column_int (select, 17);
      item->output = _yun_cache_column_text (select, 18);
      g_ptr_array_add (record->items, item);
    }
  if (rc != SQLITE_DONE)
    {
      _yun_cache_set_error (cache, error, YUN_CACHE_FAILED_READ);
      return FALSE;
    }
  return TRUE;
}

/**
 * _yun_journal_load:
 * @cache: the database
 * @account: the account
 * @unfinished_only: only the jobs that have not finished (to resume them)
 * @limit: at most this many jobs, the most recent first
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type YunJobRecord): the jobs with their items
 */
GPtrArray *
_yun_journal_load (
  YunCache *cache, const char *account, gboolean unfinished_only, guint limit, GError **error)
{
  g_autoptr (GPtrArray) records
    = g_ptr_array_new_with_free_func ((GDestroyNotify) _yun_job_record_free);
  g_autoptr (sqlite3_stmt) select = NULL;
  sqlite3 *db = _yun_cache_lock (cache);
  gboolean ok = TRUE;
  int rc;

  select = _yun_cache_prepare (
    cache,
    "SELECT j.id, j.kind, j.params, j.finished, j.cancel_requested, j.created_at, "
    "j.finished_at FROM jobs j JOIN accounts a ON a.id = j.account_id "
    "WHERE a.name = ?1 AND (?2 = 0 OR j.finished = 0) ORDER BY j.id DESC LIMIT ?3",
    error);
  if (select == NULL)
    {
      _yun_cache_unlock (cache);
      return NULL;
    }
  _yun_cache_bind_text (select, 1, account);
  sqlite3_bind_int (select, 2, unfinished_only);
  sqlite3_bind_int64 (select, 3, limit);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_autofree char *kind = _yun_cache_column_text (select, 1);
      const char *params = (const char *) sqlite3_column_text (select, 2);
      YunJobKind job_kind;
      YunJobRecord *record;

      /* A kind from a newer YunDesk: not ours to run or show. */
      if (!yun_job_kind_from_string (kind, &job_kind))
        continue;
      record = _yun_job_record_new (job_kind);
      record->id = sqlite3_column_int64 (select, 0);
      record->params = json_tokener_parse (params != NULL ? params : "{}");
      if (record->params == NULL || !json_object_is_type (record->params, json_type_object))
        {
          g_clear_pointer (&record->params, json_object_put);
          record->params = json_object_new_object ();
        }
      record->finished = sqlite3_column_int (select, 3);
      record->cancel_requested = sqlite3_column_int (select, 4);
      record->created_at = sqlite3_column_int64 (select, 5);
      record->finished_at = sqlite3_column_int64 (select, 6);
      g_ptr_array_add (records, record);
    }
  if (rc != SQLITE_DONE)
    {
      _yun_cache_set_error (cache, error, YUN_CACHE_FAILED_READ);
      ok = FALSE;
    }
  for (guint i = 0; ok && i < records->len; i++)
    ok = load_items (cache, db, records->pdata[i], error);
  _yun_cache_unlock (cache);

  return ok ? g_steal_pointer (&records) : NULL;
}

gboolean
_yun_journal_cancel_requested (YunCache *cache, gint64 job_id)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  _yun_cache_lock (cache);
  gboolean requested = FALSE;

  select = _yun_cache_prepare (cache, "SELECT cancel_requested FROM jobs WHERE id = ?", NULL);
  if (select != NULL)
    {
      sqlite3_bind_int64 (select, 1, job_id);
      requested = sqlite3_step (select) == SQLITE_ROW && sqlite3_column_int (select, 0);
    }
  _yun_cache_unlock (cache);
  return requested;
}

#define MAX_RECENT_COMMANDS 50

static const char *
param_text (json_object *params, const char *key)
{
  json_object *value = NULL;

  return json_object_object_get_ex (params, key, &value) ? json_object_get_string (value) : NULL;
}

static gboolean
write_recent_command (YunCache *cache, sqlite3 *db, gpointer user_data, GError **error)
{
  WriteData *data = user_data;
  json_object *params = data->record->params;
  json_object *timeout = NULL;
  g_autoptr (sqlite3_stmt) account = NULL;
  g_autoptr (sqlite3_stmt) upsert = NULL;
  g_autoptr (sqlite3_stmt) prune = NULL;

  account = _yun_cache_prepare (cache, "INSERT OR IGNORE INTO accounts (name) VALUES (?)", error);
  /* A command run again moves to the front: its old row goes and a new one (a higher id,
   * which orders commands run within the same second) takes its place. */
  upsert = _yun_cache_prepare (
    cache,
    "INSERT OR REPLACE INTO recent_commands (account_id, used_at, content, name, "
    "timeout, linux_user, linux_directory, windows_user, windows_directory) VALUES "
    "((SELECT id FROM accounts WHERE name = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    error);
  prune = _yun_cache_prepare (
    cache,
    "DELETE FROM recent_commands WHERE account_id = (SELECT id FROM accounts WHERE "
    "name = ?1) AND id NOT IN (SELECT id FROM recent_commands WHERE account_id = "
    "(SELECT id FROM accounts WHERE name = ?1) ORDER BY used_at DESC, id DESC "
    "LIMIT ?2)",
    error);
  if (account == NULL || upsert == NULL || prune == NULL)
    return FALSE;

  _yun_cache_bind_text (account, 1, data->account);
  if (!_yun_cache_step (cache, account, error))
    return FALSE;
  _yun_cache_bind_text (upsert, 1, data->account);
  sqlite3_bind_int64 (upsert, 2, g_get_real_time () / G_USEC_PER_SEC);
  _yun_cache_bind_text (upsert, 3, param_text (params, "Command"));
  _yun_cache_bind_text (upsert, 4, param_text (params, "CommandName"));
  if (json_object_object_get_ex (params, "CommandTimeout", &timeout))
    sqlite3_bind_int64 (upsert, 5, json_object_get_int64 (timeout));
  else
    sqlite3_bind_null (upsert, 5);
  _yun_cache_bind_text (upsert, 6, param_text (params, "LinuxUser"));
  _yun_cache_bind_text (upsert, 7, param_text (params, "LinuxDirectory"));
  _yun_cache_bind_text (upsert, 8, param_text (params, "WindowsUser"));
  _yun_cache_bind_text (upsert, 9, param_text (params, "WindowsDirectory"));
  if (!_yun_cache_step (cache, upsert, error))
    return FALSE;
  _yun_cache_bind_text (prune, 1, data->account);
  sqlite3_bind_int (prune, 2, MAX_RECENT_COMMANDS);
  return _yun_cache_step (cache, prune, error);
}

/**
 * _yun_journal_remember_command:
 * @cache: the database
 * @account: the account
 * @params: a run-command job's parameters, with its `Command` (a secret one has none)
 *
 * Keeps the command among the recent ones; a failure only costs the list an entry.
 */
void
_yun_journal_remember_command (YunCache *cache, const char *account, json_object *params)
{
  YunJobRecord record = { .params = params };
  WriteData data = { .account = account, .record = &record };
  g_autoptr (GError) error = NULL;

  if (param_text (params, "Command") == NULL)
    return;
  if (!in_transaction (cache, write_recent_command, &data, &error))
    g_warning ("%s", error->message);
}

static void
add_column (json_object *object, const char *key, sqlite3_stmt *statement, int column)
{
  if (sqlite3_column_type (statement, column) == SQLITE_NULL)
    return;
  if (sqlite3_column_type (statement, column) == SQLITE_INTEGER)
    json_object_object_add (object, key,
                            json_object_new_int64 (sqlite3_column_int64 (statement, column)));
  else
    json_object_object_add (
      object, key, json_object_new_string ((const char *) sqlite3_column_text (statement, column)));
}

static void
put_json (gpointer json)
{
  json_object_put (json);
}

/**
 * _yun_journal_load_recent_commands:
 * @cache: the database
 * @account: the account
 * @limit: at most this many
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type json_object): run-command parameters, the most
 *   recently used first
 */
GPtrArray *
_yun_journal_load_recent_commands (YunCache *cache,
                                   const char *account,
                                   guint limit,
                                   GError **error)
{
  g_autoptr (GPtrArray) commands = g_ptr_array_new_with_free_func (put_json);
  g_autoptr (sqlite3_stmt) select = NULL;
  _yun_cache_lock (cache);
  int rc;

  select = _yun_cache_prepare (
    cache,
    "SELECT r.content, r.name, r.timeout, r.linux_user, r.linux_directory, "
    "r.windows_user, r.windows_directory FROM recent_commands r JOIN accounts a "
    "ON a.id = r.account_id WHERE a.name = ? ORDER BY r.used_at DESC, r.id DESC "
    "LIMIT ?",
    error);
  if (select == NULL)
    {
      _yun_cache_unlock (cache);
      return NULL;
    }
  _yun_cache_bind_text (select, 1, account);
  sqlite3_bind_int64 (select, 2, limit);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      json_object *command = json_object_new_object ();

      add_column (command, "Command", select, 0);
      add_column (command, "CommandName", select, 1);
      add_column (command, "CommandTimeout", select, 2);
      add_column (command, "LinuxUser", select, 3);
      add_column (command, "LinuxDirectory", select, 4);
      add_column (command, "WindowsUser", select, 5);
      add_column (command, "WindowsDirectory", select, 6);
      g_ptr_array_add (commands, command);
    }
  if (rc != SQLITE_DONE)
    _yun_cache_set_error (cache, error, YUN_CACHE_FAILED_READ);
  _yun_cache_unlock (cache);
  return rc == SQLITE_DONE ? g_steal_pointer (&commands) : NULL;
}
