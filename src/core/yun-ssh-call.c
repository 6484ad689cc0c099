/* yun-ssh-call.c: one instance's SSH work in a batch job
 *
 * SPDX-License-Identifier: MIT
 *
 * Each call connects, checks the host key, logs in and runs its command (or uploads its
 * file) with a YunSshSession of its own, on a thread of its own: libssh2 sessions share
 * nothing, so calls to different instances run side by side, a few at a time. The outcome is
 * put in the shape of a job item: exit code, output, a short code and a sentence.
 */

#define G_LOG_DOMAIN "yun-ssh"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-ssh-private.h"

YunSshCall *
_yun_ssh_call_new (YunJobKind kind)
{
  YunSshCall *call = g_new0 (YunSshCall, 1);

  call->kind = kind;
  call->mode = -1;
  return call;
}

void
_yun_ssh_call_free (YunSshCall *call)
{
  if (call == NULL)
    return;
  g_free (call->host);
  g_free (call->user);
  yun_secret_free (call->password);
  g_free (call->known_hosts_file);
  g_free (call->identity_directory);
  g_clear_pointer (&call->command, g_bytes_unref);
  g_free (call->local_path);
  g_free (call->remote_path);
  g_clear_object (&call->cancellable);
  g_free (call->output);
  g_free (call->code);
  g_free (call->message);
  g_free (call);
}

static const char *
code_of (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "Cancelled";
  if (error->domain != YUN_SSH_ERROR)
    return "Failed";
  switch ((YunSshError) error->code)
    {
    case YUN_SSH_ERROR_CONNECT:
      return "ConnectFailed";
    case YUN_SSH_ERROR_TIMEOUT:
      return "Timeout";
    case YUN_SSH_ERROR_HOST_KEY_UNKNOWN:
      return "HostKeyUnknown";
    case YUN_SSH_ERROR_HOST_KEY_CHANGED:
      return "HostKeyChanged";
    case YUN_SSH_ERROR_HOST_KEY_FILE:
      return "KnownHostsFile";
    case YUN_SSH_ERROR_AUTHENTICATION:
      return "AuthFailure";
    case YUN_SSH_ERROR_CHANNEL:
      return "ChannelRefused";
    case YUN_SSH_ERROR_FILE:
      return "FileError";
    case YUN_SSH_ERROR_CLOSED:
      return "ConnectionLost";
    default:
      return "Failed";
    }
}

static void
fail (YunSshCall *call, const GError *error)
{
  call->succeeded = FALSE;
  g_free (call->code);
  call->code = g_strdup (code_of (error));
  g_free (call->message);
  if (call->maybe_sent)
    call->message = g_strdup_printf (
      /* Translators: %s is the error that ended the SSH connection. */
      _ ("%s. The command may have run (or may still be running): it was not sent again"),
      error->message);
  else
    call->message = g_strdup (error->message);
}

/* Standard output then standard error, as valid UTF-8, with a note where either was cut. */
static char *
dup_output (const YunSshExecResult *result, gsize max_output)
{
  GString *output = g_string_new (NULL);
  GBytes *streams[] = { result->stdout_data, result->stderr_data };
  gboolean truncated[] = { result->stdout_truncated, result->stderr_truncated };

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (streams[i], &length);
      g_autofree char *valid = NULL;

      if (length == 0 && !truncated[i])
        continue;
      if (output->len > 0 && output->str[output->len - 1] != '\n')
        g_string_append_c (output, '\n');
      valid = g_utf8_make_valid (data != NULL ? data : "", (gssize) length);
      g_string_append (output, valid);
      if (!truncated[i])
        continue;
      g_string_append_c (output, '\n');
      if (i == 0)
        g_string_append_printf (output,
                                /* Translators: a line after a command's output that was cut;
                                 * %zu is a number of bytes. */
                                _ ("[standard output cut at %zu bytes]"), (size_t) max_output);
      else
        g_string_append_printf (output, _ ("[standard error cut at %zu bytes]"),
                                (size_t) max_output);
      g_string_append_c (output, '\n');
    }
  return g_string_free (output, FALSE);
}

