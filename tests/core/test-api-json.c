/* test-api-json.c: API answers become models; malformed answers become protocol errors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "yun-api-private.h"

static json_object *
load_response (const char *name)
{
  g_autofree char *path = g_build_filename (YUN_SOURCE_DIR, "tests", "data", "api", name, NULL);
  g_autoptr (json_object) root = json_object_from_file (path);
  json_object *response = NULL;

  g_assert_nonnull (root);
  g_assert_true (json_object_object_get_ex (root, "Response", &response));
  return json_object_get (response);
}

static GPtrArray *
parse_all (const char *name, const char *set, YunItemParser parse, GDestroyNotify free_func)
{
  g_autoptr (json_object) response = load_response (name);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  g_autoptr (GError) error = NULL;

  g_assert_true (_yun_parse_set (response, set, TRUE, parse, "ap-guangzhou", items, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&items);
}

static gpointer
parse_instance (json_object *json, const char *region, GError **error)
{
  return _yun_instance_new_from_json (json, region, error);
}

static void
test_instances (void)
{
  g_autoptr (GPtrArray) instances
    = parse_all ("describe-instances.json", "InstanceSet", parse_instance, g_object_unref);
  YunInstance *linux_, *windows;
  g_autoptr (GDateTime) created = NULL;

  g_assert_cmpuint (instances->len, ==, 2);
  linux_ = g_ptr_array_index (instances, 0);
  windows = g_ptr_array_index (instances, 1);

  g_assert_cmpstr (yun_instance_get_instance_id (linux_), ==, "ins-r8hr2upy");
  g_assert_cmpstr (yun_instance_get_name (linux_), ==, "网站服务器-01");
  g_assert_cmpstr (yun_instance_get_state (linux_), ==, "RUNNING");
  g_assert_cmpstr (yun_instance_get_region (linux_), ==, "ap-guangzhou");
  g_assert_cmpstr (yun_instance_get_zone (linux_), ==, "ap-guangzhou-3");
  g_assert_cmpstr (yun_instance_get_instance_type (linux_), ==, "S5.MEDIUM4");
  g_assert_cmpuint (yun_instance_get_cpu (linux_), ==, 2);
  g_assert_cmpuint (yun_instance_get_memory (linux_), ==, 4);
  g_assert_cmpint (yun_instance_get_os_family (linux_), ==, YUN_OS_FAMILY_LINUX);
  /* null PublicIpAddresses is an empty list, null ExpiredTime is NULL */
  g_assert_nonnull (yun_instance_get_public_ips (linux_));
  g_assert_cmpuint (g_strv_length ((char **) yun_instance_get_public_ips (linux_)), ==, 0);
  g_assert_cmpstr (yun_instance_get_private_ips (linux_)[0], ==, "10.0.0.12");
  g_assert_null (yun_instance_get_expired_time (linux_));
  created = g_date_time_new_utc (2024, 3, 10, 2, 43, 51);
  g_assert_true (g_date_time_equal (yun_instance_get_created_time (linux_), created));
  g_assert_cmpstr (yun_instance_get_latest_operation_request_id (linux_), ==,
                   "c7de1287-061d-4ace-8caf-6ad8e5a2f29a");
  g_assert_null (yun_instance_get_latest_operation_error (linux_)); /* "" means none */
  g_assert_cmpstr (yun_instance_get_default_login_user (linux_), ==, "root");
  g_assert_cmpuint (yun_instance_get_default_login_port (linux_), ==, 22);
  g_assert_cmpstr (yun_instance_get_vpc_id (linux_), ==, "vpc-abcd1234");
  g_assert_cmpstr (yun_instance_get_system_disk_type (linux_), ==, "CLOUD_PREMIUM");
  g_assert_cmpuint (yun_instance_get_system_disk_size (linux_), ==, 50);
  g_assert_false (yun_instance_is_transitional (linux_));
  g_assert_null (yun_instance_get_tag (linux_, "env"));

  g_assert_cmpint (yun_instance_get_os_family (windows), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_true (yun_instance_is_windows (windows));
  g_assert_cmpuint (g_strv_length ((char **) yun_instance_get_public_ips (windows)), ==, 2);
  g_assert_nonnull (yun_instance_get_expired_time (windows));
  g_assert_cmpstr (yun_instance_get_tag (windows, "env"), ==, "prod");
  g_assert_cmpstr (yun_instance_get_tag (windows, "团队"), ==, "运维");
  g_assert_cmpstr (yun_instance_get_tags (windows)[0], ==, "env=prod");
  g_assert_true (yun_instance_is_transitional (windows));
  g_assert_true (yun_instance_get_disable_api_termination (windows));
  g_assert_cmpint (yun_instance_get_project_id (windows), ==, 1001);
  g_assert_null (yun_instance_get_uuid (windows));

  /* Properties work too */
  {
    g_autofree char *state = NULL;
    g_auto (GStrv) ips = NULL;
    YunOsFamily os = YUN_OS_FAMILY_UNKNOWN;
    gboolean transitional = FALSE;

    g_object_get (windows, "state", &state, "public-ips", &ips, "os-family", &os, "transitional",
                  &transitional, NULL);
    g_assert_cmpstr (state, ==, "STOPPING");
    g_assert_cmpstr (ips[1], ==, "43.138.1.3");
    g_assert_cmpint (os, ==, YUN_OS_FAMILY_WINDOWS);
    g_assert_true (transitional);
  }
}

