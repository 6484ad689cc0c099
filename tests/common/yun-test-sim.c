/* yun-test-sim.c: a real yunsim process for integration tests
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-test-sim"

#include "config.h"

#include "yun-test-sim.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "yun-sim.h"

#define STARTUP_TIMEOUT_S 10
#define PREFIX "yunsim listening on "

struct _YunTestSim
{
  GSubprocess *process;
  GInputStream *stdout_pipe;
  char *url;
  char *ca_file;
  const char *secret_id;
  const char *secret_key;
};

typedef struct
{
  GMainLoop *loop;
  char *line;
  GError *error;
  gboolean timed_out;
} ReadLine;

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReadLine *state = user_data;

  state->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                           NULL, &state->error);
  g_main_loop_quit (state->loop);
}

static gboolean
on_timeout (gpointer user_data)
{
  ReadLine *state = user_data;

  state->timed_out = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

/* A test that aborts must not leave its simulator behind. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

YunTestSim *
yun_test_sim_spawnv (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GDataInputStream) data = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GSource) timeout = NULL;
  ReadLine state = { 0 };
  YunTestSim *self = g_new0 (YunTestSim, 1);

  g_ptr_array_add (argv, (gpointer) YUNSIM_PATH);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  self->secret_id = g_getenv ("YUN_TEST_SECRET_ID");
  self->secret_key = g_getenv ("YUN_TEST_SECRET_KEY");
  if (self->secret_id != NULL && self->secret_key != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--secret-id");
      g_ptr_array_add (argv, (gpointer) self->secret_id);
      g_ptr_array_add (argv, (gpointer) "--secret-key");
      g_ptr_array_add (argv, (gpointer) self->secret_key);
    }
  else
    {
      self->secret_id = YUN_SIM_DEMO_SECRET_ID;
      self->secret_key = YUN_SIM_DEMO_SECRET_KEY;
    }
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  {
    g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    self->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  }
  g_assert_no_error (error);
  self->stdout_pipe = g_object_ref (g_subprocess_get_stdout_pipe (self->process));

  /* The first line, within 10 s; the rest of stdout stays unread (yunsim prints no more). */
  g_main_context_push_thread_default (context);
  state.loop = g_main_loop_new (context, FALSE);
  data = g_data_input_stream_new (self->stdout_pipe);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, cancellable, on_line, &state);
  timeout = g_timeout_source_new_seconds (STARTUP_TIMEOUT_S);
  g_source_set_callback (timeout, on_timeout, &state, NULL);
  g_source_attach (timeout, context);
  g_main_loop_run (state.loop);
  if (state.timed_out)
    {
      g_cancellable_cancel (cancellable);
      while (state.line == NULL && state.error == NULL)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_loop_unref (state.loop);
  g_main_context_pop_thread_default (context);

  if (state.timed_out)
    g_error ("yunsim did not say where it listens within %d s", STARTUP_TIMEOUT_S);
  g_assert_no_error (state.error);
  if (state.line == NULL || !g_str_has_prefix (state.line, PREFIX))
    g_error ("yunsim did not start: first line “%s”", state.line != NULL ? state.line : "(EOF)");
  self->url = g_strdup (state.line + strlen (PREFIX));
  g_free (state.line);
  return self;
}

YunTestSim *
yun_test_sim_spawn (const char *first_arg, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return yun_test_sim_spawnv ((const char *const *) args->pdata);
}

const char *
yun_test_sim_get_url (YunTestSim *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

const char *
yun_test_sim_get_secret_id (YunTestSim *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_id;
}

const char *
yun_test_sim_get_secret_key (YunTestSim *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_key;
}

static size_t
append_body (char *data, size_t size, size_t count, void *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

static json_object *
admin_request (YunTestSim *self, const char *path, const char *json_body)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *url = NULL;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  CURLcode code;
  long status = 0;
  json_object *parsed;

  g_assert_nonnull (curl);
  while (*path == '/')
    path++;
  if (!g_str_has_prefix (path, "_yunsim/"))
    url = g_strdup_printf ("%s/_yunsim/%s", self->url, path);
  else
    url = g_strdup_printf ("%s/%s", self->url, path);

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  if (self->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  if (json_body != NULL)
    {
      headers = curl_slist_append (headers, "Content-Type: application/json");
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, json_body);
    }
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);

  if (code != CURLE_OK)
    g_error ("yunsim admin %s: %s", path, curl_easy_strerror (code));
  parsed = json_tokener_parse (body->str);
  if (parsed == NULL)
    g_error ("yunsim admin %s answered HTTP %ld with non-JSON: %s", path, status, body->str);
  if (status != 200)
    g_error ("yunsim admin %s answered HTTP %ld: %s", path, status, body->str);
  return parsed;
}

json_object *
yun_test_sim_admin_get (YunTestSim *self, const char *path)
{
  g_return_val_if_fail (self != NULL, NULL);
  return admin_request (self, path, NULL);
}

