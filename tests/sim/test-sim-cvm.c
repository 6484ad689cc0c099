/* test-sim-cvm.c: the simulated CVM fleet behaves as api-contract.md describes
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-sim"

#include "config.h"

#include <string.h>

#include "sim-call.h"
#include "yun-sim.h"

#define GZ "ap-guangzhou"
#define SH "ap-shanghai"

static YunTestSim *sim;

static const char *
get_string (json_object *object, const char *name)
{
  return json_object_get_string (json_object_object_get (object, name));
}

static json_object *
first_instance (json_object *result)
{
  return json_object_array_get_idx (json_object_object_get (result, "InstanceSet"), 0);
}

static void
test_regions_zones (void)
{
  g_auto (SimResponse) response = { 0 };
  json_object *result = sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  json_object *first;
  gboolean found = FALSE;

  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 6);
  first = json_object_array_get_idx (json_object_object_get (result, "RegionSet"), 0);
  g_assert_cmpstr (get_string (first, "Region"), ==, GZ);
  g_assert_cmpstr (get_string (first, "RegionName"), ==, "华南地区(广州)");
  g_assert_cmpstr (get_string (first, "RegionState"), ==, "AVAILABLE");

  result = sim_call (sim, &response, "cvm", "DescribeZones", GZ, "{}");
  sim_assert_success (&response);
  for (gsize i = 0; i < json_object_array_length (json_object_object_get (result, "ZoneSet")); i++)
    {
      json_object *zone = json_object_array_get_idx (json_object_object_get (result, "ZoneSet"), i);

      if (g_str_equal (get_string (zone, "Zone"), "ap-guangzhou-3"))
        {
          found = TRUE;
          g_assert_cmpstr (get_string (zone, "ZoneName"), ==, "广州三区");
          g_assert_cmpstr (get_string (zone, "ZoneId"), ==, "100003");
          g_assert_cmpstr (get_string (zone, "ZoneState"), ==, "AVAILABLE");
        }
    }
  g_assert_true (found);
}

static void
test_images (void)
{
  g_auto (SimResponse) response = { 0 };
  json_object *result, *set;
  gboolean seen_public = FALSE, seen_private = FALSE, seen_shared = FALSE;

  result = sim_call (sim, &response, "cvm", "DescribeImages", GZ, "{\"Limit\":100}");
  sim_assert_success (&response);
  set = json_object_object_get (result, "ImageSet");
  g_assert_cmpint (json_object_array_length (set), ==, 10);
  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      const char *type = get_string (json_object_array_get_idx (set, i), "ImageType");

      seen_public |= g_str_equal (type, "PUBLIC_IMAGE");
      seen_private |= g_str_equal (type, "PRIVATE_IMAGE");
      seen_shared |= g_str_equal (type, "SHARED_IMAGE");
      g_assert_true (
        g_str_has_prefix (get_string (json_object_array_get_idx (set, i), "ImageId"), "img-"));
    }
  g_assert_true (seen_public && seen_private && seen_shared);

  result = sim_call (sim, &response, "cvm", "DescribeImages", GZ,
                     "{\"Filters\":[{\"Name\":\"platform\",\"Values\":[\"windows\"]}]}");
  sim_assert_success (&response);
  set = json_object_object_get (result, "ImageSet");
  g_assert_cmpint (json_object_array_length (set), >, 0);
  for (gsize i = 0; i < json_object_array_length (set); i++)
    g_assert_cmpstr (get_string (json_object_array_get_idx (set, i), "Platform"), ==, "Windows");

  sim_call (sim, &response, "cvm", "DescribeImages", GZ,
            "{\"ImageIds\":[\"img-00000000\"],\"Filters\":[{\"Name\":\"platform\",\"Values\":"
            "[\"CentOS\"]}]}");
  sim_assert_error (&response, "InvalidParameter.InvalidParameterCoexistImageIdsFilters");
  sim_call (sim, &response, "cvm", "DescribeImages", GZ, "{\"Limit\":101}");
  sim_assert_error (&response, "InvalidParameterValue");
}

static char *
instances_of (json_object *state)
{
  json_object *list = json_object_object_get (state, "instances");

  return g_strdup (json_object_to_json_string_ext (list, JSON_C_TO_STRING_PLAIN));
}

static void
test_same_seed_same_fleet (void)
{
  g_autoptr (YunTestSim) a = yun_test_sim_spawn ("--seed", "42", "--instances", "300", NULL);
  g_autoptr (YunTestSim) b = yun_test_sim_spawn ("--seed", "42", "--instances", "300", NULL);
  g_autoptr (YunTestSim) c = yun_test_sim_spawn ("--seed", "43", "--instances", "300", NULL);
  g_autoptr (json_object) sa = yun_test_sim_admin_get (a, "state");
  g_autoptr (json_object) sb = yun_test_sim_admin_get (b, "state");
  g_autoptr (json_object) sc = yun_test_sim_admin_get (c, "state");
  g_autofree char *ja = instances_of (sa);
  g_autofree char *jb = instances_of (sb);
  g_autofree char *jc = instances_of (sc);

  g_assert_cmpint (json_object_array_length (json_object_object_get (sa, "instances")), ==, 300);
  g_assert_cmpstr (ja, ==, jb);
  g_assert_cmpstr (ja, !=, jc);
}

static void
test_pagination (void)
{
  g_autoptr (YunTestSim) small
    = yun_test_sim_spawn ("--regions", "1", "--instances", "250", "--no-rate-limits", NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (SimResponse) response = { 0 };
  json_object *result;
  GString *ids = g_string_new (NULL);

  result = sim_call (small, &response, "cvm", "DescribeInstances", GZ, "{}");
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 250);
  g_assert_cmpint (json_object_array_length (json_object_object_get (result, "InstanceSet")), ==,
                   20);

  for (guint offset = 0; offset < 300; offset += 100)
    {
      json_object *set;

      result = sim_call (small, &response, "cvm", "DescribeInstances", GZ,
                         "{\"Offset\":%u,\"Limit\":100}", offset);
      sim_assert_success (&response);
      g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==,
                       250);
      set = json_object_object_get (result, "InstanceSet");
      g_assert_cmpint (json_object_array_length (set), ==,
                       offset < 200   ? 100
                       : offset < 300 ? 50
                                      : 0);
      for (gsize i = 0; i < json_object_array_length (set); i++)
        g_hash_table_add (seen,
                          g_strdup (get_string (json_object_array_get_idx (set, i), "InstanceId")));
    }
  g_assert_cmpint (g_hash_table_size (seen), ==, 250);

  result = sim_call (small, &response, "cvm", "DescribeInstances", GZ, "{\"Offset\":300}");
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 250);
  g_assert_cmpint (json_object_array_length (json_object_object_get (result, "InstanceSet")), ==,
                   0);

  sim_call (small, &response, "cvm", "DescribeInstances", GZ, "{\"Limit\":101}");
  sim_assert_error (&response, "InvalidParameterValue");

  for (guint i = 0; i < 101; i++)
    g_string_append_printf (ids, "%s\"ins-%08u\"", i > 0 ? "," : "", i);
  sim_call (small, &response, "cvm", "DescribeInstances", GZ, "{\"InstanceIds\":[%s]}", ids->str);
  sim_assert_error (&response, "InvalidParameterValue.LimitExceeded");
  g_string_free (ids, TRUE);

  /* unknown IDs are simply not listed; malformed ones are refused */
  result = sim_call (small, &response, "cvm", "DescribeInstances", GZ,
                     "{\"InstanceIds\":[\"ins-zzzzzzzz\"]}");
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 0);
  sim_call (small, &response, "cvm", "DescribeInstances", GZ, "{\"InstanceIds\":[\"i-123\"]}");
  sim_assert_error (&response, "InvalidInstanceId.Malformed");

  /* DescribeInstancesStatus pages the same way */
  result = sim_call (small, &response, "cvm", "DescribeInstancesStatus", GZ,
                     "{\"Offset\":240,\"Limit\":100}");
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 250);
  g_assert_cmpint (json_object_array_length (json_object_object_get (result, "InstanceStatusSet")),
                   ==, 10);
}