static void
test_instance_equal (void)
{
  g_autoptr (GPtrArray) a
    = parse_all ("describe-instances.json", "InstanceSet", parse_instance, g_object_unref);
  g_autoptr (GPtrArray) b
    = parse_all ("describe-instances.json", "InstanceSet", parse_instance, g_object_unref);
  g_autoptr (YunInstance) refined = NULL;

  g_assert_true (a->pdata[0] != b->pdata[0]);
  g_assert_true (yun_instance_equal (a->pdata[0], b->pdata[0]));
  g_assert_true (yun_instance_equal (a->pdata[1], b->pdata[1]));
  g_assert_false (yun_instance_equal (a->pdata[0], b->pdata[1]));

  refined = yun_instance_copy_with_os_family (a->pdata[0], YUN_OS_FAMILY_WINDOWS);
  g_assert_cmpint (yun_instance_get_os_family (refined), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_false (yun_instance_equal (refined, a->pdata[0]));
  g_clear_object (&refined);
  refined = yun_instance_copy_with_os_family (a->pdata[0], YUN_OS_FAMILY_LINUX);
  g_assert_true (yun_instance_equal (refined, a->pdata[0]));
  g_assert_finalize_object (g_steal_pointer (&refined));
}

static void
expect_instance_error (const char *json_text, const char *field)
{
  g_autoptr (json_object) json = json_tokener_parse (json_text);
  g_autoptr (GError) error = NULL;
  g_autoptr (YunInstance) instance = NULL;

  g_assert_nonnull (json);
  instance = _yun_instance_new_from_json (json, "ap-guangzhou", &error);
  g_assert_null (instance);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  if (strstr (error->message, field) == NULL)
    g_error ("“%s” does not name %s", error->message, field);
}

static void
test_instance_errors (void)
{
  /* a missing required field */
  expect_instance_error ("{\"InstanceState\": \"RUNNING\", \"Placement\": {\"Zone\": \"z\"}}",
                         "Instance.InstanceId");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"Placement\": {\"Zone\": \"z\"}}",
                         "Instance.InstanceState");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\"}",
                         "Instance.Placement");
  /* wrong types */
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}, \"CPU\": \"2\"}",
                         "Instance.CPU");
  expect_instance_error ("{\"InstanceId\": 12, \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}}",
                         "Instance.InstanceId");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}, \"PrivateIpAddresses\": [1]}",
                         "Instance.PrivateIpAddresses[0]");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}, \"CreatedTime\": \"yesterday\"}",
                         "Instance.CreatedTime");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}, \"Tags\": [{\"Value\": \"v\"}]}",
                         "Instance.Tags[].Key");
  expect_instance_error ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"RUNNING\", "
                         "\"Placement\": {\"Zone\": \"z\"}, \"DisableApiTermination\": 1}",
                         "Instance.DisableApiTermination");
  expect_instance_error ("[]", "Instance");
}

