/* test-secret-store.c: the secret store against a real gnome-keyring, and without one
 *
 * SPDX-License-Identifier: MIT
 *
 * Each group of paths runs in its own ctest entry (tests/integration/CMakeLists.txt), in the
 * environment it needs: /yun/secret-store/keyring/… through tests/run-with-keyring.sh, in a
 * private D-Bus session whose gnome-keyring daemon has a fresh, unlocked login keyring;
 * /yun/secret-store/locked/… through "run-with-keyring.sh --locked", whose login keyring is
 * locked; /yun/secret-store/no-daemon/… through "run-with-keyring.sh --no-daemon", a session
 * bus with no Secret Service on it; /yun/secret-store/no-service/… with no D-Bus session bus
 * at all, beside /wipe and /memory, which need no keyring.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "yun-core-private.h"
#include "yun-test-sim.h"

#define SCHEMA_NAME "io.github.yundesk.YunDesk.Secret"
#define IN_MEMORY_NOTE "secrets are kept in memory until YunDesk quits."

static const YunSecretKind all_kinds[] = {
  YUN_SECRET_SECRET_KEY,
  YUN_SECRET_SESSION_TOKEN,
  YUN_SECRET_INSTANCE_PASSWORD,
  YUN_SECRET_JOB_PASSWORD,
};

/* The kind's name in the keyring, and a key of the sort it is stored under. */
static const char *const kind_names[] = {
  "secret-key",
  "session-token",
  "instance-password",
  "job-password",
};
static const char *const kind_keys[] = {
  "AKIDtestSecretStore0000000000000000",
  "AKIDtestSecretStore0000000000000000",
  "ins-7kq2m9xa",
  "42",
};

/* The root of the test's home and XDG folders, set by run-with-keyring.sh. */
static const char *
require_keyring_root (void)
{
  const char *root = g_getenv ("YUN_TEST_KEYRING_ROOT");

  if (root == NULL)
    g_error ("%s needs a private gnome-keyring: run it through tests/run-with-keyring.sh",
             g_test_get_path ());
  return root;
}

/* Every secret made by dup_unique_secret(), for the final search of the disk. */
static GPtrArray *all_secrets;

/* A secret no other test uses, so a hit anywhere is this one. */
static char *
dup_unique_secret (const char *what)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *secret = g_strdup_printf ("%s-Secret!%s", what, uuid);

  g_ptr_array_add (all_secrets, g_strdup (secret));
  return secret;
}

static char *
run_secret_tool (const char *const *argv, int *exit_status)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) process = NULL;

  /* GLib prints debug messages on stdout, where secret-tool prints the secret. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &out, &err, &error);
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (process);
  return g_steal_pointer (&out);
}

/* ---- Shared checks, on any store ---- */

static void
check_round_trip (YunSecretStore *store)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      YunSecretKind kind = all_kinds[i];
      g_autofree char *first = dup_unique_secret ("first");
      g_autofree char *second = dup_unique_secret ("second");
      g_autoptr (GError) error = NULL;
      g_autoptr (YunSecret) found = NULL;
      g_autoptr (YunSecret) replaced = NULL;
      g_autoptr (YunSecret) gone = NULL;

      g_test_message ("kind %s", kind_names[kind]);
      g_assert_true (
        yun_secret_store_store (store, kind, "round-trip", kind_keys[kind], first, NULL, &error));
      g_assert_no_error (error);
      found = yun_secret_store_lookup (store, kind, "round-trip", kind_keys[kind], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, first);

      /* Storing again replaces. */
      g_assert_true (
        yun_secret_store_store (store, kind, "round-trip", kind_keys[kind], second, NULL, &error));
      g_assert_no_error (error);
      replaced = yun_secret_store_lookup (store, kind, "round-trip", kind_keys[kind], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (replaced, ==, second);

      g_assert_true (
        yun_secret_store_clear (store, kind, "round-trip", kind_keys[kind], NULL, &error));
      g_assert_no_error (error);
      gone = yun_secret_store_lookup (store, kind, "round-trip", kind_keys[kind], NULL, &error);
      g_assert_no_error (error);
      g_assert_null (gone);

      /* Clearing what is not there is no error. */
      g_assert_true (
        yun_secret_store_clear (store, kind, "round-trip", kind_keys[kind], NULL, &error));
      g_assert_no_error (error);
    }
}

