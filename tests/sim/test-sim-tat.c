/* test-sim-tat.c: TAT agents, commands and invocation tasks on the simulated fleet
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-sim"

#include "config.h"

#include <string.h>

#include "sim-call.h"

#define GZ "ap-guangzhou"

static YunTestSim *sim;

static const char *
get_string (json_object *object, const char *name)
{
  return json_object_get_string (json_object_object_get (object, name));
}

static char *
run_command (
  YunTestSim *target, const char *id, const char *script, const char *type, const char *extra)
{
  g_auto (SimResponse) response = { 0 };
  g_autofree char *content = g_base64_encode ((const guchar *) script, strlen (script));
  json_object *result = sim_call (target, &response, "tat", "RunCommand", GZ,
                                  "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\","
                                  "\"CommandType\":\"%s\"%s}",
                                  id, content, type, extra != NULL ? extra : "");

  sim_assert_success (&response);
  g_assert_true (g_str_has_prefix (get_string (result, "CommandId"), "cmd-"));
  return g_strdup (get_string (result, "InvocationId"));
}

static gboolean
is_terminal (const char *status)
{
  static const char *const terminal[]
    = { "DELIVER_FAILED", "START_FAILED", "SUCCESS",   "FAILED",
        "TIMEOUT",        "TASK_TIMEOUT", "CANCELLED", "TERMINATED" };

  for (guint i = 0; i < G_N_ELEMENTS (terminal); i++)
    if (g_str_equal (status, terminal[i]))
      return TRUE;
  return FALSE;
}

/* Polls the invocation's (only) task until it ends; returns the task, with output. */
static json_object *
wait_task (YunTestSim *target, const char *invocation, guint timeout_ms, GPtrArray *seen)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      g_auto (SimResponse) response = { 0 };
      json_object *result = sim_call (target, &response, "tat", "DescribeInvocationTasks", GZ,
                                      "{\"Filters\":[{\"Name\":\"invocation-id\",\"Values\":"
                                      "[\"%s\"]}],\"HideOutput\":false}",
                                      invocation);
      json_object *task;
      const char *status;

      sim_assert_success (&response);
      task = json_object_array_get_idx (json_object_object_get (result, "InvocationTaskSet"), 0);
      g_assert_nonnull (task);
      status = get_string (task, "TaskStatus");
      if (seen != NULL
          && (seen->len == 0 || !g_str_equal (g_ptr_array_index (seen, seen->len - 1), status)))
        g_ptr_array_add (seen, g_strdup (status));
      if (is_terminal (status))
        return json_object_get (task);
      if (g_get_monotonic_time () > deadline)
        g_error ("task of %s still %s", invocation, status);
      g_usleep (20 * 1000);
    }
}

static GBytes *
task_output (json_object *task)
{
  json_object *result = json_object_object_get (task, "TaskResult");
  gsize length;
  guchar *bytes = g_base64_decode (get_string (result, "Output"), &length);

  return g_bytes_new_take (bytes, length);
}

static void
assert_output (json_object *task, const char *expected)
{
  g_autoptr (GBytes) output = task_output (task);
  g_autofree char *text = g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));

  g_assert_cmpstr (text, ==, expected);
}

static int
exit_code (json_object *task)
{
  return json_object_get_int (
    json_object_object_get (json_object_object_get (task, "TaskResult"), "ExitCode"));
}

