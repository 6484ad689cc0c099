/* test-log.c: the log file: where it is, its modes, redaction and rotation
 *
 * SPDX-License-Identifier: MIT
 *
 * The log starts once per process (yun_init()), so each test path here runs in a process of
 * its own under a state folder of its own: see main().
 */

#define G_LOG_DOMAIN "yun-test-log"

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yun/yun.h>

#include "yun-log-private.h"

static void
assert_mode (const char *path, guint mode)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, mode);
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

static void
test_redact_text (void)
{
  const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "reset with Password=hunter2 now", "reset with Password=*** now" },
    { "{\"Response\":{\"NewPassword\":\"a \\\"b\\\" c\",\"Name\":\"web\"}}",
      "{\"Response\":{\"NewPassword\":\"***\",\"Name\":\"web\"}}" },
    { "SecretKey: abc, SecretId: AKID1", "SecretKey: ***, SecretId: AKID1" },
    { "X-TC-Token=tok123&Region=ap-guangzhou", "X-TC-Token=***&Region=ap-guangzhou" },
    { "ClientToken=keep-me-readable", "ClientToken=keep-me-readable" },
    { "signature = 0123abcd;", "signature = ***;" },
    { "nothing secret: 42", "nothing secret: 42" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = _yun_log_redact_text (cases[i].in);

      g_assert_cmpstr (redacted, ==, cases[i].out);
    }
}

/* Run in its own process: the first log line creates the folder and the file, private even
 * under umask 0, and secrets never reach it, nor stderr. */
static void
test_file_subprocess (void)
{
  g_autofree char *path = _yun_log_dup_file_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *contents = NULL;

  umask (0);
  /* Warnings of other libraries are logged here, not made fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  yun_init ();
  g_message ("starting with Password=CanaryPw1 and \"SecretKey\": \"CanaryKey2\"");
  g_debug ("a debug line that G_MESSAGES_DEBUG does not ask for");
  g_log ("Gtk", G_LOG_LEVEL_MESSAGE, "another library's message");
  g_log ("Gtk", G_LOG_LEVEL_WARNING, "another library's warning");

  g_assert_true (g_str_has_prefix (path, g_get_user_state_dir ()));
  g_assert_true (g_str_has_suffix (path, "/yundesk/yundesk.log"));
  assert_mode (directory, 0700);
  assert_mode (path, 0600);
  contents = read_file (path);
  g_assert_nonnull (strstr (contents, "MESSAGE yun-test-log: starting with Password=***"));
  g_assert_nonnull (strstr (contents, "\"SecretKey\": \"***\""));
  g_assert_null (strstr (contents, "CanaryPw1"));
  g_assert_null (strstr (contents, "CanaryKey2"));
  g_assert_null (strstr (contents, "a debug line"));
  g_assert_null (strstr (contents, "another library's message"));
  g_assert_nonnull (strstr (contents, "WARNING Gtk: another library's warning"));
}

static void
test_file (void)
{
  g_test_trap_subprocess ("/yun/core/log/file/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*CanaryPw1*");
  g_test_trap_assert_stderr_unmatched ("*CanaryKey2*");
}

/* 3.5 MiB of lines: the file stays under 1 MiB, three older ones are kept, each private. */
static void
test_rotation_subprocess (void)
{
  g_autofree char *path = _yun_log_dup_file_path ();
  g_autofree char *line = g_strnfill (200, 'x');
  g_autofree char *oldest = g_strdup_printf ("%s.4", path);

  yun_init ();
  for (guint i = 0; i < 18000; i++)
    g_info ("line %05u %s", i, line);

  for (guint i = 0; i <= 3; i++)
    {
      g_autofree char *rotated = i == 0 ? g_strdup (path) : g_strdup_printf ("%s.%u", path, i);
      GStatBuf st;

      g_assert_cmpint (g_stat (rotated, &st), ==, 0);
      g_assert_cmpint (st.st_size, <=, 1024 * 1024);
      g_assert_cmpint (st.st_size, >, 0);
      assert_mode (rotated, 0600);
    }
  g_assert_false (g_file_test (oldest, G_FILE_TEST_EXISTS));

  {
    g_autofree char *newest = read_file (path);
    g_autofree char *last = g_strdup_printf ("line %05u ", 17999);

    /* The last line is in the current file, whole. */
    g_assert_nonnull (strstr (newest, last));
    g_assert_true (g_str_has_suffix (newest, "x\n"));
  }
}

static void
test_rotation (void)
{
  g_test_trap_subprocess ("/yun/core/log/rotation/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

#define N_LOGGING_THREADS 8
#define N_LINES_EACH 40

/* A long line with Chinese text, as the workers of a sync log answers. */
static char *
long_line (void)
{
  g_autoptr (GString) line = g_string_new ("begin");

  for (guint i = 0; i < 1500; i++)
    g_string_append (line, " 华东地区(上海)");
  g_string_append (line, " end");
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static gpointer
log_lines (gpointer line)
{
  for (guint i = 0; i < N_LINES_EACH; i++)
    g_message ("%s", (const char *) line);
  return NULL;
}

/* Standard error, into a file while threads log long lines at once: each line whole. */
static void
test_lines_from_threads_subprocess (void)
{
  g_autofree char *line = long_line ();
  g_autofree char *path = NULL;
  g_autofree char *printed = NULL;
  g_autoptr (GError) error = NULL;
  GThread *threads[N_LOGGING_THREADS];
  int fd, saved_stderr;
  gsize length = 0;
  guint whole = 0;

  /* As yunctl in a UTF-8 locale: GLib prints the text itself, not "?" for it. */
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  yun_init ();
  fd = g_file_open_tmp ("yun-log-XXXXXX", &path, &error);
  g_assert_no_error (error);
  saved_stderr = dup (STDERR_FILENO);
  g_assert_cmpint (dup2 (fd, STDERR_FILENO), ==, STDERR_FILENO);
  for (guint i = 0; i < N_LOGGING_THREADS; i++)
    threads[i] = g_thread_new ("log", log_lines, line);
  for (guint i = 0; i < N_LOGGING_THREADS; i++)
    g_thread_join (threads[i]);
  fflush (stderr);
  g_assert_cmpint (dup2 (saved_stderr, STDERR_FILENO), ==, STDERR_FILENO);
  close (saved_stderr);
  close (fd);

  g_assert_true (g_file_get_contents (path, &printed, &length, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_assert_true (g_utf8_validate_len (printed, length, NULL));
  for (const char *p = printed; (p = strstr (p, line)) != NULL; p += strlen (line))
    whole++;
  g_assert_cmpuint (whole, ==, N_LOGGING_THREADS * N_LINES_EACH);
}

static void
test_lines_from_threads (void)
{
  g_test_trap_subprocess ("/yun/core/log/lines-from-threads/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  /* GTest gives each test path its own XDG folders: every subprocess starts with an empty
   * state folder. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/yun/core/log/redact-text", test_redact_text);
  g_test_add_func ("/yun/core/log/lines-from-threads", test_lines_from_threads);
  g_test_add_func ("/yun/core/log/lines-from-threads/subprocess",
                   test_lines_from_threads_subprocess);
  g_test_add_func ("/yun/core/log/file", test_file);
  g_test_add_func ("/yun/core/log/file/subprocess", test_file_subprocess);
  g_test_add_func ("/yun/core/log/rotation", test_rotation);
  g_test_add_func ("/yun/core/log/rotation/subprocess", test_rotation_subprocess);

  return g_test_run ();
}