/* The keys an account has secrets of, by kind: what the password column shows. Another
 * account's and another kind's never appear, and a cleared one is gone. */
static void
check_listing (YunSecretStore *store)
{
  static const char *const stored[] = { "ins-b2", "ins-a1", "ins:with:colons" };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) keys = NULL;
  g_auto (GStrv) after_clear = NULL;
  g_auto (GStrv) none = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (stored); i++)
    {
      g_autofree char *secret = dup_unique_secret ("listed");

      g_assert_true (yun_secret_store_store (store, YUN_SECRET_INSTANCE_PASSWORD, "listing",
                                             stored[i], secret, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (yun_secret_store_store (store, YUN_SECRET_INSTANCE_PASSWORD, "listing-other",
                                         "ins-other", "x-1", NULL, &error));
  g_assert_true (yun_secret_store_store (store, YUN_SECRET_JOB_PASSWORD, "listing", "job-1", "x-2",
                                         NULL, &error));
  g_assert_no_error (error);

  keys = yun_secret_store_dup_keys (store, YUN_SECRET_INSTANCE_PASSWORD, "listing", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (keys, ((const char *const[]){ "ins-a1", "ins-b2", "ins:with:colons", NULL }));

  g_assert_true (yun_secret_store_clear (store, YUN_SECRET_INSTANCE_PASSWORD, "listing", "ins-b2",
                                         NULL, &error));
  after_clear
    = yun_secret_store_dup_keys (store, YUN_SECRET_INSTANCE_PASSWORD, "listing", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (after_clear, ((const char *const[]){ "ins-a1", "ins:with:colons", NULL }));

  none = yun_secret_store_dup_keys (store, YUN_SECRET_SESSION_TOKEN, "listing", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (stored); i++)
    g_assert_true (yun_secret_store_clear (store, YUN_SECRET_INSTANCE_PASSWORD, "listing",
                                           stored[i], NULL, &error));
  g_assert_true (yun_secret_store_clear (store, YUN_SECRET_INSTANCE_PASSWORD, "listing-other",
                                         "ins-other", NULL, &error));
  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_JOB_PASSWORD, "listing", "job-1", NULL, &error));
  g_assert_no_error (error);
}

/* Two accounts, two keys and two kinds with the same account and key: six secrets that
 * never answer for each other. */
static void
check_isolation (YunSecretStore *store)
{
  struct
  {
    YunSecretKind kind;
    const char *account;
    const char *key;
    char *secret;
  } entries[] = {
    { YUN_SECRET_SECRET_KEY, "alpha", "AKIDisolation1", NULL },
    { YUN_SECRET_SECRET_KEY, "beta", "AKIDisolation1", NULL },
    { YUN_SECRET_SESSION_TOKEN, "alpha", "AKIDisolation1", NULL },
    { YUN_SECRET_INSTANCE_PASSWORD, "alpha", "ins-isolate1", NULL },
    { YUN_SECRET_INSTANCE_PASSWORD, "beta", "ins-isolate1", NULL },
    { YUN_SECRET_INSTANCE_PASSWORD, "alpha", "ins-isolate2", NULL },
  };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      entries[i].secret = dup_unique_secret ("isolated");
      g_assert_true (yun_secret_store_store (store, entries[i].kind, entries[i].account,
                                             entries[i].key, entries[i].secret, NULL, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autoptr (YunSecret) found = yun_secret_store_lookup (
        store, entries[i].kind, entries[i].account, entries[i].key, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, entries[i].secret);
    }

  /* Beta's SecretKey gone, alpha's is still there. */
  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_SECRET_KEY, "beta", "AKIDisolation1", NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr (YunSecret) beta = yun_secret_store_lookup (store, YUN_SECRET_SECRET_KEY, "beta",
                                                          "AKIDisolation1", NULL, &error);
    g_autoptr (YunSecret) alpha = yun_secret_store_lookup (store, YUN_SECRET_SECRET_KEY, "alpha",
                                                           "AKIDisolation1", NULL, &error);

    g_assert_no_error (error);
    g_assert_null (beta);
    g_assert_cmpstr (alpha, ==, entries[0].secret);
  }

  /* A third account sees nothing. */
  {
    g_autoptr (YunSecret) other = yun_secret_store_lookup (store, YUN_SECRET_INSTANCE_PASSWORD,
                                                           "gamma", "ins-isolate1", NULL, &error);

    g_assert_no_error (error);
    g_assert_null (other);
  }

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_assert_true (yun_secret_store_clear (store, entries[i].kind, entries[i].account,
                                             entries[i].key, NULL, &error));
      g_assert_no_error (error);
      g_free (entries[i].secret);
    }
}

static void
check_cancelled (YunSecretStore *store)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *secret = dup_unique_secret ("cancelled");
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSecret) found = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (yun_secret_store_store (store, YUN_SECRET_INSTANCE_PASSWORD, "cancelled",
                                          "ins-cancel01", secret, cancellable, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
  g_assert_null (strstr (error->message, secret));
  g_clear_error (&error);

  found = yun_secret_store_lookup (store, YUN_SECRET_INSTANCE_PASSWORD, "cancelled", "ins-cancel01",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
check_in_memory_reason (YunSecretStore *store, const char *expected_start)
{
  g_autofree char *reason = yun_secret_store_dup_unavailable_reason (store);
  gboolean persistent = TRUE;

  g_assert_false (yun_secret_store_get_persistent (store));
  g_object_get (store, "persistent", &persistent, NULL);
  g_assert_false (persistent);

  g_test_message ("reason: %s", reason);
  g_assert_nonnull (reason);
  g_assert_true (g_str_has_prefix (reason, expected_start));
  g_assert_true (g_str_has_suffix (reason, IN_MEMORY_NOTE));
  g_assert_null (strchr (reason, '\n'));
}

/* ---- Without any Secret Service ---- */

static void
test_wipe (void)
{
  char buffer[] = "Wipe-Me-0123456789";
  g_autoptr (YunSecret) scoped = g_strdup ("wiped and freed at the end of the scope");

  /* The caller's buffer, every byte of it, still allocated. */
  yun_secret_wipe (buffer);
  for (gsize i = 0; i < sizeof buffer; i++)
    g_assert_cmpint (buffer[i], ==, '\0');

  yun_secret_wipe (NULL);
  yun_secret_free (NULL);
  yun_secret_free (g_strdup ("wiped, then freed"));
  g_assert_nonnull (scoped);
}

static void
test_memory (void)
{
  g_autoptr (YunSecretStore) store = yun_secret_store_new_in_memory ();

  check_in_memory_reason (store, "YunDesk was asked not to use the system keyring;");
  check_round_trip (store);
  check_isolation (store);
  check_listing (store);
  check_cancelled (store);
}

/* Without a session bus the store falls back to memory and says so, and still works. */
static void
test_no_service (void)
{
  g_autoptr (GError) bus_error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &bus_error);
  g_autoptr (YunSecretStore) store = NULL;

  if (bus != NULL)
    g_error ("%s must run without a D-Bus session bus (unset DBUS_SESSION_BUS_ADDRESS and "
             "DISPLAY, and point XDG_RUNTIME_DIR at a folder without a bus socket)",
             g_test_get_path ());

  store = yun_secret_store_new ();
  check_in_memory_reason (store, "No Secret Service is running (there is no D-Bus session bus: ");
  check_round_trip (store);
  check_isolation (store);
}

/* A session bus, but nothing on it provides the Secret Service. */
static void
test_no_daemon (void)
{
  g_autoptr (GError) bus_error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &bus_error);
  g_autoptr (YunSecretStore) store = NULL;
  g_autofree char *reason = NULL;

  require_keyring_root ();
  g_assert_no_error (bus_error);
  store = yun_secret_store_new ();
  check_in_memory_reason (store, "No Secret Service is running (");
  reason = yun_secret_store_dup_unavailable_reason (store);
  g_assert_nonnull (strstr (reason, "org.freedesktop.secrets"));
  check_round_trip (store);
}

/* ---- With a locked login keyring ---- */

static void
test_locked (void)
{
  g_autoptr (YunSecretStore) store = NULL;
  g_autofree char *secret = dup_unique_secret ("locked");
  g_autofree char *reason = NULL;
  g_autoptr (YunSecret) found = NULL;
  g_autoptr (GError) error = NULL;

  require_keyring_root ();
  store = yun_secret_store_new ();
  check_in_memory_reason (store, "The default keyring “");
  reason = yun_secret_store_dup_unavailable_reason (store);
  g_assert_nonnull (strstr (reason, "” is locked and cannot be unlocked without a prompt"));

  /* Kept in memory, and not written to the keyring behind the user's back. */
  g_assert_true (yun_secret_store_store (store, YUN_SECRET_INSTANCE_PASSWORD, "locked",
                                         "ins-locked01", secret, NULL, &error));
  g_assert_no_error (error);
  found = yun_secret_store_lookup (store, YUN_SECRET_INSTANCE_PASSWORD, "locked", "ins-locked01",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);
}

/* ---- With an unlocked gnome-keyring ---- */

static YunSecretStore *
new_keyring_store (void)
{
  YunSecretStore *store;
  g_autofree char *reason = NULL;
  gboolean persistent = FALSE;

  require_keyring_root ();
  store = yun_secret_store_new ();
  reason = yun_secret_store_dup_unavailable_reason (store);
  g_assert_cmpstr (reason, ==, NULL);
  g_assert_true (yun_secret_store_get_persistent (store));
  g_object_get (store, "persistent", &persistent, NULL);
  g_assert_true (persistent);
  return store;
}

static void
test_keyring_round_trip (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();

  check_round_trip (store);
  check_cancelled (store);
}

static void
test_keyring_isolation (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();

  check_isolation (store);
  check_listing (store);
}

/* What `secret-tool search` says of the items with these attributes: the labels and the
 * secrets it printed. */
static void
search_with_secret_tool (
  const char *kind_name, const char *account, const char *key, char **label_out, char **secret_out)
{
  const char *argv[] = { "secret-tool", "search",  "--all", "xdg:schema", SCHEMA_NAME, "kind",
                         kind_name,     "account", account, "key",        key,         NULL };
  int exit_status = -1;
  g_autofree char *out = run_secret_tool (argv, &exit_status);
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (exit_status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "label = "))
        {
          g_assert_null (*label_out);
          *label_out = g_strdup (lines[i] + strlen ("label = "));
        }
      else if (g_str_has_prefix (lines[i], "secret = "))
        {
          g_assert_null (*secret_out);
          *secret_out = g_strdup (lines[i] + strlen ("secret = "));
        }
    }
}