static void
test_instance_minimal (void)
{
  g_autoptr (json_object) json
    = json_tokener_parse ("{\"InstanceId\": \"ins-aaaaaaaa\", \"InstanceState\": \"PENDING\", "
                          "\"Placement\": {\"Zone\": \"ap-guangzhou-3\"}, \"Memory\": 2.0}");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunInstance) instance = _yun_instance_new_from_json (json, "ap-guangzhou", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (yun_instance_get_memory (instance), ==, 2);
  g_assert_null (yun_instance_get_name (instance));
  g_assert_null (yun_instance_get_os_name (instance));
  g_assert_cmpint (yun_instance_get_os_family (instance), ==, YUN_OS_FAMILY_UNKNOWN);
  g_assert_true (yun_instance_is_transitional (instance));
  g_assert_cmpuint (g_strv_length ((char **) yun_instance_get_tags (instance)), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&instance));
}

/* The instance list's export: every field a column shows, quoted where CSV needs it, and a
 * name that a spreadsheet would run as a formula made plain text. */
static void
test_instances_csv (void)
{
  g_autoptr (GPtrArray) instances
    = parse_all ("describe-instances.json", "InstanceSet", parse_instance, g_object_unref);
  g_autoptr (json_object) json
    = json_tokener_parse ("{\"InstanceId\": \"ins-bbbbbbbb\", \"InstanceState\": \"STOPPED\", "
                          "\"InstanceName\": \"=HYPERLINK(\\\"http://x\\\", \\\"a\\\")\", "
                          "\"Placement\": {\"Zone\": \"ap-guangzhou-3\"}}");
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;

  g_ptr_array_add (instances, _yun_instance_new_from_json (json, "ap-guangzhou", &error));
  g_assert_no_error (error);
  csv = yun_instances_to_csv (instances);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[0], "instance_id,name,state,region,zone,"));
  g_assert_true (g_str_has_prefix (
    lines[1], "ins-r8hr2upy,网站服务器-01,RUNNING,ap-guangzhou,ap-guangzhou-3,S5.MEDIUM4,2,4,"));
  g_assert_nonnull (strstr (lines[1], ",10.0.0.12,POSTPAID_BY_HOUR,2024-03-10T02:43:51Z,"));
  g_assert_nonnull (strstr (lines[2], ",env=prod 团队=运维"));
  g_assert_cmpstr (lines[3], ==,
                   "ins-bbbbbbbb,\"'=HYPERLINK(\"\"http://x\"\", \"\"a\"\")\",STOPPED,ap-guangzhou,"
                   "ap-guangzhou-3,,0,0,,,,,,,");
  g_assert_cmpstr (lines[4], ==, "");

  /* Saved as an export: the user's alone (0600) under umask 0, replacing a wider file. */
  {
    g_autofree char *directory = g_dir_make_tmp ("yun-export-XXXXXX", &error);
    g_autofree char *path = g_build_filename (directory, "instances.csv", NULL);
    g_autofree char *saved = NULL;
    mode_t old_umask = umask (0);
    GStatBuf status;

    g_assert_no_error (error);
    g_assert_true (
      g_file_set_contents_full (path, "old", -1, G_FILE_SET_CONTENTS_NONE, 0666, &error));
    g_assert_true (yun_export_save (path, csv, &error));
    umask (old_umask);
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (path, &status), ==, 0);
    g_assert_cmpint (status.st_mode & 0777, ==, 0600);
    g_assert_true (g_file_get_contents (path, &saved, NULL, &error));
    g_assert_cmpstr (saved, ==, csv);
    g_assert_cmpint (g_remove (path), ==, 0);
    g_assert_cmpint (g_rmdir (directory), ==, 0);
  }
}

