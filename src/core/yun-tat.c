/* yun-tat.c: typed TAT (2020-10-28) calls
 *
 * SPDX-License-Identifier: MIT
 *
 * RunCommand and InvokeCommand change state and are sent YUN_CALL_MUTATING (a repeated
 * RunCommand would run the script twice); the Describe calls and CancelInvocation (asking
 * twice to cancel is harmless) are YUN_CALL_SAFE.
 */

#define G_LOG_DOMAIN "yun-tat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"
#include "yun-client-private.h"

#define PAGE_LIMIT 100

struct _YunCommandRequest
{
  gatomicrefcount ref_count;

  char *content; /* base64 */
  char *command_type;
  char *command_name;
  char *working_directory;
  guint timeout;
  char *username;
  gboolean save_command;
};

G_DEFINE_BOXED_TYPE (YunAgentStatus, yun_agent_status, yun_agent_status_copy, yun_agent_status_free)
G_DEFINE_BOXED_TYPE (YunCommandResult,
                     yun_command_result,
                     yun_command_result_copy,
                     yun_command_result_free)
G_DEFINE_BOXED_TYPE (YunCommandRequest,
                     yun_command_request,
                     yun_command_request_ref,
                     yun_command_request_unref)

/**
 * yun_agent_status_copy:
 * @self: a #YunAgentStatus
 *
 * Returns: (transfer full): a copy of @self
 */
YunAgentStatus *
yun_agent_status_copy (const YunAgentStatus *self)
{
  YunAgentStatus *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunAgentStatus, 1);
  copy->instance_id = g_strdup (self->instance_id);
  copy->agent_status = g_strdup (self->agent_status);
  copy->environment = g_strdup (self->environment);
  copy->version = g_strdup (self->version);
  copy->last_heartbeat_time
    = self->last_heartbeat_time != NULL ? g_date_time_ref (self->last_heartbeat_time) : NULL;
  copy->support_features = g_strdupv (self->support_features);
  return copy;
}

/**
 * yun_agent_status_free:
 * @self: (nullable): a #YunAgentStatus
 */
void
yun_agent_status_free (YunAgentStatus *self)
{
  if (self == NULL)
    return;
  g_free (self->instance_id);
  g_free (self->agent_status);
  g_free (self->environment);
  g_free (self->version);
  g_clear_pointer (&self->last_heartbeat_time, g_date_time_unref);
  g_strfreev (self->support_features);
  g_free (self);
}

/**
 * yun_agent_status_is_online:
 * @self: a #YunAgentStatus
 *
 * Returns: whether the agent is `Online` and can take commands
 */
gboolean
yun_agent_status_is_online (const YunAgentStatus *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_strcmp0 (self->agent_status, "Online") == 0;
}

/**
 * yun_agent_status_get_os_family:
 * @self: a #YunAgentStatus
 *
 * The agent's `Environment` is a reliable witness of the OS, better than `OsName`.
 *
 * Returns: the OS family the agent reports
 */
YunOsFamily
yun_agent_status_get_os_family (const YunAgentStatus *self)
{
  g_return_val_if_fail (self != NULL, YUN_OS_FAMILY_UNKNOWN);

  if (self->environment == NULL)
    return YUN_OS_FAMILY_UNKNOWN;
  if (g_ascii_strcasecmp (self->environment, "Windows") == 0)
    return YUN_OS_FAMILY_WINDOWS;
  if (g_ascii_strcasecmp (self->environment, "Linux") == 0)
    return YUN_OS_FAMILY_LINUX;
  return YUN_OS_FAMILY_UNKNOWN;
}

