/* test-ssh.c: SSH against a real OpenSSH server on loopback: host keys (unknown, recorded,
 * changed), key and password login, commands with exit codes and bounded output, SFTP
 * uploads, an interactive shell with a terminal and resizing, timeouts and cancelling; then
 * ssh-exec and sftp-upload jobs over yunsim instances given the loopback address, the
 * resume rule for a command that may have been sent, yunctl ssh-exec and ssh-command.
 *
 * SPDX-License-Identifier: MIT
 *
 * Runs under tests/run-with-sshd.sh, which starts the server with keys made for the run and
 * describes it in YUN_TEST_SSH* variables. The password case logs in as a throwaway user
 * whose password is this build's canary YUN_TEST_PASSWORD: check-no-secrets then proves it
 * was written nowhere. Without root there is no such user, and that case is skipped.
 */

#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yun-core-private.h"
#include "yun-job-private.h"
#include "yun-test-sim.h"

#define ACCOUNT "ssh-test"

typedef struct
{
  guint port;
  char *directory;   /* this case's own files */
  char *known_hosts; /* in @directory, empty at first */
  char *no_keys;     /* an identity folder without keys */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->port = (guint) g_ascii_strtoull (yun_test_sshd_env ("YUN_TEST_SSHD_PORT"), NULL, 10);
  g_assert_cmpuint (fixture->port, >, 0);
  fixture->directory = g_dir_make_tmp ("yun-ssh-XXXXXX", &error);
  g_assert_no_error (error);
  /* Readable by others: sshd's sftp runs as the password user in some cases. */
  g_chmod (fixture->directory, 0755);
  fixture->known_hosts = g_build_filename (fixture->directory, "ssh", "known_hosts", NULL);
  fixture->no_keys = g_build_filename (fixture->directory, "no-keys", NULL);
  g_mkdir (fixture->no_keys, 0700);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  yun_test_remove_tree (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->known_hosts);
  g_free (fixture->no_keys);
}

/* The base64 key of an OpenSSH public key file ("type base64 comment"). */
static char *
dup_public_key (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) fields = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (g_strstrip (contents), " ", 3);
  g_assert_cmpstr (fields[0], ==, "ssh-ed25519");
  return g_strdup (fields[1]);
}

/* OpenSSH's own fingerprint of a public key file. */
static void
write_known_hosts (Fixture *fixture, const char *public_key_file)
{
  g_autofree char *key = dup_public_key (public_key_file);
  g_autofree char *line
    = g_strdup_printf ("# kept as it is\n[127.0.0.1]:%u ssh-ed25519 %s\n", fixture->port, key);
  g_autofree char *directory = g_path_get_dirname (fixture->known_hosts);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (directory, 0700);
  g_file_set_contents (fixture->known_hosts, line, -1, &error);
  g_assert_no_error (error);
}

static YunSshSession *
new_session (Fixture *fixture, const char *identity_directory)
{
  YunSshSession *session = yun_ssh_session_new ("127.0.0.1", fixture->port);

  yun_ssh_session_set_known_hosts_file (session, fixture->known_hosts);
  yun_ssh_session_set_identity_directory (session, identity_directory);
  yun_ssh_session_set_use_agent (session, FALSE);
  yun_ssh_session_set_timeout (session, 10000);
  return session;
}

