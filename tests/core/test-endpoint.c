/* test-endpoint.c: service URLs, hosts and the plain-HTTP rule
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "yun-core-private.h"

static void
test_default (void)
{
  g_autoptr (YunEndpoint) endpoint = yun_endpoint_new_default ();
  g_autofree char *cvm = yun_endpoint_dup_url (endpoint, YUN_SERVICE_CVM);
  g_autofree char *tat = yun_endpoint_dup_url (endpoint, YUN_SERVICE_TAT);
  g_autofree char *host = yun_endpoint_dup_host (endpoint, YUN_SERVICE_TAT);

  g_assert_cmpstr (cvm, ==, "https://cvm.tencentcloudapi.com/");
  g_assert_cmpstr (tat, ==, "https://tat.tencentcloudapi.com/");
  g_assert_cmpstr (host, ==, "tat.tencentcloudapi.com");
}

static void
test_root_domains (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunEndpoint) intl = yun_endpoint_new_parse (YUN_ROOT_DOMAIN_INTERNATIONAL, &error);
  g_autoptr (YunEndpoint) tce = NULL;
  g_autofree char *intl_url = NULL;
  g_autofree char *tce_url = NULL;

  g_assert_no_error (error);
  intl_url = yun_endpoint_dup_url (intl, YUN_SERVICE_CVM);
  g_assert_cmpstr (intl_url, ==, "https://cvm.intl.tencentcloudapi.com/");

  tce = yun_endpoint_new_for_root_domain (" API3.finance.cloud.tencent.com ", &error);
  g_assert_no_error (error);
  tce_url = yun_endpoint_dup_url (tce, YUN_SERVICE_CVM);
  g_assert_cmpstr (tce_url, ==, "https://cvm.api3.finance.cloud.tencent.com/");
  g_assert_cmpstr (yun_endpoint_get_root_domain (tce), ==, "api3.finance.cloud.tencent.com");
}

static void
test_bad_root_domains (void)
{
  static const char *const bad[]
    = { "", "a..b", ".example.com", "example.com.", "-a.com", "exa mple.com", "example.com/path" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (YunEndpoint) endpoint = yun_endpoint_new_for_root_domain (bad[i], &error);

      g_assert_null (endpoint);
      g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    }
}

static void
test_base_url (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunEndpoint) sim = yun_endpoint_new_parse ("http://127.0.0.1:8088", &error);
  g_autoptr (YunEndpoint) v6 = NULL;
  g_autoptr (YunEndpoint) gateway = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  g_autofree char *v6_host = NULL;
  g_autofree char *gateway_host = NULL;

  g_assert_no_error (error);
  url = yun_endpoint_dup_url (sim, YUN_SERVICE_TAT);
  host = yun_endpoint_dup_host (sim, YUN_SERVICE_TAT);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:8088/");
  g_assert_cmpstr (host, ==, "127.0.0.1:8088");
  g_assert_null (yun_endpoint_get_root_domain (sim));

  v6 = yun_endpoint_new_parse ("http://[::1]:9000/", &error);
  g_assert_no_error (error);
  v6_host = yun_endpoint_dup_host (v6, YUN_SERVICE_CVM);
  g_assert_cmpstr (v6_host, ==, "[::1]:9000");

  gateway = yun_endpoint_new_parse ("https://Gateway.Example.com/tc", &error);
  g_assert_no_error (error);
  gateway_host = yun_endpoint_dup_host (gateway, YUN_SERVICE_CVM);
  g_assert_cmpstr (gateway_host, ==, "gateway.example.com");
}

/* Plain HTTP would carry signed requests and their answers in the clear. */
static void
test_plain_http_only_loopback (void)
{
  static const char *const refused[]
    = { "http://10.0.0.1:8080",        "http://example.com",       "ftp://127.0.0.1",
        "https://user:pw@example.com", "https://example.com/?x=1", "not a url" };
  static const char *const accepted[]
    = { "http://localhost:1", "http://127.8.9.10", "http://[::1]:2", "https://10.0.0.1:8443" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (YunEndpoint) endpoint = yun_endpoint_new_for_base_url (refused[i], &error);

      g_assert_null (endpoint);
      g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (YunEndpoint) endpoint = yun_endpoint_new_for_base_url (accepted[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (endpoint);
    }
}

static void
test_error_carries_tencent_fields (void)
{
  g_autoptr (GError) error = yun_error_new_tencent ("AuthFailure.SignatureFailure",
                                                    "The provided credentials could not "
                                                    "be validated.",
                                                    "6e3b1f36-7a53-4f40-9d8b-6d7f6f1b2e91");
  g_autoptr (GError) copy = g_error_copy (error);

  g_assert_error (error, YUN_ERROR, YUN_ERROR_AUTHENTICATION);
  g_assert_cmpstr (yun_error_get_code (copy), ==, "AuthFailure.SignatureFailure");
  g_assert_cmpstr (yun_error_get_request_id (copy), ==, "6e3b1f36-7a53-4f40-9d8b-6d7f6f1b2e91");
  g_assert_nonnull (strstr (copy->message, "AuthFailure.SignatureFailure"));
  g_assert_nonnull (strstr (copy->message, "6e3b1f36-7a53-4f40-9d8b-6d7f6f1b2e91"));
}

static void
test_error_categories (void)
{
  static const struct
  {
    const char *code;
    YunError category;
  } cases[] = {
    { "AuthFailure.SignatureExpire", YUN_ERROR_AUTHENTICATION },
    { "RequestLimitExceeded", YUN_ERROR_THROTTLED },
    { "RequestLimitExceeded.UinLimitExceeded", YUN_ERROR_THROTTLED },
    { "InvalidInstanceId.NotFound", YUN_ERROR_NOT_FOUND },
    { "ResourceNotFound.InvalidInstanceIdNotFound", YUN_ERROR_NOT_FOUND },
    { "UnsupportedOperation.InstanceStateRunning", YUN_ERROR_INVALID_STATE },
    { "OperationDenied.InstanceOperationInProgress", YUN_ERROR_INVALID_STATE },
    { "InvalidAccount.InsufficientBalance", YUN_ERROR_QUOTA },
    { "ResourcesSoldOut.SpecifiedInstanceType", YUN_ERROR_QUOTA },
    { "LimitExceeded.InstanceQuota", YUN_ERROR_QUOTA },
    { "InvalidParameterValue.LimitExceeded", YUN_ERROR_INVALID_PARAMETER },
    { "MissingParameter", YUN_ERROR_INVALID_PARAMETER },
    { "InternalError", YUN_ERROR_UNAVAILABLE },
    { "ResourceUnavailable.AgentStatusNotOnline", YUN_ERROR_UNAVAILABLE },
    { "FailedOperation", YUN_ERROR_FAILED },
    { "AuthFailureX", YUN_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (yun_error_category_for_code (cases[i].code), ==, cases[i].category);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/endpoint/default", test_default);
  g_test_add_func ("/yun/core/endpoint/root-domains", test_root_domains);
  g_test_add_func ("/yun/core/endpoint/bad-root-domains", test_bad_root_domains);
  g_test_add_func ("/yun/core/endpoint/base-url", test_base_url);
  g_test_add_func ("/yun/core/endpoint/plain-http-only-loopback", test_plain_http_only_loopback);
  g_test_add_func ("/yun/core/error/tencent-fields", test_error_carries_tencent_fields);
  g_test_add_func ("/yun/core/error/categories", test_error_categories);

  return g_test_run ();
}