YunAgentStatus *
_yun_agent_status_new_from_json (json_object *json, GError **error)
{
  g_autoptr (YunAgentStatus) self = g_new0 (YunAgentStatus, 1);
  const char *A = "AutomationAgentInfo";

  if (!_yun_json_get_string (json, A, "InstanceId", TRUE, &self->instance_id, error)
      || !_yun_json_get_string (json, A, "AgentStatus", TRUE, &self->agent_status, error)
      || !_yun_json_get_string (json, A, "Environment", FALSE, &self->environment, error)
      || !_yun_json_get_string (json, A, "Version", FALSE, &self->version, error)
      || !_yun_json_get_datetime (json, A, "LastHeartbeatTime", FALSE, &self->last_heartbeat_time,
                                  error)
      || !_yun_json_get_strv (json, A, "SupportFeatures", FALSE, &self->support_features, error))
    return NULL;

  if (self->support_features == NULL)
    self->support_features = g_new0 (char *, 1);
  return g_steal_pointer (&self);
}

/**
 * yun_command_result_copy:
 * @self: a #YunCommandResult
 *
 * Returns: (transfer full): a copy of @self
 */
YunCommandResult *
yun_command_result_copy (const YunCommandResult *self)
{
  YunCommandResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunCommandResult, 1);
  copy->command_id = g_strdup (self->command_id);
  copy->invocation_id = g_strdup (self->invocation_id);
  copy->request_id = g_strdup (self->request_id);
  return copy;
}

/**
 * yun_command_result_free:
 * @self: (nullable): a #YunCommandResult
 */
void
yun_command_result_free (YunCommandResult *self)
{
  if (self == NULL)
    return;
  g_free (self->command_id);
  g_free (self->invocation_id);
  g_free (self->request_id);
  g_free (self);
}

/**
 * yun_command_request_new_from_bytes:
 * @script: the script, any bytes
 *
 * Returns: (transfer full): a request to run @script as a `SHELL` command
 */
YunCommandRequest *
yun_command_request_new_from_bytes (GBytes *script)
{
  YunCommandRequest *self;
  gsize len = 0;
  const guchar *data;

  g_return_val_if_fail (script != NULL, NULL);

  data = g_bytes_get_data (script, &len);
  self = g_new0 (YunCommandRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->content = g_base64_encode (data, len);
  return self;
}

/**
 * yun_command_request_new:
 * @script: the script text
 *
 * Returns: (transfer full): a request to run @script as a `SHELL` command
 */
YunCommandRequest *
yun_command_request_new (const char *script)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (script != NULL, NULL);

  bytes = g_bytes_new (script, strlen (script));
  return yun_command_request_new_from_bytes (bytes);
}

/**
 * yun_command_request_ref:
 * @self: a #YunCommandRequest
 *
 * Returns: (transfer full): @self
 */
YunCommandRequest *
yun_command_request_ref (YunCommandRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * yun_command_request_unref:
 * @self: (transfer full): a #YunCommandRequest
 */
void
yun_command_request_unref (YunCommandRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->content);
  g_free (self->command_type);
  g_free (self->command_name);
  g_free (self->working_directory);
  g_free (self->username);
  g_free (self);
}

/**
 * yun_command_request_set_command_type:
 * @self: a #YunCommandRequest
 * @command_type: (nullable): `SHELL` (the default), `POWERSHELL` or `BAT`
 */
void
yun_command_request_set_command_type (YunCommandRequest *self, const char *command_type)
{
  g_return_if_fail (self != NULL);
  g_free (self->command_type);
  self->command_type = g_strdup (command_type);
}

/**
 * yun_command_request_set_command_name:
 * @self: a #YunCommandRequest
 * @command_name: (nullable): a name, at most 60 bytes
 */
void
yun_command_request_set_command_name (YunCommandRequest *self, const char *command_name)
{
  g_return_if_fail (self != NULL);
  g_free (self->command_name);
  self->command_name = g_strdup (command_name);
}

/**
 * yun_command_request_set_working_directory:
 * @self: a #YunCommandRequest
 * @working_directory: (nullable): where to run; the default is `/root` or the agent's
 *   directory on Windows
 */
void
yun_command_request_set_working_directory (YunCommandRequest *self, const char *working_directory)
{
  g_return_if_fail (self != NULL);
  g_free (self->working_directory);
  self->working_directory = g_strdup (working_directory);
}

