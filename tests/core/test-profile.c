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

/* A new folder for one test's files, and the path of a profiles file in it. */
static char *
dup_tmp_profiles_path (char **directory_out)
{
  g_autoptr (GError) error = NULL;
  char *directory = g_dir_make_tmp ("yun-profiles-XXXXXX", &error);

  g_assert_no_error (error);
  *directory_out = directory;
  return g_build_filename (directory, "profiles.ini", NULL);
}

static void
remove_tmp_profiles (const char *directory, const char *path)
{
  g_unlink (path);
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static YunProfile *
find_profile (GPtrArray *profiles, const char *name)
{
  for (guint i = 0; i < profiles->len; i++)
    if (g_str_equal (yun_profile_get_name (profiles->pdata[i]), name))
      return profiles->pdata[i];
  return NULL;
}

static void
test_save_load_all (void)
{
  g_autofree char *directory = NULL;
  g_autofree char *path = dup_tmp_profiles_path (&directory);
  g_autoptr (YunProfile) full = yun_profile_new ("finance");
  g_autoptr (YunProfile) bare = yun_profile_new ("bare");
  g_autoptr (YunProfile) unicode = yun_profile_new ("生产 account #2");
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GPtrArray) updated = NULL;
  g_autoptr (GError) error = NULL;
  YunProfile *loaded;

  yun_profile_set_secret_id (full, "AKIDfinance");
  yun_profile_set_endpoint (full, "api3.finance.cloud.tencent.com");
  yun_profile_set_region (full, "ap-shanghai-fsi");
  yun_profile_set_proxy (full, "http://proxy.internal:3128");
  yun_profile_set_ca_file (full, "/etc/ssl/finance-ca.pem");
  yun_profile_set_language (full, "en-US");
  yun_profile_set_read_only (full, TRUE);
  yun_profile_set_secret_id (unicode, "  AKIDunicode\t");
  yun_profile_set_region (unicode, "");

  g_assert_true (yun_profile_save (full, path, &error));
  g_assert_no_error (error);
  g_assert_true (yun_profile_save (bare, path, &error));
  g_assert_no_error (error);
  g_assert_true (yun_profile_save (unicode, path, &error));
  g_assert_no_error (error);

  profiles = yun_profile_load_all (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 3);
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[0]), ==, "finance");
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[1]), ==, "bare");
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[2]), ==, "生产 account #2");

  loaded = profiles->pdata[0];
  g_assert_cmpstr (yun_profile_get_secret_id (loaded), ==, "AKIDfinance");
  g_assert_cmpstr (yun_profile_get_endpoint (loaded), ==, "api3.finance.cloud.tencent.com");
  g_assert_cmpstr (yun_profile_get_region (loaded), ==, "ap-shanghai-fsi");
  g_assert_cmpstr (yun_profile_get_proxy (loaded), ==, "http://proxy.internal:3128");
  g_assert_cmpstr (yun_profile_get_ca_file (loaded), ==, "/etc/ssl/finance-ca.pem");
  g_assert_cmpstr (yun_profile_get_language (loaded), ==, "en-US");
  g_assert_true (yun_profile_get_read_only (loaded));

  loaded = profiles->pdata[1];
  g_assert_null (yun_profile_get_secret_id (loaded));
  g_assert_null (yun_profile_get_endpoint (loaded));
  g_assert_null (yun_profile_get_region (loaded));
  g_assert_null (yun_profile_get_proxy (loaded));
  g_assert_null (yun_profile_get_ca_file (loaded));
  g_assert_null (yun_profile_get_language (loaded));
  g_assert_false (yun_profile_get_read_only (loaded));

  /* The setters keep values as the file does: trimmed, and empty means none. */
  loaded = profiles->pdata[2];
  g_assert_cmpstr (yun_profile_get_secret_id (unicode), ==, "AKIDunicode");
  g_assert_cmpstr (yun_profile_get_secret_id (loaded), ==, "AKIDunicode");
  g_assert_null (yun_profile_get_region (loaded));

  /* Saving again replaces the settings in place: cleared ones are gone, the order stays. */
  yun_profile_set_endpoint (full, NULL);
  yun_profile_set_proxy (full, NULL);
  yun_profile_set_read_only (full, FALSE);
  yun_profile_set_region (full, "ap-guangzhou");
  g_assert_true (yun_profile_save (full, path, &error));
  g_assert_no_error (error);

  updated = yun_profile_load_all (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (updated->len, ==, 3);
  loaded = updated->pdata[0];
  g_assert_cmpstr (yun_profile_get_name (loaded), ==, "finance");
  g_assert_cmpstr (yun_profile_get_secret_id (loaded), ==, "AKIDfinance");
  g_assert_null (yun_profile_get_endpoint (loaded));
  g_assert_null (yun_profile_get_proxy (loaded));
  g_assert_cmpstr (yun_profile_get_region (loaded), ==, "ap-guangzhou");
  g_assert_cmpstr (yun_profile_get_ca_file (loaded), ==, "/etc/ssl/finance-ca.pem");
  g_assert_false (yun_profile_get_read_only (loaded));

  /* yun_profile_load() reads the same file. */
  {
    g_autoptr (YunProfile) one = yun_profile_load (path, "生产 account #2", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (yun_profile_get_secret_id (one), ==, "AKIDunicode");
  }

  remove_tmp_profiles (directory, path);
}

static void
test_save_keeps_others (void)
{
  g_autofree char *path = write_profiles ("# YunDesk profiles, edited by hand\n"
                                          "[settings]\n"
                                          "theme=dark\n"
                                          "\n"
                                          "# the production account\n"
                                          "[profile prod]\n"
                                          "secret-id=AKIDprod\n"
                                          "future-setting=from a newer YunDesk\n"
                                          "name[zh_CN]=生产\n"
                                          "\n"
                                          "[profile staging]\n"
                                          "# a comment of staging\n"
                                          "secret-id=AKIDstaging\n"
                                          "region=ap-beijing\n"
                                          "staging-only=kept too\n");
  g_autoptr (YunProfile) staging = NULL;
  g_autoptr (YunProfile) added = yun_profile_new ("added");
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;

  staging = yun_profile_load (path, "staging", &error);
  g_assert_no_error (error);
  yun_profile_set_region (staging, "ap-shanghai");
  g_assert_true (yun_profile_save (staging, path, &error));
  g_assert_no_error (error);
  yun_profile_set_secret_id (added, "AKIDadded");
  g_assert_true (yun_profile_save (added, path, &error));
  g_assert_no_error (error);

  contents = read_file (path);
  g_test_message ("%s", contents);
  g_assert_nonnull (strstr (contents, "# YunDesk profiles, edited by hand\n"));
  g_assert_nonnull (strstr (contents, "[settings]\ntheme=dark\n"));
  g_assert_nonnull (strstr (contents, "# the production account\n"));
  g_assert_true (strstr (contents, "# the production account\n")
                 < strstr (contents, "[profile prod]\n"));
  g_assert_nonnull (strstr (contents, "future-setting=from a newer YunDesk\n"));
  g_assert_nonnull (strstr (contents, "name[zh_CN]=生产\n"));
  g_assert_nonnull (strstr (contents, "# a comment of staging\n"));
  g_assert_nonnull (strstr (contents, "staging-only=kept too\n"));
  g_assert_nonnull (strstr (contents, "region=ap-shanghai\n"));
  g_assert_null (strstr (contents, "ap-beijing"));

  profiles = yun_profile_load_all (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 3);
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[0]), ==, "prod");
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[1]), ==, "staging");
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[2]), ==, "added");
  g_assert_cmpstr (yun_profile_get_secret_id (profiles->pdata[0]), ==, "AKIDprod");
  g_assert_cmpstr (yun_profile_get_region (profiles->pdata[1]), ==, "ap-shanghai");
  g_assert_cmpstr (yun_profile_get_secret_id (profiles->pdata[2]), ==, "AKIDadded");

  g_unlink (path);
}