static void
test_agent_status (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *path = g_strdup_printf ("agents/%s", id);
  g_autoptr (json_object) reply = NULL;
  g_auto (SimResponse) response = { 0 };
  json_object *result, *set;

  result = sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", GZ,
                     "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  set = json_object_object_get (result, "AutomationAgentSet");
  g_assert_cmpint (json_object_array_length (set), ==, 1);
  g_assert_cmpstr (get_string (json_object_array_get_idx (set, 0), "AgentStatus"), ==, "Online");
  g_assert_cmpstr (get_string (json_object_array_get_idx (set, 0), "Environment"), ==, "Linux");

  reply = yun_test_sim_admin_post (sim, path, "{\"AgentStatus\":\"Offline\"}");
  result = sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", GZ,
                     "{\"InstanceIds\":[\"%s\"]}", id);
  set = json_object_object_get (result, "AutomationAgentSet");
  g_assert_cmpstr (get_string (json_object_array_get_idx (set, 0), "AgentStatus"), ==, "Offline");
  {
    g_autofree char *content = g_base64_encode ((const guchar *) "echo hi", 7);

    sim_call (sim, &response, "tat", "RunCommand", GZ,
              "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\"}", id, content);
    sim_assert_error (&response, "ResourceUnavailable.AgentStatusNotOnline");
  }

  /* not installed: not listed at all */
  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, path, "{\"AgentStatus\":\"NotInstalled\"}");
  result = sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", GZ,
                     "{\"InstanceIds\":[\"%s\"]}", id);
  g_assert_cmpint (json_object_array_length (json_object_object_get (result, "AutomationAgentSet")),
                   ==, 0);
  {
    g_autofree char *content = g_base64_encode ((const guchar *) "echo hi", 7);

    sim_call (sim, &response, "tat", "RunCommand", GZ,
              "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\"}", id, content);
    sim_assert_error (&response, "ResourceUnavailable.AgentNotInstalled");
  }

  /* filters: only Windows, only Online */
  result
    = sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", GZ,
                "{\"Limit\":100,\"Filters\":[{\"Name\":\"environment\",\"Values\":[\"Windows\"]},"
                "{\"Name\":\"agent-status\",\"Values\":[\"Online\"]}]}");
  sim_assert_success (&response);
  set = json_object_object_get (result, "AutomationAgentSet");
  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      g_assert_cmpstr (get_string (json_object_array_get_idx (set, i), "Environment"), ==,
                       "Windows");
      g_assert_cmpstr (get_string (json_object_array_get_idx (set, i), "AgentStatus"), ==,
                       "Online");
    }
}

static void
test_echo (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *invocation
    = run_command (sim, id, "echo hello\necho 'two words'\n", "SHELL", NULL);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (json_object) task = wait_task (sim, invocation, 5000, seen);
  g_auto (SimResponse) response = { 0 };
  json_object *result, *item;

  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "SUCCESS");
  g_assert_cmpint (exit_code (task), ==, 0);
  assert_output (task, "hello\ntwo words\n");
  /* the task went through the documented statuses on its way */
  g_assert_true (g_ptr_array_find_with_equal_func (seen, "RUNNING", g_str_equal, NULL));

  /* HideOutput defaults to true */
  result
    = sim_call (sim, &response, "tat", "DescribeInvocationTasks", GZ,
                "{\"Filters\":[{\"Name\":\"invocation-id\",\"Values\":[\"%s\"]}]}", invocation);
  item = json_object_array_get_idx (json_object_object_get (result, "InvocationTaskSet"), 0);
  g_assert_cmpstr (get_string (json_object_object_get (item, "TaskResult"), "Output"), ==, "");

  result = sim_call (sim, &response, "tat", "DescribeInvocations", GZ,
                     "{\"InvocationIds\":[\"%s\"]}", invocation);
  sim_assert_success (&response);
  item = json_object_array_get_idx (json_object_object_get (result, "InvocationSet"), 0);
  g_assert_cmpstr (get_string (item, "InvocationStatus"), ==, "SUCCESS");
  g_assert_cmpint (
    json_object_array_length (json_object_object_get (item, "InvocationTaskBasicInfoSet")), ==, 1);
}

static void
test_interpreter (void)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *name = NULL;
  g_autofree char *invocation = NULL;
  g_autoptr (json_object) task = NULL;
  json_object *list = json_object_object_get (state, "instances");

  for (gsize i = 0; i < json_object_array_length (list); i++)
    if (g_str_equal (get_string (json_object_array_get_idx (list, i), "InstanceId"), id))
      name = g_strdup (get_string (json_object_array_get_idx (list, i), "InstanceName"));

  invocation = run_command (sim, id, "hostname\nexit 3\necho never", "SHELL", NULL);
  task = wait_task (sim, invocation, 5000, NULL);
  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "FAILED");
  g_assert_cmpint (exit_code (task), ==, 3);
  {
    g_autofree char *expected = g_strdup_printf ("%s\n", name);

    assert_output (task, expected);
  }

  g_clear_pointer (&invocation, g_free);
  g_clear_pointer (&task, json_object_put);
  invocation = run_command (sim, id, "cat /etc/os-release\nuptime", "SHELL", NULL);
  task = wait_task (sim, invocation, 5000, NULL);
  {
    g_autoptr (GBytes) output = task_output (task);
    g_autofree char *text = g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));

    g_assert_nonnull (strstr (text, "PRETTY_NAME="));
    g_assert_nonnull (strstr (text, id));
  }

  /* sleep over the timeout */
  g_clear_pointer (&invocation, g_free);
  g_clear_pointer (&task, json_object_put);
  invocation = run_command (sim, id, "echo start\nsleep 5", "SHELL", ",\"Timeout\":1");
  task = wait_task (sim, invocation, 5000, NULL);
  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "TIMEOUT");

  /* start failure: no such user */
  g_clear_pointer (&invocation, g_free);
  g_clear_pointer (&task, json_object_put);
  invocation = run_command (sim, id, "echo hi", "SHELL", ",\"Username\":\"nobody\"");
  task = wait_task (sim, invocation, 5000, NULL);
  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "START_FAILED");
}