/* Connected (the server's key known), and logged in with the test key. */
static YunSshSession *
logged_in_session (Fixture *fixture)
{
  YunSshSession *session = NULL;
  g_autoptr (GError) error = NULL;

  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  session = new_session (fixture, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));
  g_assert_true (yun_ssh_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (yun_ssh_session_authenticate (session, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"),
                                               NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return session;
}

static char *
dup_bytes (GBytes *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  return g_strndup (data, length);
}

/* ---- Host keys ---- */

/* An unknown key fails with its fingerprint (OpenSSH's own), is recorded once accepted, in
 * OpenSSH's format, after the lines already there; the next connection knows it. */
static void
test_host_key_unknown (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) first
    = new_session (fixture, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));
  g_autoptr (YunSshSession) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint
    = yun_test_dup_key_fingerprint (yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  g_autofree char *key = dup_public_key (yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  struct stat info;

  g_assert_false (yun_ssh_session_connect (first, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_clear_error (&error);
  g_assert_cmpstr (yun_ssh_session_get_host_key_fingerprint (first), ==, fingerprint);
  g_assert_cmpstr (yun_ssh_session_get_host_key_type (first), ==, "ssh-ed25519");
  g_assert_false (g_file_test (fixture->known_hosts, G_FILE_TEST_EXISTS));

  /* Nothing goes on before the user said yes. */
  g_assert_false (yun_ssh_session_authenticate (first, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"),
                                                NULL, NULL, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED);
  g_clear_error (&error);

  g_assert_true (yun_ssh_session_accept_host_key (first, &error));
  g_assert_no_error (error);
  g_file_get_contents (fixture->known_hosts, &contents, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("[127.0.0.1]:%u ssh-ed25519 %s\n", fixture->port, key);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpint (g_stat (fixture->known_hosts, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_true (yun_ssh_session_authenticate (first, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"),
                                               NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  second = new_session (fixture, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));
  g_assert_true (yun_ssh_session_connect (second, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (fixture->known_hosts, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, expected);
}

/* A changed key closes the connection before anything is sent, and cannot be accepted. */
static void
test_host_key_changed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_OTHER_HOST_KEY"));
  g_file_get_contents (fixture->known_hosts, &before, NULL, NULL);
  session = new_session (fixture, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));

  g_assert_false (yun_ssh_session_connect (session, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_CHANGED);
  g_assert_nonnull (strstr (error->message, "changed"));
  g_clear_error (&error);

  g_assert_false (yun_ssh_session_accept_host_key (session, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (yun_ssh_session_authenticate (
    session, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), NULL, NULL, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED);
  g_file_get_contents (fixture->known_hosts, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
}

/* ---- Logging in ---- */

static void
test_login_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = logged_in_session (fixture);
  g_autoptr (YunSshSession) refused = NULL;
  g_autoptr (YunSshExecResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%s\n", yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"));

  g_assert_cmpstr (yun_ssh_session_get_auth_method (session), ==, "publickey");
  result = yun_ssh_session_exec (session, "id -un", 0, 30, NULL, &error);
  g_assert_no_error (error);
  out = dup_bytes (result->stdout_data);
  g_assert_cmpstr (out, ==, expected);

  /* Without the key (and no password), the server says no. */
  refused = new_session (fixture, fixture->no_keys);
  g_assert_true (yun_ssh_session_connect (refused, NULL, &error));
  g_assert_false (yun_ssh_session_authenticate (
    refused, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), NULL, NULL, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION);
  g_assert_null (yun_ssh_session_get_auth_method (refused));
}

/* A key held by ssh-agent only (none in the identity folder): the agent logs in. */
static void
test_login_agent (Fixture *fixture, gconstpointer data)
{
  g_autofree char *socket_path = g_build_filename (fixture->directory, "agent.sock", NULL);
  g_autofree char *key
    = g_build_filename (yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"), "id_ed25519", NULL);
  const char *agent_argv[] = { "ssh-agent", "-D", "-a", socket_path, NULL };
  const char *add_argv[] = { "ssh-add", "-q", key, NULL };
  g_autofree char *saved_socket = g_strdup (g_getenv ("SSH_AUTH_SOCK"));
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GSubprocess) agent = NULL;
  g_autoptr (GSubprocess) add = NULL;
  g_autoptr (YunSshSession) session = NULL;
  g_autoptr (YunSshSession) without = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  agent = g_subprocess_launcher_spawnv (launcher, agent_argv, &error);
  g_assert_no_error (error);
  while (!g_file_test (socket_path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  g_subprocess_launcher_setenv (launcher, "SSH_AUTH_SOCK", socket_path, TRUE);
  add = g_subprocess_launcher_spawnv (launcher, add_argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (add, NULL, &error));
  g_assert_no_error (error);

  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  g_setenv ("SSH_AUTH_SOCK", socket_path, TRUE);
  session = new_session (fixture, fixture->no_keys);
  yun_ssh_session_set_use_agent (session, TRUE);
  g_assert_true (yun_ssh_session_connect (session, NULL, &error));
  g_assert_true (yun_ssh_session_authenticate (session, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"),
                                               NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (yun_ssh_session_get_auth_method (session), ==, "ssh-agent");

  /* The same, told not to use the agent: refused. */
  without = new_session (fixture, fixture->no_keys);
  g_assert_true (yun_ssh_session_connect (without, NULL, &error));
  g_assert_false (yun_ssh_session_authenticate (
    without, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), NULL, NULL, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION);

  if (saved_socket != NULL)
    g_setenv ("SSH_AUTH_SOCK", saved_socket, TRUE);
  else
    g_unsetenv ("SSH_AUTH_SOCK");
  g_subprocess_force_exit (agent);
  g_subprocess_wait (agent, NULL, NULL);
}

static void
test_login_password (Fixture *fixture, gconstpointer data)
{
  const char *user = g_getenv ("YUN_TEST_SSH_PASSWORD_USER");
  const char *password = g_getenv ("YUN_TEST_PASSWORD");
  g_autoptr (YunSshSession) session = NULL;
  g_autoptr (YunSshSession) wrong = NULL;
  g_autoptr (YunSshExecResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *wrong_password = NULL;

  if (user == NULL || password == NULL)
    {
      g_test_skip ("Password login needs a throwaway user with a known password, which "
                   "run-with-sshd.sh makes only when run as root (and YUN_TEST_PASSWORD set)");
      return;
    }
  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));

  /* No key that could log in: only the password can. */
  session = new_session (fixture, fixture->no_keys);
  g_assert_true (yun_ssh_session_connect (session, NULL, &error));
  g_assert_true (yun_ssh_session_authenticate (session, user, password, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (yun_ssh_session_get_auth_method (session), ==, "password");
  result = yun_ssh_session_exec (session, "id -un", 0, 30, NULL, &error);
  g_assert_no_error (error);
  out = dup_bytes (result->stdout_data);
  expected = g_strdup_printf ("%s\n", user);
  g_assert_cmpstr (out, ==, expected);

  wrong_password = g_strconcat (password, "-wrong", NULL);
  wrong = new_session (fixture, fixture->no_keys);
  g_assert_true (yun_ssh_session_connect (wrong, NULL, &error));
  g_assert_false (yun_ssh_session_authenticate (wrong, user, wrong_password, NULL, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION);
  /* The message names the methods, never the password. */
  g_assert_null (strstr (error->message, password));
}

/* ---- Commands ---- */

static void
test_exec (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = logged_in_session (fixture);
  g_autoptr (GError) error = NULL;
  gint64 start;

  {
    g_autoptr (YunSshExecResult) result
      = yun_ssh_session_exec (session, "echo out; echo err >&2; exit 3", 0, 30, NULL, &error);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_no_error (error);
    out = dup_bytes (result->stdout_data);
    err = dup_bytes (result->stderr_data);
    g_assert_cmpint (result->exit_status, ==, 3);
    g_assert_null (result->exit_signal);
    g_assert_cmpstr (out, ==, "out\n");
    g_assert_cmpstr (err, ==, "err\n");
    g_assert_false (result->stdout_truncated);
  }

  /* 200,000 bytes of output: 1,000 kept, the rest read and dropped, the cut flagged. */
  {
    g_autoptr (YunSshExecResult) result = yun_ssh_session_exec (
      session, "head -c 200000 /dev/zero | tr '\\0' x; echo done >&2", 1000, 30, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpuint (g_bytes_get_size (result->stdout_data), ==, 1000);
    g_assert_true (result->stdout_truncated);
    g_assert_false (result->stderr_truncated);
    g_assert_cmpuint (g_bytes_get_size (result->stderr_data), ==, 5);
  }

  /* A signal, not an exit status. */
  {
    g_autoptr (YunSshExecResult) result
      = yun_ssh_session_exec (session, "kill -TERM $$", 0, 30, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->exit_signal, ==, "TERM");
  }

  /* A command that outlives its timeout: back in about a second. */
  start = g_get_monotonic_time ();
  g_assert_null (yun_ssh_session_exec (session, "sleep 20", 0, 1, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* ---- Timeouts and cancelling ---- */

static gpointer
cancel_later (gpointer user_data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (user_data);
  return NULL;
}

/* A server that accepts the connection and never says a word: the handshake times out, or
 * is cancelled, without hanging. */
static void
test_connect_timeout (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (YunSshSession) silent = NULL;
  g_autoptr (YunSshSession) cancelled = NULL;
  g_autoptr (YunSshSession) refused = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GThread *canceller;
  guint port;
  gint64 start;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  silent = yun_ssh_session_new ("127.0.0.1", port);
  yun_ssh_session_set_known_hosts_file (silent, fixture->known_hosts);
  yun_ssh_session_set_timeout (silent, 700);
  start = g_get_monotonic_time ();
  g_assert_false (yun_ssh_session_connect (silent, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 600 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Cancelled from another thread (as a window closing would) while it waits. */
  cancelled = yun_ssh_session_new ("127.0.0.1", port);
  yun_ssh_session_set_timeout (cancelled, 60000);
  start = g_get_monotonic_time ();
  canceller = g_thread_new ("canceller", cancel_later, cancellable);
  g_assert_false (yun_ssh_session_connect (cancelled, cancellable, &error));
  g_thread_join (g_steal_pointer (&canceller));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Nothing listens: refused at once. */
  g_socket_listener_close (listener);
  refused = yun_ssh_session_new ("127.0.0.1", port);
  g_assert_false (yun_ssh_session_connect (refused, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CONNECT);
}

/* ---- SFTP ---- */

static void
test_sftp_upload (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = logged_in_session (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *local = g_build_filename (fixture->directory, "deploy.sh", NULL);
  g_autofree char *remote_dir = g_build_filename (fixture->directory, "remote", NULL);
  g_autofree char *remote = g_build_filename (remote_dir, "deploy.sh", NULL);
  g_autofree char *missing = g_build_filename (fixture->directory, "no-such-dir", "x", NULL);
  g_autoptr (GString) big = g_string_new ("#!/bin/sh\n");
  g_autofree char *contents = NULL;
  g_autoptr (GDir) dir = NULL;
  struct stat info;
  gsize length = 0;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (big, "echo line %u\n", i);
  g_mkdir (remote_dir, 0755);
  g_file_set_contents (local, big->str, (gssize) big->len, &error);
  g_assert_no_error (error);
  g_chmod (local, 0750);

  /* The local file's mode, its whole contents. */
  g_assert_true (yun_ssh_session_upload (session, local, remote, -1, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (remote, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, big->len);
  g_assert_cmpmem (contents, length, big->str, big->len);
  g_assert_cmpint (g_stat (remote, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 07777, ==, 0750);

  /* Replacing it, with a mode given. */
  g_file_set_contents (local, "second\n", -1, &error);
  g_assert_true (yun_ssh_session_upload (session, local, remote, 0604, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (remote, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "second\n");
  g_assert_cmpint (g_stat (remote, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 07777, ==, 0604);

  /* No temporary file left behind. */
  dir = g_dir_open (remote_dir, 0, &error);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "deploy.sh");
  g_assert_null (g_dir_read_name (dir));

  /* A folder that does not exist: a file error, nothing left. */
  g_assert_false (yun_ssh_session_upload (session, local, missing, -1, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_FILE);
  g_clear_error (&error);
  /* A local file that does not exist. */
  g_assert_false (yun_ssh_session_upload (session, missing, remote, -1, NULL, &error));
  g_assert_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_FILE);
}

/* ---- An interactive shell ---- */

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} BridgeResult;

static void
bridge_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BridgeResult *bridge = user_data;

  bridge->ok = yun_ssh_shell_bridge_finish (YUN_SSH_SHELL (source), result, &bridge->error);
  bridge->done = TRUE;
}

/* Reads @fd (non-blocking) into @seen while spinning the main context, until @needle shows
 * or the bridge ends. */
static void
read_until (int fd, GString *seen, const char *needle, BridgeResult *bridge)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (strstr (seen->str, needle) == NULL)
    {
      char buffer[4096];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n > 0)
        g_string_append_len (seen, buffer, n);
      else if (bridge->done)
        break;
      else
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (5000);
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never came; the terminal showed:\n%s", needle, seen->str);
    }
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main context until an _async call has called back. */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* A shell in a remote terminal of 80 × 24, opened the way the window does (every step
 * _async, the main context free meanwhile) and bridged to a socket as the terminal widget's
 * pseudo-terminal would be: it runs what is typed, takes a new size from another thread, and
 * ends with its exit status. */
static void
test_shell (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = NULL;
  g_autoptr (YunSshShell) shell = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) seen = g_string_new (NULL);
  BridgeResult bridge = { 0 };
  const char *typed = "stty size; echo sum-$((6 * 7))\n";
  int pair[2];
  int status = -1;

  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_HOST_KEY"));
  session = new_session (fixture, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));
  {
    g_autoptr (GAsyncResult) result = NULL;

    yun_ssh_session_connect_async (session, NULL, store_result, &result);
    g_assert_true (yun_ssh_session_connect_finish (session, wait_result (&result), &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;

    yun_ssh_session_authenticate_async (session, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), NULL,
                                        NULL, NULL, store_result, &result);
    g_assert_true (yun_ssh_session_authenticate_finish (session, wait_result (&result), &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;

    yun_ssh_session_open_shell_async (session, "xterm-256color", 80, 24, NULL, store_result,
                                      &result);
    shell = yun_ssh_session_open_shell_finish (session, wait_result (&result), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (yun_ssh_shell_get_fd (shell), >=, 0);
  g_assert_true (yun_ssh_shell_get_condition (shell) & G_IO_IN);

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
  g_assert_true (g_unix_set_fd_nonblocking (pair[0], TRUE, NULL));
  yun_ssh_shell_bridge_async (shell, pair[1], NULL, bridge_done, &bridge);

  g_assert_cmpint (write (pair[0], typed, strlen (typed)), ==, (gssize) strlen (typed));
  read_until (pair[0], seen, "sum-42", &bridge);
  g_assert_nonnull (strstr (seen->str, "24 80"));

  /* As the widget would, from its own thread while the bridge runs. */
  yun_ssh_shell_set_size (shell, 132, 40);
  typed = "stty size; exit 7\n";
  g_assert_cmpint (write (pair[0], typed, strlen (typed)), ==, (gssize) strlen (typed));
  read_until (pair[0], seen, "40 132", &bridge);

  while (!bridge.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (bridge.error);
  g_assert_true (bridge.ok);
  g_assert_true (yun_ssh_shell_get_eof (shell));
  g_assert_true (yun_ssh_shell_get_exit_status (shell, &status));
  g_assert_cmpint (status, ==, 7);
  close (pair[0]);
  close (pair[1]);
}

/* The same through a real pseudo-terminal, as with the terminal widget: the bridge works on
 * the peer (raw: what is typed is not echoed or cooked locally), the widget's side reads and
 * writes the master. */
static void
test_shell_pty (Fixture *fixture, gconstpointer data)
{
  g_autoptr (YunSshSession) session = logged_in_session (fixture);
  g_autoptr (YunSshShell) shell = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) seen = g_string_new (NULL);
  BridgeResult bridge = { 0 };
  const char *typed = "echo pty-$((1 + 1)); exit 3\n";
  int master;
  int peer;
  int status = -1;

  shell = yun_ssh_session_open_shell (session, NULL, 100, 30, NULL, &error);
  g_assert_no_error (error);
  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (master, >=, 0);
  peer = yun_ssh_shell_open_pty_peer (master, &error);
  g_assert_no_error (error);
  g_assert_true (g_unix_set_fd_nonblocking (master, TRUE, NULL));
  yun_ssh_shell_bridge_async (shell, peer, NULL, bridge_done, &bridge);

  g_assert_cmpint (write (master, typed, strlen (typed)), ==, (gssize) strlen (typed));
  read_until (master, seen, "pty-2", &bridge);
  while (!bridge.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (bridge.error);
  g_assert_true (yun_ssh_shell_get_exit_status (shell, &status));
  g_assert_cmpint (status, ==, 3);
  close (peer);
  close (master);

  /* Not a pseudo-terminal. */
  {
    int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);

    g_assert_cmpint (yun_ssh_shell_open_pty_peer (null_fd, &error), ==, -1);
    g_assert_true (error != NULL && error->domain == G_IO_ERROR);
    close (null_fd);
  }
}

/* ---- The "copy SSH command" ---- */

static void
test_command_text (void)
{
  g_autofree char *plain = yun_ssh_format_command ("root", "203.0.113.7", 22);
  g_autofree char *port = yun_ssh_format_command ("ubuntu", "203.0.113.7", 2222);
  g_autofree char *odd = yun_ssh_format_command ("a b$", "203.0.113.7", 22);

  g_assert_cmpstr (plain, ==, "ssh -p 22 root@203.0.113.7");
  g_assert_cmpstr (port, ==, "ssh -p 2222 ubuntu@203.0.113.7");
  g_assert_cmpstr (odd, ==, "ssh -p 22 'a b$@203.0.113.7'");
}

/* ---- Jobs over yunsim instances ---- */

typedef struct
{
  YunTestSim *sim;
  YunCache *cache;
  YunClient *client;
  YunJobEngine *engine;
  char *region;
  GPtrArray *loopback; /* IDs of the RUNNING Linux instances on 127.0.0.1 */
  char *stopped;       /* a STOPPED instance, also on 127.0.0.1 */
} Cloud;

static void
cloud_set_up (Cloud *cloud, Fixture *fixture)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cache_path = g_build_filename (fixture->directory, "yundesk.db", NULL);
  g_autoptr (json_object) state = NULL;
  json_object *instances = NULL;

  /* Three running Linux instances given 127.0.0.1 at start-up (--loopback-ip=N). */
  cloud->sim
    = yun_test_sim_spawn ("--seed", "61", "--regions", "1", "--instances", "30", "--windows-share",
                          "0", "--transition-ms", "200", "--loopback-ip=3", NULL);
  credentials = yun_credentials_new (yun_test_sim_get_secret_id (cloud->sim),
                                     yun_test_sim_get_secret_key (cloud->sim), NULL);
  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (cloud->sim), &error);
  g_assert_no_error (error);
  cloud->client = yun_client_new (credentials, endpoint);
  cloud->cache = yun_cache_open (cache_path, &error);
  g_assert_no_error (error);
  cloud->engine = yun_job_engine_new (cloud->cache, ACCOUNT, cloud->client);
  yun_job_engine_set_poll_interval (cloud->engine, 100);

  cloud->loopback = g_ptr_array_new_with_free_func (g_free);
  state = yun_test_sim_admin_get (cloud->sim, "state");
  g_assert_true (json_object_object_get_ex (state, "instances", &instances));
  for (size_t i = 0; i < json_object_array_length (instances); i++)
    {
      json_object *instance = json_object_array_get_idx (instances, i);
      json_object *ips = NULL;
      const char *ip = NULL;

      if (json_object_object_get_ex (instance, "PublicIpAddresses", &ips) && ips != NULL
          && json_object_array_length (ips) > 0)
        ip = json_object_get_string (json_object_array_get_idx (ips, 0));
      if (g_strcmp0 (ip, "127.0.0.1") == 0)
        {
          g_assert_cmpstr (yun_test_json_string (instance, "InstanceState"), ==, "RUNNING");
          g_ptr_array_add (cloud->loopback,
                           g_strdup (yun_test_json_string (instance, "InstanceId")));
          g_free (cloud->region);
          cloud->region = g_strdup (yun_test_json_string (instance, "Region"));
        }
      else if (cloud->stopped == NULL
               && g_strcmp0 (yun_test_json_string (instance, "InstanceState"), "STOPPED") == 0)
        cloud->stopped = g_strdup (yun_test_json_string (instance, "InstanceId"));
    }
  g_assert_cmpuint (cloud->loopback->len, ==, 3);
  g_assert_nonnull (cloud->stopped);

  /* The admin API does the same while the simulator runs. */
  {
    g_autofree char *path = g_strdup_printf ("instances/%s", cloud->stopped);
    g_autoptr (json_object) answer
      = yun_test_sim_admin_post (cloud->sim, path, "{\"PublicIpAddress\":\"127.0.0.1\"}");
    json_object *ips = NULL;

    g_assert_true (json_object_object_get_ex (answer, "PublicIpAddresses", &ips));
    g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (ips, 0)), ==, "127.0.0.1");
  }
}

static void
cloud_tear_down (Cloud *cloud)
{
  yun_test_release (&cloud->engine);
  g_clear_object (&cloud->cache);
  g_clear_object (&cloud->client);
  g_ptr_array_unref (cloud->loopback);
  g_free (cloud->region);
  g_free (cloud->stopped);
  yun_test_sim_free (cloud->sim);
}

static gboolean
job_finished (gpointer job)
{
  return yun_job_get_finished (job);
}

static void
wait_for_job (YunJob *job)
{
  yun_test_run_until (job_finished, job, 60, "a job's end");
}

static YunJobItem *
find_item (YunJob *job, const char *instance_id)
{
  GListModel *items = yun_job_get_items (job);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (yun_job_item_get_instance_id (item), instance_id) == 0)
        return item;
    }
  g_error ("no item for %s", instance_id);
  return NULL;
}

static YunJobSpec *
ssh_spec (Cloud *cloud, Fixture *fixture, YunJobKind kind, gboolean with_stopped)
{
  YunJobSpec *spec = yun_job_spec_new (kind);

  for (guint i = 0; i < cloud->loopback->len; i++)
    yun_job_spec_add_instance (spec, cloud->loopback->pdata[i], cloud->region);
  if (with_stopped)
    yun_job_spec_add_instance (spec, cloud->stopped, cloud->region);
  yun_job_spec_set_ssh_login (spec, yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), NULL,
                              fixture->port, NULL);
  yun_job_spec_set_ssh_host_keys (spec, fixture->known_hosts, TRUE);
  yun_job_spec_set_ssh_identity_directory (spec, yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"));
  return spec;
}

/* ssh-exec on three instances that all reach the test server, plus a STOPPED one: exit
 * codes and output per instance as run-command gives them, the unknown host key recorded
 * once (accept-new), the stopped instance skipped; the journal holds no password. */
static void
test_job_exec (Fixture *fixture, gconstpointer data)
{
  Cloud cloud = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) script = g_bytes_new_static ("echo from-$((40 + 2)); exit 5", 29);
  g_autoptr (GBytes) fine = g_bytes_new_static ("printf ok", 9);
  g_autofree char *contents = NULL;
  g_autofree char *json = NULL;
  YunJob *job;

  cloud_set_up (&cloud, fixture);

  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, TRUE);

    g_assert_true (yun_job_spec_set_command (spec, script, 30, &error));
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    wait_for_job (job);
  }
  for (guint i = 0; i < cloud.loopback->len; i++)
    {
      YunJobItem *item = find_item (job, cloud.loopback->pdata[i]);

      g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_FAILED);
      g_assert_true (yun_job_item_get_has_exit_code (item));
      g_assert_cmpint (yun_job_item_get_exit_code (item), ==, 5);
      g_assert_cmpstr (yun_job_item_get_output (item), ==, "from-42\n");
      g_assert_cmpstr (yun_job_item_get_code (item), ==, "FAILED");
      g_assert_cmpuint (yun_job_item_get_attempts (item), ==, 1);
    }
  {
    YunJobItem *item = find_item (job, cloud.stopped);

    g_assert_cmpint (yun_job_item_get_outcome (item), ==, YUN_JOB_OUTCOME_SKIPPED);
    g_assert_cmpstr (yun_job_item_get_reason (item), ==, "not RUNNING (STOPPED)");
    g_assert_false (yun_job_item_get_has_exit_code (item));
  }
  json = yun_job_to_json (job);
  g_assert_nonnull (strstr (json, "\"exit_code\": 5"));
  g_assert_nonnull (strstr (json, "\"kind\": \"ssh-exec\""));

  /* Retrying the failed ones runs the same command on them again (not the skipped one). */
  {
    YunJob *retry = yun_job_engine_retry_failed (cloud.engine, job, NULL, &error);

    g_assert_no_error (error);
    wait_for_job (retry);
    g_assert_cmpint (yun_job_get_kind (retry), ==, YUN_JOB_KIND_SSH_EXEC);
    g_assert_cmpuint (yun_job_get_n_items (retry), ==, 3);
    g_assert_cmpint (yun_job_item_get_exit_code (find_item (retry, cloud.loopback->pdata[1])), ==,
                     5);
  }

  /* accept-new recorded the server's key, once, though three connections saw it new. */
  g_file_get_contents (fixture->known_hosts, &contents, NULL, &error);
  g_assert_no_error (error);
  {
    g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);

    /* One line, and the empty string after its newline. */
    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_true (g_str_has_prefix (lines[0], "[127.0.0.1]:"));
  }

  /* Exit 0 is a success. */
  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, FALSE);

    g_assert_true (yun_job_spec_set_command (spec, fine, 0, &error));
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    wait_for_job (job);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
    g_assert_cmpstr (yun_job_item_get_output (find_item (job, cloud.loopback->pdata[0])), ==, "ok");
  }

  /* A dry run tells where it would connect, and sends nothing. */
  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, TRUE);
    g_autofree char *plan
      = g_strdup_printf ("would connect as %s to 127.0.0.1 port %u",
                         yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), fixture->port);

    g_assert_true (yun_job_spec_set_command (spec, fine, 0, &error));
    yun_job_spec_set_dry_run (spec, TRUE);
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    wait_for_job (job);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_WOULD_SEND), ==, 3);
    g_assert_cmpstr (yun_job_item_get_reason (find_item (job, cloud.loopback->pdata[0])), ==, plan);
    g_assert_cmpint (yun_job_item_get_outcome (find_item (job, cloud.stopped)), ==,
                     YUN_JOB_OUTCOME_SKIPPED);
  }

  /* Cancelled while the commands run: each connection is dropped at once, and the items say
   * the command may have run. */
  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, FALSE);
    g_autofree char *marker = g_build_filename (fixture->directory, "started", NULL);
    g_autofree char *command = g_strdup_printf ("echo x >> %s; sleep 30", marker);
    g_autoptr (GBytes) slow = g_bytes_new (command, strlen (command));
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    gint64 start;

    g_assert_true (yun_job_spec_set_command (spec, slow, 0, &error));
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    /* Until the three commands run. */
    while (TRUE)
      {
        g_autofree char *started = NULL;

        if (g_file_get_contents (marker, &started, NULL, NULL) && strlen (started) == 6)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    start = g_get_monotonic_time ();
    yun_job_cancel (job);
    wait_for_job (job);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 3);
    g_assert_cmpstr (yun_job_item_get_code (find_item (job, cloud.loopback->pdata[0])), ==,
                     "Cancelled");
    g_assert_nonnull (strstr (yun_job_item_get_message (find_item (job, cloud.loopback->pdata[0])),
                              "may have run"));
  }

  /* Without accepting new keys, a server the file does not know fails every item. */
  g_unlink (fixture->known_hosts);
  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, FALSE);

    yun_job_spec_set_ssh_host_keys (spec, fixture->known_hosts, FALSE);
    g_assert_true (yun_job_spec_set_command (spec, fine, 0, &error));
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    wait_for_job (job);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 3);
    g_assert_cmpstr (yun_job_item_get_code (find_item (job, cloud.loopback->pdata[0])), ==,
                     "HostKeyUnknown");
    g_assert_false (g_file_test (fixture->known_hosts, G_FILE_TEST_EXISTS));
  }

  /* A changed key: refused, whatever accept-new says. */
  write_known_hosts (fixture, yun_test_sshd_env ("YUN_TEST_SSH_OTHER_HOST_KEY"));
  {
    g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, FALSE);

    g_assert_true (yun_job_spec_set_command (spec, fine, 0, &error));
    job = yun_job_engine_submit (cloud.engine, spec, &error);
    g_assert_no_error (error);
    wait_for_job (job);
    g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 3);
    g_assert_cmpstr (yun_job_item_get_code (find_item (job, cloud.loopback->pdata[1])), ==,
                     "HostKeyChanged");
  }

  cloud_tear_down (&cloud);
}

/* A password job: the password reaches the server and nothing else, the journal says only
 * that there was one. */
static void
test_job_password (Fixture *fixture, gconstpointer data)
{
  const char *user = g_getenv ("YUN_TEST_SSH_PASSWORD_USER");
  const char *password = g_getenv ("YUN_TEST_PASSWORD");
  Cloud cloud = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) script = g_bytes_new_static ("id -un", 6);
  g_autoptr (YunJobSpec) spec = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *expected = NULL;
  YunJob *job;

  if (user == NULL || password == NULL)
    {
      g_test_skip ("Password login needs the throwaway user run-with-sshd.sh makes as root");
      return;
    }
  cloud_set_up (&cloud, fixture);
  spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SSH_EXEC, FALSE);
  yun_job_spec_set_ssh_login (spec, user, NULL, fixture->port, password);
  yun_job_spec_set_ssh_identity_directory (spec, fixture->no_keys);
  g_assert_true (yun_job_spec_set_command (spec, script, 0, &error));
  job = yun_job_engine_submit (cloud.engine, spec, &error);
  g_assert_no_error (error);
  wait_for_job (job);
  expected = g_strdup_printf ("%s\n", user);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
  g_assert_cmpstr (yun_job_item_get_output (find_item (job, cloud.loopback->pdata[2])), ==,
                   expected);

  records = _yun_journal_load (cloud.cache, ACCOUNT, FALSE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  {
    YunJobRecord *record = records->pdata[0];
    const char *params = json_object_to_json_string (record->params);

    g_assert_nonnull (strstr (params, "\"HasPassword\""));
    g_assert_null (strstr (params, password));
  }
  cloud_tear_down (&cloud);
}

/* sftp-upload on the three instances (one server: the same file three times, each time
 * replaced whole) with the mode asked for. */
static void
test_job_upload (Fixture *fixture, gconstpointer data)
{
  Cloud cloud = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (YunJobSpec) spec = NULL;
  g_autofree char *local = g_build_filename (fixture->directory, "app.conf", NULL);
  g_autofree char *remote = g_build_filename (fixture->directory, "uploaded.conf", NULL);
  g_autofree char *contents = NULL;
  struct stat info;
  YunJob *job;

  cloud_set_up (&cloud, fixture);
  g_file_set_contents (local, "listen = 8080\n", -1, &error);
  g_assert_no_error (error);

  spec = ssh_spec (&cloud, fixture, YUN_JOB_KIND_SFTP_UPLOAD, TRUE);
  g_assert_true (yun_job_spec_set_upload (spec, local, remote, 0640, &error));
  job = yun_job_engine_submit (cloud.engine, spec, &error);
  g_assert_no_error (error);
  wait_for_job (job);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SKIPPED), ==, 1);
  g_file_get_contents (remote, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "listen = 8080\n");
  g_assert_cmpint (g_stat (remote, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 07777, ==, 0640);

  /* A file that cannot be read is refused before anything is journaled. */
  {
    g_autoptr (YunJobSpec) bad = yun_job_spec_new (YUN_JOB_KIND_SFTP_UPLOAD);

    g_assert_false (yun_job_spec_set_upload (bad, "/no/such/file", remote, -1, &error));
    g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  }
  cloud_tear_down (&cloud);
}

/* A job that stopped (a crash) with its items at the sending step: the command is reported
 * unknown and not run again; the upload is sent again. */
static void
test_job_resume (Fixture *fixture, gconstpointer data)
{
  Cloud cloud = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *marker = g_build_filename (fixture->directory, "ran", NULL);
  g_autofree char *command = g_strdup_printf ("echo x >> %s", marker);
  g_autofree char *local = g_build_filename (fixture->directory, "resumed.txt", NULL);
  g_autofree char *remote = g_build_filename (fixture->directory, "resumed-remote.txt", NULL);
  g_autoptr (YunJobEngine) resumed = NULL;
  g_autoptr (GBytes) script = NULL;

  cloud_set_up (&cloud, fixture);
  g_file_set_contents (local, "again\n", -1, &error);
  script = g_bytes_new (command, strlen (command));

  for (guint k = 0; k < 2; k++)
    {
      YunJobKind kind = k == 0 ? YUN_JOB_KIND_SSH_EXEC : YUN_JOB_KIND_SFTP_UPLOAD;
      g_autoptr (YunJobSpec) spec = ssh_spec (&cloud, fixture, kind, FALSE);
      g_autoptr (YunJobRecord) record = _yun_job_record_new (kind);

      if (kind == YUN_JOB_KIND_SSH_EXEC)
        g_assert_true (yun_job_spec_set_command (spec, script, 0, NULL));
      else
        g_assert_true (yun_job_spec_set_upload (spec, local, remote, -1, NULL));
      /* What the journal holds when YunDesk dies right after writing "sending". */
      record->params = _yun_job_spec_params_to_json (spec);
      record->created_at = g_get_real_time () / G_USEC_PER_SEC;
      for (guint i = 0; i < cloud.loopback->len; i++)
        {
          YunJobRecordItem *item = g_new0 (YunJobRecordItem, 1);

          item->index = i;
          item->instance_id = g_strdup (cloud.loopback->pdata[i]);
          item->region = g_strdup (cloud.region);
          item->step = YUN_JOB_STEP_SENDING;
          item->attempts = 1;
          g_ptr_array_add (record->items, item);
        }
      g_assert_true (_yun_journal_create (cloud.cache, ACCOUNT, record, &error));
      g_assert_no_error (error);
      g_assert_true (_yun_journal_update_items (cloud.cache, record, record->items, &error));
      g_assert_no_error (error);
    }

  resumed = yun_job_engine_new (cloud.cache, ACCOUNT, cloud.client);
  g_assert_cmpuint (yun_job_engine_resume (resumed, &error), ==, 2);
  g_assert_no_error (error);
  for (guint j = 0; j < 2; j++)
    {
      g_autoptr (YunJob) job = g_list_model_get_item (yun_job_engine_get_jobs (resumed), j);

      wait_for_job (job);
      if (yun_job_get_kind (job) == YUN_JOB_KIND_SSH_EXEC)
        {
          YunJobItem *item = find_item (job, cloud.loopback->pdata[0]);

          g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED), ==, 3);
          g_assert_cmpstr (yun_job_item_get_code (item), ==, "Unknown");
          g_assert_nonnull (strstr (yun_job_item_get_message (item), "not sent again"));
          g_assert_false (yun_job_item_get_has_exit_code (item));
        }
      else
        g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 3);
    }
  /* The command never ran again; the upload did. */
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (remote, G_FILE_TEST_IS_REGULAR));

  yun_test_release (&resumed);
  cloud_tear_down (&cloud);
}