static void
test_delete (void)
{
  g_autofree char *path = write_profiles ("# kept\n"
                                          "[profile a]\nsecret-id=AKIDa\n"
                                          "[profile b]\nsecret-id=AKIDb\nextra=1\n"
                                          "[profile c]\nsecret-id=AKIDc\n");
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (yun_profile_delete (path, "b", &error));
  g_assert_no_error (error);

  profiles = yun_profile_load_all (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 2);
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[0]), ==, "a");
  g_assert_cmpstr (yun_profile_get_name (profiles->pdata[1]), ==, "c");
  g_assert_null (find_profile (profiles, "b"));
  contents = read_file (path);
  g_assert_nonnull (strstr (contents, "# kept\n"));
  g_assert_null (strstr (contents, "extra"));

  /* Not there (any more): an error that names the file. */
  g_assert_false (yun_profile_delete (path, "b", &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (yun_profile_delete ("/nonexistent/profiles.ini", "a", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_unlink (path);
}

static void
test_invalid_names (void)
{
  static const char *const bad[] = {
    "",
    "a]b",
    "[x",
    "two\nlines",
    "tab\tbed",
    "\xff\xfe not UTF-8",
    "0123456789012345678901234567890123456789012345678901234567890123x",
  };
  g_autofree char *long_name = g_strnfill (64, 'n');
  g_autofree char *path = NULL;

  g_assert_true (yun_profile_name_is_valid ("default"));
  g_assert_true (yun_profile_name_is_valid ("my account (2)"));
  g_assert_true (yun_profile_name_is_valid ("生产"));
  g_assert_true (yun_profile_name_is_valid (long_name));
  g_assert_false (yun_profile_name_is_valid (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("name %u", i);
      g_assert_false (yun_profile_name_is_valid (bad[i]));
      g_assert_false (yun_profile_delete ("/nonexistent/profiles.ini", bad[i], &error));
      g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);

      g_test_expect_message ("yun-profile", G_LOG_LEVEL_CRITICAL, "*yun_profile_name_is_valid*");
      g_assert_null (yun_profile_new (bad[i]));
      g_test_assert_expected_messages ();
    }

  /* A file whose group names no valid profile does not load. */
  path = write_profiles ("[profile ok]\n[profile ]\nsecret-id=AKIDx\n");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) profiles = yun_profile_load_all (path, &error);

    g_assert_null (profiles);
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    g_assert_nonnull (strstr (error->message, path));
  }
  g_unlink (path);
}

static void
assert_mode (const char *path, guint mode)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, mode);
}

