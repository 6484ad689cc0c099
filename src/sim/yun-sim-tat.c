/* yun-sim-tat.c: TencentCloud Automation Tools (TAT 2020-10-28) on the simulated fleet
 *
 * SPDX-License-Identifier: MIT
 *
 * Commands run through a small deterministic interpreter, so that tests can predict their
 * output. Everything about a task (its output, exit code, final status and when it gets
 * there) is decided when it is created; its status at any moment is then a function of the
 * clock, a cancellation time and a forced end (the agent going offline). All functions run
 * with sim->lock held.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include <string.h>

#include "yun-sim-private.h"

#define MAX_CONTENT_LENGTH 65536
#define MAX_OUTPUT_LENGTH (24 * 1024)
#define TIMEOUT_EXIT_CODE -1

typedef struct
{
  char id[16];
  char *name;
  char *description;
  char *content;
  char *command_type;
  char *working_directory;
  char *username;
  gint64 timeout;
  gint64 created;
  gboolean saved;
} SimCommand;

typedef struct _SimInvocation SimInvocation;

typedef struct
{
  char id[20];
  SimInvocation *invocation;
  char instance_id[16];
  gint64 created_us;
  gint64 deliver_us;
  gint64 start_us;
  gint64 end_us;
  gint64 cancel_us;
  gint64 forced_us;
  const char *forced_status;
  const char *final_status;
  const char *error_info;
  gboolean start_failed;
  int exit_code;
  char *output; /* base64 of the kept bytes */
  gsize dropped;
} SimTask;

struct _SimInvocation
{
  char id[16];
  SimCommand *command; /* owned: a snapshot of what was invoked */
  SimRegion *region;
  char *username;
  char *working_directory;
  gint64 timeout;
  gint64 created_us;
  GPtrArray *tasks; /* SimTask, owned */
};

struct _SimTat
{
  GHashTable *commands;    /* id → SimCommand (saved ones) */
  GPtrArray *invocations;  /* SimInvocation, owned, in creation order */
  GHashTable *by_id;       /* inv- id → SimInvocation */
  GHashTable *tasks_by_id; /* invt- id → SimTask */
};

static void
command_free (SimCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->name);
  g_free (command->description);
  g_free (command->content);
  g_free (command->command_type);
  g_free (command->working_directory);
  g_free (command->username);
  g_free (command);
}

static SimCommand *
command_copy (const SimCommand *command)
{
  SimCommand *copy = g_new0 (SimCommand, 1);

  *copy = *command;
  copy->name = g_strdup (command->name);
  copy->description = g_strdup (command->description);
  copy->content = g_strdup (command->content);
  copy->command_type = g_strdup (command->command_type);
  copy->working_directory = g_strdup (command->working_directory);
  copy->username = g_strdup (command->username);
  return copy;
}

static void
task_free (SimTask *task)
{
  g_free (task->output);
  g_free (task);
}

static void
invocation_free (SimInvocation *invocation)
{
  command_free (invocation->command);
  g_free (invocation->username);
  g_free (invocation->working_directory);
  g_ptr_array_unref (invocation->tasks);
  g_free (invocation);
}

void
sim_tat_init (YunSim *sim)
{
  sim->tat = g_new0 (SimTat, 1);
  sim->tat->commands
    = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) command_free);
  sim->tat->invocations = g_ptr_array_new_with_free_func ((GDestroyNotify) invocation_free);
  sim->tat->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  sim->tat->tasks_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

void
sim_tat_free (YunSim *sim)
{
  if (sim->tat == NULL)
    return;
  g_hash_table_unref (sim->tat->tasks_by_id);
  g_hash_table_unref (sim->tat->by_id);
  g_ptr_array_unref (sim->tat->invocations);
  g_hash_table_unref (sim->tat->commands);
  g_clear_pointer (&sim->tat, g_free);
}

/* ---- Status as a function of time ---- */

static gint64
cancel_delay (YunSim *sim)
{
  return MAX (sim->transition_us / 4, 1000);
}

static const char *
task_status (YunSim *sim, SimTask *task, gint64 now)
{
  if (task->forced_status != NULL && now >= task->forced_us)
    return task->forced_status;
  if (task->cancel_us != 0 && now >= task->cancel_us)
    {
      gboolean done = now >= task->cancel_us + cancel_delay (sim);

      if (task->cancel_us < task->start_us)
        return done ? "CANCELLED" : "CANCELLING";
      if (task->cancel_us < task->end_us)
        return done ? "TERMINATED" : "CANCELLING";
    }
  if (now < task->deliver_us)
    return "PENDING";
  if (now < task->start_us)
    return "DELIVERING";
  if (task->start_failed)
    return "START_FAILED";
  if (now < task->end_us)
    return "RUNNING";
  return task->final_status;
}

static gboolean
status_is_terminal (const char *status)
{
  static const char *const terminal[]
    = { "DELIVER_FAILED", "START_FAILED", "SUCCESS",   "FAILED",
        "TIMEOUT",        "TASK_TIMEOUT", "CANCELLED", "TERMINATED" };

  for (guint i = 0; i < G_N_ELEMENTS (terminal); i++)
    if (g_str_equal (status, terminal[i]))
      return TRUE;
  return FALSE;
}

/* When the task stopped running, for ExecEndTime/EndTime; 0 while it is not finished. */
static gint64
task_end_time (YunSim *sim, SimTask *task, gint64 now)
{
  const char *status = task_status (sim, task, now);

  if (!status_is_terminal (status))
    return 0;
  if (task->forced_status != NULL && now >= task->forced_us)
    return task->forced_us;
  if (task->cancel_us != 0 && task->cancel_us < task->end_us)
    return task->cancel_us + cancel_delay (sim);
  return task->start_failed ? task->start_us : task->end_us;
}

