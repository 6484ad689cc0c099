/* test-sim-auth.c: yunsim checks requests as Tencent Cloud does
 *
 * SPDX-License-Identifier: MIT
 *
 * Every request here is built and signed by hand (libcurl + yun_signer_sign), so these
 * tests say what the simulator accepts and refuses, not what a client happens to send.
 */

#define G_LOG_DOMAIN "test-sim"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim-call.h"
#include "yun-sim.h"

static YunTestSim *sim;

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_sdk_style (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions" };
  json_object *set;

  sim_send (sim, &request, &response);
  sim_assert_success (&response);
  set = json_object_object_get (response.response, "RegionSet");
  g_assert_cmpint (json_object_array_length (set), ==, 6);
  g_assert_nonnull (response.date);
  g_assert_cmpint (ABS ((gint64) curl_getdate (response.date, NULL) - now ()), <=, 2);
}

static void
test_x_tc_action_signed (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = {
    .action = "DescribeZones",
    .region = "ap-guangzhou",
    .sign_action = TRUE,
    .content_type = "application/json; charset=utf-8",
  };

  sim_send (sim, &request, &response);
  sim_assert_success (&response);
}

static void
test_host_as_received (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = {
    .action = "DescribeZones",
    .region = "ap-guangzhou",
    .host = "cvm.tencentcloudapi.com",
  };

  /* Tencent's own host, without a port: signed as received. */
  sim_send (sim, &request, &response);
  sim_assert_success (&response);

  /* The service follows the host's first label, whatever the version says */
  request.host = "tat.tencentcloudapi.com";
  request.version = "2017-03-12";
  sim_response_clear (&response);
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "InvalidAction");
}

static void
test_signature_failure (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = {
    .action = "DescribeRegions",
    .secret_key = "notTheRightKeyxxxxxxxxxxxxxxxxxx",
  };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureFailure");

  /* the body signed is not the body sent */
  sim_response_clear (&response);
  request.secret_key = NULL;
  request.action = "DescribeInstances";
  request.region = "ap-guangzhou";
  request.body = "{\"Limit\":1}";
  request.sent_body = "{\"Limit\":2}";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureFailure");
}

static void
test_secret_id_not_found (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = {
    .action = "DescribeRegions",
    .secret_id = "AKIDnobodyHasThisKeyxxxxxxxxxxxxxxxx",
  };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SecretIdNotFound");
}

static void
test_signature_expire (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions", .timestamp = now () - 400 };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureExpire");

  sim_response_clear (&response);
  request.timestamp = now () + 400;
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureExpire");

  /* within five minutes is fine */
  sim_response_clear (&response);
  request.timestamp = now () - 200;
  sim_send (sim, &request, &response);
  sim_assert_success (&response);
}

static void
test_clock_offset (void)
{
  g_autoptr (json_object) reply = NULL;
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions" };

  reply = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":420}");
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (reply, "clock_offset")), ==, 420);

  /* A client with the right time is now 7 minutes behind the server. */
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureExpire");
  g_assert_nonnull (response.date);
  g_assert_cmpint (ABS ((gint64) curl_getdate (response.date, NULL) - (now () + 420)), <=, 2);

  /* …and one that learnt the offset from Date is accepted */
  sim_response_clear (&response);
  request.timestamp = now () + 420;
  sim_send (sim, &request, &response);
  sim_assert_success (&response);

  g_clear_pointer (&reply, json_object_put);
  reply = yun_test_sim_admin_post (sim, "clock", "{\"offset_seconds\":0}");
}

static void
test_invalid_authorization (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions", .authorization = "Bearer nonsense" };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.InvalidAuthorization");

  sim_response_clear (&response);
  request.authorization = "TC3-HMAC-SHA256 Credential=AKIDx/2020-01-01/cvm, SignedHeaders=host";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.InvalidAuthorization");

  sim_response_clear (&response);
  request.authorization = "";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.InvalidAuthorization");
}

static void
test_scope (void)
{
  g_auto (SimResponse) response = { 0 };
  gint64 t = now ();
  SimRequest request = {
    .action = "DescribeRegions",
    .timestamp = t,
    .sign_timestamp = t - 2 * 86400, /* a credential scope dated two days ago */
  };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureFailure");

  sim_response_clear (&response);
  request.sign_timestamp = 0;
  request.scope_service = "tat";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.SignatureFailure");
}

static void
test_token (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions", .token = "some-sts-token" };

  /* a session token with long-term credentials */
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "AuthFailure.TokenFailure");
}

