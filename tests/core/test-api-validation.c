/* test-api-validation.c: refused inputs never reach the network
 *
 * SPDX-License-Identifier: MIT
 *
 * The client points at a closed loopback port: a request that were sent would fail with
 * YUN_ERROR_NETWORK. Every check below must fail with YUN_ERROR_INVALID_PARAMETER instead,
 * which proves it was refused before sending.
 */

#include "config.h"

#include <string.h>

#include "yun-core-private.h"

#define REGION "ap-guangzhou"

static YunClient *
new_closed_port_client (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (YunCredentials) credentials = yun_credentials_new ("AKIDtest", "secret", NULL);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  YunClient *client;

  /* Find a free port, then close it again */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  endpoint = yun_endpoint_new_for_base_url (url, &error);
  g_assert_no_error (error);
  client = yun_client_new (credentials, endpoint);
  yun_client_set_max_attempts (client, 1);
  yun_client_set_timeouts (client, 1000, 2000);
  return client;
}

static char **
make_ids (guint n)
{
  char **ids = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    ids[i] = g_strdup_printf ("ins-%08u", i);
  return ids;
}

#define REFUSED(call)                                                                              \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autoptr (GError) _error = NULL;                                                              \
    gpointer _result = (gpointer) (call);                                                          \
    g_assert_null (_result);                                                                       \
    g_assert_error (_error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);                               \
    g_test_message ("refused: %s", _error->message);                                               \
  }                                                                                                \
  G_STMT_END

static void
test_sanity_network (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_auto (GStrv) ids = make_ids (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;

  /* A valid call does go out, and fails on the closed port */
  request_id = yun_client_start_instances (client, REGION, (const char *const *) ids, NULL, &error);
  g_assert_null (request_id);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
}

static void
test_instance_ids (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_auto (GStrv) ids100 = make_ids (100);
  g_auto (GStrv) ids101 = make_ids (101);
  g_auto (GStrv) ids201 = make_ids (201);
  const char *const bad[] = { "ins-ABCDEFGH", NULL };
  const char *const short_id[] = { "ins-abc", NULL };
  const char *const twice[] = { "ins-abcdefgh", "ins-abcdefgh", NULL };
  const char *const empty[] = { NULL };
  const char *const *i101 = (const char *const *) ids101;

  REFUSED (yun_client_start_instances (client, REGION, i101, NULL, &_error));
  REFUSED (yun_client_stop_instances (client, REGION, i101, NULL, NULL, NULL, &_error));
  REFUSED (yun_client_reboot_instances (client, REGION, i101, NULL, NULL, &_error));
  REFUSED (yun_client_terminate_instances (client, REGION, i101, NULL, &_error));
  REFUSED (yun_client_reset_instances_password (client, REGION, i101, "Abcd1234!xyz", NULL,
                                                YUN_OS_FAMILY_LINUX, FALSE, NULL, &_error));
  REFUSED (yun_client_describe_instances_status (client, REGION, i101, NULL, &_error));
  REFUSED (yun_client_describe_automation_agent_status (client, REGION, i101, NULL, &_error));
  REFUSED (yun_client_cancel_invocation (client, REGION, "inv-abcdefgh", i101, NULL, &_error));
  REFUSED (yun_client_start_instances (client, REGION, bad, NULL, &_error));
  REFUSED (yun_client_start_instances (client, REGION, short_id, NULL, &_error));
  REFUSED (yun_client_start_instances (client, REGION, twice, NULL, &_error));
  REFUSED (yun_client_start_instances (client, REGION, empty, NULL, &_error));
  REFUSED (yun_client_start_instances (client, REGION, NULL, NULL, &_error));
  REFUSED (yun_client_describe_instances_by_ids (client, REGION, bad, NULL, &_error));
  REFUSED (yun_client_describe_instance_vnc_url (client, REGION, "ins-1", NULL, &_error));
  REFUSED (yun_client_start_instances (client, "", (const char *const *) ids100, NULL, &_error));

  /* TAT commands take up to 200 */
  {
    g_autoptr (YunCommandRequest) request = yun_command_request_new ("uptime");

    REFUSED (yun_client_run_command (client, REGION, request, (const char *const *) ids201, NULL,
                                     &_error));
    REFUSED (yun_client_invoke_command (client, REGION, "cmd-abcdefgh",
                                        (const char *const *) ids201, NULL, NULL, &_error));
  }

  /* 101 is only refused per call: the message says how many */
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (yun_client_start_instances (client, REGION, i101, NULL, &error));
    g_assert_nonnull (strstr (error->message, "101"));
    g_assert_nonnull (strstr (error->message, "100"));
  }
}

