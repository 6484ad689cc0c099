/* yun-log.c: logging that never shows a secret, to stderr and to the log file
 *
 * SPDX-License-Identifier: MIT
 *
 * Request and response bodies are logged only when YUNDESK_DEBUG names "http", and then
 * only after a walk over the JSON that replaces the value of every secret-looking key
 * (passwords, SecretKey, tokens, Authorization, UserData, credentials) with "***". A body
 * that is not JSON is never logged, only its size: it cannot be redacted reliably.
 *
 * The log file, `$XDG_STATE_HOME/yundesk/yundesk.log` (mode 0600 in a 0700 folder), gets
 * every warning and critical of the process and the messages of YunDesk's own domains
 * (`yun…`), with debug lines when G_MESSAGES_DEBUG asks for them. At 1 MiB it is rotated:
 * yundesk.log.1 to .3 keep the previous ones. Every line, in the file and on stderr, goes
 * through _yun_log_redact_text() first, as a last guard behind the redaction at the source.
 */

#define G_LOG_DOMAIN "yun-log"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yun-log-private.h"

#define REDACTED "***"
#define LOG_FILE_MAX_SIZE (1024 * 1024)
#define LOG_FILE_KEEP 3

/* Substrings, compared case-insensitively. SecretId and ClientToken are not secrets and
 * stay readable: support asks for them. */
static const char *const secret_key_parts[] = {
  "password", "passwd",     "secretkey",  "secret_key",  "token",     "authorization",
  "userdata", "credential", "privatekey", "private_key", "signature",
};

/**
 * _yun_log_key_is_secret:
 * @key: a JSON object key or a header name
 *
 * Returns: whether the value under @key must never be shown
 */