static void
test_instance_fields_and_filters (void)
{
  g_auto (SimResponse) response = { 0 };
  json_object *result, *instance, *set;
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", NULL, NULL, NULL);
  g_autofree char *zone = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ip = NULL;
  static const char *const fields[] = { "InstanceId",
                                        "InstanceName",
                                        "InstanceState",
                                        "InstanceType",
                                        "CPU",
                                        "Memory",
                                        "Placement",
                                        "PrivateIpAddresses",
                                        "PublicIpAddresses",
                                        "ImageId",
                                        "OsName",
                                        "InstanceChargeType",
                                        "CreatedTime",
                                        "ExpiredTime",
                                        "RestrictState",
                                        "StopChargingMode",
                                        "LatestOperation",
                                        "LatestOperationState",
                                        "LatestOperationRequestId",
                                        "DisableApiTermination",
                                        "DefaultLoginUser",
                                        "DefaultLoginPort",
                                        "SystemDisk",
                                        "InternetAccessible",
                                        "VirtualPrivateCloud",
                                        "SecurityGroupIds",
                                        "Tags",
                                        "Uuid",
                                        "IsolatedSource" };

  result
    = sim_call (sim, &response, "cvm", "DescribeInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  instance = first_instance (result);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!json_object_object_get_ex (instance, fields[i], NULL))
      g_error ("Instance lacks %s", fields[i]);
  /* there is no Platform field in an Instance, and no region */
  g_assert_false (json_object_object_get_ex (instance, "Platform", NULL));
  g_assert_false (json_object_object_get_ex (instance, "Region", NULL));
  g_assert_true (g_str_has_prefix (id, "ins-") && strlen (id) == 12);

  zone = g_strdup (get_string (json_object_object_get (instance, "Placement"), "Zone"));
  name = g_strdup (get_string (instance, "InstanceName"));
  ip = g_strdup (json_object_get_string (
    json_object_array_get_idx (json_object_object_get (instance, "PrivateIpAddresses"), 0)));

  result = sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
                     "{\"Limit\":100,\"Filters\":[{\"Name\":\"zone\",\"Values\":[\"%s\"]},"
                     "{\"Name\":\"instance-state\",\"Values\":[\"RUNNING\"]}]}",
                     zone);
  sim_assert_success (&response);
  set = json_object_object_get (result, "InstanceSet");
  g_assert_cmpint (json_object_array_length (set), >, 0);
  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      json_object *item = json_object_array_get_idx (set, i);

      g_assert_cmpstr (get_string (item, "InstanceState"), ==, "RUNNING");
      g_assert_cmpstr (get_string (json_object_object_get (item, "Placement"), "Zone"), ==, zone);
    }

  result = sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
                     "{\"Filters\":[{\"Name\":\"private-ip-address\",\"Values\":[\"%s\"]}]}", ip);
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 1);
  g_assert_cmpstr (get_string (first_instance (result), "InstanceId"), ==, id);

  result = sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
                     "{\"Filters\":[{\"Name\":\"instance-name\",\"Values\":[\"%s\"]}]}", name);
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), >=, 1);

  result = sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
                     "{\"Limit\":100,\"Filters\":[{\"Name\":\"tag:env\",\"Values\":[\"prod\"]},"
                     "{\"Name\":\"instance-charge-type\",\"Values\":[\"POSTPAID_BY_HOUR\"]}]}");
  sim_assert_success (&response);
  set = json_object_object_get (result, "InstanceSet");
  g_assert_cmpint (json_object_array_length (set), >, 0);
  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      json_object *item = json_object_array_get_idx (set, i);
      json_object *tags = json_object_object_get (item, "Tags");
      gboolean prod = FALSE;

      g_assert_cmpstr (get_string (item, "InstanceChargeType"), ==, "POSTPAID_BY_HOUR");
      for (gsize k = 0; k < json_object_array_length (tags); k++)
        prod |= g_str_equal (get_string (json_object_array_get_idx (tags, k), "Key"), "env")
                && g_str_equal (get_string (json_object_array_get_idx (tags, k), "Value"), "prod");
      g_assert_true (prod);
    }

  result = sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
                     "{\"Filters\":[{\"Name\":\"tag-key\",\"Values\":[\"no-such-key\"]}]}");
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==, 0);

  sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
            "{\"Filters\":[{\"Name\":\"colour\",\"Values\":[\"blue\"]}]}");
  sim_assert_error (&response, "InvalidFilter");
  sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
            "{\"Filters\":[{\"Name\":\"zone\",\"Values\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}]}");
  sim_assert_error (&response, "InvalidFilterValue.LimitExceeded");
  sim_call (sim, &response, "cvm", "DescribeInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Filters\":[{\"Name\":\"zone\",\"Values\":[\"%s\"]}]}", id,
            zone);
  sim_assert_error (&response, "InvalidParameter");
}

/* Checks the LatestOperation triple while an operation runs, then after. */
static void
assert_operation (const char *id, const char *operation, const char *state, const char *request_id)
{
  g_autofree char *op = sim_instance_field (sim, GZ, id, "LatestOperation");
  g_autofree char *op_state = sim_instance_field (sim, GZ, id, "LatestOperationState");
  g_autofree char *op_request = sim_instance_field (sim, GZ, id, "LatestOperationRequestId");

  g_assert_cmpstr (op, ==, operation);
  g_assert_cmpstr (op_state, ==, state);
  if (request_id != NULL)
    g_assert_cmpstr (op_request, ==, request_id);
}

static void
test_stop_start (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", "Linux", "POSTPAID_BY_HOUR", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *request_id = NULL;
  g_autofree char *state = NULL;

  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  request_id = g_strdup (response.request_id);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPING");
  assert_operation (id, "StopInstances", "OPERATING", request_id);

  /* wrong state while it is transitional */
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopping");

  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  assert_operation (id, "StopInstances", "SUCCESS", request_id);

  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");

  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  g_clear_pointer (&state, g_free);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "STARTING");
  sim_wait_state (sim, GZ, id, "RUNNING", 3000);
  assert_operation (id, "StartInstances", "SUCCESS", NULL);

  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateRunning");
}