/* The secrets are in the Secret Service, where secret-tool finds them by the schema's
 * attributes, under labels that say what they are and hold no secret. */
static void
test_keyring_secret_tool (void)
{
  static const char *const expected_labels[] = {
    "YunDesk SecretKey for AKIDtestSecretStore0000000000000000 (profile default)",
    "YunDesk session token for AKIDtestSecretStore0000000000000000 (profile default)",
    "YunDesk password of ins-7kq2m9xa (profile default)",
    "YunDesk new password of job 42 (profile default)",
  };
  g_autoptr (YunSecretStore) store = new_keyring_store ();

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      YunSecretKind kind = all_kinds[i];
      g_autofree char *secret = dup_unique_secret (kind_names[kind]);
      const char *lookup_argv[]
        = { "secret-tool", "lookup",  "xdg:schema", SCHEMA_NAME,     "kind", kind_names[kind],
            "account",     "default", "key",        kind_keys[kind], NULL };
      g_autofree char *looked_up = NULL;
      g_autofree char *label = NULL;
      g_autofree char *searched = NULL;
      g_autoptr (GError) error = NULL;
      int exit_status = -1;

      g_assert_true (
        yun_secret_store_store (store, kind, "default", kind_keys[kind], secret, NULL, &error));
      g_assert_no_error (error);

      looked_up = run_secret_tool (lookup_argv, &exit_status);
      g_assert_cmpint (exit_status, ==, 0);
      g_assert_cmpstr (g_strchomp (looked_up), ==, secret);

      search_with_secret_tool (kind_names[kind], "default", kind_keys[kind], &label, &searched);
      g_assert_cmpstr (searched, ==, secret);
      g_assert_cmpstr (label, ==, expected_labels[kind]);
      g_assert_null (strstr (label, secret));

      g_assert_true (
        yun_secret_store_clear (store, kind, "default", kind_keys[kind], NULL, &error));
      g_assert_no_error (error);
      g_free (looked_up);
      looked_up = run_secret_tool (lookup_argv, &exit_status);
      g_assert_cmpstr (looked_up, ==, "");
    }
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} AsyncWait;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for_result (AsyncWait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
test_keyring_async (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  g_autofree char *secret = dup_unique_secret ("async");
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (GAsyncResult) looked_up = NULL;
  g_autoptr (GAsyncResult) missing = NULL;
  g_autoptr (YunSecret) found = NULL;
  g_autoptr (YunSecret) absent = NULL;
  char *copy = g_strdup (secret);
  AsyncWait wait = { loop, NULL };

  /* The caller's copy may be wiped as soon as the call returns. */
  yun_secret_store_store_async (store, YUN_SECRET_JOB_PASSWORD, "async", "7", copy, NULL, on_done,
                                &wait);
  yun_secret_free (copy);
  stored = wait_for_result (&wait);
  g_assert_true (yun_secret_store_store_finish (store, stored, &error));
  g_assert_no_error (error);

  yun_secret_store_lookup_async (store, YUN_SECRET_JOB_PASSWORD, "async", "7", NULL, on_done,
                                 &wait);
  looked_up = wait_for_result (&wait);
  found = yun_secret_store_lookup_finish (store, looked_up, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_JOB_PASSWORD, "async", "7", NULL, &error));
  g_assert_no_error (error);
  yun_secret_store_lookup_async (store, YUN_SECRET_JOB_PASSWORD, "async", "7", NULL, on_done,
                                 &wait);
  missing = wait_for_result (&wait);
  absent = yun_secret_store_lookup_finish (store, missing, &error);
  g_assert_no_error (error);
  g_assert_null (absent);
}