static void
test_transitional_states (void)
{
  const char *transitional[] = { "PENDING",     "STARTING",          "STOPPING",        "REBOOTING",
                                 "TERMINATING", "ENTER_RESCUE_MODE", "EXIT_RESCUE_MODE" };
  const char *stable[] = { "RUNNING", "STOPPED", "SHUTDOWN", "LAUNCH_FAILED", "RESCUE_MODE" };

  for (guint i = 0; i < G_N_ELEMENTS (transitional); i++)
    g_assert_true (yun_instance_state_is_transitional (transitional[i]));
  for (guint i = 0; i < G_N_ELEMENTS (stable); i++)
    g_assert_false (yun_instance_state_is_transitional (stable[i]));
  g_assert_false (yun_instance_state_is_transitional (NULL));
}

static gpointer
parse_region (json_object *json, const char *region, GError **error)
{
  return _yun_region_new_from_json (json, error);
}

static gpointer
parse_zone (json_object *json, const char *region, GError **error)
{
  return _yun_zone_new_from_json (json, region, error);
}

static gpointer
parse_image (json_object *json, const char *region, GError **error)
{
  return _yun_image_new_from_json (json, region, error);
}

static void
test_regions_zones_images (void)
{
  g_autoptr (GPtrArray) regions
    = parse_all ("describe-regions.json", "RegionSet", parse_region, g_object_unref);
  g_autoptr (GPtrArray) zones
    = parse_all ("describe-zones.json", "ZoneSet", parse_zone, g_object_unref);
  g_autoptr (GPtrArray) images
    = parse_all ("describe-images.json", "ImageSet", parse_image, g_object_unref);
  YunImage *image;

  g_assert_cmpuint (regions->len, ==, 3);
  g_assert_cmpstr (yun_region_get_region (regions->pdata[0]), ==, "ap-guangzhou");
  g_assert_cmpstr (yun_region_get_name (regions->pdata[0]), ==, "华南地区(广州)");
  g_assert_true (yun_region_get_available (regions->pdata[0]));
  g_assert_true (yun_region_get_available (regions->pdata[1])); /* TCE: lower case */
  g_assert_false (yun_region_get_available (regions->pdata[2]));

  g_assert_cmpuint (zones->len, ==, 2);
  g_assert_cmpstr (yun_zone_get_zone (zones->pdata[0]), ==, "ap-guangzhou-3");
  g_assert_cmpstr (yun_zone_get_name (zones->pdata[0]), ==, "广州三区");
  g_assert_cmpstr (yun_zone_get_zone_id (zones->pdata[0]), ==, "100003");
  g_assert_cmpstr (yun_zone_get_region (zones->pdata[0]), ==, "ap-guangzhou");
  g_assert_false (yun_zone_get_available (zones->pdata[1]));

  g_assert_cmpuint (images->len, ==, 2);
  image = images->pdata[0];
  g_assert_cmpstr (yun_image_get_image_id (image), ==, "img-eb30mz89");
  g_assert_cmpstr (yun_image_get_platform (image), ==, "TencentOS");
  g_assert_cmpstr (yun_image_get_image_type (image), ==, "PUBLIC_IMAGE");
  g_assert_true (yun_image_is_public (image));
  g_assert_cmpuint (yun_image_get_size (image), ==, 20);
  g_assert_cmpint (yun_image_get_os_family (image), ==, YUN_OS_FAMILY_LINUX);
  g_assert_nonnull (yun_image_get_created_time (image));
  g_assert_cmpint (yun_image_get_os_family (images->pdata[1]), ==, YUN_OS_FAMILY_WINDOWS);
}

static gpointer
parse_quota (json_object *json, const char *region, GError **error)
{
  return _yun_instance_type_quota_new_from_json (json, region, error);
}