static void
test_reboot (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", NULL, NULL, NULL);
  g_autofree char *stopped = sim_pick_instance (sim, GZ, "STOPPED", NULL, NULL, NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *state = NULL;

  sim_call (sim, &response, "cvm", "RebootInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"StopType\":\"SOFT_FIRST\"}", id);
  sim_assert_success (&response);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "REBOOTING");
  sim_wait_state (sim, GZ, id, "RUNNING", 3000);
  assert_operation (id, "RebootInstances", "SUCCESS", NULL);

  sim_call (sim, &response, "cvm", "RebootInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", stopped);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");
  /* one bad instance fails the whole batch, and nothing changes */
  sim_call (sim, &response, "cvm", "RebootInstances", GZ, "{\"InstanceIds\":[\"%s\",\"%s\"]}", id,
            stopped);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");
  g_clear_pointer (&state, g_free);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "RUNNING");
}

static void
test_stop_options (void)
{
  g_autofree char *postpaid = NULL;
  g_autofree char *prepaid = sim_pick_instance (sim, GZ, "RUNNING", NULL, "PREPAID", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  json_object *list = json_object_object_get (state, "instances");
  g_autofree char *mode = NULL;

  g_assert_nonnull (prepaid);
  sim_call (sim, &response, "cvm", "StopInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"StopType\":\"GENTLE\"}", prepaid);
  sim_assert_error (&response, "InvalidParameterValue");
  sim_call (sim, &response, "cvm", "StopInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"StopType\":\"HARD\",\"ForceStop\":true}", prepaid);
  sim_assert_error (&response, "InvalidParameter");
  sim_call (sim, &response, "cvm", "StopInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"StoppedMode\":\"STOP_CHARGING\"}", prepaid);
  sim_assert_error (&response, "UnsupportedOperation.StoppedModeStopCharging");

  /* a running postpaid instance with a cloud disk can stop charging */
  for (gsize i = 0; i < json_object_array_length (list) && postpaid == NULL; i++)
    {
      json_object *item = json_object_array_get_idx (list, i);
      const char *id = get_string (item, "InstanceId");
      g_autofree char *disk = NULL;
      g_auto (SimResponse) answer = { 0 };
      json_object *result;

      if (!g_str_equal (get_string (item, "Region"), GZ)
          || !g_str_equal (get_string (item, "InstanceState"), "RUNNING")
          || !g_str_equal (get_string (item, "InstanceChargeType"), "POSTPAID_BY_HOUR"))
        continue;
      result
        = sim_call (sim, &answer, "cvm", "DescribeInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
      disk = g_strdup (
        get_string (json_object_object_get (first_instance (result), "SystemDisk"), "DiskType"));
      if (!g_str_equal (disk, "LOCAL_BASIC"))
        postpaid = g_strdup (id);
    }
  g_assert_nonnull (postpaid);
  sim_call (sim, &response, "cvm", "StopInstances", GZ,
            "{\"InstanceIds\":[\"%s\"],\"StopType\":\"HARD\",\"StoppedMode\":\"STOP_CHARGING\"}",
            postpaid);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, postpaid, "STOPPED", 3000);
  mode = sim_instance_field (sim, GZ, postpaid, "StopChargingMode");
  g_assert_cmpstr (mode, ==, "STOP_CHARGING");
}

static void
test_terminate_postpaid (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "STOPPED", NULL, "POSTPAID_BY_HOUR", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *state = NULL;

  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "TERMINATING");
  sim_wait_state (sim, GZ, id, NULL, 3000);

  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "InvalidInstanceId.NotFound");
}

static void
test_terminate_prepaid (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", NULL, "PREPAID", NULL);
  g_autofree char *postpaid
    = sim_pick_instance (sim, GZ, "STOPPED", NULL, "POSTPAID_BY_HOUR", NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *isolated = NULL;

  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\",\"%s\"]}",
            id, postpaid);
  sim_assert_error (&response, "UnsupportedOperation.InstanceMixedPricingModel");

  /* first call: to the recycle bin */
  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "SHUTDOWN", 3000);
  isolated = sim_instance_field (sim, GZ, id, "IsolatedSource");
  g_assert_cmpstr (isolated, ==, "MANMADE");

  /* second call: destroyed */
  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, NULL, 3000);
}

static void
test_terminate_protected (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "STOPPED", NULL, "POSTPAID_BY_HOUR", NULL);
  g_autofree char *path = g_strdup_printf ("instances/%s", id);
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (sim, path, "{\"DisableApiTermination\":true}");
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "UnsupportedOperation.InstancesProtected");
}

static void
test_reset_password (void)
{
  g_autofree char *running = sim_pick_instance (sim, GZ, "RUNNING", "Linux", NULL, NULL);
  g_autofree char *stopped = sim_pick_instance (sim, GZ, "STOPPED", "Linux", NULL, NULL);
  g_auto (SimResponse) response = { 0 };
  g_autofree char *state = NULL;

  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"Yun-Desk-2024!\"}", running);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateRunning");
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"short\"}", stopped);
  sim_assert_error (&response, "InvalidPassword");
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"/Yun-Desk-2024\"}", stopped);
  sim_assert_error (&response, "InvalidPassword");
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ, "{\"InstanceIds\":[\"%s\"]}",
            stopped);
  sim_assert_error (&response, "MissingParameter");

  /* STOPPED: the operation runs, the state stays */
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"Yun-Desk-2024!\"}", stopped);
  sim_assert_success (&response);
  assert_operation (stopped, "ResetInstancesPassword", "OPERATING", response.request_id);
  /* another operation meanwhile is refused */
  {
    g_auto (SimResponse) busy = { 0 };

    sim_call (sim, &busy, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", stopped);
    sim_assert_error (&busy, "OperationDenied.InstanceOperationInProgress");
  }
  g_usleep (400 * 1000);
  assert_operation (stopped, "ResetInstancesPassword", "SUCCESS", NULL);
  state = sim_instance_field (sim, GZ, stopped, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPED");

  /* RUNNING with ForceStop: stopped, reset, left STOPPED */
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"Yun-Desk-2024!\",\"ForceStop\":true}",
            running);
  sim_assert_success (&response);
  g_clear_pointer (&state, g_free);
  state = sim_instance_field (sim, GZ, running, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPING");
  sim_wait_state (sim, GZ, running, "STOPPED", 3000);
  assert_operation (running, "ResetInstancesPassword", "SUCCESS", NULL);
}

/* A new Linux instance in ap-guangzhou, made through the admin API, so that no other test has
 * touched it. */
static char *
new_instance (const char *state, const char *charge_type)
{
  g_autofree char *body = g_strdup_printf (
    "{\"InstanceState\":\"%s\",\"InstanceChargeType\":\"%s\"}", state, charge_type);
  g_autoptr (json_object) reply = yun_test_sim_admin_post (sim, "instances", body);

  return g_strdup (get_string (reply, "InstanceId"));
}

#define FIRST_PASSWORD "Yun-Desk-2025!"
#define SECOND_PASSWORD "Second-Pass-77?"

static void
assert_password_nowhere (const char *password)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  g_auto (SimResponse) response = { 0 };

  g_assert_null (strstr (json_object_to_json_string (state), password));
  sim_call (sim, &response, "cvm", "DescribeInstances", GZ, "{\"Limit\":100}");
  sim_assert_success (&response);
  g_assert_null (strstr (response.body->str, password));
}