static void
test_credentials_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunTestSim) other = NULL;
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions" };
  int fd = g_file_open_tmp ("yunsim-credentials-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path,
                       "# test keys\n"
                       "AKIDfirstxxxxxxxxxxxxxxxxxxxxxxxxxxx firstKeyxxxxxxxxxxxxxxxxxxxxxxxx\n"
                       "AKIDsecondxxxxxxxxxxxxxxxxxxxxxxxxxx secondKeyxxxxxxxxxxxxxxxxxxxxxxx "
                       "the-token\n",
                       -1, &error);
  g_assert_no_error (error);
  other = yun_test_sim_spawn ("--credentials", path, NULL);

  request.secret_id = "AKIDfirstxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  request.secret_key = "firstKeyxxxxxxxxxxxxxxxxxxxxxxxx";
  sim_send (other, &request, &response);
  sim_assert_success (&response);

  sim_response_clear (&response);
  request.secret_id = "AKIDsecondxxxxxxxxxxxxxxxxxxxxxxxxxx";
  request.secret_key = "secondKeyxxxxxxxxxxxxxxxxxxxxxxx";
  request.token = "the-token";
  sim_send (other, &request, &response);
  sim_assert_success (&response);

  sim_response_clear (&response);
  request.token = NULL;
  sim_send (other, &request, &response);
  sim_assert_error (&response, "AuthFailure.TokenFailure");

  /* the demo key only works when no credentials were given */
  sim_response_clear (&response);
  request.secret_id = YUN_SIM_DEMO_SECRET_ID;
  request.secret_key = YUN_SIM_DEMO_SECRET_KEY;
  sim_send (other, &request, &response);
  sim_assert_error (&response, "AuthFailure.SecretIdNotFound");
  g_unlink (path);
}

static void
test_missing_action_version (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { 0 };

  sim_send (sim, &request, &response);
  sim_assert_error (&response, "MissingParameter");

  sim_response_clear (&response);
  request.action = "DescribeRegions";
  request.version = "";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "MissingParameter");

  sim_response_clear (&response);
  request.version = "2099-01-01";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "NoSuchVersion");
}

static void
test_invalid_action (void)
{
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "DescribeEverything", "ap-guangzhou", "{}");
  sim_assert_error (&response, "InvalidAction");
  /* a TAT action sent to CVM */
  sim_call (sim, &response, "cvm", "RunCommand", "ap-guangzhou", "{}");
  sim_assert_error (&response, "InvalidAction");
}

static void
test_region (void)
{
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "DescribeInstances", NULL, "{}");
  sim_assert_error (&response, "MissingParameter");
  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-atlantis", "{}");
  sim_assert_error (&response, "UnsupportedRegion");
  /* a real region this fleet does not have (--regions 6) */
  sim_call (sim, &response, "cvm", "DescribeInstances", "sa-saopaulo", "{}");
  sim_assert_error (&response, "UnsupportedRegion");
  /* DescribeRegions needs no region */
  sim_call (sim, &response, "cvm", "DescribeRegions", NULL, "{}");
  sim_assert_success (&response);
}

static void
test_parameters (void)
{
  g_auto (SimResponse) response = { 0 };

  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-guangzhou", "{\"Limit\": ");
  sim_assert_error (&response, "InvalidParameter");
  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-guangzhou", "[1, 2]");
  sim_assert_error (&response, "InvalidParameter");
  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-guangzhou", "{\"Limit\":\"many\"}");
  sim_assert_error (&response, "InvalidParameter");
  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-guangzhou", "{\"Limt\":10}");
  sim_assert_error (&response, "UnknownParameter");
  sim_call (sim, &response, "cvm", "StartInstances", "ap-guangzhou", "{}");
  sim_assert_error (&response, "MissingParameter");
  sim_call (sim, &response, "cvm", "DescribeInstances", "ap-guangzhou", "{\"Limit\":0}");
  sim_assert_error (&response, "InvalidParameterValue");
}

static void
test_language (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions", .language = "en-US" };

  sim_send (sim, &request, &response);
  sim_assert_success (&response);
  sim_response_clear (&response);
  request.language = "fr-FR";
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "InvalidParameterValue");
}