static const char *
invocation_status (YunSim *sim, SimInvocation *invocation, gint64 now)
{
  guint n_success = 0, n_cancelled = 0, n_timeout = 0, n_failed = 0;
  gboolean any_cancelling = FALSE, any_running = FALSE, any_open = FALSE;

  for (guint i = 0; i < invocation->tasks->len; i++)
    {
      const char *status = task_status (sim, g_ptr_array_index (invocation->tasks, i), now);

      if (g_str_equal (status, "CANCELLING"))
        any_cancelling = any_open = TRUE;
      else if (g_str_equal (status, "RUNNING") || g_str_equal (status, "DELIVERING"))
        any_running = any_open = TRUE;
      else if (!status_is_terminal (status))
        any_open = TRUE;
      else if (g_str_equal (status, "SUCCESS"))
        n_success++;
      else if (g_str_equal (status, "CANCELLED") || g_str_equal (status, "TERMINATED"))
        n_cancelled++;
      else if (g_str_equal (status, "TIMEOUT"))
        n_timeout++;
      else
        n_failed++;
    }

  if (any_open)
    return any_cancelling ? "CANCELLING" : any_running ? "RUNNING" : "PENDING";
  if (n_success == invocation->tasks->len)
    return "SUCCESS";
  if (n_cancelled == invocation->tasks->len)
    return "CANCELLED";
  if (n_timeout == invocation->tasks->len)
    return "TIMEOUT";
  if (n_cancelled > 0 && n_failed == 0 && n_timeout == 0)
    return "PARTIAL_CANCELLED";
  if (n_success > 0 || n_cancelled > 0)
    return "PARTIAL_FAILED";
  return n_timeout > 0 && n_failed == 0 ? "TIMEOUT" : "FAILED";
}

/* ---- The interpreter ---- */

typedef struct
{
  GString *output;
  int exit_code;
  gint64 sleep_seconds;
  gboolean exited;
} Run;

static char *
unquote (const char *text)
{
  gsize length = strlen (text);

  if (length >= 2 && (text[0] == '"' || text[0] == '\'') && text[length - 1] == text[0])
    return g_strndup (text + 1, length - 2);
  return g_strdup (text);
}

static const char *
argument_after (const char *line, const char *command)
{
  gsize length = strlen (command);

  if (g_ascii_strncasecmp (line, command, length) != 0)
    return NULL;
  if (line[length] == '\0')
    return line + length;
  if (line[length] != ' ' && line[length] != '\t')
    return NULL;
  line += length;
  while (*line == ' ' || *line == '\t')
    line++;
  return line;
}

static void
os_release (GString *out, SimInstance *instance, const char *eol)
{
  const char *platform = instance->image->platform;
  const char *os_name = instance->image->os_name;
  g_autofree char *id = g_ascii_strdown (platform, -1);

  if (instance->image->windows)
    {
      g_string_append_printf (out, "Host Name:                 %s%s", instance->name, eol);
      g_string_append_printf (out, "OS Name:                   Microsoft %s%s", os_name, eol);
      g_string_append_printf (out, "OS Version:                10.0.17763 N/A Build 17763%s", eol);
      g_string_append_printf (out, "System Manufacturer:       Tencent Cloud%s", eol);
      g_string_append_printf (out, "System Type:               x64-based PC%s", eol);
      return;
    }
  g_string_append_printf (out, "NAME=\"%s\"%s", platform, eol);
  g_string_append_printf (out, "PRETTY_NAME=\"%s\"%s", os_name, eol);
  g_string_append_printf (out, "ID=%s%s", id, eol);
}

static void
run_line (Run *run, SimInstance *instance, const char *line, gboolean windows)
{
  const char *eol = windows ? "\r\n" : "\n";
  const char *arg;

  if ((arg = argument_after (line, "echo")) != NULL
      || (windows
          && ((arg = argument_after (line, "Write-Output")) != NULL
              || (arg = argument_after (line, "Write-Host")) != NULL)))
    {
      g_autofree char *text = unquote (arg);

      g_string_append_printf (run->output, "%s%s", text, eol);
    }
  else if ((arg = argument_after (line, "exit")) != NULL)
    {
      run->exit_code = (int) g_ascii_strtoll (arg, NULL, 10);
      run->exited = TRUE;
    }
  else if ((arg = argument_after (line, "sleep")) != NULL
           || (windows && (arg = argument_after (line, "Start-Sleep")) != NULL))
    {
      if (g_ascii_strncasecmp (arg, "-Seconds", 8) == 0)
        arg += 8;
      run->sleep_seconds += MAX (g_ascii_strtoll (arg, NULL, 10), 0);
    }
  else if (g_ascii_strcasecmp (line, "hostname") == 0
           || (windows && g_ascii_strcasecmp (line, "$env:COMPUTERNAME") == 0))
    g_string_append_printf (run->output, "%s%s", instance->name, eol);
  else if ((!windows && g_str_equal (line, "cat /etc/os-release"))
           || (windows
               && (g_ascii_strcasecmp (line, "Get-ComputerInfo") == 0
                   || g_ascii_strcasecmp (line, "systeminfo") == 0)))
    os_release (run->output, instance, eol);
  else if ((arg = argument_after (line, "seq")) != NULL
           || (windows && g_str_has_prefix (line, "1..")))
    {
      gint64 n = g_ascii_strtoll (arg != NULL ? arg : line + 3, NULL, 10);

      for (gint64 i = 1; i <= MIN (n, 1000000); i++)
        g_string_append_printf (run->output, "%" G_GINT64_FORMAT "%s", i, eol);
    }
  else if (g_str_equal (line, "true") || g_str_equal (line, ":"))
    ;
  else if (g_str_equal (line, "false"))
    run->exit_code = 1;
  else
    g_string_append_printf (run->output, "yunsim: ran `%s` on %s (%s)%s", line, instance->id,
                            instance->name, eol);
}

