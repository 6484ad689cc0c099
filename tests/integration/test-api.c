/* test-api.c: every typed CVM and TAT call round-trips against a real yunsim process
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "yun-core-private.h"
#include "yun-sim.h"
#include "yun-test-sim.h"

typedef struct
{
  YunTestSim *sim;
  YunClient *client;
  char *region;
} Fixture;

/* The secret-leak check sets a distinctive password to look for afterwards. */
static const char *
reset_password (void)
{
  const char *password = g_getenv ("YUN_TEST_PASSWORD");

  return password != NULL ? password : "Yun-Desk-2024";
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  fixture->sim = yun_test_sim_spawn ("--seed", "7", "--transition-ms", "200", NULL);
  credentials = yun_credentials_new (yun_test_sim_get_secret_id (fixture->sim),
                                     yun_test_sim_get_secret_key (fixture->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (fixture->sim), &error);
  g_assert_no_error (error);
  fixture->client = yun_client_new (credentials, endpoint);

  regions = yun_client_describe_regions (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regions->len, >, 0);
  fixture->region = g_strdup (yun_region_get_region (regions->pdata[0]));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->sim, yun_test_sim_free);
  g_clear_pointer (&fixture->region, g_free);
}

/* The first instance of the region in @state (and of @os unless UNKNOWN), or NULL */
static YunInstance *
find_instance (Fixture *fixture, const char *state, YunOsFamily os)
{
  g_autoptr (YunFilters) filters = yun_filters_new ();
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GError) error = NULL;

  yun_filters_add (filters, "instance-state", state, NULL);
  instances
    = yun_client_describe_instances_all (fixture->client, fixture->region, filters, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = instances->pdata[i];

      g_assert_cmpstr (yun_instance_get_state (instance), ==, state);
      if (os == YUN_OS_FAMILY_UNKNOWN || yun_instance_get_os_family (instance) == os)
        return g_object_ref (instance);
    }
  return NULL;
}

static void
wait_for_state (Fixture *fixture, const char *instance_id, const char *state)
{
  const char *const ids[] = { instance_id, NULL };
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) statuses = yun_client_describe_instances_status (
        fixture->client, fixture->region, ids, NULL, &error);
      YunInstanceStatus *status;

      g_assert_no_error (error);
      g_assert_cmpuint (statuses->len, ==, 1);
      status = statuses->pdata[0];
      g_assert_cmpstr (status->instance_id, ==, instance_id);
      if (g_strcmp0 (status->state, state) == 0)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("%s did not reach %s", instance_id, state);
}

/* Waits until the latest operation of @instance_id ends, and checks it was the one with
 * @request_id and that it succeeded. */
static void
wait_for_operation (Fixture *fixture, const char *instance_id, const char *request_id)
{
  const char *const ids[] = { instance_id, NULL };
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) instances = yun_client_describe_instances_by_ids (
        fixture->client, fixture->region, ids, NULL, &error);
      YunInstance *instance;

      g_assert_no_error (error);
      g_assert_cmpuint (instances->len, ==, 1);
      instance = instances->pdata[0];
      if (!yun_instance_is_transitional (instance))
        {
          g_assert_cmpstr (yun_instance_get_latest_operation_request_id (instance), ==, request_id);
          g_assert_cmpstr (yun_instance_get_latest_operation_state (instance), ==, "SUCCESS");
          return;
        }
      g_usleep (100 * 1000);
    }
  g_error ("the operation on %s did not end", instance_id);
}