/* ---- yunctl ---- */

static char *
run_yunctl (Cloud *cloud, Fixture *fixture, int *exit_status, const char *first_arg, ...)
{
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *data_home = g_build_filename (fixture->directory, "data", NULL);
  g_autofree char *config_home = g_build_filename (fixture->directory, "config", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  va_list ap;

  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_ID",
                                yun_test_sim_get_secret_id (cloud->sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "TENCENTCLOUD_SECRET_KEY",
                                yun_test_sim_get_secret_key (cloud->sim), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TENCENTCLOUD_SESSION_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "SSH_AUTH_SOCK");
  g_subprocess_launcher_setenv (launcher, "YUNDESK_ENDPOINT", yun_test_sim_get_url (cloud->sim),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "YUNDESK_JOB_POLL_MS", "100", TRUE);

  g_ptr_array_add (argv, (gpointer) YUNCTL_PATH);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  yun_test_communicate (process, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  *exit_status = g_subprocess_get_exit_status (process);
  g_test_message ("yunctl exited %d; stdout:\n%s\nstderr:\n%s", *exit_status, out, err);
  return g_steal_pointer (&out);
}

static void
test_yunctl (Fixture *fixture, gconstpointer data)
{
  Cloud cloud = { 0 };
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autoptr (json_object) root = NULL;
  json_object *items = NULL;
  int status = -1;

  cloud_set_up (&cloud, fixture);
  /* yunctl finds the key where a user keeps it: ~/.ssh. */
  {
    g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
    g_autofree char *source
      = g_build_filename (yun_test_sshd_env ("YUN_TEST_SSH_IDENTITY_DIR"), "id_ed25519", NULL);
    g_autofree char *target = g_build_filename (ssh_dir, "id_ed25519", NULL);
    g_autofree char *key = NULL;
    gsize length = 0;

    g_mkdir_with_parents (ssh_dir, 0700);
    g_assert_true (g_file_get_contents (source, &key, &length, NULL));
    g_assert_true (g_file_set_contents_full (target, key, (gssize) length,
                                             G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  }

  out = run_yunctl (&cloud, fixture, &status, "--json", "--region", cloud.region, "ssh-exec",
                    "--user", yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), "--ssh-port", port,
                    "--known-hosts", fixture->known_hosts, "--accept-new-host-keys", "--command",
                    "echo hi-from-yunctl; exit 2", cloud.loopback->pdata[0],
                    cloud.loopback->pdata[1], NULL);
  g_assert_cmpint (status, ==, 1);
  root = json_tokener_parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (yun_test_json_string (root, "kind"), ==, "ssh-exec");
  g_assert_true (json_object_object_get_ex (root, "items", &items));
  g_assert_cmpuint (json_object_array_length (items), ==, 2);
  for (size_t i = 0; i < 2; i++)
    {
      json_object *item = json_object_array_get_idx (items, i);
      json_object *exit_code = NULL;

      g_assert_true (json_object_object_get_ex (item, "exit_code", &exit_code));
      g_assert_cmpint (json_object_get_int (exit_code), ==, 2);
      g_assert_cmpstr (yun_test_json_string (item, "output"), ==, "hi-from-yunctl\n");
    }
  g_clear_pointer (&out, g_free);

  /* Every one succeeds: exit status 0. */
  out
    = run_yunctl (&cloud, fixture, &status, "--region", cloud.region, "ssh-exec", "--user",
                  yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), "--ssh-port", port, "--known-hosts",
                  fixture->known_hosts, "--command", "true", cloud.loopback->pdata[2], NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);

  /* The "copy SSH command". */
  out = run_yunctl (&cloud, fixture, &status, "--region", cloud.region, "ssh-command", "--ssh-port",
                    port, cloud.loopback->pdata[0], NULL);
  g_assert_cmpint (status, ==, 0);
  expected = g_strdup_printf ("ssh -p %u root@127.0.0.1\n", fixture->port);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);

  /* sftp-upload through yunctl. */
  {
    g_autofree char *local = g_build_filename (fixture->directory, "cli.txt", NULL);
    g_autofree char *remote = g_build_filename (fixture->directory, "cli-remote.txt", NULL);
    g_autofree char *contents = NULL;

    g_file_set_contents (local, "from yunctl\n", -1, NULL);
    out = run_yunctl (&cloud, fixture, &status, "--region", cloud.region, "sftp-upload", "--user",
                      yun_test_sshd_env ("YUN_TEST_SSH_KEY_USER"), "--ssh-port", port,
                      "--known-hosts", fixture->known_hosts, "--local", local, "--remote", remote,
                      "--mode", "600", cloud.loopback->pdata[0], NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_file_get_contents (remote, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "from yunctl\n");
  }

  cloud_tear_down (&cloud);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/ssh/command-text", test_command_text);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/yun/ssh/host-key/unknown-recorded", test_host_key_unknown);
  ADD ("/yun/ssh/host-key/changed-refused", test_host_key_changed);
  ADD ("/yun/ssh/login/key", test_login_key);
  ADD ("/yun/ssh/login/password", test_login_password);
  ADD ("/yun/ssh/login/agent", test_login_agent);
  ADD ("/yun/ssh/exec", test_exec);
  ADD ("/yun/ssh/connect-timeout", test_connect_timeout);
  ADD ("/yun/ssh/sftp-upload", test_sftp_upload);
  ADD ("/yun/ssh/shell", test_shell);
  ADD ("/yun/ssh/shell-pty", test_shell_pty);
  ADD ("/yun/ssh/job/exec", test_job_exec);
  ADD ("/yun/ssh/job/password", test_job_password);
  ADD ("/yun/ssh/job/upload", test_job_upload);
  ADD ("/yun/ssh/job/resume", test_job_resume);
  ADD ("/yun/ssh/yunctl", test_yunctl);
#undef ADD

  return g_test_run ();
}