static void
interpret (Run *run, SimInstance *instance, const char *script, gboolean windows)
{
  g_auto (GStrv) lines = g_strsplit (script, "\n", -1);

  run->output = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL && !run->exited; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      run_line (run, instance, line, windows);
    }
}

static gboolean
valid_base64 (const char *text)
{
  gsize length = strlen (text);
  gsize padding = 0;

  if (length == 0 || length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          if (i < length - 2)
            return FALSE;
          padding++;
        }
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  return TRUE;
}

static gboolean
known_user (SimInstance *instance, const char *user)
{
  if (instance->image->windows)
    return g_ascii_strcasecmp (user, "System") == 0
           || g_ascii_strcasecmp (user, "Administrator") == 0;
  return g_str_equal (user, "root") || g_str_equal (user, instance->image->login_user);
}

static SimTask *
task_new (YunSim *sim, SimInvocation *invocation, SimInstance *instance, gint64 now)
{
  SimTask *task = g_new0 (SimTask, 1);
  SimCommand *command = invocation->command;
  gboolean windows = sim_instance_is_windows (instance);
  gint64 step = MAX (sim->transition_us / 4, 1000);
  const char *user = invocation->username;
  g_autofree guchar *script = NULL;
  g_autofree char *script_text = NULL;
  gsize script_length;
  Run run = { 0 };
  g_autofree char *bytes = NULL;
  gsize length;

  do
    sim_random_id (sim->rand, "invt", task->id, sizeof task->id);
  while (g_hash_table_contains (sim->tat->tasks_by_id, task->id));
  g_strlcpy (task->instance_id, instance->id, sizeof task->instance_id);
  task->invocation = invocation;
  task->created_us = now;
  task->deliver_us = now + step;
  task->start_us = now + 2 * step;

  if (user == NULL)
    user = windows ? "System" : "root";
  if (!known_user (instance, user))
    {
      task->start_failed = TRUE;
      task->end_us = task->start_us;
      task->final_status = "START_FAILED";
      task->error_info = "The user does not exist on the instance.";
      task->output = g_strdup ("");
      return task;
    }

  script = g_base64_decode (command->content, &script_length);
  script_text = g_strndup ((const char *) script, script_length);
  interpret (&run, instance, script_text, windows);

  if (run.sleep_seconds > invocation->timeout)
    {
      task->end_us = task->start_us + invocation->timeout * G_USEC_PER_SEC;
      task->final_status = "TIMEOUT";
      task->exit_code = TIMEOUT_EXIT_CODE;
      task->error_info = "The command timed out.";
    }
  else
    {
      task->end_us = task->start_us + 2 * step + run.sleep_seconds * G_USEC_PER_SEC;
      task->exit_code = run.exit_code;
      task->final_status = run.exit_code == 0 ? "SUCCESS" : "FAILED";
    }

  /* Windows agents report output in the console code page: GBK on Chinese images. */
  length = run.output->len;
  bytes = g_string_free (run.output, FALSE);
  if (windows)
    {
      gsize written = 0;
      g_autofree char *gbk = g_convert (bytes, length, "GBK", "UTF-8", NULL, &written, NULL);

      if (gbk != NULL)
        {
          g_free (bytes);
          bytes = g_steal_pointer (&gbk);
          length = written;
        }
    }
  if (length > MAX_OUTPUT_LENGTH)
    {
      task->dropped = length - MAX_OUTPUT_LENGTH;
      length = MAX_OUTPUT_LENGTH;
    }
  task->output = g_base64_encode ((const guchar *) bytes, length);
  return task;
}

/* ---- Actions ---- */

static gboolean
check_command_fields (SimCall *call, json_object *params, SimCommand *command, gboolean creating)
{
  const char *content, *name, *description, *type, *directory, *user;

  if (!sim_param_string (call, params, "Content", TRUE, &content)
      || !sim_param_string (call, params, "CommandName", creating, &name)
      || !sim_param_string (call, params, "Description", FALSE, &description)
      || !sim_param_string (call, params, "CommandType", FALSE, &type)
      || !sim_param_string (call, params, "WorkingDirectory", FALSE, &directory)
      || !sim_param_string (call, params, "Username", FALSE, &user)
      || !sim_param_int (call, params, "Timeout", 60, 1, 86400, &command->timeout))
    return FALSE;
  if (strlen (content) > MAX_CONTENT_LENGTH)
    return sim_call_fail (call, "InvalidParameterValue.InvalidContent",
                          "Content is longer than %d bytes once base64-encoded.",
                          MAX_CONTENT_LENGTH);
  if (!valid_base64 (content))
    return sim_call_fail (call, "InvalidParameterValue.InvalidContent",
                          "Content is not valid base64.");
  if (name != NULL && strlen (name) > 60)
    return sim_call_fail (call, "InvalidParameterValue.TooLong",
                          "CommandName is longer than 60 bytes.");
  if (description != NULL && g_utf8_strlen (description, -1) > 120)
    return sim_call_fail (call, "InvalidParameterValue.TooLong",
                          "Description is longer than 120 characters.");
  if (type == NULL)
    type = "SHELL";
  if (!g_str_equal (type, "SHELL") && !g_str_equal (type, "POWERSHELL")
      && !g_str_equal (type, "BAT"))
    return sim_call_fail (call, "InvalidParameterValue",
                          "CommandType must be SHELL, POWERSHELL or BAT, got `%s`.", type);

  command->content = g_strdup (content);
  command->name = g_strdup (name != NULL ? name : "");
  command->description = g_strdup (description != NULL ? description : "");
  command->command_type = g_strdup (type);
  command->working_directory = g_strdup (directory);
  command->username = g_strdup (user);
  command->created = sim_wall_now (call->sim);
  return TRUE;
}

