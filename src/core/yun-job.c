/* yun-job.c: one user intent over many instances, and its progress
 *
 * SPDX-License-Identifier: MIT
 *
 * A YunJob lives on the main thread and mirrors the journal: the engine's worker sends it
 * copies of the items it changed, in batches. It can be exported as CSV or JSON for the
 * record, in the shape scripts rely on (see yun_job_to_json()).
 */

#define G_LOG_DOMAIN "yun-job"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "yun-job-private.h"
#include "yun-models-private.h"

/* ---- Kinds ---- */

static const GEnumValue kind_values[] = {
  { YUN_JOB_KIND_START, "YUN_JOB_KIND_START", "start" },
  { YUN_JOB_KIND_STOP, "YUN_JOB_KIND_STOP", "stop" },
  { YUN_JOB_KIND_REBOOT, "YUN_JOB_KIND_REBOOT", "reboot" },
  { YUN_JOB_KIND_TERMINATE, "YUN_JOB_KIND_TERMINATE", "terminate" },
  { YUN_JOB_KIND_RESET_PASSWORD, "YUN_JOB_KIND_RESET_PASSWORD", "reset-password" },
  { YUN_JOB_KIND_CREATE, "YUN_JOB_KIND_CREATE", "create" },
  { YUN_JOB_KIND_RUN_COMMAND, "YUN_JOB_KIND_RUN_COMMAND", "run-command" },
  { YUN_JOB_KIND_SSH_EXEC, "YUN_JOB_KIND_SSH_EXEC", "ssh-exec" },
  { YUN_JOB_KIND_SFTP_UPLOAD, "YUN_JOB_KIND_SFTP_UPLOAD", "sftp-upload" },
  { 0, NULL, NULL },
};

GType
yun_job_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("YunJobKind", kind_values));
  return type;
}

/**
 * yun_job_kind_to_string:
 * @kind: a #YunJobKind
 *
 * Returns: `start`, `stop`, `reboot`, `terminate`, `reset-password`, `create`,
 *   `run-command`, `ssh-exec` or `sftp-upload`
 */
const char *
yun_job_kind_to_string (YunJobKind kind)
{
  g_return_val_if_fail (kind <= YUN_JOB_KIND_SFTP_UPLOAD, "start");
  return kind_values[kind].value_nick;
}

/**
 * yun_job_kind_get_action:
 * @kind: a #YunJobKind
 *
 * Returns: the CVM action a job of @kind sends, such as `StopInstances` (`SSH` and `SFTP`
 *   for the kinds that talk to the instances themselves)
 */
const char *
yun_job_kind_get_action (YunJobKind kind)
{
  static const char *const actions[] = {
    [YUN_JOB_KIND_START] = "StartInstances",
    [YUN_JOB_KIND_STOP] = "StopInstances",
    [YUN_JOB_KIND_REBOOT] = "RebootInstances",
    [YUN_JOB_KIND_TERMINATE] = "TerminateInstances",
    [YUN_JOB_KIND_RESET_PASSWORD] = "ResetInstancesPassword",
    [YUN_JOB_KIND_CREATE] = "RunInstances",
    [YUN_JOB_KIND_RUN_COMMAND] = "RunCommand",
    [YUN_JOB_KIND_SSH_EXEC] = "SSH",
    [YUN_JOB_KIND_SFTP_UPLOAD] = "SFTP",
  };

  g_return_val_if_fail (kind < G_N_ELEMENTS (actions), NULL);
  return actions[kind];
}

/**
 * yun_job_kind_from_string:
 * @text: a kind's name, as yun_job_kind_to_string() gives it
 * @kind: (out): the kind
 *
 * Returns: whether @text names a kind
 */
gboolean
yun_job_kind_from_string (const char *text, YunJobKind *kind)
{
  for (guint i = 0; kind_values[i].value_nick != NULL; i++)
    if (g_strcmp0 (text, kind_values[i].value_nick) == 0)
      {
        *kind = kind_values[i].value;
        return TRUE;
      }
  return FALSE;
}

/* ---- YunJobSpec ---- */

G_DEFINE_BOXED_TYPE (YunJobSpec, yun_job_spec, yun_job_spec_ref, yun_job_spec_unref)

/**
 * yun_job_spec_new:
 * @kind: what the job does
 *
 * Returns: (transfer full): an empty specification; add instances (or, for a create job,
 *   the request) before submitting it
 */
