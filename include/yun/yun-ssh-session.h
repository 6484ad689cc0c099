/* yun-ssh-session.h: SSH to an instance: host keys, login, commands, uploads, a shell
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-instance.h>
#include <yun/yun-profile.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_SSH_ERROR (yun_ssh_error_quark ())

/* How long each step of a connection (TCP connect, handshake, login, opening a channel) may
 * take by default. */
#define YUN_SSH_DEFAULT_TIMEOUT_MS 15000
/* What yun_ssh_session_exec() keeps of each output stream by default. */
#define YUN_SSH_DEFAULT_MAX_OUTPUT (64 * 1024)

/**
 * YunSshError:
 * @YUN_SSH_ERROR_CONNECT: the server could not be reached (name, route, refused)
 * @YUN_SSH_ERROR_TIMEOUT: a step took longer than its timeout
 * @YUN_SSH_ERROR_HOST_KEY_UNKNOWN: the server's host key is not in the known-hosts file:
 *   ask the user (show yun_ssh_session_get_host_key_fingerprint()), then call
 *   yun_ssh_session_accept_host_key() on the same session, or disconnect
 * @YUN_SSH_ERROR_HOST_KEY_CHANGED: the known-hosts file holds another key for this server:
 *   the connection was closed; nothing was sent
 * @YUN_SSH_ERROR_HOST_KEY_FILE: the known-hosts file could not be read or written
 * @YUN_SSH_ERROR_AUTHENTICATION: every login method was refused
 * @YUN_SSH_ERROR_CHANNEL: the server refused a command, a shell, a terminal or SFTP
 * @YUN_SSH_ERROR_FILE: a local or remote file could not be read or written
 * @YUN_SSH_ERROR_CLOSED: the connection was lost, or the server broke the protocol
 *
 * A cancelled operation fails with %G_IO_ERROR_CANCELLED; a shell that has nothing to read
 * or cannot take more now, with %G_IO_ERROR_WOULD_BLOCK.
 */
typedef enum
{
  YUN_SSH_ERROR_CONNECT,
  YUN_SSH_ERROR_TIMEOUT,
  YUN_SSH_ERROR_HOST_KEY_UNKNOWN,
  YUN_SSH_ERROR_HOST_KEY_CHANGED,
  YUN_SSH_ERROR_HOST_KEY_FILE,
  YUN_SSH_ERROR_AUTHENTICATION,
  YUN_SSH_ERROR_CHANNEL,
  YUN_SSH_ERROR_FILE,
  YUN_SSH_ERROR_CLOSED,
} YunSshError;

GQuark yun_ssh_error_quark (void);

/* ---- The "copy SSH command" text ---- */

char *yun_ssh_format_command (const char *user, const char *host, guint port);
const char *yun_ssh_instance_get_address (YunInstance *instance);
char *yun_ssh_dup_command_for_instance (YunInstance *instance, YunProfile *profile, GError **error);

/* ---- What a command gave ---- */

#define YUN_TYPE_SSH_EXEC_RESULT (yun_ssh_exec_result_get_type ())

/**
 * YunSshExecResult:
 * @exit_status: the command's exit status; meaningful when @exit_signal is %NULL
 * @exit_signal: (nullable): the signal that ended the command (`TERM`, `KILL`…), if any
 * @stdout_data: what it wrote to its standard output, at most the limit asked for
 * @stderr_data: what it wrote to its standard error, at most the limit asked for
 * @stdout_truncated: the command wrote more than @stdout_data holds
 * @stderr_truncated: the command wrote more than @stderr_data holds
 */
typedef struct
{
  int exit_status;
  char *exit_signal;
  GBytes *stdout_data;
  GBytes *stderr_data;
  gboolean stdout_truncated;
  gboolean stderr_truncated;
} YunSshExecResult;

GType yun_ssh_exec_result_get_type (void) G_GNUC_CONST;
YunSshExecResult *yun_ssh_exec_result_copy (const YunSshExecResult *self);
void yun_ssh_exec_result_free (YunSshExecResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunSshExecResult, yun_ssh_exec_result_free)

/* ---- A connection ---- */

#define YUN_TYPE_SSH_SESSION (yun_ssh_session_get_type ())
#define YUN_TYPE_SSH_SHELL (yun_ssh_shell_get_type ())

G_DECLARE_FINAL_TYPE (YunSshSession, yun_ssh_session, YUN, SSH_SESSION, GObject)
G_DECLARE_FINAL_TYPE (YunSshShell, yun_ssh_shell, YUN, SSH_SHELL, GObject)

YunSshSession *yun_ssh_session_new (const char *host, guint port);
const char *yun_ssh_session_get_host (YunSshSession *self);
guint yun_ssh_session_get_port (YunSshSession *self);
void yun_ssh_session_set_timeout (YunSshSession *self, guint milliseconds);
void yun_ssh_session_set_known_hosts_file (YunSshSession *self, const char *path);
const char *yun_ssh_session_get_known_hosts_file (YunSshSession *self);
void yun_ssh_session_set_identity_directory (YunSshSession *self, const char *path);
void yun_ssh_session_set_use_agent (YunSshSession *self, gboolean use_agent);