static gboolean
valid_tat_id (const char *id, const char *prefix)
{
  gsize prefix_length = strlen (prefix);

  if (!g_str_has_prefix (id, prefix) || strlen (id) != prefix_length + 8)
    return FALSE;
  for (const char *p = id + prefix_length; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
resolve_targets (SimCall *call, json_object *params, const char *command_type, GPtrArray **out)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) instances = g_ptr_array_new ();

  if (!sim_param_strings (call, params, "InstanceIds", 200, TRUE, &ids))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      SimInstance *instance;
      gboolean windows;

      if (!g_str_has_prefix (id, "ins-") || strlen (id) != 12)
        return sim_call_fail (call, "InvalidParameterValue.InvalidInstanceId",
                              "The instance ID `%s` is malformed.", id);
      instance = g_hash_table_lookup (call->sim->instances, id);
      if (instance == NULL || instance->region != call->region)
        return sim_call_fail (call, "ResourceNotFound.InstanceNotFound",
                              "The instance `%s` does not exist in region %s.", id,
                              call->region->region);
      if (instance->state != SIM_STATE_RUNNING)
        return sim_call_fail (call, "ResourceUnavailable.InstanceStateNotRunning",
                              "The instance `%s` is not RUNNING.", id);
      if (instance->agent == SIM_AGENT_NONE)
        return sim_call_fail (call, "ResourceUnavailable.AgentNotInstalled",
                              "The TAT agent is not installed on `%s`.", id);
      if (instance->agent != SIM_AGENT_ONLINE)
        return sim_call_fail (call, "ResourceUnavailable.AgentStatusNotOnline",
                              "The TAT agent of `%s` is not online.", id);
      windows = sim_instance_is_windows (instance);
      if (windows == g_str_equal (command_type, "SHELL"))
        return sim_call_fail (call, "InvalidParameterValue.AgentUnsupportedCommandType",
                              "The agent of `%s` (%s) does not run %s commands.", id,
                              windows ? "Windows" : "Linux", command_type);
      if (!g_ptr_array_find (instances, instance, NULL))
        g_ptr_array_add (instances, instance);
    }
  *out = g_steal_pointer (&instances);
  return TRUE;
}

static SimInvocation *
invoke (SimCall *call,
        SimCommand *command,
        GPtrArray *instances,
        const char *username,
        const char *directory,
        gint64 timeout)
{
  YunSim *sim = call->sim;
  SimInvocation *invocation = g_new0 (SimInvocation, 1);

  do
    sim_random_id (sim->rand, "inv", invocation->id, sizeof invocation->id);
  while (g_hash_table_contains (sim->tat->by_id, invocation->id));
  invocation->command = command_copy (command);
  invocation->region = call->region;
  invocation->username = g_strdup (username != NULL ? username : command->username);
  invocation->working_directory
    = g_strdup (directory != NULL ? directory : command->working_directory);
  invocation->timeout = timeout;
  invocation->created_us = call->now;
  invocation->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) task_free);
  for (guint i = 0; i < instances->len; i++)
    {
      SimTask *task = task_new (sim, invocation, g_ptr_array_index (instances, i), call->now);

      g_ptr_array_add (invocation->tasks, task);
      g_hash_table_insert (sim->tat->tasks_by_id, task->id, task);
    }
  g_ptr_array_add (sim->tat->invocations, invocation);
  g_hash_table_insert (sim->tat->by_id, invocation->id, invocation);
  return invocation;
}

static json_object *
action_run_command (SimCall *call, json_object *params)
{
  g_autoptr (GPtrArray) instances = NULL;
  SimCommand *command = g_new0 (SimCommand, 1);
  SimInvocation *invocation;
  gboolean save;
  json_object *result;

  if (!check_command_fields (call, params, command, FALSE)
      || !sim_param_bool (call, params, "SaveCommand", FALSE, &save)
      || !resolve_targets (call, params, command->command_type, &instances))
    {
      command_free (command);
      return NULL;
    }
  sim_random_id (call->sim->rand, "cmd", command->id, sizeof command->id);
  invocation = invoke (call, command, instances, NULL, NULL, command->timeout);

  result = json_object_new_object ();
  json_object_object_add (result, "CommandId", json_object_new_string (command->id));
  json_object_object_add (result, "InvocationId", json_object_new_string (invocation->id));
  if (save)
    {
      command->saved = TRUE;
      g_hash_table_insert (call->sim->tat->commands, command->id, command);
    }
  else
    command_free (command);
  return result;
}

static json_object *
action_create_command (SimCall *call, json_object *params)
{
  SimCommand *command = g_new0 (SimCommand, 1);
  json_object *result;

  if (!check_command_fields (call, params, command, TRUE))
    {
      command_free (command);
      return NULL;
    }
  sim_random_id (call->sim->rand, "cmd", command->id, sizeof command->id);
  command->saved = TRUE;
  g_hash_table_insert (call->sim->tat->commands, command->id, command);
  result = json_object_new_object ();
  json_object_object_add (result, "CommandId", json_object_new_string (command->id));
  return result;
}