YunJobSpec *
yun_job_spec_new (YunJobKind kind)
{
  YunJobSpec *self = g_new0 (YunJobSpec, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->instance_ids = g_ptr_array_new_with_free_func (g_free);
  self->regions = g_ptr_array_new_with_free_func (g_free);
  self->upload_mode = -1;
  return self;
}

YunJobSpec *
yun_job_spec_ref (YunJobSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
yun_job_spec_unref (YunJobSpec *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->instance_ids);
  g_ptr_array_unref (self->regions);
  g_free (self->stop_type);
  g_free (self->stopped_mode);
  yun_secret_free (self->password);
  g_free (self->username);
  g_free (self->create_region);
  g_clear_pointer (&self->create_request, yun_run_instances_request_unref);
  g_clear_pointer (&self->command, g_bytes_unref);
  g_free (self->command_name);
  for (guint i = 0; i < G_N_ELEMENTS (self->os_user); i++)
    {
      g_free (self->os_user[i]);
      g_free (self->os_directory[i]);
    }
  g_free (self->ssh_user);
  g_free (self->ssh_windows_user);
  g_free (self->ssh_known_hosts);
  g_free (self->ssh_identity_directory);
  g_free (self->upload_local);
  g_free (self->upload_remote);
  g_free (self);
}

YunJobKind
yun_job_spec_get_kind (YunJobSpec *self)
{
  g_return_val_if_fail (self != NULL, YUN_JOB_KIND_START);
  return self->kind;
}

/**
 * yun_job_spec_add_instance:
 * @self: a #YunJobSpec
 * @instance_id: an instance ID
 * @region: its region
 *
 * Adds an instance; one already added is ignored.
 */
void
yun_job_spec_add_instance (YunJobSpec *self, const char *instance_id, const char *region)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (instance_id != NULL && region != NULL);

  for (guint i = 0; i < self->instance_ids->len; i++)
    if (g_str_equal (self->instance_ids->pdata[i], instance_id))
      return;
  g_ptr_array_add (self->instance_ids, g_strdup (instance_id));
  g_ptr_array_add (self->regions, g_strdup (region));
}

guint
yun_job_spec_get_n_instances (YunJobSpec *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->instance_ids->len;
}

/**
 * yun_job_spec_set_stop_type:
 * @self: a #YunJobSpec
 * @stop_type: (nullable): `SOFT`, `HARD` or `SOFT_FIRST`, for stop and reboot
 */
void
yun_job_spec_set_stop_type (YunJobSpec *self, const char *stop_type)
{
  g_return_if_fail (self != NULL);
  g_free (self->stop_type);
  self->stop_type = g_strdup (stop_type);
}

/**
 * yun_job_spec_set_stopped_mode:
 * @self: a #YunJobSpec
 * @stopped_mode: (nullable): `KEEP_CHARGING` or `STOP_CHARGING`, for stop
 */
void
yun_job_spec_set_stopped_mode (YunJobSpec *self, const char *stopped_mode)
{
  g_return_if_fail (self != NULL);
  g_free (self->stopped_mode);
  self->stopped_mode = g_strdup (stopped_mode);
}

/**
 * yun_job_spec_set_password:
 * @self: a #YunJobSpec
 * @password: the new password, for reset-password; kept in memory only (and in the secret
 *   store while the job runs, so a restarted YunDesk can finish it)
 * @username: (nullable): the account to reset, or %NULL for the image's default
 */
void
yun_job_spec_set_password (YunJobSpec *self, const char *password, const char *username)
{
  g_return_if_fail (self != NULL);
  yun_secret_free (self->password);
  self->password = g_strdup (password);
  g_free (self->username);
  self->username = g_strdup (username);
}

/**
 * yun_job_spec_set_remember_password:
 * @self: a #YunJobSpec
 * @remember: keep the new password of each instance that got it in the secret store, for
 *   the user to see and copy later (reset-password and create jobs)
 */
void
yun_job_spec_set_remember_password (YunJobSpec *self, gboolean remember)
{
  g_return_if_fail (self != NULL);
  self->remember_password = remember;
}

/**
 * yun_job_spec_set_command:
 * @self: a #YunJobSpec
 * @content: the script, UTF-8 text
 * @timeout_seconds: how long it may run, 0 for TAT's default of 60 s
 * @error: return location for a #GError
 *
 * What a run-command job runs: SHELL on Linux, POWERSHELL on Windows, each instance's OS
 * deciding. The script must be UTF-8 and fit TAT's limit of 64 KB once in base64.
 *
 * Returns: %FALSE with a %YUN_ERROR_INVALID_PARAMETER error when @content is refused
 */