static void
test_options (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_auto (GStrv) ids = make_ids (2);
  const char *const *i2 = (const char *const *) ids;

  REFUSED (yun_client_stop_instances (client, REGION, i2, "GENTLE", NULL, NULL, &_error));
  REFUSED (yun_client_stop_instances (client, REGION, i2, "SOFT", "PAUSE", NULL, &_error));
  REFUSED (yun_client_reboot_instances (client, REGION, i2, "soft", NULL, &_error));
  /* Password rules run before sending */
  REFUSED (yun_client_reset_instances_password (client, REGION, i2, "short", NULL,
                                                YUN_OS_FAMILY_LINUX, TRUE, NULL, &_error));
  REFUSED (yun_client_reset_instances_password (client, REGION, i2, "Abcd1234!x", NULL,
                                                YUN_OS_FAMILY_WINDOWS, TRUE, NULL, &_error));
  {
    g_autofree char *long_user = g_strnfill (65, 'u');

    REFUSED (yun_client_reset_instances_password (client, REGION, i2, "Abcd1234!xyz", long_user,
                                                  YUN_OS_FAMILY_LINUX, TRUE, NULL, &_error));
  }
  /* Filters: at most 10, 5 values each; not with IDs */
  {
    g_autoptr (YunFilters) filters = yun_filters_new ();
    g_autoptr (YunFilters) many = yun_filters_new ();

    yun_filters_add (filters, "instance-state", "RUNNING", "STOPPED", "PENDING", "STOPPING",
                     "STARTING", "REBOOTING", NULL);
    REFUSED (yun_client_describe_instances_all (client, REGION, filters, NULL, &_error));
    for (guint i = 0; i < 11; i++)
      {
        g_autofree char *name = g_strdup_printf ("tag:k%u", i);

        yun_filters_add (many, name, "v", NULL);
      }
    REFUSED (
      yun_client_describe_instances_page (client, REGION, many, 0, 100, NULL, NULL, &_error));
    REFUSED (yun_client_describe_images (client, REGION, many, NULL, NULL, NULL, &_error));
  }
  {
    g_autoptr (YunFilters) filters = yun_filters_new ();
    const char *const image_ids[] = { "img-eb30mz89", NULL };

    yun_filters_add (filters, "image-type", "PUBLIC_IMAGE", NULL);
    REFUSED (yun_client_describe_images (client, REGION, filters, image_ids, NULL, NULL, &_error));
  }
  REFUSED (yun_client_describe_instances_page (client, REGION, NULL, 0, 101, NULL, NULL, &_error));
  REFUSED (yun_client_describe_instances_page (client, REGION, NULL, 0, 0, NULL, NULL, &_error));
}