static void
test_check_password (void)
{
  g_autofree char *id = new_instance ("STOPPED", "POSTPAID_BY_HOUR");
  g_auto (SimResponse) response = { 0 };
  gint64 changed_at = -1;
  gint64 before;

  /* no password set through the API yet */
  g_assert_false (sim_check_password (sim, id, FIRST_PASSWORD, &changed_at));
  g_assert_cmpint (changed_at, ==, 0);

  /* accepted is not done: the password changes when the operation succeeds */
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"" FIRST_PASSWORD "\"}", id);
  sim_assert_success (&response);
  g_assert_false (sim_check_password (sim, id, FIRST_PASSWORD, &changed_at));
  g_assert_cmpint (changed_at, ==, 0);
  /* still in progress after that check, so the check came before the end */
  assert_operation (id, "ResetInstancesPassword", "OPERATING", response.request_id);

  before = g_get_real_time () / G_USEC_PER_SEC;
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  g_assert_true (sim_check_password (sim, id, FIRST_PASSWORD, &changed_at));
  g_assert_cmpint (ABS (changed_at - before), <=, 5);
  g_assert_false (sim_check_password (sim, id, SECOND_PASSWORD, NULL));
  g_assert_false (sim_check_password (sim, id, "", NULL));

  /* a refused reset changes nothing */
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"short\"}", id);
  sim_assert_error (&response, "InvalidPassword");
  g_assert_true (sim_check_password (sim, id, FIRST_PASSWORD, NULL));

  /* a second reset: the first password holds until it completes */
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"" SECOND_PASSWORD "\"}", id);
  sim_assert_success (&response);
  g_assert_true (sim_check_password (sim, id, FIRST_PASSWORD, NULL));
  g_assert_false (sim_check_password (sim, id, SECOND_PASSWORD, NULL));
  assert_operation (id, "ResetInstancesPassword", "OPERATING", response.request_id);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  g_assert_true (sim_check_password (sim, id, SECOND_PASSWORD, NULL));
  g_assert_false (sim_check_password (sim, id, FIRST_PASSWORD, NULL));

  assert_password_nowhere (FIRST_PASSWORD);
  assert_password_nowhere (SECOND_PASSWORD);
}

static void
test_check_password_errors (void)
{
  g_autofree char *id = new_instance ("STOPPED", "POSTPAID_BY_HOUR");
  g_autofree char *path = g_strdup_printf ("instances/%s/check-password", id);
  g_autofree char *agent_path = g_strdup_printf ("agents/%s/check-password", id);
  g_auto (SimResponse) response = { 0 };

  g_assert_cmpint (sim_admin_post (sim, &response, "instances/ins-zzzzzzzz/check-password",
                                   "{\"Password\":\"" FIRST_PASSWORD "\"}"),
                   ==, 404);
  g_assert_cmpint (sim_admin_post (sim, &response, path, "{}"), ==, 400);
  g_assert_nonnull (json_object_object_get (response.json, "error"));
  g_assert_cmpint (sim_admin_post (sim, &response, path, "{\"Password\":12345678}"), ==, 400);
  g_assert_cmpint (sim_admin_post (sim, &response, path, "{\"Password\":null}"), ==, 400);
  g_assert_cmpint (sim_admin_post (sim, &response, path, "{\"Password\":[\"x\"]}"), ==, 400);
  g_assert_cmpint (sim_admin_post (sim, &response, agent_path, "{\"Password\":\"x\"}"), ==, 400);
}

/* A RUNNING instance reset with ForceStop: STOPPING → STOPPED under ResetInstancesPassword,
 * OPERATING then SUCCESS, and the new password in force at the end. */
static void
test_reset_force_stop (void)
{
  g_autofree char *id = new_instance ("RUNNING", "POSTPAID_BY_HOUR");
  g_auto (SimResponse) response = { 0 };
  g_autofree char *request_id = NULL;
  g_autofree char *state = NULL;

  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"" FIRST_PASSWORD "\",\"ForceStop\":true}",
            id);
  sim_assert_success (&response);
  request_id = g_strdup (response.request_id);
  g_assert_false (sim_check_password (sim, id, FIRST_PASSWORD, NULL));
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPING");
  assert_operation (id, "ResetInstancesPassword", "OPERATING", request_id);

  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  assert_operation (id, "ResetInstancesPassword", "SUCCESS", request_id);
  g_assert_true (sim_check_password (sim, id, FIRST_PASSWORD, NULL));
  /* one operation, counted as what it was */
  g_assert_cmpint (sim_operation_count (sim, id, "ResetInstancesPassword"), ==, 1);
  g_assert_cmpint (sim_operation_count (sim, id, "StopInstances"), ==, 0);
}

static void
test_operation_counts (void)
{
  g_autofree char *id = new_instance ("RUNNING", "PREPAID");
  g_autofree char *other = new_instance ("RUNNING", "POSTPAID_BY_HOUR");
  g_autofree char *path = g_strdup_printf ("instances/%s", id);
  g_auto (SimResponse) response = { 0 };
  g_autoptr (json_object) item = sim_admin_instance (sim, id);
  g_autoptr (json_object) view = NULL;
  json_object *operations;

  /* nothing applied yet: an empty object */
  operations = json_object_object_get (item, "Operations");
  g_assert_true (json_object_is_type (operations, json_type_object));
  g_assert_cmpint (json_object_object_length (operations), ==, 0);

  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  /* refused calls are not counted, not even for the instances that allowed the action */
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\",\"%s\"]}", other,
            id);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");
  sim_call (sim, &response, "cvm", "RebootInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");

  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "RUNNING", 3000);
  sim_call (sim, &response, "cvm", "RebootInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  sim_call (sim, &response, "cvm", "StopInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "STOPPED", 3000);
  sim_call (sim, &response, "cvm", "ResetInstancesPassword", GZ,
            "{\"InstanceIds\":[\"%s\"],\"Password\":\"" FIRST_PASSWORD "\"}", id);
  sim_assert_success (&response);
  sim_wait_operation (sim, GZ, id, "SUCCESS", 3000);
  /* prepaid: to the recycle bin, where it stays listed */
  sim_call (sim, &response, "cvm", "TerminateInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  sim_wait_state (sim, GZ, id, "SHUTDOWN", 3000);

  g_assert_cmpint (sim_operation_count (sim, id, "StopInstances"), ==, 2);
  g_assert_cmpint (sim_operation_count (sim, id, "StartInstances"), ==, 1);
  g_assert_cmpint (sim_operation_count (sim, id, "RebootInstances"), ==, 1);
  g_assert_cmpint (sim_operation_count (sim, id, "ResetInstancesPassword"), ==, 1);
  g_assert_cmpint (sim_operation_count (sim, id, "TerminateInstances"), ==, 1);
  g_assert_cmpint (sim_operation_count (sim, id, "RunInstances"), ==, 0);
  g_assert_cmpint (sim_operation_count (sim, other, "StopInstances"), ==, 0);

  /* the per-instance admin answers carry them too */
  view = yun_test_sim_admin_post (sim, path, "{}");
  operations = json_object_object_get (view, "Operations");
  g_assert_cmpint (json_object_object_length (operations), ==, 5);
  g_assert_cmpint (json_object_get_int (json_object_object_get (operations, "StopInstances")), ==,
                   2);
}