gboolean yun_ssh_session_connect (YunSshSession *self, GCancellable *cancellable, GError **error);
void yun_ssh_session_connect_async (YunSshSession *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean yun_ssh_session_connect_finish (YunSshSession *self, GAsyncResult *result, GError **error);

const char *yun_ssh_session_get_host_key_fingerprint (YunSshSession *self);
const char *yun_ssh_session_get_host_key_type (YunSshSession *self);
gboolean yun_ssh_session_accept_host_key (YunSshSession *self, GError **error);

gboolean yun_ssh_session_authenticate (YunSshSession *self,
                                       const char *user,
                                       const char *password,
                                       const char *passphrase,
                                       GCancellable *cancellable,
                                       GError **error);
void yun_ssh_session_authenticate_async (YunSshSession *self,
                                         const char *user,
                                         const char *password,
                                         const char *passphrase,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean
yun_ssh_session_authenticate_finish (YunSshSession *self, GAsyncResult *result, GError **error);
const char *yun_ssh_session_get_auth_method (YunSshSession *self);

YunSshExecResult *yun_ssh_session_exec (YunSshSession *self,
                                        const char *command,
                                        gsize max_output,
                                        guint timeout_seconds,
                                        GCancellable *cancellable,
                                        GError **error);
gboolean yun_ssh_session_upload (YunSshSession *self,
                                 const char *local_path,
                                 const char *remote_path,
                                 int mode,
                                 GCancellable *cancellable,
                                 GError **error);
YunSshShell *yun_ssh_session_open_shell (YunSshSession *self,
                                         const char *term,
                                         guint columns,
                                         guint rows,
                                         GCancellable *cancellable,
                                         GError **error);
void yun_ssh_session_open_shell_async (YunSshSession *self,
                                       const char *term,
                                       guint columns,
                                       guint rows,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
YunSshShell *
yun_ssh_session_open_shell_finish (YunSshSession *self, GAsyncResult *result, GError **error);
void yun_ssh_session_disconnect (YunSshSession *self);

/* ---- An interactive shell ----
 *
 * A shell is a channel of its session, with a remote pseudo-terminal. It is made to be
 * joined to a local pseudo-terminal (the terminal widget's) on one worker thread:
 *
 *   1. on a worker thread (or with the _async forms), connect, authenticate and
 *      yun_ssh_session_open_shell() with the widget's size;
 *   2. open the widget's pseudo-terminal peer: yun_ssh_shell_open_pty_peer() on the master
 *      file descriptor the widget gives (it is put in raw mode, so keys go through as typed);
 *   3. yun_ssh_shell_bridge_async() with that descriptor: a thread copies bytes both ways
 *      until the remote shell ends (or the peer closes, or @cancellable is cancelled), then
 *      the callback runs on the caller's main context; yun_ssh_shell_get_exit_status() tells
 *      how the shell ended;
 *   4. when the widget's size changes, call yun_ssh_shell_set_size() from any thread: the
 *      bridge forwards it.
 *
 * For a loop of one's own, yun_ssh_shell_get_fd() and yun_ssh_shell_get_condition() tell
 * what to poll, and yun_ssh_shell_read() and yun_ssh_shell_write() never block; a read must be
 * repeated until it would block before polling again (the session buffers data); once it
 * returns 0, yun_ssh_shell_close() gets the exit status.
 *
 * Threading: a session and its shells may be used from one thread at a time (a worker may
 * take them over from the thread that made them); yun_ssh_shell_set_size() and
 * g_cancellable_cancel() are the exceptions and may be called from any thread.
 */

gssize yun_ssh_shell_read (YunSshShell *self, void *buffer, gsize size, GError **error);
gssize yun_ssh_shell_write (YunSshShell *self, const void *data, gsize size, GError **error);
int yun_ssh_shell_get_fd (YunSshShell *self);
GIOCondition yun_ssh_shell_get_condition (YunSshShell *self);
void yun_ssh_shell_set_size (YunSshShell *self, guint columns, guint rows);
gboolean yun_ssh_shell_get_eof (YunSshShell *self);
gboolean yun_ssh_shell_close (YunSshShell *self, GCancellable *cancellable, GError **error);
gboolean yun_ssh_shell_get_exit_status (YunSshShell *self, int *exit_status);
int yun_ssh_shell_open_pty_peer (int master_fd, GError **error);
gboolean
yun_ssh_shell_bridge (YunSshShell *self, int fd, GCancellable *cancellable, GError **error);
void yun_ssh_shell_bridge_async (YunSshShell *self,
                                 int fd,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean yun_ssh_shell_bridge_finish (YunSshShell *self, GAsyncResult *result, GError **error);

G_END_DECLS