/**
 * yun_command_request_set_timeout:
 * @self: a #YunCommandRequest
 * @timeout_seconds: 1 to 86400 seconds; 0 for the default (60 s, or the command's)
 */
void
yun_command_request_set_timeout (YunCommandRequest *self, guint timeout_seconds)
{
  g_return_if_fail (self != NULL);
  self->timeout = timeout_seconds;
}

/**
 * yun_command_request_set_username:
 * @self: a #YunCommandRequest
 * @username: (nullable): the account to run as (default `root`, or `System` on Windows)
 */
void
yun_command_request_set_username (YunCommandRequest *self, const char *username)
{
  g_return_if_fail (self != NULL);
  g_free (self->username);
  self->username = g_strdup (username);
}

/**
 * yun_command_request_set_save_command:
 * @self: a #YunCommandRequest
 * @save_command: keep the command after RunCommand, so InvokeCommand can run it again
 */
void
yun_command_request_set_save_command (YunCommandRequest *self, gboolean save_command)
{
  g_return_if_fail (self != NULL);
  self->save_command = !!save_command;
}

static gboolean
check_command_options (YunCommandRequest *request, gboolean with_content, GError **error)
{
  static const char *const types[] = { "SHELL", "POWERSHELL", "BAT", NULL };

  if (request == NULL)
    return TRUE;

  if (with_content)
    {
      gsize len = strlen (request->content);

      if (len == 0)
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The command is empty"));
          return FALSE;
        }
      if (len > YUN_TAT_MAX_CONTENT_BASE64)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("The command is too long: encoded in base64 it takes %zu bytes, and "
                          "the limit is %u (about 48 KB of script)"),
                       len, YUN_TAT_MAX_CONTENT_BASE64);
          return FALSE;
        }
      if (request->command_type != NULL && !g_strv_contains (types, request->command_type))
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The command type must be one of SHELL, POWERSHELL, BAT"));
          return FALSE;
        }
      if (request->command_name != NULL && strlen (request->command_name) > 60)
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The command name is longer than 60 bytes"));
          return FALSE;
        }
    }
  if (request->timeout > YUN_TAT_MAX_TIMEOUT)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("The command timeout must be 1 to %u seconds, not %u"), YUN_TAT_MAX_TIMEOUT,
                   request->timeout);
      return FALSE;
    }
  return TRUE;
}

static void
add_command_options (json_object *params, YunCommandRequest *request)
{
  if (request == NULL)
    return;
  if (request->working_directory != NULL)
    json_object_object_add (params, "WorkingDirectory",
                            json_object_new_string (request->working_directory));
  if (request->timeout > 0)
    json_object_object_add (params, "Timeout", json_object_new_int ((int) request->timeout));
  if (request->username != NULL)
    json_object_object_add (params, "Username", json_object_new_string (request->username));
}

static YunCommandResult *
command_result_from_response (json_object *response, gboolean with_command_id, GError **error)
{
  g_autoptr (YunCommandResult) result = g_new0 (YunCommandResult, 1);

  if ((with_command_id
       && !_yun_json_get_string (response, "Response", "CommandId", TRUE, &result->command_id,
                                 error))
      || !_yun_json_get_string (response, "Response", "InvocationId", TRUE, &result->invocation_id,
                                error))
    return NULL;
  result->request_id = _yun_dup_request_id (response);
  return g_steal_pointer (&result);
}

/**
 * yun_client_run_command:
 * @self: a #YunClient
 * @region: the region
 * @request: the script and its options
 * @instance_ids: (array zero-terminated=1): 1 to 200 RUNNING instances of one kind (CVM or
 *   Lighthouse) whose agent is online
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Runs a script once (RunCommand, with a temporary command).
 *
 * Returns: (transfer full): the command and invocation IDs, or %NULL on error
 */