static void
test_not_found (void)
{
  g_auto (SimResponse) response = { 0 };
  g_autofree char *elsewhere = sim_pick_instance (sim, "ap-shanghai", "STOPPED", NULL, NULL, NULL);

  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"ins-zzzzzzzz\"]}");
  sim_assert_error (&response, "InvalidInstanceId.NotFound");
  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"%s\"]}", elsewhere);
  sim_assert_error (&response, "InvalidInstanceId.NotFound");
  sim_call (sim, &response, "cvm", "StartInstances", GZ, "{\"InstanceIds\":[\"INS-1\"]}");
  sim_assert_error (&response, "InvalidInstanceId.Malformed");
}

static const char *
selling_type (const char *zone, gboolean sold_out)
{
  g_auto (SimResponse) response = { 0 };
  static char type[64];
  json_object *result = sim_call (
    sim, &response, "cvm", "DescribeZoneInstanceConfigInfos", GZ,
    "{\"Filters\":[{\"Name\":\"zone\",\"Values\":[\"%s\"]},{\"Name\":\"instance-charge-type\","
    "\"Values\":[\"POSTPAID_BY_HOUR\"]}]}",
    zone);
  json_object *set = json_object_object_get (result, "InstanceTypeQuotaSet");

  for (gsize i = 0; i < json_object_array_length (set); i++)
    {
      json_object *item = json_object_array_get_idx (set, i);

      g_assert_nonnull (json_object_object_get (item, "Price"));
      if (g_str_equal (get_string (item, "Status"), sold_out ? "SOLD_OUT" : "SELL"))
        {
          g_strlcpy (type, get_string (item, "InstanceType"), sizeof type);
          return type;
        }
    }
  return NULL;
}

static const char *
public_image (gboolean windows)
{
  g_auto (SimResponse) response = { 0 };
  static char image[32];
  json_object *result = sim_call (
    sim, &response, "cvm", "DescribeImages", GZ,
    "{\"Filters\":[{\"Name\":\"image-type\",\"Values\":[\"PUBLIC_IMAGE\"]},{\"Name\":\"platform\","
    "\"Values\":[\"%s\"]}]}",
    windows ? "Windows" : "TencentOS");

  g_strlcpy (image,
             get_string (json_object_array_get_idx (json_object_object_get (result, "ImageSet"), 0),
                         "ImageId"),
             sizeof image);
  return image;
}

static void
test_zone_configs (void)
{
  g_assert_nonnull (selling_type ("ap-guangzhou-3", FALSE));
  g_assert_nonnull (selling_type ("ap-guangzhou-3", TRUE));
}

static void
test_run_instances (void)
{
  g_auto (SimResponse) response = { 0 };
  const char *image = public_image (FALSE);
  const char *type = selling_type ("ap-guangzhou-3", FALSE);
  json_object *result, *ids;
  g_autofree char *first = NULL;
  g_autofree char *name = NULL;

  result = sim_call (sim, &response, "cvm", "RunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceType\":\"%s\",\"InstanceCount\":3,\"InstanceName\":"
                     "\"web-{R:7,F:3}\",\"LoginSettings\":{\"Password\":\"Yun-Desk-2024!\"}}",
                     image, type);
  sim_assert_success (&response);
  ids = json_object_object_get (result, "InstanceIdSet");
  g_assert_cmpint (json_object_array_length (ids), ==, 3);
  first = g_strdup (json_object_get_string (json_object_array_get_idx (ids, 0)));
  assert_operation (first, "RunInstances", "OPERATING", response.request_id);
  {
    g_autofree char *state = sim_instance_field (sim, GZ, first, "InstanceState");

    g_assert_cmpstr (state, ==, "PENDING");
  }
  name = sim_instance_field (sim, GZ, first, "InstanceName");
  g_assert_cmpstr (name, ==, "web-007");
  sim_wait_state (sim, GZ, first, "RUNNING", 3000);
  assert_operation (first, "RunInstances", "SUCCESS", NULL);
  g_assert_cmpint (sim_operation_count (sim, first, "RunInstances"), ==, 1);
}

static char *
first_id (json_object *result)
{
  return g_strdup (json_object_get_string (
    json_object_array_get_idx (json_object_object_get (result, "InstanceIdSet"), 0)));
}

/* LoginSettings.Password is in force once the launch has succeeded. */
static void
test_run_password (void)
{
  g_auto (SimResponse) response = { 0 };
  const char *image = public_image (FALSE);
  json_object *result;
  g_autofree char *id = NULL;
  g_autofree char *without = NULL;

  result = sim_call (sim, &response, "cvm", "RunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceType\":\"S5.MEDIUM4\",\"LoginSettings\":{\"Password\":"
                     "\"" SECOND_PASSWORD "\"}}",
                     image);
  sim_assert_success (&response);
  id = first_id (result);
  g_assert_false (sim_check_password (sim, id, SECOND_PASSWORD, NULL));
  assert_operation (id, "RunInstances", "OPERATING", response.request_id);
  sim_wait_state (sim, GZ, id, "RUNNING", 3000);
  g_assert_true (sim_check_password (sim, id, SECOND_PASSWORD, NULL));
  g_assert_false (sim_check_password (sim, id, FIRST_PASSWORD, NULL));

  result = sim_call (sim, &response, "cvm", "RunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceType\":\"S5.MEDIUM4\"}",
                     image);
  sim_assert_success (&response);
  without = first_id (result);
  sim_wait_state (sim, GZ, without, "RUNNING", 3000);
  g_assert_false (sim_check_password (sim, without, SECOND_PASSWORD, NULL));
  assert_password_nowhere (SECOND_PASSWORD);
}

static gint64
run_instances_created (void)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  json_object *count = NULL;

  g_assert_true (json_object_object_get_ex (state, "run_instances_created", &count));
  g_assert_true (json_object_is_type (count, json_type_int));
  return json_object_get_int64 (count);
}

static void
test_run_idempotent (void)
{
  g_auto (SimResponse) response = { 0 };
  const char *image = public_image (FALSE);
  g_autofree char *token = g_uuid_string_random ();
  g_autofree char *first_ids = NULL;
  g_autoptr (json_object) before = NULL;
  g_autoptr (json_object) after = NULL;
  json_object *result;
  gint64 created = run_instances_created ();
  g_autofree char *first = NULL;

  result = sim_call (sim, &response, "cvm", "RunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceType\":\"S5.MEDIUM4\",\"InstanceCount\":2,\"ClientToken\":\"%s\"}",
                     image, token);
  sim_assert_success (&response);
  first_ids
    = g_strdup (json_object_to_json_string (json_object_object_get (result, "InstanceIdSet")));
  first = first_id (result);
  before = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (run_instances_created (), ==, created + 2);

  /* the same request again (keys in another order): the same instances, nothing new */
  result = sim_call (sim, &response, "cvm", "RunInstances", GZ,
                     "{\"ClientToken\":\"%s\",\"InstanceCount\":2,\"InstanceType\":\"S5.MEDIUM4\","
                     "\"ImageId\":\"%s\",\"Placement\":{\"Zone\":\"ap-guangzhou-3\"}}",
                     token, image);
  sim_assert_success (&response);
  g_assert_cmpstr (json_object_to_json_string (json_object_object_get (result, "InstanceIdSet")),
                   ==, first_ids);
  after = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (json_object_array_length (json_object_object_get (before, "instances")), ==,
                   json_object_array_length (json_object_object_get (after, "instances")));
  /* nothing created, nothing applied a second time */
  g_assert_cmpint (run_instances_created (), ==, created + 2);
  g_assert_cmpint (sim_operation_count (sim, first, "RunInstances"), ==, 1);

  /* the same token with other parameters */
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
            "\"InstanceType\":\"S5.MEDIUM4\",\"InstanceCount\":3,\"ClientToken\":\"%s\"}",
            image, token);
  sim_assert_error (&response, "InvalidParameterValue");
  g_assert_cmpint (run_instances_created (), ==, created + 2);
}