static void
test_permissions (void)
{
  g_autofree char *default_path = yun_profile_dup_default_path ();
  g_autofree char *default_directory = g_path_get_dirname (default_path);
  g_autofree char *directory = NULL;
  g_autofree char *path = dup_tmp_profiles_path (&directory);
  g_autofree char *nested_directory = g_build_filename (directory, "new", "yundesk", NULL);
  g_autofree char *nested_path = g_build_filename (nested_directory, "profiles.ini", NULL);
  g_autofree char *nested_parent = g_path_get_dirname (nested_directory);
  g_autoptr (YunProfile) profile = yun_profile_new ("default");
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GError) error = NULL;

  /* The tests run with XDG folders of their own (G_TEST_OPTION_ISOLATE_DIRS). */
  g_assert_true (g_str_has_prefix (default_path, g_get_tmp_dir ()));
  yun_profile_set_secret_id (profile, "AKIDperm");

  /* YunDesk's own folder, made by something else with the usual 0755: made private. */
  g_assert_cmpint (g_mkdir_with_parents (default_directory, 0755), ==, 0);
  g_assert_cmpint (g_chmod (default_directory, 0755), ==, 0);
  g_assert_true (yun_profile_save (profile, NULL, &error));
  g_assert_no_error (error);
  assert_mode (default_directory, 0700);
  assert_mode (default_path, 0600);
  profiles = yun_profile_load_all (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);

  /* A file that was readable by others is replaced by one that is not. */
  g_assert_cmpint (g_chmod (default_path, 0644), ==, 0);
  g_assert_true (yun_profile_delete (NULL, "default", &error));
  g_assert_no_error (error);
  assert_mode (default_path, 0600);
  g_clear_pointer (&profiles, g_ptr_array_unref);
  profiles = yun_profile_load_all (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 0);

  /* Folders that do not exist yet are created private. */
  g_assert_true (yun_profile_save (profile, nested_path, &error));
  g_assert_no_error (error);
  assert_mode (nested_parent, 0700);
  assert_mode (nested_directory, 0700);
  assert_mode (nested_path, 0600);
  g_unlink (nested_path);
  g_rmdir (nested_directory);
  g_rmdir (nested_parent);

  /* Any other folder that exists, such as /tmp, is the caller's and left as it is. */
  g_assert_cmpint (g_chmod (directory, 0755), ==, 0);
  g_assert_true (yun_profile_save (profile, path, &error));
  g_assert_no_error (error);
  assert_mode (directory, 0755);
  assert_mode (path, 0600);

  remove_tmp_profiles (directory, path);
}