static json_object *
action_invoke_command (SimCall *call, json_object *params)
{
  g_autoptr (GPtrArray) instances = NULL;
  const char *command_id, *user, *directory;
  SimCommand *command;
  SimInvocation *invocation;
  gint64 timeout;
  json_object *result;

  if (!sim_param_string (call, params, "CommandId", TRUE, &command_id)
      || !sim_param_string (call, params, "Username", FALSE, &user)
      || !sim_param_string (call, params, "WorkingDirectory", FALSE, &directory))
    return NULL;
  if (!valid_tat_id (command_id, "cmd-"))
    return sim_call_fail (call, "InvalidParameterValue.InvalidCommandId",
                          "The command ID `%s` is malformed.", command_id),
           NULL;
  command = g_hash_table_lookup (call->sim->tat->commands, command_id);
  if (command == NULL)
    return sim_call_fail (call, "ResourceNotFound.CommandNotFound",
                          "The command `%s` does not exist.", command_id),
           NULL;
  if (!sim_param_int (call, params, "Timeout", command->timeout, 1, 86400, &timeout)
      || !resolve_targets (call, params, command->command_type, &instances))
    return NULL;
  invocation = invoke (call, command, instances, user, directory, timeout);
  result = json_object_new_object ();
  json_object_object_add (result, "InvocationId", json_object_new_string (invocation->id));
  return result;
}

static json_object *
action_cancel_invocation (SimCall *call, json_object *params)
{
  g_autoptr (GPtrArray) ids = NULL;
  const char *invocation_id;
  SimInvocation *invocation;

  if (!sim_param_string (call, params, "InvocationId", TRUE, &invocation_id)
      || !sim_param_strings (call, params, "InstanceIds", 100, FALSE, &ids))
    return NULL;
  if (!valid_tat_id (invocation_id, "inv-"))
    return sim_call_fail (call, "InvalidParameterValue.InvalidInvocationId",
                          "The invocation ID `%s` is malformed.", invocation_id),
           NULL;
  invocation = g_hash_table_lookup (call->sim->tat->by_id, invocation_id);
  if (invocation == NULL || invocation->region != call->region)
    return sim_call_fail (call, "ResourceNotFound.InvocationNotFound",
                          "The invocation `%s` does not exist.", invocation_id),
           NULL;

  for (guint k = 0; ids != NULL && k < ids->len; k++)
    {
      gboolean related = FALSE;

      for (guint i = 0; i < invocation->tasks->len; i++)
        related |= g_str_equal (((SimTask *) g_ptr_array_index (invocation->tasks, i))->instance_id,
                                g_ptr_array_index (ids, k));
      if (!related)
        return sim_call_fail (call, "InvalidParameterValue.InstanceIsNotRelatedToInvocation",
                              "The instance `%s` is not part of invocation `%s`.",
                              (const char *) g_ptr_array_index (ids, k), invocation_id),
               NULL;
    }

  for (guint i = 0; i < invocation->tasks->len; i++)
    {
      SimTask *task = g_ptr_array_index (invocation->tasks, i);
      gboolean selected = ids == NULL;

      for (guint k = 0; ids != NULL && k < ids->len; k++)
        selected |= g_str_equal (task->instance_id, g_ptr_array_index (ids, k));
      if (selected && task->cancel_us == 0
          && !status_is_terminal (task_status (call->sim, task, call->now)))
        task->cancel_us = call->now;
    }
  return json_object_new_object ();
}

static json_object *
iso_or_empty (YunSim *sim, gint64 monotonic, gint64 now)
{
  g_autofree char *text = NULL;

  if (monotonic == 0 || monotonic > now)
    return json_object_new_string ("");
  text = sim_iso8601 (sim_wall_at (sim, monotonic, now));
  return json_object_new_string (text);
}

static json_object *
iso_at (YunSim *sim, gint64 monotonic, gint64 now)
{
  g_autofree char *text = sim_iso8601 (sim_wall_at (sim, monotonic, now));

  return json_object_new_string (text);
}

static json_object *
command_document (SimInvocation *invocation)
{
  json_object *document = json_object_new_object ();

  json_object_object_add (document, "Content",
                          json_object_new_string (invocation->command->content));
  json_object_object_add (document, "CommandType",
                          json_object_new_string (invocation->command->command_type));
  json_object_object_add (document, "Timeout", json_object_new_int64 (invocation->timeout));
  json_object_object_add (document, "WorkingDirectory",
                          json_object_new_string (invocation->working_directory != NULL
                                                    ? invocation->working_directory
                                                    : ""));
  json_object_object_add (
    document, "Username",
    json_object_new_string (invocation->username != NULL ? invocation->username : ""));
  json_object_object_add (document, "OutputCOSBucketUrl", json_object_new_string (""));
  json_object_object_add (document, "OutputCOSKeyPrefix", json_object_new_string (""));
  return document;
}