static void
test_run_dry_run_and_failures (void)
{
  g_auto (SimResponse) response = { 0 };
  const char *image = public_image (FALSE);
  const char *windows = public_image (TRUE);
  const char *sold_out = selling_type ("ap-guangzhou-3", TRUE);
  g_autoptr (json_object) before = yun_test_sim_admin_get (sim, "state");
  g_autoptr (json_object) after = NULL;
  g_autoptr (json_object) reply = NULL;

#define RUN(extra)                                                                                 \
  sim_call (sim, &response, "cvm", "RunInstances", GZ,                                             \
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\"" extra "}", image)

  RUN (",\"DryRun\":true");
  sim_assert_error (&response, "DryRunOperation");
  after = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (json_object_array_length (json_object_object_get (before, "instances")), ==,
                   json_object_array_length (json_object_object_get (after, "instances")));

  RUN (",\"InstanceCount\":501");
  sim_assert_error (&response, "InvalidParameterValue");
  RUN (",\"InstanceCount\":0");
  sim_assert_error (&response, "InvalidParameterValue");
  RUN (",\"InstanceChargeType\":\"PREPAID\"");
  sim_assert_error (&response, "MissingParameter");
  RUN (",\"InstanceChargeType\":\"PREPAID\",\"InstanceChargePrepaid\":{\"Period\":13}");
  sim_assert_error (&response, "InvalidPeriod");
  RUN (",\"LoginSettings\":{\"Password\":\"abc\"}");
  sim_assert_error (&response, "InvalidPassword");
  RUN (",\"ClientToken\":\"0123456789012345678901234567890123456789012345678901234567890123456\"");
  sim_assert_error (&response, "InvalidClientToken.TooLong");
  RUN (",\"InstanceName\":\"0123456789012345678901234567890123456789012345678901234567890\"");
  sim_assert_error (&response, "InvalidInstanceName.TooLong");
  {
    g_autofree char *extra = g_strdup_printf (",\"InstanceType\":\"%s\"", sold_out);

    sim_call (sim, &response, "cvm", "RunInstances", GZ,
              "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\"%s}", image, extra);
    sim_assert_error (&response, "ResourceInsufficient.SpecifiedInstanceType");
  }
#undef RUN

  sim_call (sim, &response, "cvm", "RunInstances", GZ, "{\"ImageId\":\"%s\"}", image);
  sim_assert_error (&response, "MissingParameter");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-shanghai-2\"},\"ImageId\":\"%s\"}", image);
  sim_assert_error (&response, "InvalidZone.MismatchRegion");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"img-zzzzzzzz\"}");
  sim_assert_error (&response, "InvalidImageId.NotFound");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
            "\"LoginSettings\":{\"Password\":\"Short-1a\"}}",
            windows);
  sim_assert_error (&response, "InvalidPassword");

  /* balance, quota: configured failures, DryRun included */
  reply = yun_test_sim_admin_post (sim, "failures",
                                   "{\"RunInstances\":\"InvalidAccount.InsufficientBalance\"}");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\"}", image);
  sim_assert_error (&response, "InvalidAccount.InsufficientBalance");
  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, "failures",
                                   "{\"RunInstances\":\"LimitExceeded.InstanceQuota\"}");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\",\"DryRun\":true}",
            image);
  sim_assert_error (&response, "LimitExceeded.InstanceQuota");
  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, "failures", "{}");
  sim_call (sim, &response, "cvm", "RunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\",\"DryRun\":true}",
            image);
  sim_assert_error (&response, "DryRunOperation");
}

static void
test_inquiry_price (void)
{
  g_auto (SimResponse) response = { 0 };
  const char *image = public_image (FALSE);
  json_object *result, *price;

  result = sim_call (sim, &response, "cvm", "InquiryPriceRunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceType\":\"S5.MEDIUM4\",\"InstanceCount\":2}",
                     image);
  sim_assert_success (&response);
  price = json_object_object_get (json_object_object_get (result, "Price"), "InstancePrice");
  g_assert_cmpstr (get_string (price, "ChargeUnit"), ==, "HOUR");
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (price, "UnitPrice")), >, 0);

  result = sim_call (sim, &response, "cvm", "InquiryPriceRunInstances", GZ,
                     "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\","
                     "\"InstanceChargeType\":\"PREPAID\",\"InstanceChargePrepaid\":{\"Period\":3}}",
                     image);
  sim_assert_success (&response);
  price = json_object_object_get (json_object_object_get (result, "Price"), "InstancePrice");
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (price, "DiscountPrice")), >,
                     0);

  sim_call (
    sim, &response, "cvm", "InquiryPriceRunInstances", GZ,
    "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"},\"ImageId\":\"%s\",\"InstanceCount\":101}",
    image);
  sim_assert_error (&response, "InvalidParameterValue");
  sim_call (sim, &response, "cvm", "InquiryPriceRunInstances", GZ,
            "{\"Placement\":{\"Zone\":\"ap-guangzhou-3\"}}");
  sim_assert_error (&response, "MissingParameter");
}

static void
test_vnc (void)
{
  g_autofree char *running = sim_pick_instance (sim, GZ, "RUNNING", NULL, NULL, NULL);
  g_autofree char *stopped = sim_pick_instance (sim, GZ, "STOPPED", NULL, NULL, NULL);
  g_auto (SimResponse) response = { 0 };
  json_object *result;

  result = sim_call (sim, &response, "cvm", "DescribeInstanceVncUrl", GZ, "{\"InstanceId\":\"%s\"}",
                     running);
  sim_assert_success (&response);
  g_assert_true (g_str_has_prefix (get_string (result, "InstanceVncUrl"), "wss%3A%2F%2F"));
  sim_call (sim, &response, "cvm", "DescribeInstanceVncUrl", GZ, "{\"InstanceId\":\"%s\"}",
            stopped);
  sim_assert_error (&response, "UnsupportedOperation.InstanceStateStopped");
}

static void
test_admin_changes (void)
{
  g_autofree char *id = sim_pick_instance (sim, GZ, "RUNNING", NULL, NULL, NULL);
  g_autofree char *path = g_strdup_printf ("instances/%s", id);
  g_autofree char *delete_path = g_strdup_printf ("instances/%s/delete", id);
  g_autoptr (json_object) reply = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;

  /* read once, so the cached answer must be invalidated */
  name = sim_instance_field (sim, GZ, id, "InstanceName");
  reply = yun_test_sim_admin_post (sim, path,
                                   "{\"InstanceName\":\"renamed-behind-your-back\","
                                   "\"InstanceState\":\"STOPPED\"}");
  g_clear_pointer (&name, g_free);
  name = sim_instance_field (sim, GZ, id, "InstanceName");
  g_assert_cmpstr (name, ==, "renamed-behind-your-back");
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPED");

  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, delete_path, "{}");
  g_clear_pointer (&state, g_free);
  state = sim_instance_field (sim, GZ, id, "InstanceState");
  g_assert_null (state);
}