YunCommandResult *
yun_client_run_command (YunClient *self,
                        const char *region,
                        YunCommandRequest *request,
                        const char *const *instance_ids,
                        GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_TAT_MAX_COMMAND_INSTANCE_IDS, TRUE, error)
      || !check_command_options (request, TRUE, error))
    return NULL;

  json_object_object_add (params, "Content", json_object_new_string (request->content));
  json_object_object_add (params, "InstanceIds", _yun_json_new_strv (instance_ids));
  if (request->command_type != NULL)
    json_object_object_add (params, "CommandType", json_object_new_string (request->command_type));
  if (request->command_name != NULL)
    json_object_object_add (params, "CommandName", json_object_new_string (request->command_name));
  if (request->save_command)
    json_object_object_add (params, "SaveCommand", json_object_new_boolean (TRUE));
  add_command_options (params, request);

  response = _yun_client_call (self, YUN_SERVICE_TAT, "RunCommand", region, params,
                               YUN_CALL_MUTATING, cancellable, error);
  if (response == NULL)
    return NULL;
  return command_result_from_response (response, TRUE, error);
}

static gpointer
run_command_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_run_command (self, input->region, input->request,
                                 (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_run_command_async:
 * @self: a #YunClient
 * @region: the region
 * @request: the script and its options; not to be changed until the call completes
 * @instance_ids: (array zero-terminated=1): 1 to 200 instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_run_command().
 */
void
yun_client_run_command_async (YunClient *self,
                              const char *region,
                              YunCommandRequest *request,
                              const char *const *instance_ids,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  input->request = yun_command_request_ref (request);
  input->request_free = (GDestroyNotify) yun_command_request_unref;
  input->ids = g_strdupv ((char **) instance_ids);
  _yun_client_run_async (self, run_command_worker, input, _yun_call_input_free,
                         (GDestroyNotify) yun_command_result_free, yun_client_run_command_async,
                         cancellable, callback, user_data);
}

/**
 * yun_client_run_command_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the command and invocation IDs, or %NULL on error
 */
YunCommandResult *
yun_client_run_command_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_run_command_async, error);
}

/**
 * yun_client_invoke_command:
 * @self: a #YunClient
 * @region: the region
 * @command_id: a saved command (`cmd-…`)
 * @instance_ids: (array zero-terminated=1): 1 to 200 instances
 * @options: (nullable): the working directory, timeout and user to use instead of the
 *   command's (its script is ignored)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the invocation ID, or %NULL on error
 */
YunCommandResult *
yun_client_invoke_command (YunClient *self,
                           const char *region,
                           const char *command_id,
                           const char *const *instance_ids,
                           YunCommandRequest *options,
                           GCancellable *cancellable,
                           GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;
  YunCommandResult *result;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_TAT_MAX_COMMAND_INSTANCE_IDS, TRUE, error)
      || !check_command_options (options, FALSE, error))
    return NULL;
  if (command_id == NULL || !g_str_has_prefix (command_id, "cmd-"))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("A command ID starts with “cmd-”"));
      return NULL;
    }

  json_object_object_add (params, "CommandId", json_object_new_string (command_id));
  json_object_object_add (params, "InstanceIds", _yun_json_new_strv (instance_ids));
  add_command_options (params, options);

  response = _yun_client_call (self, YUN_SERVICE_TAT, "InvokeCommand", region, params,
                               YUN_CALL_MUTATING, cancellable, error);
  if (response == NULL)
    return NULL;
  result = command_result_from_response (response, FALSE, error);
  if (result != NULL)
    result->command_id = g_strdup (command_id);
  return result;
}

static gpointer
invoke_command_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_invoke_command (self, input->region, input->a, (const char *const *) input->ids,
                                    input->request, cancellable, error);
}

/**
 * yun_client_invoke_command_async:
 * @self: a #YunClient
 * @region: the region
 * @command_id: a saved command
 * @instance_ids: (array zero-terminated=1): 1 to 200 instances
 * @options: (nullable): options
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_invoke_command().
 */