static void
run_call (YunSshCall *call)
{
  g_autoptr (YunSshSession) session = yun_ssh_session_new (call->host, call->port);
  g_autoptr (GError) error = NULL;

  yun_ssh_session_set_known_hosts_file (session, call->known_hosts_file);
  yun_ssh_session_set_identity_directory (session, call->identity_directory);
  yun_ssh_session_set_timeout (session, call->connect_timeout_ms);

  if (!yun_ssh_session_connect (session, call->cancellable, &error))
    {
      if (!call->accept_new_host_key
          || !g_error_matches (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_UNKNOWN))
        {
          fail (call, error);
          return;
        }
      g_clear_error (&error);
      if (!yun_ssh_session_accept_host_key (session, &error))
        {
          fail (call, error);
          return;
        }
    }
  if (!yun_ssh_session_authenticate (session, call->user, call->password, NULL, call->cancellable,
                                     &error))
    {
      fail (call, error);
      return;
    }

  if (call->kind == YUN_JOB_KIND_SSH_EXEC)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (call->command, &length);
      g_autofree char *command = g_strndup (data, length);
      g_autoptr (YunSshExecResult) result = NULL;

      call->maybe_sent = TRUE;
      result = yun_ssh_session_exec (session, command, call->max_output, call->command_timeout,
                                     call->cancellable, &error);
      if (result == NULL)
        {
          fail (call, error);
          return;
        }
      call->output = dup_output (result, call->max_output);
      if (result->exit_signal != NULL)
        {
          call->code = g_strdup ("Signal");
          /* Translators: %s is the name of a signal, such as KILL or TERM. */
          call->message = g_strdup_printf (_ ("ended by signal %s"), result->exit_signal);
          return;
        }
      call->has_exit_code = TRUE;
      call->exit_code = result->exit_status;
      if (result->exit_status != 0)
        {
          call->code = g_strdup ("FAILED");
          call->message = g_strdup_printf (_ ("exited with status %d"), result->exit_status);
          return;
        }
      call->succeeded = TRUE;
      return;
    }

  if (!yun_ssh_session_upload (session, call->local_path, call->remote_path, call->mode,
                               call->cancellable, &error))
    {
      fail (call, error);
      return;
    }
  call->succeeded = TRUE;
}

typedef struct
{
  GMutex lock;
  GCond done;
  guint pending;
} Batch;

static void
call_thread (gpointer data, gpointer user_data)
{
  Batch *batch = user_data;

  run_call (data);
  g_mutex_lock (&batch->lock);
  if (--batch->pending == 0)
    g_cond_signal (&batch->done);
  g_mutex_unlock (&batch->lock);
}

/**
 * _yun_ssh_calls_run:
 * @calls: (element-type YunSshCall): the calls, each to its own instance
 * @max_parallel: at most this many at once
 *
 * Runs every call and returns once all have ended; each call's outputs are set then.
 */
void
_yun_ssh_calls_run (GPtrArray *calls, guint max_parallel)
{
  Batch batch = { 0 };
  GThreadPool *pool;

  if (calls->len == 0)
    return;
  g_mutex_init (&batch.lock);
  g_cond_init (&batch.done);
  batch.pending = calls->len;
  pool = g_thread_pool_new (call_thread, &batch, (int) MAX (max_parallel, 1), FALSE, NULL);
  for (guint i = 0; i < calls->len; i++)
    g_thread_pool_push (pool, calls->pdata[i], NULL);
  g_mutex_lock (&batch.lock);
  while (batch.pending > 0)
    g_cond_wait (&batch.done, &batch.lock);
  g_mutex_unlock (&batch.lock);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&batch.lock);
  g_cond_clear (&batch.done);
}