/* A profile's SecretKey and session token, saved and found through the profile, under the
 * attributes where secret-tool (and so the hint of the error) finds them. */
static void
test_keyring_profile (void)
{
  static const char secret_id[] = "AKIDprofileKeyring00000000000000000";
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  g_autoptr (YunProfile) profile = yun_profile_new ("keyring-profile");
  g_autofree char *secret_key = dup_unique_secret ("profile-key");
  g_autofree char *token = dup_unique_secret ("profile-token");
  const char *lookup_argv[]
    = { "secret-tool", "lookup",          "xdg:schema", SCHEMA_NAME, "kind", "secret-key",
        "account",     "keyring-profile", "key",        secret_id,   NULL };
  g_autoptr (YunCredentials) missing = NULL;
  g_autoptr (YunCredentials) found = NULL;
  g_autoptr (YunCredentials) lasting = NULL;
  g_autofree char *looked_up = NULL;
  g_autoptr (GError) error = NULL;
  int exit_status = -1;

  yun_profile_set_secret_id (profile, secret_id);

  /* None yet: the error says how to save one, and nothing of the environment. */
  missing = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "the system keyring holds none"));
  g_assert_nonnull (strstr (error->message, "secret-tool store"));
  g_assert_null (strstr (error->message, "TENCENTCLOUD"));
  g_clear_error (&error);

  g_assert_true (yun_profile_store_secret_key (profile, store, secret_key, token, NULL, &error));
  g_assert_no_error (error);
  looked_up = run_secret_tool (lookup_argv, &exit_status);
  g_assert_cmpint (exit_status, ==, 0);
  g_assert_cmpstr (g_strchomp (looked_up), ==, secret_key);

  found = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_credentials_get_secret_id (found), ==, secret_id);
  g_assert_cmpstr (yun_credentials_peek_secret_key (found), ==, secret_key);
  g_assert_cmpstr (yun_credentials_peek_session_token (found), ==, token);

  /* Saved again without a token: the old one does not outlive it. */
  g_assert_true (yun_profile_store_secret_key (profile, store, secret_key, NULL, NULL, &error));
  g_assert_no_error (error);
  lasting = yun_profile_resolve_credentials (profile, store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yun_credentials_peek_secret_key (lasting), ==, secret_key);
  g_assert_null (yun_credentials_peek_session_token (lasting));

  g_assert_true (yun_secret_store_clear (store, YUN_SECRET_SECRET_KEY, "keyring-profile", secret_id,
                                         NULL, &error));
  g_assert_no_error (error);
}