static void
test_quotas_and_prices (void)
{
  g_autoptr (GPtrArray) quotas = parse_all ("describe-zone-instance-config-infos.json",
                                            "InstanceTypeQuotaSet", parse_quota, g_object_unref);
  g_autoptr (json_object) response = load_response ("inquiry-price.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunItemPrice) price = NULL;
  YunInstanceTypeQuota *sell = quotas->pdata[0];
  YunInstanceTypeQuota *sold_out = quotas->pdata[1];
  json_object *price_json = NULL;
  const YunItemPrice *item;

  g_assert_cmpstr (yun_instance_type_quota_get_instance_type (sell), ==, "S5.MEDIUM4");
  g_assert_cmpstr (yun_instance_type_quota_get_type_name (sell), ==, "标准型S5");
  g_assert_cmpuint (yun_instance_type_quota_get_cpu (sell), ==, 2);
  g_assert_cmpuint (yun_instance_type_quota_get_memory (sell), ==, 4);
  g_assert_true (yun_instance_type_quota_get_sellable (sell));
  item = yun_instance_type_quota_get_price (sell);
  g_assert_true (item->is_postpaid);
  g_assert_false (item->is_prepaid);
  g_assert_cmpfloat_with_epsilon (item->unit_price_discount, 0.52, 1e-9);
  g_assert_cmpstr (item->charge_unit, ==, "HOUR");

  g_assert_false (yun_instance_type_quota_get_sellable (sold_out));
  item = yun_instance_type_quota_get_price (sold_out);
  g_assert_true (item->is_prepaid);
  g_assert_cmpfloat_with_epsilon (item->discount_price, 4000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (item->discount, 80.0, 1e-9);

  g_assert_true (json_object_object_get_ex (response, "Price", &price_json));
  g_assert_true (json_object_object_get_ex (price_json, "BandwidthPrice", &price_json));
  price = _yun_item_price_new_from_json (price_json, "Price.BandwidthPrice", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (price->charge_unit, ==, "GB");
}

static gpointer
parse_task (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_task_new_from_json (json, region, error);
}

static gpointer
parse_invocation (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_new_from_json (json, region, error);
}

static gpointer
parse_agent (json_object *json, const char *region, GError **error)
{
  return _yun_agent_status_new_from_json (json, error);
}

static void
test_tat (void)
{
  g_autoptr (GPtrArray) tasks
    = parse_all ("describe-invocation-tasks.json", "InvocationTaskSet", parse_task, g_object_unref);
  g_autoptr (GPtrArray) invocations
    = parse_all ("describe-invocations.json", "InvocationSet", parse_invocation, g_object_unref);
  g_autoptr (GPtrArray) agents
    = parse_all ("describe-automation-agent-status.json", "AutomationAgentSet", parse_agent,
                 (GDestroyNotify) yun_agent_status_free);
  YunInvocationTask *ok = tasks->pdata[0];
  YunInvocationTask *failed = tasks->pdata[1];
  YunInvocationTask *pending = tasks->pdata[2];
  YunInvocation *invocation = invocations->pdata[0];
  YunAgentStatus *agent;
  g_autofree char *text = NULL;
  const guint8 *data;
  gsize len = 0;

  g_assert_cmpstr (yun_invocation_task_get_task_id (ok), ==, "invt-0jjtcr3h-1");
  g_assert_cmpstr (yun_invocation_task_get_status (ok), ==, "SUCCESS");
  g_assert_cmpint (yun_invocation_task_get_exit_code (ok), ==, 0);
  data = g_bytes_get_data (yun_invocation_task_get_output (ok), &len);
  g_assert_cmpmem (data, len, "hello 云\n", strlen ("hello 云\n"));
  g_assert_cmpint (yun_invocation_task_get_dropped (ok), ==, 0);
  g_assert_null (yun_invocation_task_get_output_url (ok));
  g_assert_null (yun_invocation_task_get_error_info (ok));
  g_assert_true (yun_invocation_task_get_terminal (ok));
  g_assert_nonnull (yun_invocation_task_get_start_time (ok));

  /* Output is bytes: not UTF-8, with a NUL; Dropped counts the cut-off bytes */
  data = g_bytes_get_data (yun_invocation_task_get_output (failed), &len);
  g_assert_cmpmem (data, len, "\xff\0trunc", 7);
  g_assert_cmpint (yun_invocation_task_get_dropped (failed), ==, 1024);
  g_assert_cmpint (yun_invocation_task_get_exit_code (failed), ==, 2);
  g_assert_cmpstr (yun_invocation_task_get_error_info (failed), ==, "script exited with 2");
  g_assert_null (yun_invocation_task_get_start_time (failed));
  text = yun_invocation_task_dup_output_text (failed);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "1024 more bytes"));

  g_assert_null (yun_invocation_task_get_output (pending));
  g_assert_false (yun_invocation_task_get_terminal (pending));

  g_assert_cmpstr (yun_invocation_get_status (invocation), ==, "PARTIAL_FAILED");
  g_assert_true (yun_invocation_is_terminal (invocation));
  g_assert_cmpuint (yun_invocation_get_tasks (invocation)->len, ==, 2);
  g_assert_cmpstr (yun_invocation_task_get_status (
                     yun_invocation_get_task_for_instance (invocation, "ins-win0abc1")),
                   ==, "FAILED");
  g_assert_cmpuint (yun_invocation_get_timeout (invocation), ==, 60);

  agent = agents->pdata[0];
  g_assert_true (yun_agent_status_is_online (agent));
  g_assert_cmpint (yun_agent_status_get_os_family (agent), ==, YUN_OS_FAMILY_LINUX);
  g_assert_nonnull (agent->last_heartbeat_time);
  agent = agents->pdata[1];
  g_assert_false (yun_agent_status_is_online (agent));
  g_assert_cmpint (yun_agent_status_get_os_family (agent), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_null (agent->last_heartbeat_time);
  g_assert_cmpuint (g_strv_length (agent->support_features), ==, 0);
}

static void
test_bad_base64 (void)
{
  g_autoptr (json_object) json
    = json_tokener_parse ("{\"InvocationTaskId\": \"invt-1\", \"InstanceId\": \"ins-aaaaaaaa\", "
                          "\"TaskStatus\": \"SUCCESS\", \"TaskResult\": {\"Output\": \"@@@\"}}");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunInvocationTask) task = _yun_invocation_task_new_from_json (json, NULL, &error);

  g_assert_null (task);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "TaskResult.Output"));
}