static void
test_describe (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) zones = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GPtrArray) by_ids = NULL;
  g_autoptr (GPtrArray) statuses = NULL;
  g_autoptr (GPtrArray) quotas = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;
  guint total = 0;

  zones = yun_client_describe_zones (fixture->client, fixture->region, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (zones->len, >, 0);
  g_assert_true (g_str_has_prefix (yun_zone_get_zone (zones->pdata[0]), fixture->region));

  images
    = yun_client_describe_images (fixture->client, fixture->region, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, >, 0);
  g_assert_true (g_str_has_prefix (yun_image_get_image_id (images->pdata[0]), "img-"));

  all = yun_client_describe_instances_all (fixture->client, fixture->region, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 0);

  page = yun_client_describe_instances_page (fixture->client, fixture->region, NULL, 0, 3, &total,
                                             NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, all->len);
  g_assert_cmpuint (page->len, ==, MIN (3, all->len));
  g_assert_true (yun_instance_equal (page->pdata[0], all->pdata[0]));

  for (guint i = 0; i < all->len; i++)
    g_strv_builder_add (builder, yun_instance_get_instance_id (all->pdata[i]));
  ids = g_strv_builder_end (builder);
  by_ids = yun_client_describe_instances_by_ids (fixture->client, fixture->region,
                                                 (const char *const *) ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_ids->len, ==, all->len);

  statuses
    = yun_client_describe_instances_status (fixture->client, fixture->region, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (statuses->len, ==, all->len);

  quotas = yun_client_describe_zone_instance_config_infos (fixture->client, fixture->region, NULL,
                                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quotas->len, >, 0);
}

static void
test_more_than_100 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;

  /* The default fleet is spread over regions; walk every region, so at least one walk
   * needs several pages if the fleet is large, and every walk agrees with TotalCount. */
  all = yun_client_describe_instances_all (fixture->client, fixture->region, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    for (guint j = i + 1; j < all->len; j++)
      g_assert_cmpstr (yun_instance_get_instance_id (all->pdata[i]), !=,
                       yun_instance_get_instance_id (all->pdata[j]));
}

static void
test_run_instances (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) zones = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (YunFilters) filters = yun_filters_new ();
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (YunRunInstancesResult) dry = NULL;
  g_autoptr (YunRunInstancesResult) result = NULL;
  g_autoptr (YunRunInstancesResult) again = NULL;
  g_autoptr (YunPrice) price = NULL;
  g_autofree char *password = yun_password_generate (YUN_OS_FAMILY_LINUX);
  YunImage *image = NULL;

  zones = yun_client_describe_zones (fixture->client, fixture->region, NULL, &error);
  g_assert_no_error (error);
  yun_filters_add (filters, "image-type", "PUBLIC_IMAGE", NULL);
  images = yun_client_describe_images (fixture->client, fixture->region, filters, NULL, NULL, NULL,
                                       &error);
  g_assert_no_error (error);
  for (guint i = 0; i < images->len && image == NULL; i++)
    if (yun_image_get_os_family (images->pdata[i]) == YUN_OS_FAMILY_LINUX)
      image = images->pdata[i];
  g_assert_nonnull (image);

  request = yun_run_instances_request_new (yun_zone_get_zone (zones->pdata[0]),
                                           yun_image_get_image_id (image));
  yun_run_instances_request_set_count (request, 2);
  yun_run_instances_request_set_name (request, "测试-{R:1}");
  yun_run_instances_request_set_password (request, password);
  yun_run_instances_request_set_os_family (request, YUN_OS_FAMILY_LINUX);

  price = yun_client_inquiry_price_run_instances (fixture->client, fixture->region, request, NULL,
                                                  &error);
  g_assert_no_error (error);
  g_assert_nonnull (price->instance_price);
  g_assert_nonnull (price->request_id);

  yun_run_instances_request_set_dry_run (request, TRUE);
  dry = yun_client_run_instances (fixture->client, fixture->region, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dry->dry_run);
  g_assert_cmpuint (g_strv_length (dry->instance_ids), ==, 0);
  g_assert_nonnull (dry->request_id);

  yun_run_instances_request_set_dry_run (request, FALSE);
  yun_run_instances_request_ensure_client_token (request);
  result = yun_client_run_instances (fixture->client, fixture->region, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (result->instance_ids), ==, 2);
  g_assert_cmpstr (result->client_token, ==, yun_run_instances_request_get_client_token (request));

  /* Same ClientToken: same instances, nothing new */
  again = yun_client_run_instances (fixture->client, fixture->region, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) again->instance_ids,
                               (const char *const *) result->instance_ids));

  wait_for_state (fixture, result->instance_ids[0], "RUNNING");
  {
    g_autofree char *request_id = yun_client_terminate_instances (
      fixture->client, fixture->region, (const char *const *) result->instance_ids, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (request_id);
  }
}

