/* yun-cache-private.h: what the inventory, the jobs and the tests read from and write to the
 * cache
 *
 * SPDX-License-Identifier: MIT
 *
 * Every function may be called from any thread: one connection, one lock. Every call that
 * writes more than one row does it in one transaction, so a process killed at any moment
 * leaves the database as it was before the call or as it is after it.
 */

#pragma once

#include <sqlite3.h>

#include "yun-core-private.h"

G_BEGIN_DECLS

/* Everything a full sync learnt about one region. */
typedef struct
{
  char *region;
  GPtrArray *instances;      /* YunInstance */
  GPtrArray *zones;          /* YunZone */
  GPtrArray *images;         /* YunImage */
  GPtrArray *instance_types; /* YunInstanceTypeQuota */
} YunRegionSnapshot;

YunRegionSnapshot *_yun_region_snapshot_new (const char *region);
void _yun_region_snapshot_free (YunRegionSnapshot *snapshot);

/* What a write changed in the instances table, for the models. */
typedef struct
{
  GPtrArray *added;    /* YunInstance */
  GPtrArray *changed;  /* YunInstance, the new version */
  GPtrArray *vanished; /* char *, instance IDs */
  GPtrArray *changes;  /* YunInstanceChange, the same, as told to the user */
} YunCacheDiff;

YunCacheDiff *_yun_cache_diff_new (void);
void _yun_cache_diff_free (YunCacheDiff *diff);
gboolean _yun_cache_diff_is_empty (YunCacheDiff *diff);

/* One row of the regions table, with its instance count. */
typedef struct
{
  char *region;
  char *name;
  char *state;
  gint64 synced_at;    /* unix seconds of the last complete sync, 0 for never */
  gint64 attempted_at; /* unix seconds of the last attempt, 0 for never */
  char *error_code;    /* Tencent's code (or a YunError name) of the last failed attempt */
  char *error_message;
  guint n_instances;
} YunCacheRegionRow;

void _yun_cache_region_row_free (YunCacheRegionRow *row);

/* Builds an older schema, for the migration tests. */
YunCache *_yun_cache_open_at_version (const char *path, guint version, GError **error);
guint _yun_cache_get_schema_version (YunCache *self);
/* The connection, for the other files that keep tables in this database (the journal):
 * held under the cache's lock, from _yun_cache_lock() to _yun_cache_unlock(). */
sqlite3 *_yun_cache_lock (YunCache *self);
void _yun_cache_unlock (YunCache *self);
/* What failed, for the message of a database error. */
typedef enum
{
  YUN_CACHE_FAILED_OPEN,
  YUN_CACHE_FAILED_UNUSABLE,
  YUN_CACHE_FAILED_NOT_YUNDESK,
  YUN_CACHE_FAILED_UPGRADE,
  YUN_CACHE_FAILED_READ,
  YUN_CACHE_FAILED_WRITE,
} YunCacheFailure;

void _yun_cache_set_error (YunCache *self, GError **error, YunCacheFailure failure);
/* Statement helpers for those files, under the lock: errors name the database. */
sqlite3_stmt *_yun_cache_prepare (YunCache *self, const char *sql, GError **error);
gboolean _yun_cache_step (YunCache *self, sqlite3_stmt *statement, GError **error);
gboolean _yun_cache_begin (YunCache *self, GError **error);
gboolean _yun_cache_commit (YunCache *self, GError **error);
void _yun_cache_rollback (YunCache *self);
void _yun_cache_bind_text (sqlite3_stmt *statement, int index, const char *text);
char *_yun_cache_column_text (sqlite3_stmt *statement, int column);
/* Runs @func with the connection, under the lock (tests and benchmarks only). */
void _yun_cache_with_db (YunCache *self, void (*func) (sqlite3 *db, gpointer data), gpointer data);

/* Writes. @now is unix seconds. The diff, when given, receives what changed. */
gboolean
_yun_cache_store_regions (YunCache *self, const char *account, GPtrArray *regions, GError **error);
gboolean _yun_cache_store_region (YunCache *self,
                                  const char *account,
                                  YunRegionSnapshot *snapshot,
                                  gint64 now,
                                  YunCacheDiff *diff,
                                  GError **error);
gboolean _yun_cache_store_region_error (YunCache *self,
                                        const char *account,
                                        const char *region,
                                        const GError *sync_error,
                                        gint64 now,
                                        GError **error);
/* The answer of DescribeInstances for @instance_ids: the instances found replace their
 * rows; an ID asked for and not found has vanished. */
gboolean _yun_cache_store_instances (YunCache *self,
                                     const char *account,
                                     const char *region,
                                     const char *const *instance_ids,
                                     GPtrArray *instances,
                                     gint64 now,
                                     YunCacheDiff *diff,
                                     GError **error);

/* Reads: GPtrArrays that own their elements. @region may be NULL for every region. */
GPtrArray *
_yun_cache_load_instances (YunCache *self, const char *account, const char *region, GError **error);
GPtrArray *_yun_cache_load_regions (YunCache *self, const char *account, GError **error);
GPtrArray *_yun_cache_load_region_rows (YunCache *self, const char *account, GError **error);
GPtrArray *
_yun_cache_load_zones (YunCache *self, const char *account, const char *region, GError **error);
GPtrArray *
_yun_cache_load_images (YunCache *self, const char *account, const char *region, GError **error);
GPtrArray *_yun_cache_load_instance_types (YunCache *self,
                                           const char *account,
                                           const char *region,
                                           GError **error);
/* The most recent changes first, at most @limit. */
GPtrArray *
_yun_cache_load_changes (YunCache *self, const char *account, guint limit, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunRegionSnapshot, _yun_region_snapshot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunCacheDiff, _yun_cache_diff_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunCacheRegionRow, _yun_cache_region_row_free)

G_END_DECLS