gboolean
yun_job_spec_set_command (YunJobSpec *self, GBytes *content, guint timeout_seconds, GError **error)
{
  gsize length = 0;
  const char *data;
  gsize encoded;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);

  data = g_bytes_get_data (content, &length);
  encoded = (length + 2) / 3 * 4;
  if (length == 0)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The command is empty"));
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL) || memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The command is not UTF-8 text: save the script as UTF-8 and try "
                              "again"));
      return FALSE;
    }
  if (encoded > YUN_TAT_MAX_CONTENT_BASE64)
    {
      g_set_error (
        error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
        _ ("The command is too long: %zu bytes take %zu in base64, and TAT takes at most "
           "%u (a script of up to %u bytes)"),
        length, encoded, YUN_TAT_MAX_CONTENT_BASE64, YUN_TAT_MAX_CONTENT_BASE64 / 4 * 3);
      return FALSE;
    }
  if (timeout_seconds > YUN_TAT_MAX_TIMEOUT)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("A command's timeout is at most %u s"), YUN_TAT_MAX_TIMEOUT);
      return FALSE;
    }

  g_clear_pointer (&self->command, g_bytes_unref);
  self->command = g_bytes_ref (content);
  self->command_timeout = timeout_seconds;
  return TRUE;
}

/**
 * yun_job_spec_get_command:
 * @self: a #YunJobSpec
 *
 * Returns: (transfer none) (nullable): the script of a run-command job
 */
GBytes *
yun_job_spec_get_command (YunJobSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->command;
}

/**
 * yun_job_spec_get_command_name:
 * @self: a #YunJobSpec
 *
 * Returns: (nullable): the description of a run-command job
 */
const char *
yun_job_spec_get_command_name (YunJobSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->command_name;
}

/**
 * yun_job_spec_set_command_name:
 * @self: a #YunJobSpec
 * @name: (nullable): a description, shown in the TAT console
 */
void
yun_job_spec_set_command_name (YunJobSpec *self, const char *name)
{
  g_return_if_fail (self != NULL);
  g_free (self->command_name);
  self->command_name = g_strdup (name);
}

/**
 * yun_job_spec_set_command_secret:
 * @self: a #YunJobSpec
 * @secret: the script holds a secret: it is not journaled nor kept among the recent commands
 *   (while the job runs it waits in the secret store, like a password)
 */
void
yun_job_spec_set_command_secret (YunJobSpec *self, gboolean secret)
{
  g_return_if_fail (self != NULL);
  self->command_secret = secret;
}

/**
 * yun_job_spec_set_command_os_options:
 * @self: a #YunJobSpec
 * @os_family: %YUN_OS_FAMILY_LINUX or %YUN_OS_FAMILY_WINDOWS
 * @username: (nullable): the user that runs the script, %NULL for the default (`root`,
 *   `System`)
 * @working_directory: (nullable): where it runs, %NULL for the default (`/root`, the agent's
 *   work folder)
 */
void
yun_job_spec_set_command_os_options (YunJobSpec *self,
                                     YunOsFamily os_family,
                                     const char *username,
                                     const char *working_directory)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (os_family == YUN_OS_FAMILY_LINUX || os_family == YUN_OS_FAMILY_WINDOWS);

  g_free (self->os_user[os_family]);
  self->os_user[os_family] = g_strdup (username);
  g_free (self->os_directory[os_family]);
  self->os_directory[os_family] = g_strdup (working_directory);
}

/**
 * yun_job_spec_set_create:
 * @self: a #YunJobSpec
 * @region: the region to create in
 * @request: what to create, its count included
 */
void
yun_job_spec_set_create (YunJobSpec *self, const char *region, YunRunInstancesRequest *request)
{
  g_return_if_fail (self != NULL);
  g_free (self->create_region);
  self->create_region = g_strdup (region);
  g_clear_pointer (&self->create_request, yun_run_instances_request_unref);
  self->create_request = request != NULL ? yun_run_instances_request_ref (request) : NULL;
}

/**
 * yun_job_spec_set_timeout:
 * @self: a #YunJobSpec
 * @seconds: how long an instance may take to reach its target state, 0 for the default
 */
void
yun_job_spec_set_timeout (YunJobSpec *self, guint seconds)
{
  g_return_if_fail (self != NULL);
  self->timeout = seconds;
}

