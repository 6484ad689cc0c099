/* yun-job.h: one user intent over many instances, and its progress
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-cvm.h>
#include <yun/yun-job-item.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_JOB (yun_job_get_type ())
#define YUN_TYPE_JOB_KIND (yun_job_kind_get_type ())
#define YUN_TYPE_JOB_SPEC (yun_job_spec_get_type ())

/* A create job makes at most this many instances (in calls of 100). */
#define YUN_JOB_MAX_CREATE_COUNT 2000

/**
 * YunJobKind:
 * @YUN_JOB_KIND_START: StartInstances
 * @YUN_JOB_KIND_STOP: StopInstances
 * @YUN_JOB_KIND_REBOOT: RebootInstances
 * @YUN_JOB_KIND_TERMINATE: TerminateInstances
 * @YUN_JOB_KIND_RESET_PASSWORD: ResetInstancesPassword; running instances are stopped for it
 *   and started again
 * @YUN_JOB_KIND_CREATE: RunInstances
 * @YUN_JOB_KIND_RUN_COMMAND: a command through TAT's RunCommand, one invocation per region
 *   and OS
 * @YUN_JOB_KIND_SSH_EXEC: a command over SSH to each instance's public address, for
 *   instances without the TAT agent; never sent twice (a resumed job reports an item that
 *   may have been sent as unknown)
 * @YUN_JOB_KIND_SFTP_UPLOAD: a local file uploaded over SFTP to each instance (into a
 *   temporary file renamed into place, so a resumed job sends it again)
 */
typedef enum
{
  YUN_JOB_KIND_START,
  YUN_JOB_KIND_STOP,
  YUN_JOB_KIND_REBOOT,
  YUN_JOB_KIND_TERMINATE,
  YUN_JOB_KIND_RESET_PASSWORD,
  YUN_JOB_KIND_CREATE,
  YUN_JOB_KIND_RUN_COMMAND,
  YUN_JOB_KIND_SSH_EXEC,
  YUN_JOB_KIND_SFTP_UPLOAD,
} YunJobKind;

GType yun_job_kind_get_type (void) G_GNUC_CONST;
const char *yun_job_kind_to_string (YunJobKind kind);
gboolean yun_job_kind_from_string (const char *text, YunJobKind *kind);
const char *yun_job_kind_get_action (YunJobKind kind);

/* What to do: a reference-counted builder, handed to yun_job_engine_submit(). */
typedef struct _YunJobSpec YunJobSpec;

GType yun_job_spec_get_type (void) G_GNUC_CONST;
YunJobSpec *yun_job_spec_new (YunJobKind kind);
YunJobSpec *yun_job_spec_ref (YunJobSpec *self);
void yun_job_spec_unref (YunJobSpec *self);
YunJobKind yun_job_spec_get_kind (YunJobSpec *self);
void yun_job_spec_add_instance (YunJobSpec *self, const char *instance_id, const char *region);
guint yun_job_spec_get_n_instances (YunJobSpec *self);
void yun_job_spec_set_stop_type (YunJobSpec *self, const char *stop_type);
void yun_job_spec_set_stopped_mode (YunJobSpec *self, const char *stopped_mode);
void yun_job_spec_set_password (YunJobSpec *self, const char *password, const char *username);
void
yun_job_spec_set_create (YunJobSpec *self, const char *region, YunRunInstancesRequest *request);
void yun_job_spec_set_timeout (YunJobSpec *self, guint seconds);
void yun_job_spec_set_dry_run (YunJobSpec *self, gboolean dry_run);
void yun_job_spec_set_remember_password (YunJobSpec *self, gboolean remember);
gboolean
yun_job_spec_set_command (YunJobSpec *self, GBytes *content, guint timeout_seconds, GError **error);
GBytes *yun_job_spec_get_command (YunJobSpec *self);
const char *yun_job_spec_get_command_name (YunJobSpec *self);
void yun_job_spec_set_command_name (YunJobSpec *self, const char *name);
void yun_job_spec_set_command_secret (YunJobSpec *self, gboolean secret);
void yun_job_spec_set_command_os_options (YunJobSpec *self,
                                          YunOsFamily os_family,
                                          const char *username,
                                          const char *working_directory);

void yun_job_spec_set_ssh_login (
  YunJobSpec *self, const char *user, const char *windows_user, guint port, const char *password);
void yun_job_spec_set_ssh_host_keys (YunJobSpec *self,
                                     const char *known_hosts_file,
                                     gboolean accept_new);
void yun_job_spec_set_ssh_identity_directory (YunJobSpec *self, const char *path);
gboolean yun_job_spec_set_upload (
  YunJobSpec *self, const char *local_path, const char *remote_path, int mode, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunJobSpec, yun_job_spec_unref)

G_DECLARE_FINAL_TYPE (YunJob, yun_job, YUN, JOB, GObject)

gint64 yun_job_get_id (YunJob *self);
YunJobKind yun_job_get_kind (YunJob *self);
gboolean yun_job_get_dry_run (YunJob *self);
gboolean yun_job_get_finished (YunJob *self);
gboolean yun_job_get_cancel_requested (YunJob *self);
GDateTime *yun_job_get_created_at (YunJob *self);
GDateTime *yun_job_get_finished_at (YunJob *self);
guint yun_job_get_n_items (YunJob *self);
guint yun_job_get_n_done (YunJob *self);
guint yun_job_get_n_outcome (YunJob *self, YunJobOutcome outcome);
GListModel *yun_job_get_items (YunJob *self);
const char *yun_job_get_summary (YunJob *self);

void yun_job_cancel (YunJob *self);

char *yun_job_to_csv (YunJob *self);
char *yun_job_to_json (YunJob *self);

G_END_DECLS