static gint
total_count (YunTestSim *target, const char *region)
{
  g_auto (SimResponse) response = { 0 };
  json_object *result
    = sim_call (target, &response, "cvm", "DescribeInstances", region, "{\"Limit\":1}");

  sim_assert_success (&response);
  return json_object_get_int (json_object_object_get (result, "TotalCount"));
}

static gboolean
valid_instance_id (const char *id)
{
  if (!g_str_has_prefix (id, "ins-") || strlen (id) != 12)
    return FALSE;
  for (const char *p = id + 4; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
test_admin_create (void)
{
  gint before = total_count (sim, SH);
  gint other = total_count (sim, GZ);
  g_autoptr (json_object) clock = NULL;
  g_autoptr (json_object) reply = NULL;
  g_autoptr (json_object) state = NULL;
  g_auto (SimResponse) response = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *image = NULL;
  json_object *result, *instance, *list;
  gboolean dumped = FALSE;

  /* made while the simulator's clock is two minutes ahead */
  clock = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":120}");
  reply = yun_test_sim_admin_post (
    sim, "instances",
    "{\"Region\":\"" SH "\",\"Zone\":\"ap-shanghai-3\",\"InstanceName\":\"made-in-console\","
    "\"OsFamily\":\"WINDOWS\",\"InstanceState\":\"STOPPED\",\"InstanceChargeType\":\"PREPAID\"}");
  g_clear_pointer (&clock, json_object_put);
  clock = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":0}");
  id = g_strdup (get_string (reply, "InstanceId"));
  image = g_strdup (get_string (reply, "ImageId"));

  g_assert_true (valid_instance_id (id));
  g_assert_cmpstr (get_string (reply, "Region"), ==, SH);
  g_assert_cmpstr (get_string (reply, "Zone"), ==, "ap-shanghai-3");
  g_assert_cmpstr (get_string (reply, "InstanceName"), ==, "made-in-console");
  g_assert_cmpstr (get_string (reply, "InstanceState"), ==, "STOPPED");
  g_assert_cmpstr (get_string (reply, "InstanceChargeType"), ==, "PREPAID");
  g_assert_cmpstr (get_string (reply, "OsFamily"), ==, "Windows");
  g_assert_cmpstr (get_string (reply, "AgentStatus"), ==, "Online");

  /* listed last in its region, as a new instance is; nowhere else */
  result = sim_call (sim, &response, "cvm", "DescribeInstances", SH, "{\"Offset\":%d}", before);
  sim_assert_success (&response);
  g_assert_cmpint (json_object_get_int (json_object_object_get (result, "TotalCount")), ==,
                   before + 1);
  instance = first_instance (result);
  g_assert_cmpstr (get_string (instance, "InstanceId"), ==, id);
  g_assert_cmpstr (get_string (instance, "InstanceName"), ==, "made-in-console");
  g_assert_cmpstr (get_string (instance, "InstanceState"), ==, "STOPPED");
  g_assert_cmpstr (get_string (json_object_object_get (instance, "Placement"), "Zone"), ==,
                   "ap-shanghai-3");
  g_assert_cmpstr (get_string (instance, "DefaultLoginUser"), ==, "Administrator");
  g_assert_nonnull (get_string (instance, "ExpiredTime"));
  g_assert_true (g_str_has_prefix (json_object_get_string (json_object_array_get_idx (
                                     json_object_object_get (instance, "PrivateIpAddresses"), 0)),
                                   "10."));
  g_assert_cmpint (total_count (sim, GZ), ==, other);

  /* created now, by the simulator's clock */
  {
    g_autoptr (GDateTime) created
      = g_date_time_new_from_iso8601 (get_string (instance, "CreatedTime"), NULL);
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;

    g_assert_nonnull (created);
    g_assert_cmpint (ABS (g_date_time_to_unix (created) - (now + 120)), <, 30);
  }

  /* a public Windows image */
  result = sim_call (sim, &response, "cvm", "DescribeImages", SH, "{\"ImageIds\":[\"%s\"]}", image);
  sim_assert_success (&response);
  result = json_object_array_get_idx (json_object_object_get (result, "ImageSet"), 0);
  g_assert_cmpstr (get_string (result, "ImageType"), ==, "PUBLIC_IMAGE");
  g_assert_cmpstr (get_string (result, "Platform"), ==, "Windows");

  state = yun_test_sim_admin_get (sim, "state");
  list = json_object_object_get (state, "instances");
  for (gsize i = 0; i < json_object_array_length (list); i++)
    dumped |= g_str_equal (get_string (json_object_array_get_idx (list, i), "InstanceId"), id);
  g_assert_true (dumped);
}

static void
test_admin_create_usable (void)
{
  g_autoptr (json_object) reply
    = yun_test_sim_admin_post (sim, "instances", "{\"Region\":\"" SH "\"}");
  g_autoptr (json_object) defaults = yun_test_sim_admin_post (sim, "instances", "{}");
  g_auto (SimResponse) response = { 0 };
  g_autofree char *id = g_strdup (get_string (reply, "InstanceId"));
  g_autofree char *state = NULL;
  json_object *result, *agent;

  g_assert_cmpstr (get_string (reply, "Zone"), ==, "ap-shanghai-2");
  g_assert_cmpstr (get_string (reply, "InstanceState"), ==, "RUNNING");
  g_assert_cmpstr (get_string (reply, "InstanceChargeType"), ==, "POSTPAID_BY_HOUR");
  g_assert_cmpstr (get_string (reply, "OsFamily"), ==, "Linux");
  g_assert_cmpstr (get_string (reply, "InstanceName"), ==, "未命名");
  g_assert_cmpstr (get_string (defaults, "Region"), ==, GZ);
  g_assert_cmpstr (get_string (defaults, "Zone"), ==, "ap-guangzhou-3");
  g_assert_cmpstr (get_string (defaults, "InstanceId"), !=, id);

  /* its agent is online, for TAT */
  result = sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", SH,
                     "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  agent = json_object_array_get_idx (json_object_object_get (result, "AutomationAgentSet"), 0);
  g_assert_cmpstr (get_string (agent, "AgentStatus"), ==, "Online");

  /* and it stops like any other */
  sim_call (sim, &response, "cvm", "StopInstances", SH, "{\"InstanceIds\":[\"%s\"]}", id);
  sim_assert_success (&response);
  state = sim_instance_field (sim, SH, id, "InstanceState");
  g_assert_cmpstr (state, ==, "STOPPING");
  sim_wait_state (sim, SH, id, "STOPPED", 3000);
}

static void
test_admin_create_invalid (void)
{
  static const char *const invalid[] = {
    "{\"Region\":\"" SH "\",\"Zone\":\"ap-guangzhou-3\"}", /* a zone of another region */
    "{\"Zone\":\"ap-guangzhou-1\"}",                       /* no such zone */
    "{\"Region\":\"ap-nowhere\"}",                         /* no such region */
    "{\"Region\":\"ap-hongkong\"}",                        /* not among the 6 simulated */
    "{\"OsFamily\":\"BEOS\"}",
    "{\"InstanceState\":\"PENDING\"}",
    "{\"InstanceChargeType\":\"SPOTPAID\"}",
    "{\"InstanceName\":42}",
    "{\"InstanceName\":\"\"}",
    "{\"Colour\":\"blue\"}",
    "[]",
  };
  gint before = total_count (sim, SH);
  gint other = total_count (sim, GZ);
  g_auto (SimResponse) response = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      if (sim_admin_post (sim, &response, "instances", invalid[i]) != 400)
        g_error ("%s: expected HTTP 400, got %ld: %s", invalid[i], response.http_status,
                 response.body->str);
      g_assert_true (
        json_object_is_type (json_object_object_get (response.json, "error"), json_type_string));
    }
  g_assert_cmpint (total_count (sim, SH), ==, before);
  g_assert_cmpint (total_count (sim, GZ), ==, other);
}