/**
 * yun_job_spec_set_dry_run:
 * @self: a #YunJobSpec
 * @dry_run: only tell what would be sent and what would be skipped, and why
 */
void
yun_job_spec_set_dry_run (YunJobSpec *self, gboolean dry_run)
{
  g_return_if_fail (self != NULL);
  self->dry_run = dry_run;
}

/**
 * yun_job_spec_set_ssh_login:
 * @self: a #YunJobSpec of kind ssh-exec or sftp-upload
 * @user: (nullable): the login user on Linux (and any non-Windows) instances, %NULL for
 *   `root` (see yun_profile_get_ssh_user())
 * @windows_user: (nullable): the login user on Windows instances, %NULL for `Administrator`
 * @port: the SSH port, 0 for 22 (see yun_profile_get_ssh_port())
 * @password: (nullable): the login password, tried after ssh-agent and the key files; kept
 *   in memory (and in the secret store while the job runs), never journaled. Without one,
 *   an instance's remembered password (yun_job_spec_set_remember_password()) is tried.
 */
void
yun_job_spec_set_ssh_login (
  YunJobSpec *self, const char *user, const char *windows_user, guint port, const char *password)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (port <= 65535);

  g_free (self->ssh_user);
  self->ssh_user = g_strdup (user);
  g_free (self->ssh_windows_user);
  self->ssh_windows_user = g_strdup (windows_user);
  self->ssh_port = port;
  yun_secret_free (self->password);
  self->password = g_strdup (password);
}

/**
 * yun_job_spec_set_ssh_host_keys:
 * @self: a #YunJobSpec of kind ssh-exec or sftp-upload
 * @known_hosts_file: (nullable): the known-hosts file, %NULL for `~/.ssh/known_hosts`
 * @accept_new: record the key of a server the file does not know yet and go on (as
 *   OpenSSH's `StrictHostKeyChecking=accept-new`); by default such an instance fails with
 *   the code `HostKeyUnknown`. A changed key always fails (`HostKeyChanged`).
 */
void
yun_job_spec_set_ssh_host_keys (YunJobSpec *self, const char *known_hosts_file, gboolean accept_new)
{
  g_return_if_fail (self != NULL);

  g_free (self->ssh_known_hosts);
  self->ssh_known_hosts = g_strdup (known_hosts_file);
  self->ssh_accept_new = !!accept_new;
}

/**
 * yun_job_spec_set_ssh_identity_directory:
 * @self: a #YunJobSpec of kind ssh-exec or sftp-upload
 * @path: (nullable): the folder of the key files to log in with, %NULL for `~/.ssh`
 */
void
yun_job_spec_set_ssh_identity_directory (YunJobSpec *self, const char *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->ssh_identity_directory);
  self->ssh_identity_directory = g_strdup (path);
}

/**
 * yun_job_spec_set_upload:
 * @self: a #YunJobSpec of kind sftp-upload
 * @local_path: the file to upload
 * @remote_path: where it goes on each instance; a file there is replaced
 * @mode: the remote file's permission bits, or -1 for the local file's
 * @error: return location for a #GError
 *
 * Returns: %FALSE with %YUN_ERROR_INVALID_PARAMETER when @local_path is not a readable
 *   regular file or @remote_path is empty
 */
gboolean
yun_job_spec_set_upload (
  YunJobSpec *self, const char *local_path, const char *remote_path, int mode, GError **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (local_path != NULL, FALSE);
  g_return_val_if_fail (mode >= -1 && mode <= 07777, FALSE);

  if (!g_file_test (local_path, G_FILE_TEST_IS_REGULAR) || g_access (local_path, R_OK) != 0)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("%s is not a file that can be read"), local_path);
      return FALSE;
    }
  if (remote_path == NULL || *remote_path == '\0')
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The remote path is empty"));
      return FALSE;
    }
  absolute = g_canonicalize_filename (local_path, NULL);
  g_free (self->upload_local);
  self->upload_local = g_steal_pointer (&absolute);
  g_free (self->upload_remote);
  self->upload_remote = g_strdup (remote_path);
  self->upload_mode = mode;
  return TRUE;
}

static void
add_optional_string (json_object *object, const char *key, const char *value)
{
  if (value != NULL)
    json_object_object_add (object, key, json_object_new_string (value));
}