static void
test_windows_gbk (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Windows", NULL, "Online");
  g_autofree char *invocation = NULL;
  g_autoptr (json_object) task = NULL;
  g_autoptr (GBytes) output = NULL;
  g_auto (SimResponse) response = { 0 };
  g_autofree char *content = g_base64_encode ((const guchar *) "echo hi", 7);

  g_assert_nonnull (id);
  /* a SHELL command on Windows is refused */
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\",\"CommandType\":\"SHELL\"}", id, content);
  sim_assert_error (&response, "InvalidParameterValue.AgentUnsupportedCommandType");

  invocation = run_command (sim, id, "echo 你好", "POWERSHELL", NULL);
  task = wait_task (sim, invocation, 5000, NULL);
  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "SUCCESS");
  output = task_output (task);
  /* GBK 你好 = C4 E3 BA C3, then CRLF */
  g_assert_cmpmem (g_bytes_get_data (output, NULL), g_bytes_get_size (output),
                   "\xc4\xe3\xba\xc3\r\n", 6);
}

static void
test_dropped (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *invocation = run_command (sim, id, "seq 10000", "SHELL", NULL);
  g_autoptr (json_object) task = wait_task (sim, invocation, 5000, NULL);
  g_autoptr (GBytes) output = task_output (task);
  gsize total = 0;

  for (guint i = 1; i <= 10000; i++)
    total += (i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : i < 10000 ? 4 : 5) + 1;
  g_assert_cmpint (g_bytes_get_size (output), ==, 24 * 1024);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (
                     json_object_object_get (task, "TaskResult"), "Dropped")),
                   ==, total - 24 * 1024);
}

static void
test_content_limits (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *stopped = sim_pick_instance (sim, GZ, "STOPPED", "Linux", NULL, NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *big = g_malloc (65536 + 1);

  memset (big, 'A', 65536);
  big[65536] = '\0';
  /* exactly 64 KB of base64 is accepted */
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\"}", id, big);
  sim_assert_success (&response);
  g_free (g_steal_pointer (&big));
  big = g_malloc (65540 + 1);
  memset (big, 'A', 65540);
  big[65540] = '\0';
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Content\":\"%s\"}", id, big);
  sim_assert_error (&response, "InvalidParameterValue.InvalidContent");
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Content\":\"not base64!\"}", id);
  sim_assert_error (&response, "InvalidParameterValue.InvalidContent");
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Content\":\"ZWNobw==\"}", stopped);
  sim_assert_error (&response, "ResourceUnavailable.InstanceStateNotRunning");
  sim_call (sim, &response, "tat", "RunCommand", GZ,
            "{\"InstanceIds\":[\"ins-zzzzzzzz\"],\"Content\":\"ZWNobw==\"}");
  sim_assert_error (&response, "ResourceNotFound.InstanceNotFound");
  sim_call (sim, &response, "tat", "RunCommand", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "MissingParameter");
}

static void
test_cancel (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *invocation = run_command (sim, id, "sleep 30", "SHELL", NULL);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (json_object) task = NULL;
  g_auto (SimResponse) response = { 0 };
  json_object *result;

  g_usleep (250 * 1000); /* RUNNING by now (transitions of 200 ms) */
  sim_call (sim, &response, "tat", "CancelInvocation", GZ, "{\"InvocationId\":\"%s\"}", invocation);
  sim_assert_success (&response);
  task = wait_task (sim, invocation, 5000, seen);
  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "TERMINATED");

  result = sim_call (sim, &response, "tat", "DescribeInvocations", GZ,
                     "{\"InvocationIds\":[\"%s\"]}", invocation);
  g_assert_cmpstr (
    get_string (json_object_array_get_idx (json_object_object_get (result, "InvocationSet"), 0),
                "InvocationStatus"),
    ==, "CANCELLED");

  sim_call (sim, &response, "tat", "CancelInvocation", GZ, "{\"InvocationId\":\"inv-zzzzzzzz\"}");
  sim_assert_error (&response, "ResourceNotFound.InvocationNotFound");
  sim_call (sim, &response, "tat", "CancelInvocation", GZ,
            "{\"InvocationId\":\"%s\",\"InstanceIds\":[\"ins-zzzzzzzz\"]}", invocation);
  sim_assert_error (&response, "InvalidParameterValue.InstanceIsNotRelatedToInvocation");
}