static void
test_region_sizes (void)
{
  static const char *const args[] = {
    "--seed",
    "5",
    "--regions",
    "4",
    "--instances",
    "150",
    "--region-instances",
    SH "=7",
    "--region-instances",
    "ap-chengdu=0",
    "--no-rate-limits",
    NULL,
  };
  g_autoptr (YunTestSim) a = yun_test_sim_spawnv (args);
  g_autoptr (YunTestSim) b = yun_test_sim_spawnv (args);
  g_autoptr (json_object) sa = yun_test_sim_admin_get (a, "state");
  g_autoptr (json_object) sb = yun_test_sim_admin_get (b, "state");
  g_autofree char *ja = instances_of (sa);
  g_autofree char *jb = instances_of (sb);
  gint guangzhou = total_count (a, GZ);
  gint beijing = total_count (a, "ap-beijing");

  g_assert_cmpint (total_count (a, SH), ==, 7);
  g_assert_cmpint (total_count (a, "ap-chengdu"), ==, 0);
  g_assert_cmpint (guangzhou, >, 0);
  g_assert_cmpint (beijing, >, 0);
  g_assert_cmpint (guangzhou + beijing + 7, ==, 150);
  g_assert_cmpint (json_object_array_length (json_object_object_get (sa, "instances")), ==, 150);
  /* same seed, same fleet */
  g_assert_cmpstr (ja, ==, jb);
}

static void
test_region_sizes_every_region (void)
{
  g_autoptr (YunTestSim) exact
    = yun_test_sim_spawn ("--regions", "2", "--instances", "30", "--region-instances", GZ "=30",
                          "--region-instances", SH "=0", NULL);

  g_assert_cmpint (total_count (exact, GZ), ==, 30);
  g_assert_cmpint (total_count (exact, SH), ==, 0);
}

static void
test_region_sizes_invalid (void)
{
  static const char *const invalid[][3] = {
    { GZ "=31", NULL },       /* more than the fleet */
    { GZ "=20", SH "=11" },   /* together, more than the fleet */
    { GZ "=10", SH "=10" },   /* every region sized, 10 instances left */
    { "ap-beijing=1", NULL }, /* not among the 2 simulated regions */
    { "ap-nowhere=1", NULL }, /* no such region */
    { GZ "=1", GZ "=2" },     /* sized twice */
    { GZ, NULL },             /* no N */
    { GZ "=-1", NULL },
    { GZ "=x", NULL },
    { "=3", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      YunSimOptions options;
      g_autoptr (GError) error = NULL;
      YunSim *refused;

      yun_sim_options_init (&options);
      g_assert_null (options.region_sizes);
      options.n_regions = 2;
      options.n_instances = 30;
      options.region_sizes = invalid[i];
      refused = yun_sim_start (&options, &error);
      g_assert_null (refused);
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    }

  /* the command line refuses them too */
  {
    const char *argv[] = { YUNSIM_PATH, "--regions",          "2",      "--instances",
                           "30",        "--region-instances", GZ "=31", NULL };
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int wait_status;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status,
                  &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_cmpstr (out, ==, "");
    g_assert_nonnull (strstr (err, "31"));
  }
}

static void
test_request_counts (void)
{
  g_autoptr (json_object) state = yun_test_sim_admin_get (sim, "state");
  json_object *requests = json_object_object_get (state, "requests");

  g_assert_cmpint (json_object_get_int (json_object_object_get (requests, "DescribeInstances")), >,
                   10);
  g_assert_nonnull (json_object_object_get (state, "clock_offset"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  sim = yun_test_sim_spawn ("--seed", "11", "--instances", "400", "--transition-ms", "200",
                            "--no-rate-limits", NULL);

  g_test_add_func ("/yun/sim/cvm/regions-zones", test_regions_zones);
  g_test_add_func ("/yun/sim/cvm/images", test_images);
  g_test_add_func ("/yun/sim/cvm/same-seed-same-fleet", test_same_seed_same_fleet);
  g_test_add_func ("/yun/sim/cvm/pagination", test_pagination);
  g_test_add_func ("/yun/sim/cvm/instance-fields-and-filters", test_instance_fields_and_filters);
  g_test_add_func ("/yun/sim/cvm/stop-start", test_stop_start);
  g_test_add_func ("/yun/sim/cvm/reboot", test_reboot);
  g_test_add_func ("/yun/sim/cvm/stop-options", test_stop_options);
  g_test_add_func ("/yun/sim/cvm/terminate-postpaid", test_terminate_postpaid);
  g_test_add_func ("/yun/sim/cvm/terminate-prepaid", test_terminate_prepaid);
  g_test_add_func ("/yun/sim/cvm/terminate-protected", test_terminate_protected);
  g_test_add_func ("/yun/sim/cvm/reset-password", test_reset_password);
  g_test_add_func ("/yun/sim/cvm/check-password", test_check_password);
  g_test_add_func ("/yun/sim/cvm/check-password-errors", test_check_password_errors);
  g_test_add_func ("/yun/sim/cvm/reset-force-stop", test_reset_force_stop);
  g_test_add_func ("/yun/sim/cvm/operation-counts", test_operation_counts);
  g_test_add_func ("/yun/sim/cvm/not-found", test_not_found);
  g_test_add_func ("/yun/sim/cvm/zone-configs", test_zone_configs);
  g_test_add_func ("/yun/sim/cvm/run-instances", test_run_instances);
  g_test_add_func ("/yun/sim/cvm/run-password", test_run_password);
  g_test_add_func ("/yun/sim/cvm/run-idempotent", test_run_idempotent);
  g_test_add_func ("/yun/sim/cvm/run-dry-run-and-failures", test_run_dry_run_and_failures);
  g_test_add_func ("/yun/sim/cvm/inquiry-price", test_inquiry_price);
  g_test_add_func ("/yun/sim/cvm/vnc", test_vnc);
  g_test_add_func ("/yun/sim/cvm/admin-changes", test_admin_changes);
  g_test_add_func ("/yun/sim/cvm/admin-create", test_admin_create);
  g_test_add_func ("/yun/sim/cvm/admin-create-usable", test_admin_create_usable);
  g_test_add_func ("/yun/sim/cvm/admin-create-invalid", test_admin_create_invalid);
  g_test_add_func ("/yun/sim/cvm/region-sizes", test_region_sizes);
  g_test_add_func ("/yun/sim/cvm/region-sizes-every-region", test_region_sizes_every_region);
  g_test_add_func ("/yun/sim/cvm/region-sizes-invalid", test_region_sizes_invalid);
  g_test_add_func ("/yun/sim/cvm/request-counts", test_request_counts);

  status = g_test_run ();
  yun_test_sim_free (sim);
  curl_global_cleanup ();
  return status;
}