json_object *
_yun_job_spec_params_to_json (YunJobSpec *spec)
{
  json_object *params = json_object_new_object ();

  add_optional_string (params, "StopType", spec->stop_type);
  add_optional_string (params, "StoppedMode", spec->stopped_mode);
  add_optional_string (params, "UserName", spec->username);
  if (spec->timeout > 0)
    json_object_object_add (params, "Timeout", json_object_new_int64 (spec->timeout));
  if (spec->remember_password)
    json_object_object_add (params, "RememberPassword", json_object_new_boolean (TRUE));
  if (spec->command != NULL)
    {
      gsize length = 0;
      const guchar *data = g_bytes_get_data (spec->command, &length);

      /* A secret script is not journaled: it waits in the secret store while the job runs. */
      if (spec->command_secret)
        json_object_object_add (params, "CommandSecret", json_object_new_boolean (TRUE));
      else
        {
          g_autofree char *encoded = g_base64_encode (data, length);
          json_object_object_add (params, "Command", json_object_new_string (encoded));
        }
      add_optional_string (params, "CommandName", spec->command_name);
      if (spec->command_timeout > 0)
        json_object_object_add (params, "CommandTimeout",
                                json_object_new_int64 (spec->command_timeout));
      add_optional_string (params, "LinuxUser", spec->os_user[YUN_OS_FAMILY_LINUX]);
      add_optional_string (params, "LinuxDirectory", spec->os_directory[YUN_OS_FAMILY_LINUX]);
      add_optional_string (params, "WindowsUser", spec->os_user[YUN_OS_FAMILY_WINDOWS]);
      add_optional_string (params, "WindowsDirectory", spec->os_directory[YUN_OS_FAMILY_WINDOWS]);
    }
  if (spec->kind == YUN_JOB_KIND_SSH_EXEC || spec->kind == YUN_JOB_KIND_SFTP_UPLOAD)
    {
      add_optional_string (params, "SshUser", spec->ssh_user);
      add_optional_string (params, "SshWindowsUser", spec->ssh_windows_user);
      if (spec->ssh_port > 0)
        json_object_object_add (params, "SshPort", json_object_new_int64 (spec->ssh_port));
      add_optional_string (params, "SshKnownHosts", spec->ssh_known_hosts);
      if (spec->ssh_accept_new)
        json_object_object_add (params, "SshAcceptNewHostKeys", json_object_new_boolean (TRUE));
      add_optional_string (params, "SshIdentityDirectory", spec->ssh_identity_directory);
      /* Only that there is one: the password waits in the secret store while the job runs. */
      if (spec->password != NULL)
        json_object_object_add (params, "HasPassword", json_object_new_boolean (TRUE));
      add_optional_string (params, "LocalPath", spec->upload_local);
      add_optional_string (params, "RemotePath", spec->upload_remote);
      if (spec->upload_mode >= 0)
        json_object_object_add (params, "RemoteMode", json_object_new_int64 (spec->upload_mode));
    }
  return params;
}

/* ---- Records ---- */

YunJobRecordItem *
_yun_job_record_item_copy (const YunJobRecordItem *item)
{
  YunJobRecordItem *copy = g_new0 (YunJobRecordItem, 1);

  *copy = *item;
  copy->instance_id = g_strdup (item->instance_id);
  copy->region = g_strdup (item->region);
  copy->name = g_strdup (item->name);
  copy->reason = g_strdup (item->reason);
  copy->code = g_strdup (item->code);
  copy->message = g_strdup (item->message);
  copy->request_id = g_strdup (item->request_id);
  copy->before_request_id = g_strdup (item->before_request_id);
  copy->client_token = g_strdup (item->client_token);
  copy->source_state = g_strdup (item->source_state);
  copy->invocation_id = g_strdup (item->invocation_id);
  copy->output = g_strdup (item->output);
  return copy;
}

void
_yun_job_record_item_free (YunJobRecordItem *item)
{
  if (item == NULL)
    return;
  g_free (item->instance_id);
  g_free (item->region);
  g_free (item->name);
  g_free (item->reason);
  g_free (item->code);
  g_free (item->message);
  g_free (item->request_id);
  g_free (item->before_request_id);
  g_free (item->client_token);
  g_free (item->source_state);
  g_free (item->invocation_id);
  g_free (item->output);
  g_free (item);
}

YunJobRecord *
_yun_job_record_new (YunJobKind kind)
{
  YunJobRecord *record = g_new0 (YunJobRecord, 1);

  record->kind = kind;
  record->items = g_ptr_array_new_with_free_func ((GDestroyNotify) _yun_job_record_item_free);
  return record;
}