static void
test_load_all_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) none = yun_profile_load_all ("/nonexistent/profiles.ini", &error);

  /* No file yet: no profiles. */
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);

  {
    g_autofree char *path = write_profiles ("[profile fine]\nsecret-id=AKIDfine\n"
                                            "[profile leaky]\nsecret-id=AKIDleaky\n"
                                            "secret-key=pasted-by-hand\n");
    g_autoptr (GPtrArray) profiles = yun_profile_load_all (path, &error);

    g_assert_null (profiles);
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, "keyring"));
    g_assert_null (strstr (error->message, "pasted-by-hand"));
    g_clear_error (&error);
    g_unlink (path);
  }

  {
    g_autofree char *path = write_profiles ("not a key file\x01");
    g_autoptr (GPtrArray) profiles = yun_profile_load_all (path, &error);

    g_assert_null (profiles);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, path));
    g_clear_error (&error);
    g_unlink (path);
  }

  /* A profile that cannot be saved (its endpoint would make the file unreadable) is not. */
  {
    g_autofree char *directory = NULL;
    g_autofree char *path = dup_tmp_profiles_path (&directory);
    g_autoptr (YunProfile) profile = yun_profile_new ("plain");

    yun_profile_set_endpoint (profile, "http://example.com");
    g_assert_false (yun_profile_save (profile, path, &error));
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
    remove_tmp_profiles (directory, path);
  }
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_notify (void)
{
  g_autoptr (YunProfile) profile = yun_profile_new ("notify");
  g_autofree char *region = NULL;
  gboolean read_only = FALSE;
  guint notified = 0;

  g_signal_connect (profile, "notify", G_CALLBACK (count_notify), &notified);

  yun_profile_set_region (profile, "ap-guangzhou");
  g_assert_cmpuint (notified, ==, 1);
  yun_profile_set_region (profile, "ap-guangzhou");
  yun_profile_set_region (profile, " ap-guangzhou ");
  g_assert_cmpuint (notified, ==, 1);
  yun_profile_set_region (profile, "");
  g_assert_cmpuint (notified, ==, 2);
  yun_profile_set_region (profile, NULL);
  g_assert_cmpuint (notified, ==, 2);

  yun_profile_set_read_only (profile, TRUE);
  yun_profile_set_read_only (profile, TRUE);
  g_assert_cmpuint (notified, ==, 3);

  /* Through GObject properties too, with the same rule. */
  g_object_set (profile, "region", "ap-beijing", "secret-id", "AKIDnotify", NULL);
  g_assert_cmpuint (notified, ==, 5);
  g_object_set (profile, "region", "ap-beijing", "read-only", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 5);
  g_object_get (profile, "region", &region, "read-only", &read_only, NULL);
  g_assert_cmpstr (region, ==, "ap-beijing");
  g_assert_true (read_only);
  g_assert_cmpstr (yun_profile_get_secret_id (profile), ==, "AKIDnotify");
}

/* The SSH settings: defaults when absent (files of older versions), kept when set, the
 * default port never written, and a port that is not one refused. */