void
yun_client_invoke_command_async (YunClient *self,
                                 const char *region,
                                 const char *command_id,
                                 const char *const *instance_ids,
                                 YunCommandRequest *options,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->a = g_strdup (command_id);
  input->ids = g_strdupv ((char **) instance_ids);
  if (options != NULL)
    {
      input->request = yun_command_request_ref (options);
      input->request_free = (GDestroyNotify) yun_command_request_unref;
    }
  _yun_client_run_async (self, invoke_command_worker, input, _yun_call_input_free,
                         (GDestroyNotify) yun_command_result_free, yun_client_invoke_command_async,
                         cancellable, callback, user_data);
}

/**
 * yun_client_invoke_command_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the invocation ID, or %NULL on error
 */
YunCommandResult *
yun_client_invoke_command_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_invoke_command_async, error);
}

/* Invocation IDs (“inv-…”), or invocation task IDs (“invt-…”) when @tasks. */
static gboolean
check_invocation_ids (const char *const *ids, gboolean tasks, GError **error)
{
  const char *prefix = tasks ? "invt-" : "inv-";
  guint n = ids != NULL ? g_strv_length ((char **) ids) : 0;

  if (n == 0)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           tasks ? _ ("No invocation task ID was given")
                                 : _ ("No invocation ID was given"));
      return FALSE;
    }
  if (n > YUN_TAT_MAX_IDS)
    {
      if (tasks)
        g_set_error (
          error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
          g_dngettext (GETTEXT_PACKAGE,
                       "%u invocation task ID was given, but one call accepts at most %u",
                       "%u invocation task IDs were given, but one call accepts at most %u", n),
          n, YUN_TAT_MAX_IDS);
      else
        g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%u invocation ID was given, but one call accepts at most %u",
                                  "%u invocation IDs were given, but one call accepts at most %u",
                                  n),
                     n, YUN_TAT_MAX_IDS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!g_str_has_prefix (ids[i], prefix))
      {
        g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                             tasks ? _ ("An invocation task ID starts with “invt-”")
                                   : _ ("An invocation ID starts with “inv-”"));
        return FALSE;
      }
  return TRUE;
}

static gpointer
parse_invocation (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_new_from_json (json, region, error);
}

static gpointer
parse_task (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_task_new_from_json (json, region, error);
}

static gpointer
parse_agent (json_object *json, const char *region, GError **error)
{
  return _yun_agent_status_new_from_json (json, error);
}

/* Pages through a TAT Describe call: @params gets Offset and Limit. */
static GPtrArray *
describe_all (YunClient *self,
              const char *action,
              const char *region,
              json_object *params,
              const char *set,
              YunItemParser parse,
              GDestroyNotify free_func,
              GCancellable *cancellable,
              GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (free_func);
  guint offset = 0;

  for (;;)
    {
      g_autoptr (json_object) response = NULL;
      guint before = all->len;
      guint total = 0;

      json_object_object_add (params, "Offset", json_object_new_int ((int) offset));
      json_object_object_add (params, "Limit", json_object_new_int (PAGE_LIMIT));
      response = _yun_client_call (self, YUN_SERVICE_TAT, action, region, params, YUN_CALL_SAFE,
                                   cancellable, error);
      if (response == NULL
          || !_yun_parse_page (response, set, offset, parse, region, all, &total, error))
        return NULL;

      offset += all->len - before;
      if (all->len == before || offset >= total)
        break;
    }
  return g_steal_pointer (&all);
}

/**
 * yun_client_describe_invocations:
 * @self: a #YunClient
 * @region: the region
 * @invocation_ids: (array zero-terminated=1): 1 to 100 invocation IDs (`inv-…`)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInvocation): the invocations, or %NULL on error
 */
GPtrArray *
yun_client_describe_invocations (YunClient *self,
                                 const char *region,
                                 const char *const *invocation_ids,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error) || !check_invocation_ids (invocation_ids, FALSE, error))
    return NULL;

  json_object_object_add (params, "InvocationIds", _yun_json_new_strv (invocation_ids));
  return describe_all (self, "DescribeInvocations", region, params, "InvocationSet",
                       parse_invocation, g_object_unref, cancellable, error);
}