void
_yun_job_record_free (YunJobRecord *record)
{
  if (record == NULL)
    return;
  g_clear_pointer (&record->params, json_object_put);
  g_ptr_array_unref (record->items);
  g_free (record);
}

/* ---- YunJob ---- */

struct _YunJob
{
  GObject parent_instance;

  gint64 id;
  YunJobKind kind;
  gboolean dry_run;
  gboolean finished;
  gboolean cancel_requested;
  gint64 created_at;
  gint64 finished_at;
  GListStore *items;
  guint counts[YUN_JOB_OUTCOME_WOULD_SEND + 1];
  char *summary;

  YunJobCancelFunc cancel_func;
  gpointer cancel_data;
};

G_DEFINE_FINAL_TYPE (YunJob, yun_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_DRY_RUN,
  PROP_FINISHED,
  PROP_CANCEL_REQUESTED,
  PROP_N_ITEMS,
  PROP_N_DONE,
  PROP_N_SUCCEEDED,
  PROP_N_FAILED,
  PROP_N_SKIPPED,
  PROP_N_CANCELLED,
  PROP_SUMMARY,
  N_PROPS
};

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
yun_job_finalize (GObject *object)
{
  YunJob *self = (YunJob *) object;

  g_clear_object (&self->items);
  g_free (self->summary);

  G_OBJECT_CLASS (yun_job_parent_class)->finalize (object);
}

static void
yun_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunJob *self = YUN_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_DRY_RUN:
      g_value_set_boolean (value, self->dry_run);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;
    case PROP_CANCEL_REQUESTED:
      g_value_set_boolean (value, self->cancel_requested);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, yun_job_get_n_items (self));
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, yun_job_get_n_done (self));
      break;
    case PROP_N_SUCCEEDED:
      g_value_set_uint (value, self->counts[YUN_JOB_OUTCOME_SUCCEEDED]);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->counts[YUN_JOB_OUTCOME_FAILED]);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->counts[YUN_JOB_OUTCOME_SKIPPED]);
      break;
    case PROP_N_CANCELLED:
      g_value_set_uint (value, self->counts[YUN_JOB_OUTCOME_CANCELLED]);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, yun_job_get_summary (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_job_class_init (YunJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = yun_job_finalize;
  object_class->get_property = yun_job_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND]
    = g_param_spec_enum ("kind", NULL, NULL, YUN_TYPE_JOB_KIND, YUN_JOB_KIND_START, flags);
  properties[PROP_DRY_RUN] = g_param_spec_boolean ("dry-run", NULL, NULL, FALSE, flags);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, flags);
  properties[PROP_CANCEL_REQUESTED]
    = g_param_spec_boolean ("cancel-requested", NULL, NULL, FALSE, flags);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_SUCCEEDED]
    = g_param_spec_uint ("n-succeeded", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_SKIPPED] = g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_CANCELLED]
    = g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YunJob::finished:
   * @self: the job
   *
   * Every item has its outcome.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
yun_job_init (YunJob *self)
{
  self->items = g_list_store_new (YUN_TYPE_JOB_ITEM);
}

YunJob *
_yun_job_new_from_record (YunJobRecord *record)
{
  YunJob *self = g_object_new (YUN_TYPE_JOB, NULL);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  self->id = record->id;
  self->kind = record->kind;
  self->dry_run = record->dry_run;
  self->finished = record->finished;
  self->cancel_requested = record->cancel_requested;
  self->created_at = record->created_at;
  self->finished_at = record->finished_at;
  for (guint i = 0; i < record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (record->items, i);

      g_ptr_array_add (items, _yun_job_item_new (item));
      self->counts[item->outcome]++;
    }
  g_list_store_splice (self->items, 0, 0, items->pdata, items->len);
  return self;
}

static void
invalidate_summary (YunJob *self)
{
  g_clear_pointer (&self->summary, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

void
_yun_job_update_items (YunJob *self, GPtrArray *items)
{
  guint before[G_N_ELEMENTS (self->counts)];

  memcpy (before, self->counts, sizeof before);
  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *record = g_ptr_array_index (items, i);
      g_autoptr (YunJobItem) item
        = g_list_model_get_item (G_LIST_MODEL (self->items), record->index);

      g_return_if_fail (item != NULL);
      self->counts[yun_job_item_get_outcome (item)]--;
      self->counts[record->outcome]++;
      _yun_job_item_update (item, record);
    }

  if (memcmp (before, self->counts, sizeof before) == 0)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SUCCEEDED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CANCELLED]);
  invalidate_summary (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_yun_job_set_finished (YunJob *self, gint64 finished_at)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  self->finished_at = finished_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  invalidate_summary (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

void
_yun_job_set_id (YunJob *self, gint64 id)
{
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

void
_yun_job_set_cancel_func (YunJob *self, YunJobCancelFunc func, gpointer user_data)
{
  self->cancel_func = func;
  self->cancel_data = user_data;
}

gint64
yun_job_get_id (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), 0);
  return self->id;
}

YunJobKind
yun_job_get_kind (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), YUN_JOB_KIND_START);
  return self->kind;
}