gboolean
_yun_log_key_is_secret (const char *key)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (key != NULL, TRUE);

  if (g_ascii_strcasecmp (key, "ClientToken") == 0)
    return FALSE;

  lower = g_ascii_strdown (key, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (secret_key_parts); i++)
    if (strstr (lower, secret_key_parts[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
redact_in_place (json_object *obj, guint depth)
{
  if (obj == NULL || depth > 64)
    return;

  if (json_object_is_type (obj, json_type_object))
    {
      g_autoptr (GPtrArray) secret_keys = g_ptr_array_new ();

      json_object_object_foreach (obj, key, value)
        {
          if (_yun_log_key_is_secret (key))
            g_ptr_array_add (secret_keys, key);
          else
            redact_in_place (value, depth + 1);
        }
      /* Replacing a value keeps the key (owned by the object) alive. */
      for (guint i = 0; i < secret_keys->len; i++)
        json_object_object_add (obj, g_ptr_array_index (secret_keys, i),
                                json_object_new_string (REDACTED));
    }
  else if (json_object_is_type (obj, json_type_array))
    {
      gsize n = json_object_array_length (obj);

      for (gsize i = 0; i < n; i++)
        redact_in_place (json_object_array_get_idx (obj, i), depth + 1);
    }
}

/**
 * _yun_log_redact_json:
 * @obj: (nullable): a JSON value, which is not changed
 *
 * Returns: (transfer full): @obj as compact JSON text, with the value of every secret key
 *   (see _yun_log_key_is_secret()), at any depth, replaced by "***"
 */
char *
_yun_log_redact_json (json_object *obj)
{
  g_autoptr (json_object) copy = NULL;

  if (obj == NULL)
    return g_strdup ("null");

  if (json_object_deep_copy (obj, &copy, NULL) != 0 || copy == NULL)
    return g_strdup ("(unprintable JSON)");

  redact_in_place (copy, 0);
  return g_strdup (
    json_object_to_json_string_ext (copy, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/**
 * _yun_log_redact_body:
 * @body: (array length=len): bytes received or sent
 * @len: length of @body
 *
 * Returns: (transfer full): the redacted JSON text of @body, or only its size when it is
 *   not JSON
 */
char *
_yun_log_redact_body (const char *body, gsize len)
{
  g_autoptr (json_object) obj = NULL;
  json_tokener *tok;

  if (body == NULL || len == 0)
    return g_strdup ("(empty)");

  if (len <= G_MAXINT && g_utf8_validate_len (body, len, NULL))
    {
      tok = json_tokener_new ();
      obj = json_tokener_parse_ex (tok, body, (int) len);
      if (json_tokener_get_error (tok) != json_tokener_success)
        g_clear_pointer (&obj, json_object_put);
      json_tokener_free (tok);
    }

  if (obj == NULL)
    return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes, not JSON, not shown)", len);
  return _yun_log_redact_json (obj);
}

/**
 * _yun_log_debug_enabled:
 * @topic: such as "http"
 *
 * Returns: whether `YUNDESK_DEBUG` (comma- or space-separated, or "all") names @topic
 */
gboolean
_yun_log_debug_enabled (const char *topic)
{
  const char *value = g_getenv ("YUNDESK_DEBUG");
  g_auto (GStrv) parts = NULL;

  if (value == NULL || *value == '\0')
    return FALSE;

  parts = g_strsplit_set (value, ", :", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_ascii_strcasecmp (parts[i], topic) == 0 || g_ascii_strcasecmp (parts[i], "all") == 0)
      return TRUE;
  return FALSE;
}

/* ---- Text ---- */

static gboolean
redact_match (const GMatchInfo *match, GString *result, gpointer user_data)
{
  g_autofree char *key = g_match_info_fetch (match, 1);
  g_autofree char *separator = g_match_info_fetch (match, 2);
  g_autofree char *value = g_match_info_fetch (match, 3);
  g_autofree char *bare = g_strdup (key);

  g_strdelimit (bare, "\"'", ' ');
  g_strstrip (bare);
  if (_yun_log_key_is_secret (bare))
    g_string_append_printf (result, "%s%s%s", key, separator,
                            value[0] == '"' ? "\"" REDACTED "\"" : REDACTED);
  else
    g_string_append_printf (result, "%s%s%s", key, separator, value);
  return FALSE;
}

/**
 * _yun_log_redact_text:
 * @text: a log message
 *
 * Replaces the value of every `key=value`, `key: value` and `"key": "value"` whose key is
 * secret (see _yun_log_key_is_secret()) with "***".
 *
 * Returns: (transfer full): @text, redacted
 */
char *
_yun_log_redact_text (const char *text)
{
  static GRegex *pattern;
  char *redacted;

  g_return_val_if_fail (text != NULL, NULL);

  if (g_once_init_enter (&pattern))
    {
      GRegex *compiled = g_regex_new ("(\"?[A-Za-z][A-Za-z0-9_.-]*\"?)(\\s*[:=]\\s*)"
                                      "(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&{}\\[\\]\"]+)",
                                      G_REGEX_OPTIMIZE, 0, NULL);

      g_assert (compiled != NULL);
      g_once_init_leave (&pattern, compiled);
    }

  redacted = g_regex_replace_eval (pattern, text, -1, 0, 0, redact_match, NULL, NULL);
  return redacted != NULL ? redacted : g_strdup ("(a log line that could not be redacted)");
}

/* ---- The log file ---- */

static GMutex file_lock;
static int file_fd = -1; /* -1: not open yet; -2: could not be opened, given up */
static gsize file_size;
static char *file_path;
static GLogFunc previous_handler;
static gpointer previous_data;

static gboolean
open_log_file (void)
{
  g_autofree char *directory = g_path_get_dirname (file_path);
  struct stat st;

  if (g_mkdir_with_parents (directory, 0700) != 0 || g_chmod (directory, 0700) != 0)
    return FALSE;
  /* Never through a link: the file is ours, in our folder. */
  file_fd = g_open (file_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (file_fd < 0)
    return FALSE;
  if (fstat (file_fd, &st) != 0 || !S_ISREG (st.st_mode) || fchmod (file_fd, 0600) != 0)
    {
      g_close (file_fd, NULL);
      file_fd = -1;
      return FALSE;
    }
  file_size = (gsize) st.st_size;
  return TRUE;
}

/* yundesk.log → .1 → .2 → .3; the oldest goes. */
static void
rotate_log_file (void)
{
  g_close (file_fd, NULL);
  file_fd = -1;
  for (int i = LOG_FILE_KEEP; i >= 1; i--)
    {
      g_autofree char *from
        = i == 1 ? g_strdup (file_path) : g_strdup_printf ("%s.%d", file_path, i - 1);
      g_autofree char *to = g_strdup_printf ("%s.%d", file_path, i);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        break;
    }
}

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "ERROR";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "CRITICAL";
  if (level & G_LOG_LEVEL_WARNING)
    return "WARNING";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "MESSAGE";
  if (level & G_LOG_LEVEL_INFO)
    return "INFO";
  return "DEBUG";
}

static gboolean
goes_to_file (const char *domain, GLogLevelFlags level)
{
  gboolean ours = domain != NULL && g_str_has_prefix (domain, "yun");

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return TRUE;
  if (!ours)
    return FALSE;
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return TRUE;
  return !g_log_writer_default_would_drop (level & G_LOG_LEVEL_MASK, domain);
}

static void
write_to_file (const char *domain, GLogLevelFlags level, const char *message)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autofree char *line = NULL;
  const char *p;
  gsize left;

  /* Milliseconds are enough: drop the last three digits of %f. */
  if (stamp != NULL && strlen (stamp) > 4)
    memmove (stamp + strlen (stamp) - 4, stamp + strlen (stamp) - 1, 2);
  line = g_strdup_printf ("%s [%d] %s %s: %s\n", stamp != NULL ? stamp : "-", (int) getpid (),
                          level_name (level), domain != NULL ? domain : "-", message);

  g_mutex_lock (&file_lock);
  if (file_fd == -1 && !open_log_file ())
    file_fd = -2;
  if (file_fd >= 0 && file_size > 0 && file_size + strlen (line) > LOG_FILE_MAX_SIZE)
    {
      rotate_log_file ();
      if (!open_log_file ())
        file_fd = -2;
    }
  for (p = line, left = strlen (line); file_fd >= 0 && left > 0;)
    {
      gssize written = write (file_fd, p, left);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        break;
      p += written;
      left -= (gsize) written;
      file_size += (gsize) written;
    }
  g_mutex_unlock (&file_lock);
}

/* Nothing in here may log: it would come back here. */
static void
log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  static GMutex print_lock;
  g_autofree char *redacted = _yun_log_redact_text (message != NULL ? message : "");

  if (goes_to_file (domain, level))
    write_to_file (domain, level, redacted);
  /* One line at a time: GLib prints with fprintf, which glibc writes to an unbuffered
   * stderr 8 KiB at a time without holding the stream, so the long lines of workers logging
   * at once mixed, cut mid-character (yunctl's stderr was not UTF-8). */
  g_mutex_lock (&print_lock);
  previous_handler (domain, level, redacted, previous_data);
  g_mutex_unlock (&print_lock);
}

static gpointer
install_handler (gpointer data)
{
  file_path = _yun_log_dup_file_path ();
  previous_handler = g_log_set_default_handler (log_handler, NULL);
  return NULL;
}

/**
 * _yun_log_init:
 *
 * Sends every log line through the redaction and to the log file (see the top of this
 * file), once per process; yun_init() calls it. The previous default handler (GLib's, which
 * hands the line to the structured-log writer) still prints it, so a program's own writer
 * and g_test_expect_message() keep working.
 */
void
_yun_log_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, install_handler, NULL);
}

/**
 * _yun_log_dup_file_path:
 *
 * Returns: (transfer full): where the log file is, `$XDG_STATE_HOME/yundesk/yundesk.log`
 */
char *
_yun_log_dup_file_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "yundesk", "yundesk.log", NULL);
}