/* Every regular file under @directory, recursively. */
static void
collect_files (const char *directory, GPtrArray *files)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (directory, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

/* ---- yunctl, with the SecretKey in the keyring ---- */

/* yunctl with no key in its environment: only the profile and the keyring can supply one. */
static void
run_yunctl (YunTestRun *run, const char *profile, const char *endpoint)
{
  static const char *const unset[] = {
    "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN",
    "TENCENT_SECRET_ID",      "TENCENT_SECRET_KEY",      "YUNDESK_ENDPOINT",
  };
  const char *argv[]
    = { YUNCTL_PATH, "--profile", profile, "--endpoint", endpoint, "regions", NULL };
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    g_subprocess_launcher_unsetenv (launcher, unset[i]);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->exit_status = g_subprocess_get_exit_status (process);
  g_test_message ("yunctl exited %d; stdout:\n%s\nstderr:\n%s", run->exit_status, run->out,
                  run->err);
}

static void
write_profiles (const char *contents)
{
  g_autofree char *path = yun_profile_dup_default_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
test_yunctl_key_from_keyring (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  g_autoptr (YunTestSim) sim = yun_test_sim_spawn ("--seed", "31", NULL);
  const char *secret_id = yun_test_sim_get_secret_id (sim);
  const char *secret_key = yun_test_sim_get_secret_key (sim);
  g_autofree char *profiles = g_strdup_printf ("[profile p]\nsecret-id = %s\n", secret_id);
  g_autoptr (GError) error = NULL;
  g_auto (YunTestRun) missing = { 0 };
  g_auto (YunTestRun) found = { 0 };
  g_auto (YunTestRun) wrong = { 0 };

  write_profiles (profiles);

  /* Not yet in the keyring: the error says where yunctl looked, and how to save it. */
  run_yunctl (&missing, "p", yun_test_sim_get_url (sim));
  g_assert_cmpint (missing.exit_status, ==, 1);
  g_assert_cmpstr (missing.out, ==, "");
  g_assert_nonnull (strstr (missing.err, "TENCENTCLOUD_SECRET_KEY is not set"));
  g_assert_nonnull (strstr (missing.err, "the system keyring holds none"));
  g_assert_nonnull (strstr (missing.err, "secret-tool store"));

  g_assert_true (yun_secret_store_store (store, YUN_SECRET_SECRET_KEY, "p", secret_id, secret_key,
                                         NULL, &error));
  g_assert_no_error (error);
  run_yunctl (&found, "p", yun_test_sim_get_url (sim));
  g_assert_cmpint (found.exit_status, ==, 0);
  g_assert_true (g_str_has_prefix (found.out, "REGION"));
  g_assert_nonnull (strstr (found.out, "ap-guangzhou"));
  g_assert_null (strstr (found.out, secret_key));
  g_assert_null (strstr (found.err, secret_key));

  /* The key of another profile with the same SecretId is not this profile's. */
  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_SECRET_KEY, "p", secret_id, NULL, &error));
  g_assert_true (yun_secret_store_store (store, YUN_SECRET_SECRET_KEY, "someone-else", secret_id,
                                         secret_key, NULL, &error));
  g_assert_no_error (error);
  run_yunctl (&wrong, "p", yun_test_sim_get_url (sim));
  g_assert_cmpint (wrong.exit_status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "the system keyring holds none"));
  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_SECRET_KEY, "someone-else", secret_id, NULL, &error));
  g_assert_no_error (error);
}