static void
test_ssh_settings (void)
{
  g_autofree char *old_path = write_profiles ("[profile old]\nregion=ap-guangzhou\n"
                                              "[profile set]\nssh-port=2222\n"
                                              "ssh-user = ubuntu \nssh-windows-user=admin\n");
  g_autofree char *bad_path = write_profiles ("[profile bad]\nssh-port=70000\n");
  g_autofree char *directory = NULL;
  g_autofree char *path = dup_tmp_profiles_path (&directory);
  g_autofree char *contents = NULL;
  g_autofree char *user = NULL;
  g_autoptr (YunProfile) old = NULL;
  g_autoptr (YunProfile) set = NULL;
  g_autoptr (YunProfile) bad = NULL;
  g_autoptr (YunProfile) loaded = NULL;
  g_autoptr (GError) error = NULL;
  guint notified = 0;
  guint port = 0;

  old = yun_profile_load (old_path, "old", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yun_profile_get_ssh_port (old), ==, 22);
  g_assert_cmpstr (yun_profile_get_ssh_user (old, YUN_OS_FAMILY_LINUX), ==, "root");
  g_assert_cmpstr (yun_profile_get_ssh_user (old, YUN_OS_FAMILY_UNKNOWN), ==, "root");
  g_assert_cmpstr (yun_profile_get_ssh_user (old, YUN_OS_FAMILY_WINDOWS), ==, "Administrator");

  set = yun_profile_load (old_path, "set", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yun_profile_get_ssh_port (set), ==, 2222);
  g_assert_cmpstr (yun_profile_get_ssh_user (set, YUN_OS_FAMILY_LINUX), ==, "ubuntu");
  g_assert_cmpstr (yun_profile_get_ssh_user (set, YUN_OS_FAMILY_WINDOWS), ==, "admin");

  bad = yun_profile_load (bad_path, "bad", &error);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "ssh-port"));
  g_assert_null (bad);
  g_clear_error (&error);

  /* A profile saved with the defaults has no SSH key in the file. */
  g_assert_true (yun_profile_save (old, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, "ssh-"));
  g_clear_pointer (&contents, g_free);

  g_signal_connect (old, "notify", G_CALLBACK (count_notify), &notified);
  yun_profile_set_ssh_port (old, 2200);
  yun_profile_set_ssh_port (old, 2200);
  yun_profile_set_ssh_user (old, YUN_OS_FAMILY_LINUX, " debian ");
  yun_profile_set_ssh_user (old, YUN_OS_FAMILY_LINUX, "debian");
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (yun_profile_save (old, path, &error));
  g_assert_no_error (error);
  loaded = yun_profile_load (path, "old", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yun_profile_get_ssh_port (loaded), ==, 2200);
  g_assert_cmpstr (yun_profile_get_ssh_user (loaded, YUN_OS_FAMILY_LINUX), ==, "debian");
  g_assert_cmpstr (yun_profile_get_ssh_user (loaded, YUN_OS_FAMILY_WINDOWS), ==, "Administrator");
  g_object_get (loaded, "ssh-port", &port, "ssh-user", &user, NULL);
  g_assert_cmpuint (port, ==, 2200);
  g_assert_cmpstr (user, ==, "debian");

  /* Back to the defaults: the keys leave the file again. */
  g_object_set (old, "ssh-port", 0, "ssh-user", NULL, NULL);
  g_assert_cmpuint (notified, ==, 4);
  g_assert_cmpuint (yun_profile_get_ssh_port (old), ==, 22);
  g_assert_true (yun_profile_save (old, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, "ssh-"));

  g_unlink (old_path);
  g_unlink (bad_path);
  remove_tmp_profiles (directory, path);
}