static void
test_state_changes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunInstance) instance = find_instance (fixture, "RUNNING", YUN_OS_FAMILY_LINUX);
  g_autoptr (GError) error = NULL;
  g_autofree char *stop_id = NULL;
  g_autofree char *reset_id = NULL;
  g_autofree char *start_id = NULL;
  g_autofree char *reboot_id = NULL;
  g_autoptr (YunVncUrl) vnc = NULL;
  g_autoptr (GPtrArray) after = NULL;
  const char *ids[] = { NULL, NULL };

  g_assert_nonnull (instance);
  ids[0] = yun_instance_get_instance_id (instance);

  vnc
    = yun_client_describe_instance_vnc_url (fixture->client, fixture->region, ids[0], NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vnc->url, YUN_VNC_PAGE_URL "?InstanceVncUrl="));
  g_assert_nonnull (vnc->instance_vnc_url);

  stop_id = yun_client_stop_instances (fixture->client, fixture->region, ids, "SOFT_FIRST",
                                       "KEEP_CHARGING", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stop_id);
  wait_for_state (fixture, ids[0], "STOPPED");

  after
    = yun_client_describe_instances_by_ids (fixture->client, fixture->region, ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (yun_instance_get_latest_operation (after->pdata[0]), ==, "StopInstances");
  g_assert_cmpstr (yun_instance_get_latest_operation_request_id (after->pdata[0]), ==, stop_id);

  reset_id
    = yun_client_reset_instances_password (fixture->client, fixture->region, ids, reset_password (),
                                           NULL, YUN_OS_FAMILY_LINUX, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reset_id);
  wait_for_operation (fixture, ids[0], reset_id);

  start_id = yun_client_start_instances (fixture->client, fixture->region, ids, NULL, &error);
  g_assert_no_error (error);
  wait_for_state (fixture, ids[0], "RUNNING");
  wait_for_operation (fixture, ids[0], start_id);

  reboot_id
    = yun_client_reboot_instances (fixture->client, fixture->region, ids, "SOFT", NULL, &error);
  g_assert_no_error (error);
  wait_for_operation (fixture, ids[0], reboot_id);

  /* A running instance refuses StartInstances: a Tencent error with its RequestId */
  {
    g_autofree char *id
      = yun_client_start_instances (fixture->client, fixture->region, ids, NULL, &error);
    g_assert_null (id);
    g_assert_nonnull (yun_error_get_code (error));
    g_assert_nonnull (yun_error_get_request_id (error));
    g_clear_error (&error);
  }
}

static YunInvocationTask *
wait_for_task (Fixture *fixture, const char *invocation_id)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) tasks = yun_client_describe_invocation_tasks (
        fixture->client, fixture->region, invocation_id, NULL, NULL, &error);

      g_assert_no_error (error);
      if (tasks->len > 0 && yun_invocation_task_get_terminal (tasks->pdata[0]))
        return g_object_ref (tasks->pdata[0]);
      g_usleep (100 * 1000);
    }
  g_error ("invocation %s did not end", invocation_id);
}