static json_object *
invocation_to_json (YunSim *sim, SimInvocation *invocation, gint64 now)
{
  json_object *item = json_object_new_object ();
  json_object *tasks = json_object_new_array ();
  const char *status = invocation_status (sim, invocation, now);
  gint64 end = 0;

  for (guint i = 0; i < invocation->tasks->len; i++)
    {
      SimTask *task = g_ptr_array_index (invocation->tasks, i);
      json_object *basic = json_object_new_object ();

      json_object_object_add (basic, "InvocationTaskId", json_object_new_string (task->id));
      json_object_object_add (basic, "TaskStatus",
                              json_object_new_string (task_status (sim, task, now)));
      json_object_object_add (basic, "InstanceId", json_object_new_string (task->instance_id));
      json_object_array_add (tasks, basic);
      end = MAX (end, task_end_time (sim, task, now));
    }

  json_object_object_add (item, "InvocationId", json_object_new_string (invocation->id));
  json_object_object_add (item, "CommandId", json_object_new_string (invocation->command->id));
  json_object_object_add (item, "CommandName", json_object_new_string (invocation->command->name));
  json_object_object_add (item, "InvocationStatus", json_object_new_string (status));
  json_object_object_add (item, "InvocationTaskBasicInfoSet", tasks);
  json_object_object_add (item, "Description",
                          json_object_new_string (invocation->command->description));
  json_object_object_add (item, "StartTime", iso_at (sim, invocation->created_us, now));
  json_object_object_add (item, "EndTime",
                          status_is_terminal (status) || g_str_has_prefix (status, "PARTIAL")
                            ? iso_or_empty (sim, end, now)
                            : json_object_new_string (""));
  json_object_object_add (item, "CreatedTime", iso_at (sim, invocation->created_us, now));
  json_object_object_add (item, "UpdatedTime",
                          iso_at (sim, MAX (end, invocation->created_us), now));
  json_object_object_add (item, "Parameters", json_object_new_string ("{}"));
  json_object_object_add (item, "DefaultParameters", json_object_new_string ("{}"));
  json_object_object_add (item, "InstanceKind", json_object_new_string ("CVM"));
  json_object_object_add (
    item, "Username",
    json_object_new_string (invocation->username != NULL ? invocation->username : ""));
  json_object_object_add (item, "InvocationSource", json_object_new_string ("USER"));
  json_object_object_add (item, "CommandContent",
                          json_object_new_string (invocation->command->content));
  json_object_object_add (item, "CommandType",
                          json_object_new_string (invocation->command->command_type));
  json_object_object_add (item, "Timeout", json_object_new_int64 (invocation->timeout));
  json_object_object_add (item, "WorkingDirectory",
                          json_object_new_string (invocation->working_directory != NULL
                                                    ? invocation->working_directory
                                                    : ""));
  json_object_object_add (item, "OutputCOSBucketUrl", json_object_new_string (""));
  json_object_object_add (item, "OutputCOSKeyPrefix", json_object_new_string (""));
  return item;
}

static json_object *
task_to_json (YunSim *sim, SimTask *task, gboolean hide_output, gint64 now)
{
  json_object *item = json_object_new_object ();
  json_object *result = json_object_new_object ();
  const char *status = task_status (sim, task, now);
  gboolean terminal = status_is_terminal (status);
  gboolean started = now >= task->start_us && !task->start_failed
                     && (task->cancel_us == 0 || task->cancel_us >= task->start_us);
  gint64 end = task_end_time (sim, task, now);
  gboolean ran_to_end = terminal && task->forced_status == NULL
                        && (task->cancel_us == 0 || task->cancel_us >= task->end_us);

  json_object_object_add (result, "ExitCode",
                          json_object_new_int (ran_to_end ? task->exit_code : 0));
  json_object_object_add (
    result, "Output",
    json_object_new_string (!hide_output && ran_to_end && !task->start_failed ? task->output : ""));
  json_object_object_add (result, "ExecStartTime",
                          started ? iso_at (sim, task->start_us, now)
                                  : json_object_new_string (""));
  json_object_object_add (result, "ExecEndTime",
                          terminal && started ? iso_or_empty (sim, end, now)
                                              : json_object_new_string (""));
  json_object_object_add (
    result, "Dropped",
    json_object_new_int64 (ran_to_end && !task->start_failed ? task->dropped : 0));
  json_object_object_add (result, "OutputUrl", json_object_new_string (""));
  json_object_object_add (result, "OutputUploadCOSErrorInfo", json_object_new_string (""));

  json_object_object_add (item, "InvocationId", json_object_new_string (task->invocation->id));
  json_object_object_add (item, "InvocationTaskId", json_object_new_string (task->id));
  json_object_object_add (item, "CommandId",
                          json_object_new_string (task->invocation->command->id));
  json_object_object_add (item, "CommandName",
                          json_object_new_string (task->invocation->command->name));
  json_object_object_add (item, "TaskStatus", json_object_new_string (status));
  json_object_object_add (item, "InstanceId", json_object_new_string (task->instance_id));
  json_object_object_add (item, "TaskResult", result);
  json_object_object_add (
    item, "StartTime", started ? iso_at (sim, task->start_us, now) : json_object_new_string (""));
  json_object_object_add (item, "EndTime",
                          terminal ? iso_or_empty (sim, end, now) : json_object_new_string (""));
  json_object_object_add (item, "CreatedTime", iso_at (sim, task->created_us, now));
  json_object_object_add (item, "UpdatedTime", iso_at (sim, MAX (end, task->created_us), now));
  json_object_object_add (
    item, "ErrorInfo",
    json_object_new_string (terminal && !g_str_equal (status, "SUCCESS") && task->error_info != NULL
                                && (task->start_failed || g_str_equal (status, "TIMEOUT"))
                              ? task->error_info
                              : (task->forced_status != NULL && now >= task->forced_us
                                   ? "The TAT agent went offline."
                                   : "")));
  json_object_object_add (item, "InvocationSource", json_object_new_string ("USER"));
  json_object_object_add (item, "CommandDocument", command_document (task->invocation));
  return item;
}

static gboolean
page_params (SimCall *call, json_object *params, gint64 *offset, gint64 *limit)
{
  return sim_param_int (call, params, "Offset", 0, 0, G_MAXINT32, offset)
         && sim_param_int (call, params, "Limit", 20, 1, 100, limit);
}