static void
test_get_form (void)
{
  g_auto (SimResponse) response = { 0 };
  g_autofree char *id = sim_pick_instance (sim, "ap-guangzhou", NULL, NULL, NULL, NULL);
  g_autofree char *query = g_strdup_printf ("InstanceIds.0=%s&Limit=10", id);
  SimRequest request = {
    .method = "GET",
    .action = "DescribeInstances",
    .region = "ap-guangzhou",
    .query = query,
  };
  json_object *set;

  sim_send (sim, &request, &response);
  sim_assert_success (&response);
  set = json_object_object_get (response.response, "InstanceSet");
  g_assert_cmpint (json_object_array_length (set), ==, 1);
  g_assert_cmpstr (json_object_get_string (
                     json_object_object_get (json_object_array_get_idx (set, 0), "InstanceId")),
                   ==, id);

  /* Filters.N.Name / Filters.N.Values.M flattening, with an escaped value */
  sim_response_clear (&response);
  request.query = "Filters.0.Name=instance-state&Filters.0.Values.0=RUNNING&Filters.0.Values.1="
                  "STOPPED&Filters.1.Name=zone&Filters.1.Values.0=ap-guangzhou-3&Limit=100";
  sim_send (sim, &request, &response);
  sim_assert_success (&response);
  set = json_object_object_get (response.response, "InstanceSet");
  for (gsize i = 0; i < json_object_array_length (set); i++)
    g_assert_cmpstr (
      json_object_get_string (json_object_object_get (
        json_object_object_get (json_object_array_get_idx (set, i), "Placement"), "Zone")),
      ==, "ap-guangzhou-3");
}

static void
test_tat_by_version (void)
{
  g_auto (SimResponse) response = { 0 };

  /* Host 127.0.0.1:PORT: the version tells the service */
  sim_call (sim, &response, "tat", "DescribeAutomationAgentStatus", "ap-guangzhou", "{}");
  sim_assert_success (&response);
  g_assert_nonnull (json_object_object_get (response.response, "AutomationAgentSet"));
}

static void
test_admin_not_through_api (void)
{
  g_auto (SimResponse) response = { 0 };
  SimRequest request = { .action = "DescribeRegions",
                         .path = "/_yunsim/faults",
                         .body = "{\"faults\":[\"internal:1\"]}" };
  g_autoptr (json_object) state = NULL;

  /* With X-TC-Action it is an API call, never an admin one: `faults` is just an unknown
   * parameter of DescribeRegions. */
  sim_send (sim, &request, &response);
  sim_assert_error (&response, "UnknownParameter");
  state = yun_test_sim_admin_get (sim, "state");
  g_assert_cmpint (json_object_array_length (json_object_object_get (state, "faults")), ==, 0);
}

static void
test_envelope (void)
{
  g_auto (SimResponse) response = { 0 };
  json_object *error;

  sim_call (sim, &response, "cvm", "DescribeEverything", "ap-guangzhou", "{}");
  g_assert_cmpint (response.http_status, ==, 200);
  g_assert_nonnull (response.response);
  error = json_object_object_get (response.response, "Error");
  g_assert_nonnull (json_object_object_get (error, "Code"));
  g_assert_nonnull (json_object_object_get (error, "Message"));
  g_assert_true (sim_is_uuid (response.request_id));
  g_assert_nonnull (response.date);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  sim = yun_test_sim_spawn ("--seed", "7", "--transition-ms", "200", NULL);

  g_test_add_func ("/yun/sim/auth/sdk-style", test_sdk_style);
  g_test_add_func ("/yun/sim/auth/x-tc-action-signed", test_x_tc_action_signed);
  g_test_add_func ("/yun/sim/auth/host-as-received", test_host_as_received);
  g_test_add_func ("/yun/sim/auth/signature-failure", test_signature_failure);
  g_test_add_func ("/yun/sim/auth/secret-id-not-found", test_secret_id_not_found);
  g_test_add_func ("/yun/sim/auth/signature-expire", test_signature_expire);
  g_test_add_func ("/yun/sim/auth/clock-offset", test_clock_offset);
  g_test_add_func ("/yun/sim/auth/invalid-authorization", test_invalid_authorization);
  g_test_add_func ("/yun/sim/auth/credential-scope", test_scope);
  g_test_add_func ("/yun/sim/auth/token-failure", test_token);
  g_test_add_func ("/yun/sim/auth/credentials-file", test_credentials_file);
  g_test_add_func ("/yun/sim/protocol/missing-action-version", test_missing_action_version);
  g_test_add_func ("/yun/sim/protocol/invalid-action", test_invalid_action);
  g_test_add_func ("/yun/sim/protocol/region", test_region);
  g_test_add_func ("/yun/sim/protocol/parameters", test_parameters);
  g_test_add_func ("/yun/sim/protocol/language", test_language);
  g_test_add_func ("/yun/sim/protocol/get-form", test_get_form);
  g_test_add_func ("/yun/sim/protocol/tat-by-version", test_tat_by_version);
  g_test_add_func ("/yun/sim/protocol/admin-not-through-api", test_admin_not_through_api);
  g_test_add_func ("/yun/sim/protocol/envelope", test_envelope);

  status = g_test_run ();
  yun_test_sim_free (sim);
  curl_global_cleanup ();
  return status;
}
