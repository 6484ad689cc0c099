/* test-tls.c: the client against a yunsim that serves HTTPS with a certificate authority
 * made for this run (make-test-ca.sh): trusted only when the profile's "ca-file" names that
 * authority, refused with YUN_ERROR_CERTIFICATE otherwise, and refused for another host's
 * certificate even from the right authority
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <yun/yun.h>

#include "yun-client-private.h"
#include "yun-test-sim.h"

static char *ca_dir;

static char *
ca_path (const char *name)
{
  return g_build_filename (ca_dir, name, NULL);
}

/* A yunsim serving HTTPS with DIR/NAME.pem and DIR/NAME.key. */
static YunTestSim *
spawn_tls_sim (const char *name)
{
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *cert = ca_path (cert_name);
  g_autofree char *key = ca_path (key_name);
  g_autofree char *ca = ca_path ("ca.pem");
  YunTestSim *sim = yun_test_sim_spawn ("--seed", "5", "--regions", "3", "--instances", "12",
                                        "--tls-cert", cert, "--tls-key", key, NULL);

  g_assert_true (g_str_has_prefix (yun_test_sim_get_url (sim), "https://127.0.0.1:"));
  yun_test_sim_set_ca_file (sim, ca);
  return sim;
}

/* A client built the way the application builds one: from a profile read from its file,
 * whose "ca-file" line is @ca_file (none when NULL). */
static YunClient *
client_from_profile_file (YunTestSim *sim, const char *ca_file)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new ("[profile tls]\n");
  g_autofree char *path = NULL;
  g_autoptr (YunProfile) profile = NULL;
  g_autoptr (YunCredentials) credentials = NULL;
  YunClient *client;
  int fd;

  g_string_append_printf (text, "secret-id=%s\nendpoint=%s\n", yun_test_sim_get_secret_id (sim),
                          yun_test_sim_get_url (sim));
  if (ca_file != NULL)
    g_string_append_printf (text, "ca-file=%s\n", ca_file);
  fd = g_file_open_tmp ("yun-tls-profiles-XXXXXX.ini", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents_full (path, text->str, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  profile = yun_profile_load (path, "tls", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpstr (yun_profile_get_ca_file (profile), ==, ca_file);

  credentials = yun_credentials_new (yun_test_sim_get_secret_id (sim),
                                     yun_test_sim_get_secret_key (sim), NULL);
  client = yun_profile_create_client (profile, credentials, &error);
  g_assert_no_error (error);
  return client;
}

/* "127.0.0.1:PORT", what the messages call the host. */
static char *
dup_host (YunTestSim *sim)
{
  return g_strdup (yun_test_sim_get_url (sim) + strlen ("https://"));
}

static void
test_trusted_ca (void)
{
  g_autoptr (YunTestSim) sim = spawn_tls_sim ("server");
  g_autofree char *ca = ca_path ("ca.pem");
  g_autoptr (YunClient) client = client_from_profile_file (sim, ca);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  regions = yun_client_describe_regions (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regions->len, ==, 3);
  g_assert_cmpint (yun_test_sim_count_requests (sim, "DescribeRegions"), ==, 1);
}

/* Refused before the request left: the service never saw it (when its admin API, which
 * trusts only certificates for 127.0.0.1, can tell), and it was not retried. */
static void
assert_refused (YunTestSim *sim, YunClient *client, const char *must_mention, gboolean ask_sim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;
  g_autofree char *host = dup_host (sim);
  gint64 started = g_get_monotonic_time ();

  regions = yun_client_describe_regions (client, NULL, &error);
  g_assert_null (regions);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, host));
  g_assert_nonnull (strstr (error->message, must_mention));
  /* No backoff: a certificate does not get better by asking again. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  if (ask_sim)
    g_assert_cmpint (yun_test_sim_count_requests (sim, "DescribeRegions"), ==, 0);
}

static void
test_untrusted_without_ca_file (void)
{
  g_autoptr (YunTestSim) sim = spawn_tls_sim ("server");
  g_autoptr (YunClient) client = client_from_profile_file (sim, NULL);

  /* The message says how to fix it. */
  assert_refused (sim, client, "ca-file", TRUE);
}

static void
test_untrusted_other_ca (void)
{
  g_autoptr (YunTestSim) sim = spawn_tls_sim ("server");
  g_autofree char *rogue = ca_path ("rogue-ca.pem");
  g_autoptr (YunClient) client = client_from_profile_file (sim, rogue);

  assert_refused (sim, client, rogue, TRUE);
}

static void
test_host_name_mismatch (void)
{
  /* Issued by the trusted authority, but for other.invalid, not 127.0.0.1. */
  g_autoptr (YunTestSim) sim = spawn_tls_sim ("other");
  g_autofree char *ca = ca_path ("ca.pem");
  g_autoptr (YunClient) client = client_from_profile_file (sim, ca);

  assert_refused (sim, client, "another host name", FALSE);
}

static void
test_unreadable_ca_file (void)
{
  g_autoptr (YunTestSim) sim = spawn_tls_sim ("server");
  g_autofree char *missing = ca_path ("no-such-ca.pem");
  g_autoptr (YunClient) client = client_from_profile_file (sim, missing);

  assert_refused (sim, client, missing, TRUE);
}

static void
remove_ca_dir (void)
{
  const char *names[]
    = { "ca.pem", "rogue-ca.pem", "server.pem", "server.key", "other.pem", "other.key" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = ca_path (names[i]);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (ca_dir), ==, 0);
  g_clear_pointer (&ca_dir, g_free);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  char *argv_ca[4] = { (char *) "sh", (char *) MAKE_TEST_CA, NULL, NULL };
  int status = -1;
  int result;

  g_test_init (&argc, &argv, NULL);
  yun_init ();

  ca_dir = g_dir_make_tmp ("yun-test-ca-XXXXXX", &error);
  g_assert_no_error (error);
  /* The authority and its certificates are made for this run, never kept in the tree. */
  argv_ca[2] = ca_dir;
  g_spawn_sync (NULL, argv_ca, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  g_test_add_func ("/yun/tls/trusted-ca", test_trusted_ca);
  g_test_add_func ("/yun/tls/untrusted-without-ca-file", test_untrusted_without_ca_file);
  g_test_add_func ("/yun/tls/untrusted-other-ca", test_untrusted_other_ca);
  g_test_add_func ("/yun/tls/host-name-mismatch", test_host_name_mismatch);
  g_test_add_func ("/yun/tls/unreadable-ca-file", test_unreadable_ca_file);

  result = g_test_run ();
  remove_ca_dir ();
  return result;
}