/* Temporary credentials: the session token comes from the keyring with the key; yunsim
 * refuses the key without it. The key is saved with the command yunctl's error suggests. */
static void
test_yunctl_session_token_from_keyring (void)
{
  static const char secret_id[] = "AKIDstsKeyringTest00000000000000000";
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  g_autofree char *secret_key = dup_unique_secret ("sts-key");
  g_autofree char *token = dup_unique_secret ("sts-token");
  g_autofree char *credentials = NULL;
  g_autofree char *credentials_path = NULL;
  g_autoptr (YunTestSim) sim = NULL;
  g_autofree char *profiles = g_strdup_printf ("[profile sts]\nsecret-id = %s\n", secret_id);
  g_autoptr (GError) error = NULL;
  g_auto (YunTestRun) without_token = { 0 };
  g_auto (YunTestRun) with_token = { 0 };
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr (GSubprocess) secret_tool = NULL;
  g_autofree char *label = g_strdup_printf ("YunDesk SecretKey for %s (profile sts)", secret_id);
  const char *store_argv[]
    = { "secret-tool", "store",   "--label", label, "xdg:schema", SCHEMA_NAME, "kind",
        "secret-key",  "account", "sts",     "key", secret_id,    NULL };

  credentials_path = g_build_filename (require_keyring_root (), "sts-credentials", NULL);
  credentials = g_strdup_printf ("%s %s %s\n", secret_id, secret_key, token);
  g_assert_true (g_file_set_contents (credentials_path, credentials, -1, &error));
  g_assert_no_error (error);
  sim = yun_test_sim_spawn ("--seed", "32", "--credentials", credentials_path, NULL);
  g_assert_cmpint (g_unlink (credentials_path), ==, 0);
  write_profiles (profiles);

  secret_tool = g_subprocess_launcher_spawnv (launcher, store_argv, &error);
  g_assert_no_error (error);
  g_assert_true (yun_test_communicate (secret_tool, secret_key, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (secret_tool), ==, 0);

  run_yunctl (&without_token, "sts", yun_test_sim_get_url (sim));
  g_assert_cmpint (without_token.exit_status, ==, 1);
  g_assert_nonnull (strstr (without_token.err, "AuthFailure.TokenFailure"));

  g_assert_true (yun_secret_store_store (store, YUN_SECRET_SESSION_TOKEN, "sts", secret_id, token,
                                         NULL, &error));
  g_assert_no_error (error);
  run_yunctl (&with_token, "sts", yun_test_sim_get_url (sim));
  g_assert_cmpint (with_token.exit_status, ==, 0);
  g_assert_true (g_str_has_prefix (with_token.out, "REGION"));
  g_assert_null (strstr (with_token.err, secret_key));
  g_assert_null (strstr (with_token.err, token));

  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_SECRET_KEY, "sts", secret_id, NULL, &error));
  g_assert_true (
    yun_secret_store_clear (store, YUN_SECRET_SESSION_TOKEN, "sts", secret_id, NULL, &error));
  g_assert_no_error (error);
}

