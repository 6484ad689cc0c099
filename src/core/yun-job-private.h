/* yun-job-private.h: jobs as the engine and the journal hold them
 *
 * SPDX-License-Identifier: MIT
 *
 * A YunJobRecord belongs to one thread at a time: the engine's worker while the job runs.
 * The main thread sees it through YunJob and YunJobItem objects, updated from copies.
 */

#pragma once

#include "yun-cache-private.h"
#include "yun-cvm-private.h"

G_BEGIN_DECLS

struct _YunJobSpec
{
  gatomicrefcount ref_count;

  YunJobKind kind;
  GPtrArray *instance_ids; /* char * */
  GPtrArray *regions;      /* char *, one per instance ID */
  char *stop_type;
  char *stopped_mode;
  char *password; /* secret: wiped on free, never journaled */
  char *username;
  char *create_region;
  YunRunInstancesRequest *create_request;
  guint timeout;
  gboolean dry_run;
  gboolean remember_password;
  /* run-command */
  GBytes *command;
  gboolean command_secret;
  char *command_name;
  guint command_timeout;
  char *os_user[YUN_OS_FAMILY_WINDOWS + 1];
  char *os_directory[YUN_OS_FAMILY_WINDOWS + 1];
  /* ssh-exec, sftp-upload; the login password is @password */
  char *ssh_user;
  char *ssh_windows_user;
  guint ssh_port;
  char *ssh_known_hosts;
  gboolean ssh_accept_new;
  char *ssh_identity_directory;
  char *upload_local;
  char *upload_remote;
  int upload_mode;
};

typedef struct
{
  guint index;
  char *instance_id; /* NULL for an instance a create job has not made yet */
  char *region;
  char *name;
  YunJobStep step;
  YunJobOutcome outcome;
  char *reason;
  char *code;
  char *message;
  char *request_id;
  /* LatestOperationRequestId before this item's call: if it changed to an operation of
   * ours, a call whose answer was lost was applied and must not be sent again. */
  char *before_request_id;
  char *client_token;
  char *source_state;
  guint attempts;
  gint64 started_at;
  gint64 finished_at;
  /* run-command: the invocation that carries the task, and what the task answered */
  char *invocation_id;
  gboolean has_exit_code;
  int exit_code;
  char *output;
} YunJobRecordItem;

typedef struct
{
  gint64 id;
  YunJobKind kind;
  json_object *params; /* never a secret */
  gboolean dry_run;
  gboolean finished;
  gboolean cancel_requested;
  gint64 created_at;
  gint64 finished_at;
  GPtrArray *items; /* YunJobRecordItem */
} YunJobRecord;

YunJobRecordItem *_yun_job_record_item_copy (const YunJobRecordItem *item);
void _yun_job_record_item_free (YunJobRecordItem *item);
YunJobRecord *_yun_job_record_new (YunJobKind kind);
void _yun_job_record_free (YunJobRecord *record);

/* The journal, in the cache's database. Each call is one transaction. */
gboolean
_yun_journal_create (YunCache *cache, const char *account, YunJobRecord *record, GError **error);
gboolean
_yun_journal_update_items (YunCache *cache, YunJobRecord *record, GPtrArray *items, GError **error);
gboolean _yun_journal_finish (YunCache *cache, YunJobRecord *record, GError **error);
gboolean _yun_journal_request_cancel (YunCache *cache, gint64 job_id, GError **error);
gboolean _yun_journal_cancel_requested (YunCache *cache, gint64 job_id);
/* The run-command parameters (never a secret one) of the commands run lately. */
void _yun_journal_remember_command (YunCache *cache, const char *account, json_object *params);
GPtrArray *_yun_journal_load_recent_commands (YunCache *cache,
                                              const char *account,
                                              guint limit,
                                              GError **error);
GPtrArray *_yun_journal_load (
  YunCache *cache, const char *account, gboolean unfinished_only, guint limit, GError **error);

/* YunJob and YunJobItem, from the engine. */
YunJob *_yun_job_new_from_record (YunJobRecord *record);
void _yun_job_update_items (YunJob *self, GPtrArray *items);
void _yun_job_set_finished (YunJob *self, gint64 finished_at);
void _yun_job_set_id (YunJob *self, gint64 id);
typedef void (*YunJobCancelFunc) (YunJob *job, gpointer user_data);
void _yun_job_set_cancel_func (YunJob *self, YunJobCancelFunc func, gpointer user_data);
YunJobItem *_yun_job_item_new (const YunJobRecordItem *item);
void _yun_job_item_update (YunJobItem *self, const YunJobRecordItem *item);

/* The spec's parameters as journaled: never a secret. */
json_object *_yun_job_spec_params_to_json (YunJobSpec *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunJobRecord, _yun_job_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunJobRecordItem, _yun_job_record_item_free)

G_END_DECLS