gboolean
yun_job_get_dry_run (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), FALSE);
  return self->dry_run;
}

gboolean
yun_job_get_finished (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), FALSE);
  return self->finished;
}

gboolean
yun_job_get_cancel_requested (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), FALSE);
  return self->cancel_requested;
}

/**
 * yun_job_get_created_at:
 * @self: a #YunJob
 *
 * Returns: (transfer full): when the job was submitted
 */
GDateTime *
yun_job_get_created_at (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), NULL);
  return g_date_time_new_from_unix_utc (self->created_at);
}

/**
 * yun_job_get_finished_at:
 * @self: a #YunJob
 *
 * Returns: (transfer full) (nullable): when the last item got its outcome
 */
GDateTime *
yun_job_get_finished_at (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), NULL);
  return self->finished ? g_date_time_new_from_unix_utc (self->finished_at) : NULL;
}

guint
yun_job_get_n_items (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

guint
yun_job_get_n_done (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), 0);
  return yun_job_get_n_items (self) - self->counts[YUN_JOB_OUTCOME_PENDING];
}

guint
yun_job_get_n_outcome (YunJob *self, YunJobOutcome outcome)
{
  g_return_val_if_fail (YUN_IS_JOB (self), 0);
  g_return_val_if_fail (outcome < G_N_ELEMENTS (self->counts), 0);
  return self->counts[outcome];
}

/**
 * yun_job_get_items:
 * @self: a #YunJob
 *
 * Returns: (transfer none): a #GListModel of #YunJobItem, in the order of submission
 */
GListModel *
yun_job_get_items (YunJob *self)
{
  g_return_val_if_fail (YUN_IS_JOB (self), NULL);
  return G_LIST_MODEL (self->items);
}

/**
 * yun_job_get_summary:
 * @self: a #YunJob
 *
 * Returns: one line for people, such as "stop: 338 succeeded, 2 failed, 5 skipped of 345"
 */
const char *
yun_job_get_summary (YunJob *self)
{
  g_autoptr (GString) text = NULL;
  static const YunJobOutcome order[] = {
    YUN_JOB_OUTCOME_SUCCEEDED, YUN_JOB_OUTCOME_FAILED,     YUN_JOB_OUTCOME_SKIPPED,
    YUN_JOB_OUTCOME_CANCELLED, YUN_JOB_OUTCOME_WOULD_SEND, YUN_JOB_OUTCOME_PENDING,
  };
  gboolean first = TRUE;

  g_return_val_if_fail (YUN_IS_JOB (self), NULL);

  if (self->summary != NULL)
    return self->summary;

  text = g_string_new (yun_job_kind_to_string (self->kind));
  g_string_append (text, self->dry_run ? " (dry run): " : ": ");
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (self->counts[order[i]] > 0)
      {
        g_string_append_printf (text, "%s%u %s", first ? "" : ", ", self->counts[order[i]],
                                yun_job_outcome_to_string (order[i]));
        first = FALSE;
      }
  g_string_append_printf (text, "%sof %u", first ? "" : " ", yun_job_get_n_items (self));
  self->summary = g_string_free (g_steal_pointer (&text), FALSE);
  return self->summary;
}

/**
 * yun_job_cancel:
 * @self: a #YunJob
 *
 * Asks the job to stop: calls not sent yet are not sent and their items end
 * `cancelled`; what was sent is followed to its outcome and reported.
 */
void
yun_job_cancel (YunJob *self)
{
  g_return_if_fail (YUN_IS_JOB (self));

  if (self->finished || self->cancel_requested)
    return;
  self->cancel_requested = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCEL_REQUESTED]);
  if (self->cancel_func != NULL)
    self->cancel_func (self, self->cancel_data);
}

/* ---- Export ---- */

/**
 * yun_job_to_csv:
 * @self: a #YunJob
 *
 * Returns: (transfer full): one line per instance, with a header line
 */