static void
test_run_instances (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autofree char *long_token = g_strnfill (65, 't');

  request = yun_run_instances_request_new ("ap-shanghai-2", "img-eb30mz89");
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error)); /* zone */
  g_clear_pointer (&request, yun_run_instances_request_unref);

  request = yun_run_instances_request_new ("ap-guangzhou-3", "centos");
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error)); /* image */
  g_clear_pointer (&request, yun_run_instances_request_unref);

  request = yun_run_instances_request_new ("ap-guangzhou-3", "img-eb30mz89");
  yun_run_instances_request_set_count (request, 0);
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_count (request, 501);
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_count (request, 101);
  REFUSED (yun_client_inquiry_price_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_count (request, 1);

  yun_run_instances_request_set_client_token (request, long_token);
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_client_token (request, "tøken");
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_client_token (request, NULL);

  yun_run_instances_request_set_charge_type (request, "FREE");
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_charge_type (request, "PREPAID");
  yun_run_instances_request_set_prepaid_period (request, 13, FALSE);
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_prepaid_period (request, 12, TRUE);

  /* Linux create rule: 8 chars, 2 classes is fine; unknown OS needs 12 and 3 classes */
  yun_run_instances_request_set_password (request, "abcdefgh12");
  REFUSED (yun_client_run_instances (client, REGION, request, NULL, &_error));
  yun_run_instances_request_set_os_family (request, YUN_OS_FAMILY_LINUX);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (YunRunInstancesResult) result
      = yun_client_run_instances (client, REGION, request, NULL, &error);

    /* Valid: it is sent, and the closed port answers */
    g_assert_null (result);
    g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  }

  g_assert_null (yun_run_instances_request_get_client_token (request));
  g_assert_cmpuint (strlen (yun_run_instances_request_ensure_client_token (request)), ==, 36);
  g_assert_cmpstr (yun_run_instances_request_ensure_client_token (request), ==,
                   yun_run_instances_request_get_client_token (request));
}

static void
test_tat_content (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_auto (GStrv) ids = make_ids (1);
  const char *const *i1 = (const char *const *) ids;
  /* 49152 bytes encode to exactly 65536 base64 characters; one more byte is over */
  g_autofree char *at_limit = g_strnfill (49152, 'x');
  g_autofree char *over = g_strnfill (49153, 'x');
  g_autoptr (YunCommandRequest) request = yun_command_request_new (over);
  g_autoptr (YunCommandRequest) ok = yun_command_request_new (at_limit);
  g_autoptr (YunCommandRequest) empty = yun_command_request_new ("");

  REFUSED (yun_client_run_command (client, REGION, request, i1, NULL, &_error));
  REFUSED (yun_client_run_command (client, REGION, empty, i1, NULL, &_error));
  yun_command_request_set_timeout (ok, 86401);
  REFUSED (yun_client_run_command (client, REGION, ok, i1, NULL, &_error));
  yun_command_request_set_timeout (ok, 86400);
  yun_command_request_set_command_type (ok, "PYTHON");
  REFUSED (yun_client_run_command (client, REGION, ok, i1, NULL, &_error));
  yun_command_request_set_command_type (ok, "SHELL");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (YunCommandResult) result
      = yun_client_run_command (client, REGION, ok, i1, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, YUN_ERROR, YUN_ERROR_NETWORK);
  }
  REFUSED (yun_client_invoke_command (client, REGION, "bogus", i1, NULL, NULL, &_error));
  REFUSED (yun_client_cancel_invocation (client, REGION, "bogus", NULL, NULL, &_error));
  REFUSED (yun_client_describe_invocation_tasks (client, REGION, NULL, NULL, NULL, &_error));
  REFUSED (yun_client_describe_invocations (client, REGION, NULL, NULL, &_error));
}

static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  g_autofree char *request_id = NULL;

  request_id = yun_client_stop_instances_finish (YUN_CLIENT (source), result, error);
  g_assert_null (request_id);
}

static void
test_async_refusal (void)
{
  g_autoptr (YunClient) client = new_closed_port_client ();
  g_auto (GStrv) ids = make_ids (101);
  g_autoptr (GError) error = NULL;

  yun_client_stop_instances_async (client, REGION, (const char *const *) ids, "HARD", NULL, NULL,
                                   async_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
}

int
main (int argc, char *argv[])
{
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  yun_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/api-validation/sanity-network", test_sanity_network);
  g_test_add_func ("/yun/core/api-validation/instance-ids", test_instance_ids);
  g_test_add_func ("/yun/core/api-validation/options", test_options);
  g_test_add_func ("/yun/core/api-validation/run-instances", test_run_instances);
  g_test_add_func ("/yun/core/api-validation/tat-content", test_tat_content);
  g_test_add_func ("/yun/core/api-validation/async-refusal", test_async_refusal);

  return g_test_run ();
}
