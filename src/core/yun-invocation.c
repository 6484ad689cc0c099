/* yun-invocation.c: a TAT invocation: one command sent to a set of instances
 *
 * SPDX-License-Identifier: MIT
 *
 * Immutable once built. The task list holds #YunInvocationTask objects with only their ID,
 * instance and status (the rest comes from DescribeInvocationTasks).
 */

#define G_LOG_DOMAIN "yun-invocation"

#include "config.h"

#include <string.h>

#include "yun-api-private.h"

struct _YunInvocation
{
  GObject parent_instance;

  char *invocation_id;
  char *command_id;
  char *command_name;
  char *command_type;
  char *status;
  GPtrArray *tasks;
  char *username;
  guint timeout;
  GDateTime *created_time;
  GDateTime *start_time;
  GDateTime *end_time;
  char *region;
};

G_DEFINE_FINAL_TYPE (YunInvocation, yun_invocation, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INVOCATION_ID,
  PROP_COMMAND_ID,
  PROP_COMMAND_NAME,
  PROP_COMMAND_TYPE,
  PROP_STATUS,
  PROP_TASKS,
  PROP_USERNAME,
  PROP_TIMEOUT,
  PROP_CREATED_TIME,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_REGION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_invocation_finalize (GObject *object)
{
  YunInvocation *self = (YunInvocation *) object;

  g_free (self->invocation_id);
  g_free (self->command_id);
  g_free (self->command_name);
  g_free (self->command_type);
  g_free (self->status);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_free (self->username);
  g_clear_pointer (&self->created_time, g_date_time_unref);
  g_clear_pointer (&self->start_time, g_date_time_unref);
  g_clear_pointer (&self->end_time, g_date_time_unref);
  g_free (self->region);

  G_OBJECT_CLASS (yun_invocation_parent_class)->finalize (object);
}

static void
yun_invocation_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInvocation *self = YUN_INVOCATION (object);

  switch (prop_id)
    {
    case PROP_INVOCATION_ID:
      g_value_set_string (value, self->invocation_id);
      break;
    case PROP_COMMAND_ID:
      g_value_set_string (value, self->command_id);
      break;
    case PROP_COMMAND_NAME:
      g_value_set_string (value, self->command_name);
      break;
    case PROP_COMMAND_TYPE:
      g_value_set_string (value, self->command_type);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_TASKS:
      g_value_set_boxed (value, self->tasks);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_CREATED_TIME:
      g_value_set_boxed (value, self->created_time);
      break;
    case PROP_START_TIME:
      g_value_set_boxed (value, self->start_time);
      break;
    case PROP_END_TIME:
      g_value_set_boxed (value, self->end_time);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_invocation_class_init (YunInvocationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_invocation_finalize;
  object_class->get_property = yun_invocation_get_property;

  /**
   * YunInvocation:invocation-id:
   *
   * `InvocationId`, such as `inv-0jjtcr3h`.
   */
  properties[PROP_INVOCATION_ID]
    = g_param_spec_string ("invocation-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:command-id:
   *
   * `CommandId`.
   */
  properties[PROP_COMMAND_ID]
    = g_param_spec_string ("command-id", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:command-name:
   *
   * `CommandName`.
   */
  properties[PROP_COMMAND_NAME]
    = g_param_spec_string ("command-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:command-type:
   *
   * `CommandType`: `SHELL`, `POWERSHELL` or `BAT`.
   */
  properties[PROP_COMMAND_TYPE]
    = g_param_spec_string ("command-type", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:status:
   *
   * `InvocationStatus`: `PENDING`, `RUNNING`, `SUCCESS`, `PARTIAL_FAILED`….
   */
  properties[PROP_STATUS]
    = g_param_spec_string ("status", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:tasks:
   *
   * The tasks (#YunInvocationTask) from `InvocationTaskBasicInfoSet`.
   */
  properties[PROP_TASKS]
    = g_param_spec_boxed ("tasks", NULL, NULL, G_TYPE_PTR_ARRAY,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:username:
   *
   * `Username` the command ran as.
   */
  properties[PROP_USERNAME]
    = g_param_spec_string ("username", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:timeout:
   *
   * `Timeout`, in seconds.
   */
  properties[PROP_TIMEOUT]
    = g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:created-time:
   *
   * `CreatedTime`, in UTC.
   */
  properties[PROP_CREATED_TIME]
    = g_param_spec_boxed ("created-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:start-time:
   *
   * `StartTime`, in UTC.
   */
  properties[PROP_START_TIME]
    = g_param_spec_boxed ("start-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:end-time:
   *
   * `EndTime`, in UTC.
   */
  properties[PROP_END_TIME]
    = g_param_spec_boxed ("end-time", NULL, NULL, G_TYPE_DATE_TIME,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * YunInvocation:region:
   *
   * The region that was queried.
   */
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_invocation_init (YunInvocation *self)
{
}

/**
 * yun_invocation_get_invocation_id:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none): `InvocationId`, such as `inv-0jjtcr3h`.
 */
const char *
yun_invocation_get_invocation_id (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->invocation_id;
}

/**
 * yun_invocation_get_command_id:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `CommandId`.
 */
const char *
yun_invocation_get_command_id (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->command_id;
}

/**
 * yun_invocation_get_command_name:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `CommandName`.
 */
const char *
yun_invocation_get_command_name (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->command_name;
}

/**
 * yun_invocation_get_command_type:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `CommandType`: `SHELL`, `POWERSHELL` or `BAT`.
 */
const char *
yun_invocation_get_command_type (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->command_type;
}

/**
 * yun_invocation_get_status:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none): `InvocationStatus`: `PENDING`, `RUNNING`, `SUCCESS`, `PARTIAL_FAILED`….
 */
const char *
yun_invocation_get_status (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->status;
}

/**
 * yun_invocation_get_tasks:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none): the tasks (#YunInvocationTask) from `InvocationTaskBasicInfoSet`.
 */
GPtrArray *
yun_invocation_get_tasks (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->tasks;
}

/**
 * yun_invocation_get_username:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `Username` the command ran as.
 */
const char *
yun_invocation_get_username (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->username;
}

/**
 * yun_invocation_get_timeout:
 * @self: a #YunInvocation
 *
 * Returns:: `Timeout`, in seconds.
 */
guint
yun_invocation_get_timeout (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), 0);
  return self->timeout;
}

/**
 * yun_invocation_get_created_time:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `CreatedTime`, in UTC.
 */
GDateTime *
yun_invocation_get_created_time (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->created_time;
}

/**
 * yun_invocation_get_start_time:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `StartTime`, in UTC.
 */
GDateTime *
yun_invocation_get_start_time (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->start_time;
}

/**
 * yun_invocation_get_end_time:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): `EndTime`, in UTC.
 */
GDateTime *
yun_invocation_get_end_time (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->end_time;
}

/**
 * yun_invocation_get_region:
 * @self: a #YunInvocation
 *
 * Returns: (transfer none) (nullable): the region that was queried.
 */
const char *
yun_invocation_get_region (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);
  return self->region;
}

YunInvocation *
_yun_invocation_new_from_json (json_object *json, const char *region, GError **error)
{
  g_autoptr (YunInvocation) self = g_object_new (YUN_TYPE_INVOCATION, NULL);
  const char *I = "Invocation";
  json_object *tasks = NULL;
  gint64 timeout = 0;
  size_t n;

  if (!_yun_json_get_string (json, I, "InvocationId", TRUE, &self->invocation_id, error)
      || !_yun_json_get_string (json, I, "InvocationStatus", TRUE, &self->status, error)
      || !_yun_json_get_string (json, I, "CommandId", FALSE, &self->command_id, error)
      || !_yun_json_get_string (json, I, "CommandName", FALSE, &self->command_name, error)
      || !_yun_json_get_string (json, I, "CommandType", FALSE, &self->command_type, error)
      || !_yun_json_get_string (json, I, "Username", FALSE, &self->username, error)
      || !_yun_json_get_int64 (json, I, "Timeout", FALSE, &timeout, error)
      || !_yun_json_get_datetime (json, I, "CreatedTime", FALSE, &self->created_time, error)
      || !_yun_json_get_datetime (json, I, "StartTime", FALSE, &self->start_time, error)
      || !_yun_json_get_datetime (json, I, "EndTime", FALSE, &self->end_time, error)
      || !_yun_json_get_array (json, I, "InvocationTaskBasicInfoSet", FALSE, &tasks, error))
    return NULL;

  self->timeout = (guint) CLAMP (timeout, 0, G_MAXUINT);
  self->region = g_strdup (region);
  self->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  n = tasks != NULL ? json_object_array_length (tasks) : 0;
  for (size_t i = 0; i < n; i++)
    {
      YunInvocationTask *task
        = _yun_invocation_task_new_from_json (json_object_array_get_idx (tasks, i), region, error);

      if (task == NULL)
        return NULL;
      g_ptr_array_add (self->tasks, task);
    }

  return g_steal_pointer (&self);
}

/**
 * yun_invocation_status_is_terminal:
 * @status: (nullable): a TAT `InvocationStatus`
 *
 * Returns: whether @status is final: SUCCESS, FAILED, TIMEOUT, CANCELLED, PARTIAL_FAILED or
 *   PARTIAL_CANCELLED
 */
gboolean
yun_invocation_status_is_terminal (const char *status)
{
  static const char *const terminal[] = {
    "SUCCESS", "FAILED", "TIMEOUT", "CANCELLED", "PARTIAL_FAILED", "PARTIAL_CANCELLED", NULL,
  };

  return status != NULL && g_strv_contains (terminal, status);
}

/**
 * yun_invocation_is_terminal:
 * @self: a #YunInvocation
 *
 * Returns: whether the invocation has ended
 */
gboolean
yun_invocation_is_terminal (YunInvocation *self)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), FALSE);
  return yun_invocation_status_is_terminal (self->status);
}

/**
 * yun_invocation_get_task_for_instance:
 * @self: a #YunInvocation
 * @instance_id: an instance ID
 *
 * Returns: (transfer none) (nullable): the task of @instance_id, if it has one
 */
YunInvocationTask *
yun_invocation_get_task_for_instance (YunInvocation *self, const char *instance_id)
{
  g_return_val_if_fail (YUN_IS_INVOCATION (self), NULL);

  for (guint i = 0; i < self->tasks->len; i++)
    {
      YunInvocationTask *task = g_ptr_array_index (self->tasks, i);

      if (g_strcmp0 (yun_invocation_task_get_instance_id (task), instance_id) == 0)
        return task;
    }
  return NULL;
}
