/* test-profile.c: profiles hold settings, never secrets
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "yun-core-private.h"

static char *
write_profiles (const char *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("yun-profiles-XXXXXX.ini", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_load (void)
{
  g_autofree char *path = write_profiles ("[profile default]\n"
                                          "secret-id = AKIDexample\n"
                                          "region=ap-guangzhou\n"
                                          "[profile tce]\n"
                                          "secret-id=AKIDtce\n"
                                          "endpoint=api3.finance.cloud.tencent.com\n"
                                          "proxy=http://proxy.internal:3128\n"
                                          "ca-file=/etc/ssl/tce-ca.pem\n"
                                          "language=en-US\n"
                                          "read-only=true\n"
                                          "future-setting=kept quiet\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunProfile) def = yun_profile_load (path, NULL, &error);
  g_autoptr (YunProfile) tce = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (yun_profile_get_name (def), ==, "default");
  g_assert_cmpstr (yun_profile_get_secret_id (def), ==, "AKIDexample");
  g_assert_cmpstr (yun_profile_get_region (def), ==, "ap-guangzhou");
  g_assert_null (yun_profile_get_endpoint (def));
  g_assert_false (yun_profile_get_read_only (def));

  tce = yun_profile_load (path, "tce", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_profile_get_endpoint (tce), ==, "api3.finance.cloud.tencent.com");
  g_assert_cmpstr (yun_profile_get_proxy (tce), ==, "http://proxy.internal:3128");
  g_assert_cmpstr (yun_profile_get_ca_file (tce), ==, "/etc/ssl/tce-ca.pem");
  g_assert_cmpstr (yun_profile_get_language (tce), ==, "en-US");
  g_assert_true (yun_profile_get_read_only (tce));

  g_unlink (path);
  g_assert_finalize_object (g_steal_pointer (&def));
  g_assert_finalize_object (g_steal_pointer (&tce));
}

static void
test_refuses_secrets (void)
{
  g_autofree char *path
    = write_profiles ("[profile default]\nsecret-id=AKIDx\nsecret-key=pasted-by-hand\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunProfile) profile = yun_profile_load (path, NULL, &error);

  g_assert_null (profile);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_assert_null (strstr (error->message, "pasted-by-hand"));
  g_unlink (path);
}

static void
test_bad_files (void)
{
  static const char *const bad[] = {
    "not a key file\x01",
    "[profile default]\nread-only=perhaps\n",
    "[profile default]\nendpoint=http://example.com\n",
    "[profile other]\nsecret-id=x\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_profiles (bad[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (YunProfile) profile = yun_profile_load (path, NULL, &error);

      g_assert_null (profile);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, path));
      g_unlink (path);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (YunProfile) missing = yun_profile_load ("/nonexistent/profiles.ini", NULL, &error);

    g_assert_null (missing);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/profile/load", test_load);
  g_test_add_func ("/yun/core/profile/refuses-secrets", test_refuses_secrets);
  g_test_add_func ("/yun/core/profile/bad-files", test_bad_files);

  return g_test_run ();
}