static void
test_terminal_statuses (void)
{
  const char *terminal[] = { "DELIVER_FAILED", "START_FAILED", "SUCCESS",   "FAILED",
                             "TIMEOUT",        "TASK_TIMEOUT", "CANCELLED", "TERMINATED" };
  const char *running[]
    = { "PENDING", "DELIVERING", "DELIVER_DELAYED", "RUNNING", "CANCELLING", "SOMETHING_NEW" };

  for (guint i = 0; i < G_N_ELEMENTS (terminal); i++)
    g_assert_true (yun_invocation_task_status_is_terminal (terminal[i]));
  for (guint i = 0; i < G_N_ELEMENTS (running); i++)
    g_assert_false (yun_invocation_task_status_is_terminal (running[i]));
  g_assert_false (yun_invocation_task_status_is_terminal (NULL));

  g_assert_true (yun_invocation_status_is_terminal ("PARTIAL_CANCELLED"));
  g_assert_false (yun_invocation_status_is_terminal ("CANCELLING"));
}

static void
test_os_family (void)
{
  g_assert_cmpint (yun_os_family_from_os_name ("Windows Server 2022"), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_cmpint (yun_os_family_from_os_name ("WINDOWS 10"), ==, YUN_OS_FAMILY_WINDOWS);
  g_assert_cmpint (yun_os_family_from_os_name ("Ubuntu Server 22.04 LTS 64位"), ==,
                   YUN_OS_FAMILY_LINUX);
  g_assert_cmpint (yun_os_family_from_os_name (""), ==, YUN_OS_FAMILY_UNKNOWN);
  g_assert_cmpint (yun_os_family_from_os_name (NULL), ==, YUN_OS_FAMILY_UNKNOWN);
  g_assert_true (G_TYPE_IS_ENUM (YUN_TYPE_OS_FAMILY));
}

/* Integers sent as doubles out of gint64's range, or not numbers at all, are refused (found
 * by fuzz-response: the cast itself was undefined). */
static void
test_integer_range (void)
{
  static const char *const totals[] = { "1e24", "-1e24", "1e999", "9223372036854775808.0" };

  for (gsize i = 0; i < G_N_ELEMENTS (totals); i++)
    {
      g_autofree char *text
        = g_strdup_printf ("{\"RegionSet\": [], \"TotalCount\": %s}", totals[i]);
      g_autoptr (json_object) response = json_tokener_parse (text);
      g_autoptr (GError) error = NULL;
      guint total = 0;

      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      g_assert_nonnull (response);
      g_assert_false (
        _yun_parse_page (response, "RegionSet", 0, parse_region, NULL, items, &total, &error));
      g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
    }
}

/* A page without TotalCount, or without its set while TotalCount says there are items from
 * the offset on, is a broken answer, not an empty list (hostile "missing-fields"). */
static void
test_page_members (void)
{
  static const struct
  {
    const char *json;
    guint offset;
    gboolean ok;
    guint n_items;
  } cases[] = {
    { "{\"RequestId\": \"r\"}", 0, FALSE, 0 },
    { "{\"RegionSet\": []}", 0, FALSE, 0 },
    { "{\"TotalCount\": 0}", 0, TRUE, 0 },
    { "{\"TotalCount\": 0, \"RegionSet\": null}", 0, TRUE, 0 },
    { "{\"TotalCount\": 3}", 0, FALSE, 0 },
    { "{\"TotalCount\": 3, \"RegionSet\": null}", 2, FALSE, 0 },
    { "{\"TotalCount\": 3}", 3, TRUE, 0 },
    { "{\"TotalCount\": -1, \"RegionSet\": []}", 0, FALSE, 0 },
    { "{\"TotalCount\": 1, \"RegionSet\": [{\"Region\": \"ap-guangzhou\", "
      "\"RegionName\": \"广州\", \"RegionState\": \"AVAILABLE\"}]}",
      0, TRUE, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (json_object) response = json_tokener_parse (cases[i].json);
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (GError) error = NULL;
      guint total = 0;
      gboolean ok;

      g_assert_nonnull (response);
      ok = _yun_parse_page (response, "RegionSet", cases[i].offset, parse_region, NULL, items,
                            &total, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, YUN_ERROR, YUN_ERROR_PROTOCOL);
      g_assert_cmpuint (items->len, ==, cases[i].n_items);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/api-json/instances", test_instances);
  g_test_add_func ("/yun/core/api-json/integer-range", test_integer_range);
  g_test_add_func ("/yun/core/api-json/page-members", test_page_members);
  g_test_add_func ("/yun/core/api-json/instance-equal", test_instance_equal);
  g_test_add_func ("/yun/core/api-json/instance-errors", test_instance_errors);
  g_test_add_func ("/yun/core/api-json/instance-minimal", test_instance_minimal);
  g_test_add_func ("/yun/core/api-json/instances-csv", test_instances_csv);
  g_test_add_func ("/yun/core/api-json/transitional-states", test_transitional_states);
  g_test_add_func ("/yun/core/api-json/regions-zones-images", test_regions_zones_images);
  g_test_add_func ("/yun/core/api-json/quotas-and-prices", test_quotas_and_prices);
  g_test_add_func ("/yun/core/api-json/tat", test_tat);
  g_test_add_func ("/yun/core/api-json/bad-base64", test_bad_base64);
  g_test_add_func ("/yun/core/api-json/terminal-statuses", test_terminal_statuses);
  g_test_add_func ("/yun/core/api-json/os-family", test_os_family);

  return g_test_run ();
}