static void
test_tat (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunInstance) instance = find_instance (fixture, "RUNNING", YUN_OS_FAMILY_LINUX);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) agents = NULL;
  g_autoptr (GPtrArray) invocations = NULL;
  g_autoptr (YunCommandRequest) request = yun_command_request_new ("echo hello");
  g_autoptr (YunCommandResult) run = NULL;
  g_autoptr (YunCommandResult) invoked = NULL;
  g_autoptr (YunInvocationTask) task = NULL;
  g_autoptr (YunCommandRequest) slow = yun_command_request_new ("sleep 30");
  g_autoptr (YunCommandResult) slow_run = NULL;
  g_autofree char *cancel_id = NULL;
  const char *ids[] = { NULL, NULL };

  g_assert_nonnull (instance);
  ids[0] = yun_instance_get_instance_id (instance);

  agents = yun_client_describe_automation_agent_status (fixture->client, fixture->region, ids, NULL,
                                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 1);
  g_assert_cmpstr (((YunAgentStatus *) agents->pdata[0])->instance_id, ==, ids[0]);
  if (!yun_agent_status_is_online (agents->pdata[0]))
    {
      g_test_skip ("the first running Linux instance has no online agent");
      return;
    }

  yun_command_request_set_timeout (request, 30);
  yun_command_request_set_save_command (request, TRUE);
  run = yun_client_run_command (fixture->client, fixture->region, request, ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (run->invocation_id, "inv-"));
  g_assert_true (g_str_has_prefix (run->command_id, "cmd-"));

  task = wait_for_task (fixture, run->invocation_id);
  g_assert_cmpstr (yun_invocation_task_get_instance_id (task), ==, ids[0]);
  g_assert_cmpstr (yun_invocation_task_get_status (task), ==, "SUCCESS");
  g_assert_nonnull (yun_invocation_task_get_output (task));
  {
    g_autofree char *text = yun_invocation_task_dup_output_text (task);
    g_assert_nonnull (strstr (text, "hello"));
  }

  {
    const char *inv_ids[] = { run->invocation_id, NULL };

    invocations
      = yun_client_describe_invocations (fixture->client, fixture->region, inv_ids, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (invocations->len, ==, 1);
    g_assert_cmpstr (yun_invocation_get_invocation_id (invocations->pdata[0]), ==,
                     run->invocation_id);
  }

  invoked = yun_client_invoke_command (fixture->client, fixture->region, run->command_id, ids, NULL,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (invoked->invocation_id, "inv-"));
  g_clear_object (&task);
  task = wait_for_task (fixture, invoked->invocation_id);
  g_assert_cmpstr (yun_invocation_task_get_status (task), ==, "SUCCESS");

  slow_run = yun_client_run_command (fixture->client, fixture->region, slow, ids, NULL, &error);
  g_assert_no_error (error);
  cancel_id = yun_client_cancel_invocation (fixture->client, fixture->region,
                                            slow_run->invocation_id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cancel_id);
  g_clear_object (&task);
  task = wait_for_task (fixture, slow_run->invocation_id);
  g_assert_true (g_strcmp0 (yun_invocation_task_get_status (task), "CANCELLED") == 0
                 || g_strcmp0 (yun_invocation_task_get_status (task), "TERMINATED") == 0);
}

static void
regions_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = yun_client_describe_regions_finish (YUN_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
page_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *total = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page
    = yun_client_describe_instances_page_finish (YUN_CLIENT (source), result, total, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
}

static void
test_async (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) regions = NULL;
  guint total = G_MAXUINT;

  yun_client_describe_regions_async (fixture->client, NULL, regions_done, &regions);
  yun_client_describe_instances_page_async (fixture->client, fixture->region, NULL, 0, 10, NULL,
                                            page_done, &total);
  while (regions == NULL || total == G_MAXUINT)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (regions->len, >, 0);
  g_assert_true (YUN_IS_REGION (regions->pdata[0]));
  g_assert_cmpuint (total, >, 0);
}

int
main (int argc, char *argv[])
{
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  yun_init ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/yun/integration/api/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("describe", test_describe);
  ADD ("pages", test_more_than_100);
  ADD ("run-instances", test_run_instances);
  ADD ("state-changes", test_state_changes);
  ADD ("tat", test_tat);
  ADD ("async", test_async);

#undef ADD

  return g_test_run ();
}
