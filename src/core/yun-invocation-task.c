/* yun-invocation-task.c: one instance's part of a TAT invocation
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built. The output arrives base64-encoded and is kept decoded, as bytes:
 * a script may print anything, not only UTF-8. `Dropped` counts the bytes the agent cut
 * off (the API keeps at most 24 KB).
 */

#define G_LOG_DOMAIN "yun-invocation-task"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"

struct _YunInvocationTask
{
  GObject parent_instance;

  char *task_id;
  char *invocation_id;
  char *command_id;
  char *instance_id;
  char *status;
  int exit_code;
  GBytes *output;
  gint64 dropped;
  char *output_url;
  GDateTime *start_time;
  GDateTime *end_time;
  char *error_info;
  char *region;
};

G_DEFINE_FINAL_TYPE (YunInvocationTask, yun_invocation_task, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TASK_ID,
  PROP_INVOCATION_ID,
  PROP_COMMAND_ID,
  PROP_INSTANCE_ID,
  PROP_STATUS,
  PROP_EXIT_CODE,
  PROP_OUTPUT,
  PROP_DROPPED,
  PROP_OUTPUT_URL,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_ERROR_INFO,
  PROP_REGION,
  PROP_TERMINAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_invocation_task_finalize (GObject *object)
{
  YunInvocationTask *self = (YunInvocationTask *) object;

  g_free (self->task_id);
  g_free (self->invocation_id);
  g_free (self->command_id);
  g_free (self->instance_id);
  g_free (self->status);
  g_clear_pointer (&self->output, g_bytes_unref);
  g_free (self->output_url);
  g_clear_pointer (&self->start_time, g_date_time_unref);
  g_clear_pointer (&self->end_time, g_date_time_unref);
  g_free (self->error_info);
  g_free (self->region);

  G_OBJECT_CLASS (yun_invocation_task_parent_class)->finalize (object);
}

static void
yun_invocation_task_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInvocationTask *self = YUN_INVOCATION_TASK (object);

  switch (prop_id)
    {
    case PROP_TASK_ID:
      g_value_set_string (value, self->task_id);
      break;
    case PROP_INVOCATION_ID:
      g_value_set_string (value, self->invocation_id);
      break;
    case PROP_COMMAND_ID:
      g_value_set_string (value, self->command_id);
      break;
    case PROP_INSTANCE_ID:
      g_value_set_string (value, self->instance_id);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_EXIT_CODE:
      g_value_set_int (value, self->exit_code);
      break;
    case PROP_OUTPUT:
      g_value_set_boxed (value, self->output);
      break;
    case PROP_DROPPED:
      g_value_set_int64 (value, self->dropped);
      break;
    case PROP_OUTPUT_URL:
      g_value_set_string (value, self->output_url);
      break;
    case PROP_START_TIME:
      g_value_set_boxed (value, self->start_time);
      break;
    case PROP_END_TIME:
      g_value_set_boxed (value, self->end_time);
      break;
    case PROP_ERROR_INFO:
      g_value_set_string (value, self->error_info);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_TERMINAL:
      g_value_set_boolean (value, yun_invocation_task_get_terminal (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_invocation_task_class_init (YunInvocationTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_invocation_task_finalize;
  object_class->get_property = yun_invocation_task_get_property;

  /**
   * YunInvocationTask:task-id:
   *
   * `InvocationTaskId`, such as `invt-0jjtcr3h`.
   */
  properties[PROP_TASK_ID]
    = g_param_spec_string ("task-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:invocation-id:
   *
   * `InvocationId`.
   */
  properties[PROP_INVOCATION_ID]
    = g_param_spec_string ("invocation-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:command-id:
   *
   * `CommandId`.
   */
  properties[PROP_COMMAND_ID]
    = g_param_spec_string ("command-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:instance-id:
   *
   * `InstanceId`.
   */
  properties[PROP_INSTANCE_ID]
    = g_param_spec_string ("instance-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:status:
   *
   * `TaskStatus`: `PENDING`, `RUNNING`, `SUCCESS`, `FAILED`, `TIMEOUT`….
   */
  properties[PROP_STATUS]
    = g_param_spec_string ("status", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:exit-code:
   *
   * `TaskResult.ExitCode`; meaningful once the task has ended.
   */
  properties[PROP_EXIT_CODE]
    = g_param_spec_int ("exit-code", NULL, NULL, G_MININT, G_MAXINT, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:output:
   *
   * `TaskResult.Output`, decoded from base64; %NULL when none was sent.
   */
  properties[PROP_OUTPUT]
    = g_param_spec_boxed ("output", NULL, NULL, G_TYPE_BYTES,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:dropped:
   *
   * `TaskResult.Dropped`, the number of output bytes cut off.
   */
  properties[PROP_DROPPED]
    = g_param_spec_int64 ("dropped", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:output-url:
   *
   * `TaskResult.OutputUrl`, when the output went to COS.
   */
  properties[PROP_OUTPUT_URL]
    = g_param_spec_string ("output-url", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:start-time:
   *
   * `StartTime` (or `TaskResult.ExecStartTime`), in UTC.
   */
  properties[PROP_START_TIME]
    = g_param_spec_boxed ("start-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:end-time:
   *
   * `EndTime` (or `TaskResult.ExecEndTime`), in UTC.
   */
  properties[PROP_END_TIME]
    = g_param_spec_boxed ("end-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:error-info:
   *
   * `ErrorInfo`, why the task failed to be delivered or run.
   */
  properties[PROP_ERROR_INFO]
    = g_param_spec_string ("error-info", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:region:
   *
   * The region that was queried.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocationTask:terminal:
   *
   * Whether the status is final (see yun_invocation_task_status_is_terminal()).
   */
  properties[PROP_TERMINAL]
    = g_param_spec_boolean ("terminal", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_invocation_task_init (YunInvocationTask *self)
{
}

/**
 * yun_invocation_task_get_task_id:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none): `InvocationTaskId`, such as `invt-0jjtcr3h`.
 */
const char *
yun_invocation_task_get_task_id (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->task_id;
}

/**
 * yun_invocation_task_get_invocation_id:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `InvocationId`.
 */
const char *
yun_invocation_task_get_invocation_id (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->invocation_id;
}

/**
 * yun_invocation_task_get_command_id:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `CommandId`.
 */
const char *
yun_invocation_task_get_command_id (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->command_id;
}

/**
 * yun_invocation_task_get_instance_id:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none): `InstanceId`.
 */
const char *
yun_invocation_task_get_instance_id (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->instance_id;
}

/**
 * yun_invocation_task_get_status:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none): `TaskStatus`: `PENDING`, `RUNNING`, `SUCCESS`, `FAILED`, `TIMEOUT`….
 */
const char *
yun_invocation_task_get_status (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->status;
}

/**
 * yun_invocation_task_get_exit_code:
 * @self: a #YunInvocationTask
 *
 * Returns:: `TaskResult.ExitCode`; meaningful once the task has ended.
 */
int
yun_invocation_task_get_exit_code (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), 0);
  return self->exit_code;
}

/**
 * yun_invocation_task_get_output:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `TaskResult.Output`, decoded from base64; %NULL when none
 * was sent.
 */
GBytes *
yun_invocation_task_get_output (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->output;
}

/**
 * yun_invocation_task_get_dropped:
 * @self: a #YunInvocationTask
 *
 * Returns:: `TaskResult.Dropped`, the number of output bytes cut off.
 */
gint64
yun_invocation_task_get_dropped (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), 0);
  return self->dropped;
}

/**
 * yun_invocation_task_get_output_url:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `TaskResult.OutputUrl`, when the output went to COS.
 */
const char *
yun_invocation_task_get_output_url (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->output_url;
}

/**
 * yun_invocation_task_get_start_time:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `StartTime` (or `TaskResult.ExecStartTime`), in UTC.
 */
GDateTime *
yun_invocation_task_get_start_time (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->start_time;
}

/**
 * yun_invocation_task_get_end_time:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `EndTime` (or `TaskResult.ExecEndTime`), in UTC.
 */
GDateTime *
yun_invocation_task_get_end_time (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->end_time;
}

/**
 * yun_invocation_task_get_error_info:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): `ErrorInfo`, why the task failed to be delivered or run.
 */
const char *
yun_invocation_task_get_error_info (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->error_info;
}

/**
 * yun_invocation_task_get_region:
 * @self: a #YunInvocationTask
 *
 * Returns: (transfer none) (nullable): the region that was queried.
 */
const char *
yun_invocation_task_get_region (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);
  return self->region;
}

static gboolean
is_base64 (const char *text)
{
  gsize len = 0;
  gsize padding = 0;

  for (const char *p = text; *p != '\0'; p++, len++)
    {
      if (*p == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        return FALSE;
    }
  return len % 4 == 0 && padding <= 2;
}

YunInvocationTask *
_yun_invocation_task_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunInvocationTask) self = g_object_new (YUN_TYPE_INVOCATION_TASK, NULL);
  const char *T = "InvocationTask";
  const char *R = "InvocationTask.TaskResult";
  json_object *result = NULL;
  g_autofree char *output = NULL;
  gint64 exit_code = 0;

  if (!_yun_json_get_string (json, T, "InvocationTaskId", TRUE, &self->task_id, error)
      || !_yun_json_get_string (json, T, "InstanceId", TRUE, &self->instance_id, error)
      || !_yun_json_get_string (json, T, "TaskStatus", TRUE, &self->status, error)
      || !_yun_json_get_string (json, T, "InvocationId", FALSE, &self->invocation_id, error)
      || !_yun_json_get_string (json, T, "CommandId", FALSE, &self->command_id, error)
      || !_yun_json_get_string (json, T, "ErrorInfo", FALSE, &self->error_info, error)
      || !_yun_json_get_datetime (json, T, "StartTime", FALSE, &self->start_time, error)
      || !_yun_json_get_datetime (json, T, "EndTime", FALSE, &self->end_time, error)
      || !_yun_json_get_object (json, T, "TaskResult", FALSE, &result, error))
    return NULL;

  if (result != NULL)
    {
      g_autoptr (GDateTime) exec_start = NULL;
      g_autoptr (GDateTime) exec_end = NULL;

      if (!_yun_json_get_int64 (result, R, "ExitCode", FALSE, &exit_code, error)
          || !_yun_json_get_string (result, R, "Output", FALSE, &output, error)
          || !_yun_json_get_int64 (result, R, "Dropped", FALSE, &self->dropped, error)
          || !_yun_json_get_string (result, R, "OutputUrl", FALSE, &self->output_url, error)
          || !_yun_json_get_datetime (result, R, "ExecStartTime", FALSE, &exec_start, error)
          || !_yun_json_get_datetime (result, R, "ExecEndTime", FALSE, &exec_end, error))
        return NULL;

      if (exit_code < G_MININT || exit_code > G_MAXINT)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                       _ ("The service sent an answer that cannot be read: %s.ExitCode is out of "
                          "range"),
                       R);
          return NULL;
        }
      self->exit_code = (int) exit_code;

      /* The task's own times are missing on some sites; the execution times are close. */
      if (self->start_time == NULL)
        self->start_time = g_steal_pointer (&exec_start);
      if (self->end_time == NULL)
        self->end_time = g_steal_pointer (&exec_end);

      if (output != NULL)
        {
          gsize len = 0;
          guchar *data;

          if (!is_base64 (output))
            {
              g_set_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                           _ ("The service sent an answer that cannot be read: %s.Output is not "
                              "base64"),
                           R);
              return NULL;
            }
          data = g_base64_decode (output, &len);
          self->output = g_bytes_new_take (data, len);
        }
      if (self->output_url != NULL && *self->output_url == '\0')
        g_clear_pointer (&self->output_url, g_free);
    }

  if (self->error_info != NULL && *self->error_info == '\0')
    g_clear_pointer (&self->error_info, g_free);
  self->region = g_strdup (region);

  return g_steal_pointer (&self);
}

/**
 * yun_invocation_task_status_is_terminal:
 * @status: (nullable): a TAT `TaskStatus`
 *
 * The terminal statuses are DELIVER_FAILED, START_FAILED, SUCCESS, FAILED, TIMEOUT,
 * TASK_TIMEOUT, CANCELLED and TERMINATED. PENDING, DELIVERING, DELIVER_DELAYED, RUNNING and
 * CANCELLING are not; neither is a status this version does not know, so a poller keeps
 * waiting (within its own deadline) rather than reporting a result too early.
 *
 * Returns: whether a task in @status will not change any more
 */
gboolean
yun_invocation_task_status_is_terminal (const char *status)
{
  static const char *const terminal[] = {
    "DELIVER_FAILED", "START_FAILED", "SUCCESS",    "FAILED", "TIMEOUT",
    "TASK_TIMEOUT",   "CANCELLED",    "TERMINATED", NULL,
  };

  return status != NULL && g_strv_contains (terminal, status);
}

/**
 * yun_invocation_task_get_terminal:
 * @self: a #YunInvocationTask
 *
 * Returns: whether the task has ended
 */
gboolean
yun_invocation_task_get_terminal (YunInvocationTask *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), FALSE);
  return yun_invocation_task_status_is_terminal (self->status);
}

/**
 * yun_invocation_task_dup_output_text:
 * @self: a #YunInvocationTask
 *
 * The output as text to show: output that is not UTF-8 is read as GBK (Windows in Chinese),
 * what still cannot be read is replaced, CRLF line ends become LF, and when bytes were
 * dropped a last line says how many.
 *
 * Returns: (transfer full): the output as valid UTF-8, "" when there is none
 */
char *
yun_invocation_task_dup_output_text (YunInvocationTask *self)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (YUN_IS_INVOCATION_TASK (self), NULL);

  data = self->output != NULL ? g_bytes_get_data (self->output, &len) : NULL;
  if (data != NULL && !g_utf8_validate_len (data, len, NULL))
    {
      /* Windows answers in its ANSI code page: in China, CP936 (GBK), of which GB18030 is
       * the superset iconv knows. */
      gsize whole = len;

      /* Output cut at its size limit may end inside a character: the last bytes go. */
      while (text == NULL && whole > 0 && len - whole < 4)
        text = g_convert (data, (gssize) whole--, "UTF-8", "GB18030", NULL, NULL, NULL);
    }
  if (text == NULL)
    text = g_utf8_make_valid (data != NULL ? data : "", data != NULL ? (gssize) len : 0);
  /* Windows ends its lines with CRLF. */
  if (strstr (text, "\r\n") != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);

      g_free (text);
      text = g_strjoinv ("\n", lines);
    }
  if (self->dropped > 0)
    {
      char *with_note = g_strdup_printf (
        "%s%s[%" G_GINT64_FORMAT " more bytes were cut off]\n", text,
        *text != '\0' && !g_str_has_suffix (text, "\n") ? "\n" : "", self->dropped);
      g_free (text);
      text = with_note;
    }
  return g_steal_pointer (&text);
}