/* Runs last. The secrets reach the keyring file on disk only encrypted, and no other file
 * under the test's home and XDG folders holds any secret this run stored, whether through the
 * store, secret-tool or yunctl. */
static void
test_keyring_not_on_disk (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  const char *root = require_keyring_root ();
  g_autofree char *keyring_file
    = g_build_filename (g_get_user_data_dir (), "keyrings", "login.keyring", NULL);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GStatBuf before = { 0 };
  GStatBuf after = { 0 };
  gboolean scanned_keyring = FALSE;

  g_assert_true (g_str_has_prefix (keyring_file, root));
  g_assert_cmpint (g_stat (keyring_file, &before), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      YunSecretKind kind = all_kinds[i];
      g_autofree char *secret = dup_unique_secret ("on-disk");

      g_assert_true (
        yun_secret_store_store (store, kind, "on-disk", kind_keys[kind], secret, NULL, &error));
      g_assert_no_error (error);
    }

  /* gnome-keyring wrote the items into its file: it grew. */
  g_assert_cmpint (g_stat (keyring_file, &after), ==, 0);
  g_assert_cmpint (after.st_size, >, before.st_size);

  collect_files (root, files);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_no_error (error);
      if (g_str_equal (path, keyring_file))
        scanned_keyring = TRUE;
      for (guint s = 0; s < all_secrets->len; s++)
        {
          const char *secret = all_secrets->pdata[s];

          if (memmem (contents, length, secret, strlen (secret)) != NULL)
            g_error ("a secret is in plain text in %s", path);
        }
    }
  g_test_message ("scanned %u files under %s for %u secrets", files->len, root, all_secrets->len);
  g_assert_true (scanned_keyring);
}