static void
test_secret_key (void)
{
  g_autoptr (YunSecretStore) store = yun_secret_store_new_in_memory ();
  g_autoptr (YunSecretStore) empty = yun_secret_store_new_in_memory ();
  g_autoptr (YunProfile) profile = yun_profile_new ("keyed");
  g_autoptr (YunProfile) other = yun_profile_new ("other");
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunCredentials) without_token = NULL;
  g_autoptr (YunCredentials) missing = NULL;
  g_autoptr (YunSecret) token = NULL;
  g_autoptr (GError) error = NULL;

  /* No SecretId: nothing to look up, nothing to store under. */
  missing = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "SecretId"));
  g_clear_error (&error);
  g_assert_false (
    yun_profile_store_secret_key (profile, store, "SecretKeyCore", NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  yun_profile_set_secret_id (profile, "AKIDkeyed");
  yun_profile_set_secret_id (other, "AKIDkeyed");

  /* A store without it says why it could not look further. */
  missing = yun_profile_resolve_credentials (profile, empty, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Profile “keyed” names SecretId AKIDkeyed"));
  g_assert_nonnull (strstr (error->message, "the system keyring cannot be searched"));
  g_clear_error (&error);

  g_assert_true (
    yun_profile_store_secret_key (profile, store, "SecretKeyCore", "TokenCore", NULL, &error));
  g_assert_no_error (error);
  credentials = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_credentials_get_secret_id (credentials), ==, "AKIDkeyed");
  g_assert_cmpstr (yun_credentials_peek_secret_key (credentials), ==, "SecretKeyCore");
  g_assert_cmpstr (yun_credentials_peek_session_token (credentials), ==, "TokenCore");

  /* Where the secret store says a profile's secrets live. */
  token
    = yun_secret_store_lookup (store, YUN_SECRET_SESSION_TOKEN, "keyed", "AKIDkeyed", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "TokenCore");

  /* Another profile with the same SecretId has none of them. */
  missing = yun_profile_resolve_credentials (other, store, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A key saved without a token drops the old token. */
  g_assert_true (
    yun_profile_store_secret_key (profile, store, "SecretKeyLasting", NULL, NULL, &error));
  g_assert_no_error (error);
  without_token = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_credentials_peek_secret_key (without_token), ==, "SecretKeyLasting");
  g_assert_null (yun_credentials_peek_session_token (without_token));

  /* Cancelled: the store's error, as it is. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    missing = yun_profile_resolve_credentials (profile, store, cancellable, &error);
    g_assert_null (missing);
    g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
  }
}

static void
test_create_client (void)
{
  g_autoptr (YunCredentials) credentials = yun_credentials_new ("AKIDclient", "SecretKeyX", NULL);
  g_autoptr (YunProfile) profile = yun_profile_new ("client");
  g_autoptr (YunClient) by_default = NULL;
  g_autoptr (YunClient) international = NULL;
  g_autoptr (YunClient) bad = NULL;
  g_autoptr (GError) error = NULL;

  by_default = yun_profile_create_client (profile, credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_endpoint_get_root_domain (yun_client_get_endpoint (by_default)), ==,
                   YUN_ROOT_DOMAIN_DEFAULT);
  g_assert_true (yun_client_get_credentials (by_default) == credentials);

  yun_profile_set_endpoint (profile, YUN_ROOT_DOMAIN_INTERNATIONAL);
  yun_profile_set_proxy (profile, "http://proxy.internal:3128");
  yun_profile_set_ca_file (profile, "/etc/ssl/tce-ca.pem");
  yun_profile_set_language (profile, "en-US");
  international = yun_profile_create_client (profile, credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_endpoint_get_root_domain (yun_client_get_endpoint (international)), ==,
                   YUN_ROOT_DOMAIN_INTERNATIONAL);

  yun_profile_set_endpoint (profile, "http://example.com");
  bad = yun_profile_create_client (profile, credentials, &error);
  g_assert_null (bad);
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/yun/core/profile/load", test_load);
  g_test_add_func ("/yun/core/profile/refuses-secrets", test_refuses_secrets);
  g_test_add_func ("/yun/core/profile/bad-files", test_bad_files);
  g_test_add_func ("/yun/core/profile/save-load-all", test_save_load_all);
  g_test_add_func ("/yun/core/profile/save-keeps-others", test_save_keeps_others);
  g_test_add_func ("/yun/core/profile/delete", test_delete);
  g_test_add_func ("/yun/core/profile/invalid-names", test_invalid_names);
  g_test_add_func ("/yun/core/profile/permissions", test_permissions);
  g_test_add_func ("/yun/core/profile/load-all-files", test_load_all_files);
  g_test_add_func ("/yun/core/profile/notify", test_notify);
  g_test_add_func ("/yun/core/profile/ssh-settings", test_ssh_settings);
  g_test_add_func ("/yun/core/profile/secret-key", test_secret_key);
  g_test_add_func ("/yun/core/profile/create-client", test_create_client);

  return g_test_run ();
}