char *
yun_job_to_csv (YunJob *self)
{
  GString *csv = g_string_new ("job,kind,instance_id,region,name,outcome,reason,code,message,"
                               "request_id,attempts,exit_code,output\n");
  GListModel *items = G_LIST_MODEL (self->items);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, self->id);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      g_autofree char *attempts = g_strdup_printf ("%u", yun_job_item_get_attempts (item));
      g_autofree char *exit_code = yun_job_item_get_has_exit_code (item)
                                     ? g_strdup_printf ("%d", yun_job_item_get_exit_code (item))
                                     : NULL;

      _yun_csv_append_field (csv, id);
      _yun_csv_append_field (csv, yun_job_kind_to_string (self->kind));
      _yun_csv_append_field (csv, yun_job_item_get_instance_id (item));
      _yun_csv_append_field (csv, yun_job_item_get_region (item));
      _yun_csv_append_field (csv, yun_job_item_get_name (item));
      _yun_csv_append_field (csv, yun_job_outcome_to_string (yun_job_item_get_outcome (item)));
      _yun_csv_append_field (csv, yun_job_item_get_reason (item));
      _yun_csv_append_field (csv, yun_job_item_get_code (item));
      _yun_csv_append_field (csv, yun_job_item_get_message (item));
      _yun_csv_append_field (csv, yun_job_item_get_request_id (item));
      _yun_csv_append_field (csv, attempts);
      _yun_csv_append_field (csv, exit_code);
      _yun_csv_append_field (csv, yun_job_item_get_output (item));
      g_string_append_c (csv, '\n');
    }
  return g_string_free (csv, FALSE);
}

static json_object *
optional_string (const char *value)
{
  return value != NULL ? json_object_new_string (value) : NULL;
}

/**
 * yun_job_to_json:
 * @self: a #YunJob
 *
 * The shape scripts rely on: `{"job": ID, "kind": …, "dry_run": …, "finished": …,
 * "items": [{"instance_id", "region", "name", "outcome", "reason", "code", "message",
 * "request_id", "attempts"}]}`, where outcome is one of `succeeded`, `failed`, `skipped`,
 * `cancelled` (and `pending` while running, `would-send` in a dry run).
 *
 * Returns: (transfer full): the job as JSON text
 */
char *
yun_job_to_json (YunJob *self)
{
  g_autoptr (json_object) root = json_object_new_object ();
  json_object *array = json_object_new_array ();
  GListModel *items = G_LIST_MODEL (self->items);

  json_object_object_add (root, "job", self->dry_run ? NULL : json_object_new_int64 (self->id));
  json_object_object_add (root, "kind",
                          json_object_new_string (yun_job_kind_to_string (self->kind)));
  json_object_object_add (root, "dry_run", json_object_new_boolean (self->dry_run));
  json_object_object_add (root, "finished", json_object_new_boolean (self->finished));
  json_object_object_add (root, "summary", json_object_new_string (yun_job_get_summary (self)));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      json_object *object = json_object_new_object ();

      json_object_object_add (object, "instance_id",
                              optional_string (yun_job_item_get_instance_id (item)));
      json_object_object_add (object, "region", optional_string (yun_job_item_get_region (item)));
      json_object_object_add (object, "name", optional_string (yun_job_item_get_name (item)));
      json_object_object_add (
        object, "outcome",
        json_object_new_string (yun_job_outcome_to_string (yun_job_item_get_outcome (item))));
      json_object_object_add (object, "reason", optional_string (yun_job_item_get_reason (item)));
      json_object_object_add (object, "code", optional_string (yun_job_item_get_code (item)));
      json_object_object_add (object, "message", optional_string (yun_job_item_get_message (item)));
      json_object_object_add (object, "request_id",
                              optional_string (yun_job_item_get_request_id (item)));
      json_object_object_add (object, "attempts",
                              json_object_new_int64 (yun_job_item_get_attempts (item)));
      if (self->kind == YUN_JOB_KIND_RUN_COMMAND || self->kind == YUN_JOB_KIND_SSH_EXEC)
        {
          json_object_object_add (object, "exit_code",
                                  yun_job_item_get_has_exit_code (item)
                                    ? json_object_new_int (yun_job_item_get_exit_code (item))
                                    : NULL);
          json_object_object_add (object, "output",
                                  optional_string (yun_job_item_get_output (item)));
        }
      json_object_array_add (array, object);
    }
  json_object_object_add (root, "items", array);
  return g_strdup (json_object_to_json_string_ext (
    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}