static gpointer
describe_invocations_worker (YunClient *self,
                             gpointer data,
                             GCancellable *cancellable,
                             GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_invocations (self, input->region, (const char *const *) input->ids,
                                          cancellable, error);
}

/**
 * yun_client_describe_invocations_async:
 * @self: a #YunClient
 * @region: the region
 * @invocation_ids: (array zero-terminated=1): 1 to 100 invocation IDs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_invocations().
 */
void
yun_client_describe_invocations_async (YunClient *self,
                                       const char *region,
                                       const char *const *invocation_ids,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->ids = g_strdupv ((char **) invocation_ids);
  _yun_client_run_async (self, describe_invocations_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref, yun_client_describe_invocations_async,
                         cancellable, callback, user_data);
}

/**
 * yun_client_describe_invocations_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInvocation): the invocations, or %NULL on error
 */
GPtrArray *
yun_client_describe_invocations_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_invocations_async, error);
}

/**
 * yun_client_describe_invocation_tasks:
 * @self: a #YunClient
 * @region: the region
 * @invocation_id: (nullable): every task of this invocation
 * @task_ids: (nullable) (array zero-terminated=1): or these 1 to 100 tasks (`invt-…`)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Describes tasks with their output (HideOutput is sent as false), every page of 100.
 * Give exactly one of @invocation_id and @task_ids.
 *
 * Returns: (transfer full) (element-type YunInvocationTask): the tasks, or %NULL on error
 */
GPtrArray *
yun_client_describe_invocation_tasks (YunClient *self,
                                      const char *region,
                                      const char *invocation_id,
                                      const char *const *task_ids,
                                      GCancellable *cancellable,
                                      GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error))
    return NULL;
  if ((invocation_id == NULL) == (task_ids == NULL))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("Give either an invocation or task IDs"));
      return NULL;
    }

  if (invocation_id != NULL)
    {
      json_object *filters = json_object_new_array ();
      json_object *filter = json_object_new_object ();
      const char *values[] = { invocation_id, NULL };

      if (!g_str_has_prefix (invocation_id, "inv-"))
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("An invocation ID starts with “inv-”"));
          json_object_put (filter);
          json_object_put (filters);
          return NULL;
        }
      json_object_object_add (filter, "Name", json_object_new_string ("invocation-id"));
      json_object_object_add (filter, "Values", _yun_json_new_strv (values));
      json_object_array_add (filters, filter);
      json_object_object_add (params, "Filters", filters);
    }
  else
    {
      if (!check_invocation_ids (task_ids, TRUE, error))
        return NULL;
      json_object_object_add (params, "InvocationTaskIds", _yun_json_new_strv (task_ids));
    }
  json_object_object_add (params, "HideOutput", json_object_new_boolean (FALSE));

  return describe_all (self, "DescribeInvocationTasks", region, params, "InvocationTaskSet",
                       parse_task, g_object_unref, cancellable, error);
}

static gpointer
describe_invocation_tasks_worker (YunClient *self,
                                  gpointer data,
                                  GCancellable *cancellable,
                                  GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_invocation_tasks (
    self, input->region, input->a, (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_describe_invocation_tasks_async:
 * @self: a #YunClient
 * @region: the region
 * @invocation_id: (nullable): an invocation
 * @task_ids: (nullable) (array zero-terminated=1): or task IDs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_invocation_tasks().
 */
void
yun_client_describe_invocation_tasks_async (YunClient *self,
                                            const char *region,
                                            const char *invocation_id,
                                            const char *const *task_ids,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->a = g_strdup (invocation_id);
  input->ids = g_strdupv ((char **) task_ids);
  _yun_client_run_async (self, describe_invocation_tasks_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_invocation_tasks_async, cancellable, callback,
                         user_data);
}

/**
 * yun_client_describe_invocation_tasks_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInvocationTask): the tasks, or %NULL on error
 */
GPtrArray *
yun_client_describe_invocation_tasks_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_invocation_tasks_async, error);
}

/**
 * yun_client_describe_automation_agent_status:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (nullable) (array zero-terminated=1): 1 to 100 instances; %NULL for every
 *   agent of @region
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunAgentStatus): the agents, or %NULL on error
 */
GPtrArray *
yun_client_describe_automation_agent_status (YunClient *self,
                                             const char *region,
                                             const char *const *instance_ids,
                                             GCancellable *cancellable,
                                             GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || (instance_ids != NULL
          && !_yun_check_instance_ids (instance_ids, YUN_TAT_MAX_IDS, TRUE, error)))
    return NULL;

  if (instance_ids != NULL)
    json_object_object_add (params, "InstanceIds", _yun_json_new_strv (instance_ids));
  return describe_all (self, "DescribeAutomationAgentStatus", region, params, "AutomationAgentSet",
                       parse_agent, (GDestroyNotify) yun_agent_status_free, cancellable, error);
}