static void
test_create_invoke (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, "Online");
  g_auto (SimResponse) response = { 0 };
  g_autofree char *command = NULL;
  g_autofree char *invocation = NULL;
  g_autoptr (json_object) task = NULL;
  json_object *result;

  result = sim_call (sim, &response, "tat", "CreateCommand", GZ,
                     "{\"CommandName\":\"greet\",\"Content\":\"ZWNobyBoaQ==\"}");
  sim_assert_success (&response);
  command = g_strdup (get_string (result, "CommandId"));
  result = sim_call (sim, &response, "tat", "InvokeCommand", GZ,
                     "{\"CommandId\":\"%s\",\"InstanceIds\":[\"%s\"]}", command, id);
  sim_assert_success (&response);
  invocation = g_strdup (get_string (result, "InvocationId"));
  task = wait_task (sim, invocation, 5000, NULL);
  assert_output (task, "hi\n");
  g_assert_cmpstr (get_string (task, "CommandId"), ==, command);

  sim_call (sim, &response, "tat", "InvokeCommand", GZ,
            "{\"CommandId\":\"cmd-zzzzzzzz\",\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "ResourceNotFound.CommandNotFound");
}

static void
test_agent_lost (void)
{
  /* slow transitions, so that the agent can go away before delivery and while running */
  g_autoptr (YunTestSim) slow
    = yun_test_sim_spawn ("--seed", "5", "--transition-ms", "4000", "--no-rate-limits", NULL);
  g_autofree char *first = sim_pick_instance (slow, GZ, "RUNNING", "Linux", NULL, "Online");
  g_autofree char *first_path = g_strdup_printf ("agents/%s", first);
  g_autofree char *invocation = run_command (slow, first, "sleep 20", "SHELL", NULL);
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (slow, first_path, "{\"AgentStatus\":\"Offline\"}");
  g_autoptr (json_object) task = wait_task (slow, invocation, 2000, NULL);
  g_autofree char *second_invocation = NULL;
  g_autoptr (json_object) second_task = NULL;

  g_assert_cmpstr (get_string (task, "TaskStatus"), ==, "DELIVER_FAILED");

  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (slow, first_path, "{\"AgentStatus\":\"Online\"}");
  second_invocation = run_command (slow, first, "sleep 20", "SHELL", NULL);
  g_usleep (2200 * 1000); /* running after 2 × transition/4 */
  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (slow, first_path, "{\"AgentStatus\":\"Offline\"}");
  second_task = wait_task (slow, second_invocation, 2000, NULL);
  g_assert_cmpstr (get_string (second_task, "TaskStatus"), ==, "TASK_TIMEOUT");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  sim = yun_test_sim_spawn ("--seed", "21", "--instances", "300", "--windows-share", "0.4",
                            "--transition-ms", "200", "--no-rate-limits", NULL);

  g_test_add_func ("/yun/sim/tat/agent-status", test_agent_status);
  g_test_add_func ("/yun/sim/tat/echo", test_echo);
  g_test_add_func ("/yun/sim/tat/interpreter", test_interpreter);
  g_test_add_func ("/yun/sim/tat/windows-gbk", test_windows_gbk);
  g_test_add_func ("/yun/sim/tat/dropped", test_dropped);
  g_test_add_func ("/yun/sim/tat/content-limits", test_content_limits);
  g_test_add_func ("/yun/sim/tat/cancel", test_cancel);
  g_test_add_func ("/yun/sim/tat/create-invoke", test_create_invoke);
  g_test_add_func ("/yun/sim/tat/agent-lost", test_agent_lost);

  status = g_test_run ();
  yun_test_sim_free (sim);
  curl_global_cleanup ();
  return status;
}