static void
job_finished (YunJob *job, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A reset-password job asked to remember the password leaves it in the keyring for each
 * instance that got it, and nothing for the job itself once it has ended. */
static void
test_keyring_remember_password (void)
{
  g_autoptr (YunSecretStore) store = new_keyring_store ();
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--regions", "1", "--instances", "12", "--transition-ms", "300", NULL);
  g_autoptr (YunCredentials) credentials = yun_credentials_new (
    yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim), NULL);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunJobEngine) engine = NULL;
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_RESET_PASSWORD);
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *job_key = NULL;
  g_autoptr (YunSecret) job_password = NULL;
  const char *password = "Remember-Me_2026x";
  GListModel *items;
  gboolean finished = FALSE;
  YunJob *job;

  g_ptr_array_add (all_secrets, g_strdup (password));
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (sim), &error);
  g_assert_no_error (error);
  client = yun_client_new (credentials, endpoint);
  instances = yun_client_describe_instances_all (client, "ap-guangzhou", NULL, NULL, &error);
  g_assert_no_error (error);

  directory = g_dir_make_tmp ("yun-remember-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (directory, "yundesk.db", NULL);
  cache = yun_cache_open (path, &error);
  g_assert_no_error (error);
  engine = yun_job_engine_new (cache, "remember", client);
  yun_job_engine_set_poll_interval (engine, 100);
  yun_job_engine_set_secret_store (engine, store);

  for (guint i = 0; i < instances->len; i++)
    yun_job_spec_add_instance (spec, yun_instance_get_instance_id (instances->pdata[i]),
                               "ap-guangzhou");
  yun_job_spec_set_password (spec, password, NULL);
  yun_job_spec_set_remember_password (spec, TRUE);
  job = yun_job_engine_submit (engine, spec, &error);
  g_assert_no_error (error);
  g_signal_connect (job, "finished", G_CALLBACK (job_finished), &finished);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), >, 0);
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      g_autoptr (YunSecret) remembered
        = yun_secret_store_lookup (store, YUN_SECRET_INSTANCE_PASSWORD, "remember",
                                   yun_job_item_get_instance_id (item), NULL, &error);

      g_assert_no_error (error);
      if (yun_job_item_get_outcome (item) == YUN_JOB_OUTCOME_SUCCEEDED)
        g_assert_cmpstr (remembered, ==, password);
      else
        g_assert_null (remembered);
    }

  /* The job's own copy, kept for a resume, is gone with the job. */
  job_key = g_strdup_printf ("%" G_GINT64_FORMAT, yun_job_get_id (job));
  job_password
    = yun_secret_store_lookup (store, YUN_SECRET_JOB_PASSWORD, "remember", job_key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (job_password);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  all_secrets = g_ptr_array_new_with_free_func (g_free);

  g_test_add_func ("/yun/secret-store/wipe", test_wipe);
  g_test_add_func ("/yun/secret-store/memory", test_memory);
  g_test_add_func ("/yun/secret-store/no-service/fallback", test_no_service);
  g_test_add_func ("/yun/secret-store/no-daemon/fallback", test_no_daemon);
  g_test_add_func ("/yun/secret-store/locked/fallback", test_locked);
  g_test_add_func ("/yun/secret-store/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/yun/secret-store/keyring/isolation", test_keyring_isolation);
  g_test_add_func ("/yun/secret-store/keyring/secret-tool", test_keyring_secret_tool);
  g_test_add_func ("/yun/secret-store/keyring/async", test_keyring_async);
  g_test_add_func ("/yun/secret-store/keyring/profile", test_keyring_profile);
  g_test_add_func ("/yun/secret-store/keyring/yunctl-key", test_yunctl_key_from_keyring);
  g_test_add_func ("/yun/secret-store/keyring/yunctl-session-token",
                   test_yunctl_session_token_from_keyring);
  g_test_add_func ("/yun/secret-store/keyring/remember-password", test_keyring_remember_password);
  g_test_add_func ("/yun/secret-store/keyring/not-on-disk", test_keyring_not_on_disk);

  status = g_test_run ();
  g_ptr_array_unref (all_secrets);
  return status;
}