static gpointer
describe_agent_status_worker (YunClient *self,
                              gpointer data,
                              GCancellable *cancellable,
                              GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_automation_agent_status (
    self, input->region, (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_describe_automation_agent_status_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (nullable) (array zero-terminated=1): 1 to 100 instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_automation_agent_status().
 */
void
yun_client_describe_automation_agent_status_async (YunClient *self,
                                                   const char *region,
                                                   const char *const *instance_ids,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->ids = g_strdupv ((char **) instance_ids);
  _yun_client_run_async (self, describe_agent_status_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_automation_agent_status_async, cancellable, callback,
                         user_data);
}

/**
 * yun_client_describe_automation_agent_status_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunAgentStatus): the agents, or %NULL on error
 */
GPtrArray *
yun_client_describe_automation_agent_status_finish (YunClient *self,
                                                    GAsyncResult *result,
                                                    GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_automation_agent_status_async,
                                 error);
}

/**
 * yun_client_cancel_invocation:
 * @self: a #YunClient
 * @region: the region
 * @invocation_id: the invocation (`inv-…`)
 * @instance_ids: (nullable) (array zero-terminated=1): 1 to 100 of its instances; %NULL
 *   for all of them
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Tasks go to CANCELLING, then CANCELLED or TERMINATED.
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_cancel_invocation (YunClient *self,
                              const char *region,
                              const char *invocation_id,
                              const char *const *instance_ids,
                              GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || (instance_ids != NULL
          && !_yun_check_instance_ids (instance_ids, YUN_TAT_MAX_IDS, TRUE, error)))
    return NULL;
  if (invocation_id == NULL || !g_str_has_prefix (invocation_id, "inv-"))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("An invocation ID starts with “inv-”"));
      return NULL;
    }

  json_object_object_add (params, "InvocationId", json_object_new_string (invocation_id));
  if (instance_ids != NULL)
    json_object_object_add (params, "InstanceIds", _yun_json_new_strv (instance_ids));
  response = _yun_client_call (self, YUN_SERVICE_TAT, "CancelInvocation", region, params,
                               YUN_CALL_SAFE, cancellable, error);
  if (response == NULL)
    return NULL;
  return _yun_dup_request_id (response);
}

static gpointer
cancel_invocation_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_cancel_invocation (self, input->region, input->a,
                                       (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_cancel_invocation_async:
 * @self: a #YunClient
 * @region: the region
 * @invocation_id: the invocation
 * @instance_ids: (nullable) (array zero-terminated=1): some of its instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_cancel_invocation().
 */
void
yun_client_cancel_invocation_async (YunClient *self,
                                    const char *region,
                                    const char *invocation_id,
                                    const char *const *instance_ids,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->a = g_strdup (invocation_id);
  input->ids = g_strdupv ((char **) instance_ids);
  _yun_client_run_async (self, cancel_invocation_worker, input, _yun_call_input_free, g_free,
                         yun_client_cancel_invocation_async, cancellable, callback, user_data);
}

/**
 * yun_client_cancel_invocation_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_cancel_invocation_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_cancel_invocation_async, error);
}