json_object *
yun_test_sim_admin_post (YunTestSim *self, const char *path, const char *json_body)
{
  g_return_val_if_fail (self != NULL, NULL);
  return admin_request (self, path, json_body != NULL ? json_body : "{}");
}

void
yun_test_sim_set_ca_file (YunTestSim *self, const char *ca_file)
{
  g_return_if_fail (self != NULL);
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
}

void
yun_test_sim_free (YunTestSim *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_autoptr (GError) error = NULL;

      g_subprocess_send_signal (self->process, SIGTERM);
      if (!g_subprocess_wait (self->process, NULL, &error))
        g_subprocess_force_exit (self->process);
    }
  g_clear_object (&self->stdout_pipe);
  g_clear_object (&self->process);
  g_free (self->url);
  g_free (self->ca_file);
  g_free (self);
}

/* How many calls of @action yunsim has answered, by its own count. */
gint64
yun_test_sim_count_requests (YunTestSim *sim, const char *action)
{
  json_object *state = yun_test_sim_admin_get (sim, "/_yunsim/state");
  json_object *requests = NULL;
  json_object *count = NULL;
  gint64 n = 0;

  g_assert_nonnull (state);
  if (json_object_object_get_ex (state, "requests", &requests)
      && json_object_object_get_ex (requests, action, &count))
    n = json_object_get_int64 (count);
  json_object_put (state);
  return n;
}

const char *
yun_test_json_string (json_object *object, const char *name)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, name, &value) || value == NULL)
    return NULL;
  return json_object_get_string (value);
}

void
yun_test_release (gpointer object_ptr)
{
  GObject **object = object_ptr;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (*object, (gpointer *) object);
  g_object_unref (*object);
  while (*object != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

void
yun_test_run_until (gboolean (*done) (gpointer), gpointer data, guint seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %u s waiting for %s", seconds, what);
      /* Sleeps only when nothing was ready, so as not to spin. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

void
yun_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          yun_test_remove_tree (child);
        else if (g_unlink (child) != 0)
          /* SQLite may remove its -wal and -shm files meanwhile: the last reference to a
           * cache can be dropped by a worker thread. */
          g_assert_cmpint (errno, ==, ENOENT);
      }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

const char *
yun_test_sshd_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this test under tests/run-with-sshd.sh", name);
  return value;
}

char *
yun_test_dup_key_fingerprint (const char *public_key_file)
{
  const char *argv[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", public_key_file, NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) fields = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  fields = g_strsplit (out, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_strdup (fields[1]);
}

void
yun_test_run_clear (YunTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* @bytes, read from a child's @stream, as text: NULL if there was no pipe. */
static gboolean
bytes_to_text (GBytes *bytes, const char *stream, char **text, GError **error)
{
  gsize length = 0;
  const char *data;
  const char *end;

  if (text == NULL)
    return TRUE;
  *text = NULL;
  if (bytes == NULL)
    return TRUE;
  data = g_bytes_get_data (bytes, &length);
  if (length > 0 && !g_utf8_validate_len (data, length, &end))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid UTF-8 in the child's %s at offset %" G_GSIZE_FORMAT
                   " of %" G_GSIZE_FORMAT,
                   stream, (gsize) (end - data), length);
      return FALSE;
    }
  *text = g_strndup (data != NULL ? data : "", length);
  return TRUE;
}

static gboolean
outputs_to_text (GBytes *out_bytes, GBytes *err_bytes, char **out, char **err, GError **error)
{
  if (!bytes_to_text (out_bytes, "stdout", out, error))
    return FALSE;
  if (!bytes_to_text (err_bytes, "stderr", err, error))
    {
      if (out != NULL)
        g_clear_pointer (out, g_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
yun_test_communicate (
  GSubprocess *process, const char *input, char **out, char **err, GError **error)
{
  g_autoptr (GBytes) stdin_bytes = input != NULL ? g_bytes_new (input, strlen (input)) : NULL;
  g_autoptr (GBytes) out_bytes = NULL;
  g_autoptr (GBytes) err_bytes = NULL;

  if (!g_subprocess_communicate (process, stdin_bytes, NULL, out != NULL ? &out_bytes : NULL,
                                 err != NULL ? &err_bytes : NULL, error))
    return FALSE;
  return outputs_to_text (out_bytes, err_bytes, out, err, error);
}

void
yun_test_output_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunTestOutput *output = user_data;
  g_autoptr (GBytes) out_bytes = NULL;
  g_autoptr (GBytes) err_bytes = NULL;

  if (g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &out_bytes, &err_bytes,
                                       &output->error))
    outputs_to_text (out_bytes, err_bytes, &output->out, &output->err, &output->error);
  output->done = TRUE;
}

void
yun_test_output_kill_and_wait (GSubprocess *process, YunTestOutput *output)
{
  g_autoptr (GError) error = NULL;

  if (!output->done)
    g_subprocess_send_signal (process, SIGKILL);
  while (!output->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (output->error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}