static json_object *
action_describe_invocations (SimCall *call, json_object *params)
{
  static const char *const known[]
    = { "invocation-id", "command-id", "command-created-by", "instance-kind", NULL };
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) filters = NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  SimTat *tat = call->sim->tat;
  json_object *result, *set;
  gint64 offset, limit;

  if (!sim_param_strings (call, params, "InvocationIds", 100, FALSE, &ids)
      || !sim_param_filters (call, params, known, FALSE, &filters)
      || !page_params (call, params, &offset, &limit))
    return NULL;
  if (ids != NULL && filters->len > 0)
    return sim_call_fail (call, "InvalidParameter.ConflictParameter",
                          "InvocationIds and Filters cannot be specified together."),
           NULL;

  /* Newest first, as the console shows them. */
  for (guint i = tat->invocations->len; i > 0; i--)
    {
      SimInvocation *invocation = g_ptr_array_index (tat->invocations, i - 1);
      gboolean keep = invocation->region == call->region;

      if (keep && ids != NULL)
        {
          keep = FALSE;
          for (guint k = 0; k < ids->len; k++)
            keep |= g_str_equal (g_ptr_array_index (ids, k), invocation->id);
        }
      for (guint f = 0; keep && f < filters->len; f++)
        {
          SimFilter *filter = g_ptr_array_index (filters, f);

          if (g_str_equal (filter->name, "invocation-id"))
            keep = sim_filter_matches (filter, invocation->id);
          else if (g_str_equal (filter->name, "command-id"))
            keep = sim_filter_matches (filter, invocation->command->id);
          else if (g_str_equal (filter->name, "command-created-by"))
            keep = sim_filter_matches (filter, "USER");
          else
            keep = sim_filter_matches (filter, "CVM");
        }
      if (keep)
        g_ptr_array_add (matches, invocation);
    }

  result = json_object_new_object ();
  set = json_object_new_array ();
  for (guint i = offset; i < matches->len && i < offset + limit; i++)
    json_object_array_add (
      set, invocation_to_json (call->sim, g_ptr_array_index (matches, i), call->now));
  json_object_object_add (result, "TotalCount", json_object_new_int (matches->len));
  json_object_object_add (result, "InvocationSet", set);
  return result;
}

static json_object *
action_describe_invocation_tasks (SimCall *call, json_object *params)
{
  static const char *const known[]
    = { "invocation-task-id", "invocation-id", "instance-id", "command-id", NULL };
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) filters = NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  SimTat *tat = call->sim->tat;
  json_object *result, *set;
  gint64 offset, limit;
  gboolean hide_output;

  if (!sim_param_strings (call, params, "InvocationTaskIds", 100, FALSE, &ids)
      || !sim_param_filters (call, params, known, FALSE, &filters)
      || !page_params (call, params, &offset, &limit)
      || !sim_param_bool (call, params, "HideOutput", TRUE, &hide_output))
    return NULL;
  if (ids != NULL && filters->len > 0)
    return sim_call_fail (call, "InvalidParameter.ConflictParameter",
                          "InvocationTaskIds and Filters cannot be specified together."),
           NULL;

  for (guint i = tat->invocations->len; i > 0; i--)
    {
      SimInvocation *invocation = g_ptr_array_index (tat->invocations, i - 1);

      if (invocation->region != call->region)
        continue;
      for (guint t = 0; t < invocation->tasks->len; t++)
        {
          SimTask *task = g_ptr_array_index (invocation->tasks, t);
          gboolean keep = TRUE;

          if (ids != NULL)
            {
              keep = FALSE;
              for (guint k = 0; k < ids->len; k++)
                keep |= g_str_equal (g_ptr_array_index (ids, k), task->id);
            }
          for (guint f = 0; keep && f < filters->len; f++)
            {
              SimFilter *filter = g_ptr_array_index (filters, f);

              if (g_str_equal (filter->name, "invocation-task-id"))
                keep = sim_filter_matches (filter, task->id);
              else if (g_str_equal (filter->name, "invocation-id"))
                keep = sim_filter_matches (filter, invocation->id);
              else if (g_str_equal (filter->name, "instance-id"))
                keep = sim_filter_matches (filter, task->instance_id);
              else
                keep = sim_filter_matches (filter, invocation->command->id);
            }
          if (keep)
            g_ptr_array_add (matches, task);
        }
    }

  result = json_object_new_object ();
  set = json_object_new_array ();
  for (guint i = offset; i < matches->len && i < offset + limit; i++)
    json_object_array_add (
      set, task_to_json (call->sim, g_ptr_array_index (matches, i), hide_output, call->now));
  json_object_object_add (result, "TotalCount", json_object_new_int (matches->len));
  json_object_object_add (result, "InvocationTaskSet", set);
  return result;
}

static const char *
agent_status_name (SimInstance *instance)
{
  return instance->agent == SIM_AGENT_ONLINE && instance->state == SIM_STATE_RUNNING ? "Online"
                                                                                     : "Offline";
}

static json_object *
action_describe_automation_agent_status (SimCall *call, json_object *params)
{
  static const char *const known[] = { "agent-status", "environment", "instance-id", NULL };
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) filters = NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  json_object *result, *set;
  gint64 offset, limit;

  if (!sim_param_strings (call, params, "InstanceIds", 100, FALSE, &ids)
      || !sim_param_filters (call, params, known, FALSE, &filters)
      || !page_params (call, params, &offset, &limit))
    return NULL;
  if (ids != NULL && filters->len > 0)
    return sim_call_fail (call, "InvalidParameter.ConflictParameter",
                          "InstanceIds and Filters cannot be specified together."),
           NULL;

  if (ids != NULL)
    {
      for (guint k = 0; k < ids->len; k++)
        {
          SimInstance *instance
            = g_hash_table_lookup (call->sim->instances, g_ptr_array_index (ids, k));

          if (instance != NULL && instance->region == call->region
              && instance->agent != SIM_AGENT_NONE && !g_ptr_array_find (matches, instance, NULL))
            g_ptr_array_add (matches, instance);
        }
    }
  else
    for (guint i = 0; i < call->region->instances->len; i++)
      {
        SimInstance *instance = g_ptr_array_index (call->region->instances, i);
        gboolean keep = instance->agent != SIM_AGENT_NONE;

        for (guint f = 0; keep && f < filters->len; f++)
          {
            SimFilter *filter = g_ptr_array_index (filters, f);

            if (g_str_equal (filter->name, "agent-status"))
              keep = sim_filter_matches (filter, agent_status_name (instance));
            else if (g_str_equal (filter->name, "environment"))
              keep = sim_filter_matches (filter,
                                         sim_instance_is_windows (instance) ? "Windows" : "Linux");
            else
              keep = sim_filter_matches (filter, instance->id);
          }
        if (keep)
          g_ptr_array_add (matches, instance);
      }

  result = json_object_new_object ();
  set = json_object_new_array ();
  for (guint i = offset; i < matches->len && i < offset + limit; i++)
    {
      SimInstance *instance = g_ptr_array_index (matches, i);
      json_object *item = json_object_new_object ();
      json_object *features = json_object_new_array ();
      gboolean online = g_str_equal (agent_status_name (instance), "Online");
      g_autofree char *heartbeat = sim_iso8601 (sim_wall_now (call->sim) - (online ? 5 : 3600 * 6));

      json_object_array_add (features, json_object_new_string ("SendFile"));
      json_object_object_add (item, "InstanceId", json_object_new_string (instance->id));
      json_object_object_add (item, "Version", json_object_new_string ("1.1.9"));
      json_object_object_add (item, "LastHeartbeatTime", json_object_new_string (heartbeat));
      json_object_object_add (item, "AgentStatus",
                              json_object_new_string (agent_status_name (instance)));
      json_object_object_add (
        item, "Environment",
        json_object_new_string (sim_instance_is_windows (instance) ? "Windows" : "Linux"));
      json_object_object_add (item, "SupportFeatures", features);
      json_object_array_add (set, item);
    }
  json_object_object_add (result, "AutomationAgentSet", set);
  json_object_object_add (result, "TotalCount", json_object_new_int (matches->len));
  return result;
}

/* The agent of @instance stopped answering: what was not delivered fails delivery, what was
 * running is lost (TASK_TIMEOUT). */
void
sim_tat_agent_changed (YunSim *sim, SimInstance *instance, gint64 now)
{
  if (instance->agent == SIM_AGENT_ONLINE)
    return;
  for (guint i = 0; i < sim->tat->invocations->len; i++)
    {
      SimInvocation *invocation = g_ptr_array_index (sim->tat->invocations, i);

      for (guint t = 0; t < invocation->tasks->len; t++)
        {
          SimTask *task = g_ptr_array_index (invocation->tasks, t);
          const char *status;

          if (!g_str_equal (task->instance_id, instance->id) || task->forced_status != NULL)
            continue;
          status = task_status (sim, task, now);
          if (g_str_equal (status, "PENDING") || g_str_equal (status, "DELIVERING"))
            task->forced_status = "DELIVER_FAILED";
          else if (g_str_equal (status, "RUNNING") || g_str_equal (status, "CANCELLING"))
            task->forced_status = "TASK_TIMEOUT";
          else
            continue;
          task->forced_us = now;
        }
    }
}

json_object *
sim_tat_dump (YunSim *sim, gint64 now)
{
  json_object *list = json_object_new_array ();

  for (guint i = 0; i < sim->tat->invocations->len; i++)
    {
      SimInvocation *invocation = g_ptr_array_index (sim->tat->invocations, i);
      json_object *item = json_object_new_object ();
      json_object *tasks = json_object_new_array ();

      for (guint t = 0; t < invocation->tasks->len; t++)
        {
          SimTask *task = g_ptr_array_index (invocation->tasks, t);
          json_object *entry = json_object_new_object ();

          json_object_object_add (entry, "InvocationTaskId", json_object_new_string (task->id));
          json_object_object_add (entry, "InstanceId", json_object_new_string (task->instance_id));
          json_object_object_add (entry, "TaskStatus",
                                  json_object_new_string (task_status (sim, task, now)));
          json_object_array_add (tasks, entry);
        }
      json_object_object_add (item, "InvocationId", json_object_new_string (invocation->id));
      json_object_object_add (item, "Region", json_object_new_string (invocation->region->region));
      json_object_object_add (item, "InvocationStatus",
                              json_object_new_string (invocation_status (sim, invocation, now)));
      json_object_object_add (item, "Tasks", tasks);
      json_object_array_add (list, item);
    }
  return list;
}

#define COMMAND_PARAMS                                                                             \
  "Content,CommandName,Description,CommandType,WorkingDirectory,Timeout,EnableParameter,"          \
  "DefaultParameters,DefaultParameterConfs,Tags,Username,OutputCOSBucketUrl,OutputCOSKeyPrefix"

const SimAction sim_tat_actions[] = {
  { "tat", "RunCommand", 20, TRUE, COMMAND_PARAMS ",InstanceIds,SaveCommand,Parameters",
    action_run_command },
  { "tat", "CreateCommand", 20, TRUE, COMMAND_PARAMS, action_create_command },
  { "tat", "InvokeCommand", 20, TRUE,
    "CommandId,InstanceIds,Parameters,Username,WorkingDirectory,Timeout,OutputCOSBucketUrl,"
    "OutputCOSKeyPrefix",
    action_invoke_command },
  { "tat", "CancelInvocation", 20, TRUE, "InvocationId,InstanceIds", action_cancel_invocation },
  { "tat", "DescribeInvocations", 20, TRUE, "InvocationIds,Filters,Limit,Offset",
    action_describe_invocations },
  { "tat", "DescribeInvocationTasks", 20, TRUE, "InvocationTaskIds,Filters,Limit,Offset,HideOutput",
    action_describe_invocation_tasks },
  { "tat", "DescribeAutomationAgentStatus", 60, TRUE, "InstanceIds,Filters,Limit,Offset",
    action_describe_automation_agent_status },
  { NULL, NULL, 0, FALSE, NULL, NULL },
};
