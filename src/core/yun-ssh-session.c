/* yun-ssh-session.c: SSH to an instance: host keys, login, commands, uploads, a shell
 *
 * SPDX-License-Identifier: MIT
 *
 * One libssh2 session per YunSshSession, always in non-blocking mode: every call that would
 * block waits in poll() on the socket (in the direction libssh2 says it is blocked on) and
 * on the GCancellable, until a deadline. Nothing can hang: the TCP connect, the handshake,
 * each login attempt and each channel step have the session's timeout; a command has its
 * own. Host keys are checked the way OpenSSH does (`host` for port 22, `[host]:port`
 * otherwise) against a known-hosts file; a new key is only ever recorded by
 * yun_ssh_session_accept_host_key(), and a changed one closes the connection before a
 * password, a key signature or a command is sent.
 *
 * Secrets (passwords, key passphrases) are never logged, never put in an error message,
 * and the copies this file makes are wiped when freed. Commands are not logged either: one
 * may hold a secret.
 */

#define G_LOG_DOMAIN "yun-ssh"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "yun-core-private.h"
#include "yun-log-private.h"

#define COPY_CHUNK 32768
/* When libssh2 reports no direction to wait on, look again after this long. */
#define IDLE_POLL_MS 100

G_DEFINE_QUARK (yun - ssh - error - quark, yun_ssh_error)

/* Writes to known-hosts files, from any thread, one at a time. */
static GMutex known_hosts_lock;

static void
ensure_libssh2 (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (libssh2_init (0) != 0)
        g_error ("libssh2 could not be initialized");
      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
debug_enabled (void)
{
  return _yun_log_debug_enabled ("ssh");
}

/* ---- The "copy SSH command" text ---- */

/**
 * yun_ssh_format_command:
 * @user: the login user
 * @host: the address or host name
 * @port: the SSH port
 *
 * The command a person pastes into a terminal, such as `ssh -p 22 root@203.0.113.7`. A user
 * name that a shell would split or expand is quoted.
 *
 * Returns: (transfer full): the command line
 */
char *
yun_ssh_format_command (const char *user, const char *host, guint port)
{
  g_autofree char *target = NULL;

  g_return_val_if_fail (user != NULL && *user != '\0', NULL);
  g_return_val_if_fail (host != NULL && *host != '\0', NULL);
  g_return_val_if_fail (port > 0 && port <= 65535, NULL);

  target = g_strconcat (user, "@", host, NULL);
  for (const char *p = target; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@._-:", *p) == NULL)
      {
        g_autofree char *quoted = g_shell_quote (target);

        return g_strdup_printf ("ssh -p %u %s", port, quoted);
      }
  return g_strdup_printf ("ssh -p %u %s", port, target);
}

/**
 * yun_ssh_instance_get_address:
 * @instance: an instance
 *
 * Returns: (transfer none) (nullable): the address SSH reaches @instance at: its first
 *   public IPv4 address, or %NULL if it has none
 */
const char *
yun_ssh_instance_get_address (YunInstance *instance)
{
  const char *const *public_ips;

  g_return_val_if_fail (YUN_IS_INSTANCE (instance), NULL);

  public_ips = yun_instance_get_public_ips (instance);
  return public_ips != NULL && public_ips[0] != NULL ? public_ips[0] : NULL;
}

/**
 * yun_ssh_dup_command_for_instance:
 * @instance: an instance
 * @profile: (nullable): the profile whose SSH port and login users apply, or %NULL for the
 *   defaults
 * @error: return location for a #GError
 *
 * The "copy SSH command" of @instance: yun_ssh_format_command() with the profile's login
 * user for the instance's OS, the profile's port and the instance's public address.
 *
 * Returns: (transfer full): the command, or %NULL with %YUN_SSH_ERROR_CONNECT when the
 *   instance has no public address
 */
char *
yun_ssh_dup_command_for_instance (YunInstance *instance, YunProfile *profile, GError **error)
{
  const char *address;
  YunOsFamily os_family;
  const char *user;
  guint port;

  g_return_val_if_fail (YUN_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (profile == NULL || YUN_IS_PROFILE (profile), NULL);

  address = yun_ssh_instance_get_address (instance);
  if (address == NULL)
    {
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CONNECT,
                   _ ("%s has no public address to connect to"),
                   yun_instance_get_instance_id (instance));
      return NULL;
    }
  os_family = yun_instance_get_os_family (instance);
  if (profile != NULL)
    {
      user = yun_profile_get_ssh_user (profile, os_family);
      port = yun_profile_get_ssh_port (profile);
    }
  else
    {
      user = os_family == YUN_OS_FAMILY_WINDOWS ? YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER
                                                : YUN_PROFILE_DEFAULT_SSH_USER;
      port = YUN_PROFILE_DEFAULT_SSH_PORT;
    }
  return yun_ssh_format_command (user, address, port);
}

/* ---- Exec results ---- */

G_DEFINE_BOXED_TYPE (YunSshExecResult,
                     yun_ssh_exec_result,
                     yun_ssh_exec_result_copy,
                     yun_ssh_exec_result_free)

YunSshExecResult *
yun_ssh_exec_result_copy (const YunSshExecResult *self)
{
  YunSshExecResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunSshExecResult, 1);
  *copy = *self;
  copy->exit_signal = g_strdup (self->exit_signal);
  copy->stdout_data = g_bytes_ref (self->stdout_data);
  copy->stderr_data = g_bytes_ref (self->stderr_data);
  return copy;
}

void
yun_ssh_exec_result_free (YunSshExecResult *self)
{
  if (self == NULL)
    return;
  g_free (self->exit_signal);
  g_clear_pointer (&self->stdout_data, g_bytes_unref);
  g_clear_pointer (&self->stderr_data, g_bytes_unref);
  g_free (self);
}

/* ---- The session ---- */

typedef enum
{
  STATE_NEW,
  STATE_HOST_KEY_PENDING, /* connected; the host key is unknown and not accepted yet */
  STATE_CONNECTED,        /* the host key is trusted */
  STATE_AUTHENTICATED,
  STATE_CLOSED,
} SessionState;

struct _YunSshSession
{
  GObject parent_instance;

  char *host;
  guint port;
  guint timeout_ms;
  char *known_hosts_file;
  char *identity_directory;
  gboolean use_agent;

  SessionState state;
  int fd;
  LIBSSH2_SESSION *session;
  char *fingerprint;
  char *host_key_type;
  const char *auth_method;
  const char *kbd_password; /* borrowed during a keyboard-interactive login only */
};

G_DEFINE_FINAL_TYPE (YunSshSession, yun_ssh_session, G_TYPE_OBJECT)

/* Never waits: a goodbye that would block is dropped, and the socket is shut down before
 * libssh2 frees its channels, so that freeing one whose command still runs fails at once
 * instead of waiting for the server to close it. */
static void
close_session (YunSshSession *self)
{
  if (self->session != NULL)
    {
      libssh2_session_set_blocking (self->session, 0);
      libssh2_session_disconnect (self->session, "Bye");
      if (self->fd >= 0)
        shutdown (self->fd, SHUT_RDWR);
      for (guint i = 0; i < 100 && libssh2_session_free (self->session) == LIBSSH2_ERROR_EAGAIN;
           i++)
        ;
      self->session = NULL;
    }
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  self->state = STATE_CLOSED;
}

static void
yun_ssh_session_finalize (GObject *object)
{
  YunSshSession *self = (YunSshSession *) object;

  close_session (self);
  g_free (self->host);
  g_free (self->known_hosts_file);
  g_free (self->identity_directory);
  g_free (self->fingerprint);
  g_free (self->host_key_type);

  G_OBJECT_CLASS (yun_ssh_session_parent_class)->finalize (object);
}

static void
yun_ssh_session_class_init (YunSshSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yun_ssh_session_finalize;
}

static void
yun_ssh_session_init (YunSshSession *self)
{
  self->fd = -1;
  self->timeout_ms = YUN_SSH_DEFAULT_TIMEOUT_MS;
  self->use_agent = TRUE;
  self->known_hosts_file = g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  self->identity_directory = g_build_filename (g_get_home_dir (), ".ssh", NULL);
}

/**
 * yun_ssh_session_new:
 * @host: an address or host name
 * @port: the SSH port
 *
 * A session that is not connected yet. By default it checks host keys against
 * `~/.ssh/known_hosts`, logs in with ssh-agent, the keys `id_ed25519`, `id_ecdsa` and
 * `id_rsa` of `~/.ssh`, then a password if one is given, and gives each step 15 s.
 *
 * Returns: (transfer full): the session
 */
YunSshSession *
yun_ssh_session_new (const char *host, guint port)
{
  YunSshSession *self;

  g_return_val_if_fail (host != NULL && *host != '\0', NULL);
  g_return_val_if_fail (port > 0 && port <= 65535, NULL);

  self = g_object_new (YUN_TYPE_SSH_SESSION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  return self;
}

const char *
yun_ssh_session_get_host (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  return self->host;
}

guint
yun_ssh_session_get_port (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), 0);
  return self->port;
}

/**
 * yun_ssh_session_set_timeout:
 * @self: a session
 * @milliseconds: how long each step (connect, handshake, each login attempt, opening a
 *   channel, each SFTP step) may take; 0 for the default
 */
void
yun_ssh_session_set_timeout (YunSshSession *self, guint milliseconds)
{
  g_return_if_fail (YUN_IS_SSH_SESSION (self));
  self->timeout_ms = milliseconds > 0 ? milliseconds : YUN_SSH_DEFAULT_TIMEOUT_MS;
}

/**
 * yun_ssh_session_set_known_hosts_file:
 * @self: a session
 * @path: (nullable): the OpenSSH known-hosts file to check and record host keys in, or
 *   %NULL for `~/.ssh/known_hosts`
 */
void
yun_ssh_session_set_known_hosts_file (YunSshSession *self, const char *path)
{
  g_return_if_fail (YUN_IS_SSH_SESSION (self));

  g_free (self->known_hosts_file);
  self->known_hosts_file = path != NULL
                             ? g_strdup (path)
                             : g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
}

const char *
yun_ssh_session_get_known_hosts_file (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  return self->known_hosts_file;
}

/**
 * yun_ssh_session_set_identity_directory:
 * @self: a session
 * @path: (nullable): the folder whose `id_ed25519`, `id_ecdsa` and `id_rsa` keys are tried,
 *   or %NULL for `~/.ssh`
 */
void
yun_ssh_session_set_identity_directory (YunSshSession *self, const char *path)
{
  g_return_if_fail (YUN_IS_SSH_SESSION (self));

  g_free (self->identity_directory);
  self->identity_directory
    = path != NULL ? g_strdup (path) : g_build_filename (g_get_home_dir (), ".ssh", NULL);
}

/**
 * yun_ssh_session_set_use_agent:
 * @self: a session
 * @use_agent: whether to try the keys of ssh-agent (`SSH_AUTH_SOCK`) first; the default
 */
void
yun_ssh_session_set_use_agent (YunSshSession *self, gboolean use_agent)
{
  g_return_if_fail (YUN_IS_SSH_SESSION (self));
  self->use_agent = !!use_agent;
}

/* ---- Waiting ---- */

static gint64
deadline_in (guint milliseconds)
{
  return g_get_monotonic_time () + (gint64) milliseconds * 1000;
}

/* @what, the step that failed in these messages, is marked NC_ ("SSH step", …) where it is
 * written; a login method's name (“publickey”) may come too, and stays as it is. */
static const char *
translate_step (const char *what)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "SSH step", what);
}

static void
set_timeout_error (YunSshSession *self, GError **error, const char *what)
{
  g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_TIMEOUT,
               /* Translators: a host name and a port, then a step of an SSH connection, such
                * as “the SSH handshake” or “logging in with a key” (the “SSH step” messages). */
               _ ("%s:%u: %s timed out"), self->host, self->port, translate_step (what));
}

/* Waits until @fd is ready for @events, @cancellable is cancelled or @deadline (monotonic,
 * -1 for none) passes. */
static gboolean
wait_fd (YunSshSession *self,
         int fd,
         short events,
         gint64 deadline,
         gint cap_ms,
         GCancellable *cancellable,
         const char *what,
         GError **error)
{
  struct pollfd fds[2] = { { fd, events, 0 }, { -1, POLLIN, 0 } };
  GPollFD cancel_fd = { -1, 0, 0 };
  nfds_t n = 1;
  int rc;

  if (g_cancellable_make_pollfd (cancellable, &cancel_fd))
    {
      fds[1].fd = cancel_fd.fd;
      n = 2;
    }
  do
    {
      gint64 now = g_get_monotonic_time ();
      int timeout_ms = -1;

      if (deadline >= 0)
        timeout_ms = deadline > now ? (int) MIN ((deadline - now + 999) / 1000, G_MAXINT) : 0;
      if (cap_ms >= 0 && (timeout_ms < 0 || timeout_ms > cap_ms))
        timeout_ms = cap_ms;
      rc = poll (fds, n, timeout_ms);
    }
  while (rc < 0 && errno == EINTR);
  if (n == 2)
    g_cancellable_release_fd (cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc < 0)
    {
      int saved = errno;

      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED, "%s:%u: %s", self->host, self->port,
                   g_strerror (saved));
      return FALSE;
    }
  if (rc == 0 && deadline >= 0 && g_get_monotonic_time () >= deadline)
    {
      set_timeout_error (self, error, what);
      return FALSE;
    }
  return TRUE;
}

/* libssh2 returned EAGAIN: waits for the socket in the direction it is blocked on. */
static gboolean
wait_socket (
  YunSshSession *self, gint64 deadline, GCancellable *cancellable, const char *what, GError **error)
{
  int directions = libssh2_session_block_directions (self->session);
  short events = 0;

  if (directions & LIBSSH2_SESSION_BLOCK_INBOUND)
    events |= POLLIN;
  if (directions & LIBSSH2_SESSION_BLOCK_OUTBOUND)
    events |= POLLOUT;
  return wait_fd (self, self->fd, events != 0 ? events : POLLIN, deadline,
                  events != 0 ? -1 : IDLE_POLL_MS, cancellable, what, error);
}

/* Sets @error from the session's last error; @code for what failed. The server's own
 * message says what went wrong and never carries one of our secrets. */
static void
set_session_error (YunSshSession *self, GError **error, YunSshError code, const char *what)
{
  char *message = NULL;
  int rc = libssh2_session_last_error (self->session, &message, NULL, 0);

  if (rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_RECV
      || rc == LIBSSH2_ERROR_SOCKET_SEND)
    code = YUN_SSH_ERROR_CLOSED;
  else if (rc == LIBSSH2_ERROR_TIMEOUT)
    code = YUN_SSH_ERROR_TIMEOUT;
  g_set_error (error, YUN_SSH_ERROR, code, "%s:%u: %s: %s", self->host, self->port,
               translate_step (what),
               message != NULL && *message != '\0'
                 ? message
                 /* Translators: the error of an SSH step (“1.2.3.4:22: starting the shell:
                  * failed”) when the SSH library gives no reason. The other “SSH step”
                  * messages name a step of a connection: they are shown before “: ” and an
                  * error, or in “%s:%u: %s timed out”. */
                 : C_ ("SSH step", "failed"));
}

/* Repeats @call, which sets `rc`, while libssh2 would block; returns @fail if the wait
 * fails (timeout, cancelled). */
#define RETRY(self, call, deadline, cancellable, what, error, fail)                                \
  while ((rc = (call)) == LIBSSH2_ERROR_EAGAIN)                                                    \
    if (!wait_socket ((self), (deadline), (cancellable), (what), (error)))                         \
  return fail

/* The same for a call that returns a pointer, NULL on failure. */
#define RETRY_PTR(self, ptr, call, deadline, cancellable, what, error, fail)                       \
  while (((ptr) = (call)) == NULL                                                                  \
         && libssh2_session_last_errno ((self)->session) == LIBSSH2_ERROR_EAGAIN)                  \
    if (!wait_socket ((self), (deadline), (cancellable), (what), (error)))                         \
  return fail

static gboolean
check_state (YunSshSession *self, SessionState wanted, GError **error)
{
  const char *what;

  if (self->state == wanted)
    return TRUE;
  if (self->state == STATE_CLOSED)
    /* Translators: why an SSH session cannot do what was asked; shown after its host name
     * and port. */
    what = _ ("the connection is closed");
  else if (self->state == STATE_HOST_KEY_PENDING)
    what = _ ("the host key has not been accepted");
  else if (wanted == STATE_AUTHENTICATED)
    what = _ ("not logged in yet");
  else
    what = _ ("not in the state this needs");
  g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED, "%s:%u: %s", self->host, self->port,
               what);
  return FALSE;
}

/* ---- Connecting ---- */

static int
tcp_connect (YunSshSession *self, gint64 deadline, GCancellable *cancellable, GError **error)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *addresses = NULL;
  g_autofree char *service = g_strdup_printf ("%u", self->port);
  g_autoptr (GError) last_error = NULL;
  int rc;

  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  rc = getaddrinfo (self->host, service, &hints, &addresses);
  if (rc != 0)
    {
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CONNECT, "%s: %s", self->host,
                   gai_strerror (rc));
      return -1;
    }

  for (struct addrinfo *address = addresses; address != NULL; address = address->ai_next)
    {
      int fd = socket (address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                       address->ai_protocol);
      int so_error = 0;
      socklen_t length = sizeof so_error;

      if (fd < 0)
        continue;
      g_clear_error (&last_error);
      if (connect (fd, address->ai_addr, address->ai_addrlen) < 0)
        {
          if (errno != EINPROGRESS)
            so_error = errno;
          else if (!wait_fd (self, fd, POLLOUT, deadline, -1, cancellable,
                             NC_ ("SSH step", "connecting"), &last_error))
            {
              close (fd);
              if (g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                  || g_error_matches (last_error, YUN_SSH_ERROR, YUN_SSH_ERROR_TIMEOUT))
                break;
              continue;
            }
          else if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &so_error, &length) < 0)
            so_error = errno;
        }
      if (so_error == 0)
        {
          freeaddrinfo (addresses);
          return fd;
        }
      close (fd);
      g_set_error (&last_error, YUN_SSH_ERROR, YUN_SSH_ERROR_CONNECT, "%s:%u: %s", self->host,
                   self->port, g_strerror (so_error));
    }
  freeaddrinfo (addresses);
  if (last_error == NULL)
    g_set_error (&last_error, YUN_SSH_ERROR, YUN_SSH_ERROR_CONNECT, _ ("%s:%u: no usable address"),
                 self->host, self->port);
  g_propagate_error (error, g_steal_pointer (&last_error));
  return -1;
}

static int
known_host_key_type (int host_key_type)
{
  switch (host_key_type)
    {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
      return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS:
      return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
      return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default:
      return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

static const char *
host_key_type_name (int host_key_type)
{
  switch (host_key_type)
    {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
      return "ssh-rsa";
    case LIBSSH2_HOSTKEY_TYPE_DSS:
      return "ssh-dss";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
      return "ecdsa-sha2-nistp256";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
      return "ecdsa-sha2-nistp384";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
      return "ecdsa-sha2-nistp521";
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
      return "ssh-ed25519";
    default:
      return "unknown";
    }
}

/* The name known_hosts files give this server: `host` on port 22, `[host]:port` otherwise. */
static char *
dup_known_host_name (YunSshSession *self)
{
  if (self->port == 22)
    return g_strdup (self->host);
  return g_strdup_printf ("[%s]:%u", self->host, self->port);
}

/* The known hosts of the file; a line libssh2 cannot read (an option it does not know, a
 * certificate authority) is skipped rather than failing the whole check, as OpenSSH does. */
static LIBSSH2_KNOWNHOSTS *
read_known_hosts (YunSshSession *self, GError **error)
{
  LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init (self->session);
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) lines = NULL;

  if (hosts == NULL)
    {
      set_session_error (self, error, YUN_SSH_ERROR_HOST_KEY_FILE, NC_ ("SSH step", "known hosts"));
      return NULL;
    }
  if (!g_file_get_contents (self->known_hosts_file, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return hosts;
      libssh2_knownhost_free (hosts);
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_FILE, "%s", local_error->message);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchug (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      if (libssh2_knownhost_readline (hosts, line, strlen (line), LIBSSH2_KNOWNHOST_FILE_OPENSSH)
          != 0)
        g_debug ("%s:%u: a line libssh2 cannot read was skipped", self->known_hosts_file, i + 1);
    }
  return hosts;
}

/* Whether the server's host key is known, unknown or changed; sets fingerprint and type. */
static gboolean
check_host_key (YunSshSession *self, GError **error)
{
  g_autofree char *name = dup_known_host_name (self);
  g_autofree char *fingerprint = NULL;
  LIBSSH2_KNOWNHOSTS *hosts;
  struct libssh2_knownhost *found = NULL;
  const unsigned char *hash;
  const char *key;
  size_t length = 0;
  int type = 0;
  int check;

  key = libssh2_session_hostkey (self->session, &length, &type);
  hash = (const unsigned char *) libssh2_hostkey_hash (self->session, LIBSSH2_HOSTKEY_HASH_SHA256);
  if (key == NULL || hash == NULL)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CLOSED,
                         NC_ ("SSH step", "reading the host key"));
      return FALSE;
    }
  /* OpenSSH's form: base64 without its padding. */
  fingerprint = g_base64_encode (hash, 32);
  g_strdelimit (fingerprint, "=", '\0');
  g_free (self->fingerprint);
  self->fingerprint = g_strconcat ("SHA256:", fingerprint, NULL);
  g_free (self->host_key_type);
  self->host_key_type = g_strdup (host_key_type_name (type));

  hosts = read_known_hosts (self, error);
  if (hosts == NULL)
    return FALSE;
  /* The name already carries the port: libssh2 must not fall back to the bare host, whose
   * key (of the server on port 22) may well differ. */
  check = libssh2_knownhost_checkp (hosts, name, -1, key, length,
                                    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
                                      | known_host_key_type (type),
                                    &found);
  libssh2_knownhost_free (hosts);

  switch (check)
    {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
      self->state = STATE_CONNECTED;
      return TRUE;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
      self->state = STATE_HOST_KEY_PENDING;
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_UNKNOWN,
                   _ ("The authenticity of %s can't be established: its %s key is %s, and %s does "
                      "not know it"),
                   name, self->host_key_type, self->fingerprint, self->known_hosts_file);
      return FALSE;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_CHANGED,
                   _ ("The host key of %s has changed (it is now %s %s, not the key %s holds). "
                      "Someone could be intercepting the connection, or the server was "
                      "reinstalled: nothing was sent. If the change is expected, remove the old "
                      "key from %s and connect again."),
                   name, self->host_key_type, self->fingerprint, self->known_hosts_file,
                   self->known_hosts_file);
      close_session (self);
      return FALSE;
    case LIBSSH2_KNOWNHOST_CHECK_FAILURE:
    default:
      set_session_error (self, error, YUN_SSH_ERROR_HOST_KEY_FILE,
                         NC_ ("SSH step", "checking the host key"));
      close_session (self);
      return FALSE;
    }
}

/**
 * yun_ssh_session_connect:
 * @self: a session, not connected yet
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects (TCP, then the SSH handshake), then checks the server's host key against the
 * known-hosts file. Blocks, within the timeout: call it on a worker thread, or use
 * yun_ssh_session_connect_async().
 *
 * Returns: %TRUE when the host key is known and matches. %FALSE with
 *   %YUN_SSH_ERROR_HOST_KEY_UNKNOWN leaves the session connected: the caller asks the user
 *   about yun_ssh_session_get_host_key_fingerprint() and, if they trust it, calls
 *   yun_ssh_session_accept_host_key(). Any other error (%YUN_SSH_ERROR_HOST_KEY_CHANGED
 *   above all) leaves it closed.
 */
gboolean
yun_ssh_session_connect (YunSshSession *self, GCancellable *cancellable, GError **error)
{
  gint64 deadline;
  int rc;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (self->state == STATE_NEW, FALSE);

  ensure_libssh2 ();
  deadline = deadline_in (self->timeout_ms);
  self->fd = tcp_connect (self, deadline, cancellable, error);
  if (self->fd < 0)
    {
      self->state = STATE_CLOSED;
      return FALSE;
    }

  self->session = libssh2_session_init_ex (NULL, NULL, NULL, self);
  if (self->session == NULL)
    {
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED, _ ("%s:%u: out of memory"),
                   self->host, self->port);
      close_session (self);
      return FALSE;
    }
  libssh2_session_set_blocking (self->session, 0);

  deadline = deadline_in (self->timeout_ms);
  while ((rc = libssh2_session_handshake (self->session, self->fd)) == LIBSSH2_ERROR_EAGAIN)
    if (!wait_socket (self, deadline, cancellable, NC_ ("SSH step", "the SSH handshake"), error))
      {
        close_session (self);
        return FALSE;
      }
  if (rc != 0)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CONNECT, NC_ ("SSH step", "SSH handshake"));
      close_session (self);
      return FALSE;
    }
  if (debug_enabled ())
    g_debug ("%s:%u: connected", self->host, self->port);

  return check_host_key (self, error);
}

static void
connect_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (yun_ssh_session_connect (source, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * yun_ssh_session_connect_async:
 * @self: a session, not connected yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context when done
 * @user_data: for @callback
 *
 * yun_ssh_session_connect() on a worker thread. Do not use the session until @callback.
 */
void
yun_ssh_session_connect_async (YunSshSession *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (YUN_IS_SSH_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_ssh_session_connect_async);
  g_task_run_in_thread (task, connect_worker);
}

gboolean
yun_ssh_session_connect_finish (YunSshSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * yun_ssh_session_get_host_key_fingerprint:
 * @self: a session that has connected
 *
 * Returns: (nullable): the server's host key fingerprint as OpenSSH shows it
 *   (`SHA256:` and base64), or %NULL before a connection
 */
const char *
yun_ssh_session_get_host_key_fingerprint (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  return self->fingerprint;
}

/**
 * yun_ssh_session_get_host_key_type:
 * @self: a session that has connected
 *
 * Returns: (nullable): the host key's type, such as `ssh-ed25519`
 */
const char *
yun_ssh_session_get_host_key_type (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  return self->host_key_type;
}

static gboolean
make_parent_directory (const char *path, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_FILE, "%s: %s", directory,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
append_known_host (YunSshSession *self, const char *line, gsize length, GError **error)
{
  int fd = g_open (self->known_hosts_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_FILE, "%s: %s",
                   self->known_hosts_file, g_strerror (saved));
      return FALSE;
    }
  ok = write (fd, line, length) == (gssize) length && fsync (fd) == 0;
  if (!ok)
    {
      int saved = errno;

      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_FILE, "%s: %s",
                   self->known_hosts_file, g_strerror (saved));
    }
  close (fd);
  return ok;
}

/**
 * yun_ssh_session_accept_host_key:
 * @self: a session whose yun_ssh_session_connect() failed with
 *   %YUN_SSH_ERROR_HOST_KEY_UNKNOWN
 * @error: return location for a #GError
 *
 * The user trusts the server's key: it is appended to the known-hosts file (created with mode
 * 0600, in a folder made with mode 0700, if need be), in OpenSSH's format, so that the next
 * connection knows it, and this session may go on to yun_ssh_session_authenticate().
 *
 * Returns: whether the key was recorded
 */
gboolean
yun_ssh_session_accept_host_key (YunSshSession *self, GError **error)
{
  g_autofree char *name = NULL;
  LIBSSH2_KNOWNHOSTS *hosts;
  struct libssh2_knownhost *entry = NULL;
  char line[8192];
  size_t line_length = 0;
  const char *key;
  size_t length = 0;
  int type = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), FALSE);

  if (!check_state (self, STATE_HOST_KEY_PENDING, error))
    return FALSE;

  name = dup_known_host_name (self);
  key = libssh2_session_hostkey (self->session, &length, &type);
  hosts = libssh2_knownhost_init (self->session);
  if (key == NULL || hosts == NULL
      || libssh2_knownhost_addc (hosts, name, NULL, key, length, NULL, 0,
                                 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
                                   | known_host_key_type (type),
                                 &entry)
           != 0
      || libssh2_knownhost_writeline (hosts, entry, line, sizeof line, &line_length,
                                      LIBSSH2_KNOWNHOST_FILE_OPENSSH)
           != 0)
    {
      set_session_error (self, error, YUN_SSH_ERROR_HOST_KEY_FILE,
                         NC_ ("SSH step", "recording the host key"));
      if (hosts != NULL)
        libssh2_knownhost_free (hosts);
      return FALSE;
    }
  libssh2_knownhost_free (hosts);

  /* Another connection to the same server (a batch) may have recorded it meanwhile. */
  g_mutex_lock (&known_hosts_lock);
  hosts = read_known_hosts (self, error);
  if (hosts != NULL)
    {
      struct libssh2_knownhost *found = NULL;
      int check = libssh2_knownhost_checkp (
        hosts, name, -1, key, length,
        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | known_host_key_type (type),
        &found);

      libssh2_knownhost_free (hosts);
      if (check == LIBSSH2_KNOWNHOST_CHECK_MATCH)
        ok = TRUE;
      else if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
        g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_CHANGED,
                     _ ("%s has meanwhile recorded another key for %s: nothing was recorded"),
                     self->known_hosts_file, name);
      else if (make_parent_directory (self->known_hosts_file, error))
        ok = append_known_host (self, line, line_length, error);
    }
  g_mutex_unlock (&known_hosts_lock);

  if (ok)
    {
      self->state = STATE_CONNECTED;
      if (debug_enabled ())
        g_debug ("%s: recorded the %s key %s in %s", name, self->host_key_type, self->fingerprint,
                 self->known_hosts_file);
    }
  return ok;
}

/* ---- Logging in ---- */

static void
keyboard_interactive_cb (const char *name,
                         int name_length,
                         const char *instruction,
                         int instruction_length,
                         int n_prompts,
                         const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
                         LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses,
                         void **abstract)
{
  YunSshSession *self = *abstract;

  /* Every hidden prompt gets the password (the usual single "Password:" prompt). libssh2
   * sends the answers and frees them itself, without wiping them: that copy lives only for
   * the round trip. */
  for (int i = 0; i < n_prompts; i++)
    {
      const char *answer = !prompts[i].echo && self->kbd_password != NULL ? self->kbd_password : "";

      responses[i].text = strdup (answer);
      responses[i].length = responses[i].text != NULL ? (unsigned int) strlen (answer) : 0;
    }
}

typedef enum
{
  ATTEMPT_REFUSED,
  ATTEMPT_ACCEPTED,
  ATTEMPT_ERROR, /* the connection is gone, or the deadline passed */
} Attempt;

static Attempt
attempt_result (YunSshSession *self, int rc, const char *method, GError **error)
{
  if (rc == 0)
    {
      self->auth_method = method;
      return ATTEMPT_ACCEPTED;
    }
  if (rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_SEND
      || rc == LIBSSH2_ERROR_SOCKET_RECV || rc == LIBSSH2_ERROR_TIMEOUT)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CLOSED, method);
      return ATTEMPT_ERROR;
    }
  if (debug_enabled ())
    g_debug ("%s:%u: %s refused (%d)", self->host, self->port, method, rc);
  return ATTEMPT_REFUSED;
}

/* Repeats a login call while it would block; a wait that fails (timeout, cancelled) ends
 * the attempt with an error. */
#define ATTEMPT(self, call, deadline, cancellable, what, error)                                    \
  G_STMT_START                                                                                     \
  {                                                                                                \
    while ((rc = (call)) == LIBSSH2_ERROR_EAGAIN)                                                  \
      if (!wait_socket ((self), (deadline), (cancellable), (what), (error)))                       \
        return ATTEMPT_ERROR;                                                                      \
  }                                                                                                \
  G_STMT_END

static Attempt
try_agent (YunSshSession *self, const char *user, GCancellable *cancellable, GError **error)
{
  LIBSSH2_AGENT *agent;
  struct libssh2_agent_publickey *identity = NULL;
  struct libssh2_agent_publickey *previous = NULL;
  Attempt result = ATTEMPT_REFUSED;

  if (!self->use_agent || g_getenv ("SSH_AUTH_SOCK") == NULL)
    return ATTEMPT_REFUSED;
  agent = libssh2_agent_init (self->session);
  if (agent == NULL)
    return ATTEMPT_REFUSED;
  if (libssh2_agent_connect (agent) != 0 || libssh2_agent_list_identities (agent) != 0)
    {
      libssh2_agent_free (agent);
      return ATTEMPT_REFUSED;
    }
  while (result == ATTEMPT_REFUSED && libssh2_agent_get_identity (agent, &identity, previous) == 0)
    {
      gint64 deadline = deadline_in (self->timeout_ms);
      int rc;

      while ((rc = libssh2_agent_userauth (agent, user, identity)) == LIBSSH2_ERROR_EAGAIN)
        if (!wait_socket (self, deadline, cancellable,
                          NC_ ("SSH step", "logging in with ssh-agent"), error))
          {
            rc = LIBSSH2_ERROR_TIMEOUT;
            result = ATTEMPT_ERROR;
            break;
          }
      if (result != ATTEMPT_ERROR)
        result = attempt_result (self, rc, "ssh-agent", error);
      previous = identity;
    }
  libssh2_agent_disconnect (agent);
  libssh2_agent_free (agent);
  return result;
}

static Attempt
try_key_files (YunSshSession *self,
               const char *user,
               const char *passphrase,
               GCancellable *cancellable,
               GError **error)
{
  static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *private_key = g_build_filename (self->identity_directory, names[i], NULL);
      g_autofree char *public_key = g_strconcat (private_key, ".pub", NULL);
      gint64 deadline = deadline_in (self->timeout_ms);
      Attempt result;
      int rc;

      if (!g_file_test (private_key, G_FILE_TEST_IS_REGULAR))
        continue;
      ATTEMPT (self,
               libssh2_userauth_publickey_fromfile_ex (
                 self->session, user, (unsigned int) strlen (user),
                 g_file_test (public_key, G_FILE_TEST_IS_REGULAR) ? public_key : NULL, private_key,
                 passphrase),
               deadline, cancellable, NC_ ("SSH step", "logging in with a key"), error);
      /* A key that cannot be read (encrypted, and no or a wrong passphrase) is skipped. */
      if (rc == LIBSSH2_ERROR_FILE && debug_enabled ())
        g_debug ("%s: cannot be used (encrypted?)", private_key);
      result = attempt_result (self, rc, "publickey", error);
      if (result != ATTEMPT_REFUSED)
        return result;
    }
  return ATTEMPT_REFUSED;
}

static Attempt
try_password (YunSshSession *self,
              const char *user,
              const char *password,
              const char *methods,
              GCancellable *cancellable,
              GError **error)
{
  gint64 deadline = deadline_in (self->timeout_ms);
  Attempt result = ATTEMPT_REFUSED;
  int rc;

  if (password == NULL)
    return ATTEMPT_REFUSED;
  if (strstr (methods, "password") != NULL)
    {
      ATTEMPT (self,
               libssh2_userauth_password_ex (self->session, user, (unsigned int) strlen (user),
                                             password, (unsigned int) strlen (password), NULL),
               deadline, cancellable, NC_ ("SSH step", "logging in with a password"), error);
      result = attempt_result (self, rc, "password", error);
    }
  else if (strstr (methods, "keyboard-interactive") != NULL)
    {
      self->kbd_password = password;
      while ((rc = libssh2_userauth_keyboard_interactive_ex (
                self->session, user, (unsigned int) strlen (user), keyboard_interactive_cb))
             == LIBSSH2_ERROR_EAGAIN)
        if (!wait_socket (self, deadline, cancellable,
                          NC_ ("SSH step", "logging in with a password"), error))
          {
            self->kbd_password = NULL;
            return ATTEMPT_ERROR;
          }
      self->kbd_password = NULL;
      result = attempt_result (self, rc, "keyboard-interactive", error);
    }
  return result;
}

/**
 * yun_ssh_session_authenticate:
 * @self: a connected session whose host key is trusted
 * @user: the login user
 * @password: (nullable): the user's password, tried last
 * @passphrase: (nullable): the passphrase of the key files, if they are encrypted
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Logs in as @user with, in this order and as far as the server offers them: the keys of
 * ssh-agent, the key files of the identity directory, then @password (by `password`, or by
 * `keyboard-interactive`). Neither @password nor @passphrase is logged or kept. Blocks within
 * the timeout of each attempt.
 *
 * Returns: %TRUE once logged in; %FALSE with %YUN_SSH_ERROR_AUTHENTICATION when every
 *   method was refused (the session stays connected: ask the user for a password and call
 *   this again, as long as the server allows more attempts), or another error (the
 *   connection lost, a timeout, cancelled)
 */
gboolean
yun_ssh_session_authenticate (YunSshSession *self,
                              const char *user,
                              const char *password,
                              const char *passphrase,
                              GCancellable *cancellable,
                              GError **error)
{
  g_autofree char *methods = NULL;
  gint64 deadline;
  const char *list;
  Attempt result;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (user != NULL && *user != '\0', FALSE);

  if (!check_state (self, STATE_CONNECTED, error))
    return FALSE;

  deadline = deadline_in (self->timeout_ms);
  RETRY_PTR (self, list, libssh2_userauth_list (self->session, user, (unsigned int) strlen (user)),
             deadline, cancellable, NC_ ("SSH step", "asking for the login methods"), error, FALSE);
  if (list == NULL)
    {
      if (libssh2_userauth_authenticated (self->session))
        {
          self->auth_method = "none";
          self->state = STATE_AUTHENTICATED;
          return TRUE;
        }
      set_session_error (self, error, YUN_SSH_ERROR_CLOSED,
                         NC_ ("SSH step", "asking for the login methods"));
      return FALSE;
    }
  methods = g_strdup (list);

  result = ATTEMPT_REFUSED;
  if (strstr (methods, "publickey") != NULL)
    {
      result = try_agent (self, user, cancellable, error);
      if (result == ATTEMPT_REFUSED)
        result = try_key_files (self, user, passphrase, cancellable, error);
    }
  if (result == ATTEMPT_REFUSED)
    result = try_password (self, user, password, methods, cancellable, error);

  switch (result)
    {
    case ATTEMPT_ACCEPTED:
      self->state = STATE_AUTHENTICATED;
      if (debug_enabled ())
        g_debug ("%s:%u: logged in as %s (%s)", self->host, self->port, user, self->auth_method);
      return TRUE;
    case ATTEMPT_REFUSED:
      if (self->use_agent && password != NULL)
        g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION,
                     /* Translators: in this message and the three after it, a host name and
                      * a port, the login user, then the login methods the server offers, as
                      * it names them (“publickey,password”). */
                     _ ("%s:%u: the server refused to log in as %s (it offers %s; tried "
                        "ssh-agent, the key files of ~/.ssh and the password)"),
                     self->host, self->port, user, methods);
      else if (self->use_agent)
        g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION,
                     _ ("%s:%u: the server refused to log in as %s (it offers %s; tried "
                        "ssh-agent, the key files of ~/.ssh)"),
                     self->host, self->port, user, methods);
      else if (password != NULL)
        g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION,
                     _ ("%s:%u: the server refused to log in as %s (it offers %s; tried the key "
                        "files of ~/.ssh and the password)"),
                     self->host, self->port, user, methods);
      else
        g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION,
                     _ ("%s:%u: the server refused to log in as %s (it offers %s; tried the key "
                        "files of ~/.ssh)"),
                     self->host, self->port, user, methods);
      return FALSE;
    case ATTEMPT_ERROR:
    default:
      return FALSE;
    }
}

typedef struct
{
  char *user;
  char *password;   /* secret */
  char *passphrase; /* secret */
} AuthData;

static void
auth_data_free (AuthData *data)
{
  g_free (data->user);
  yun_secret_free (data->password);
  yun_secret_free (data->passphrase);
  g_free (data);
}

static void
authenticate_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AuthData *data = task_data;
  GError *error = NULL;

  if (yun_ssh_session_authenticate (source, data->user, data->password, data->passphrase,
                                    cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * yun_ssh_session_authenticate_async:
 * @self: a connected session whose host key is trusted
 * @user: the login user
 * @password: (nullable): the password (copied, and wiped once done)
 * @passphrase: (nullable): the key files' passphrase (copied, and wiped once done)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context when done
 * @user_data: for @callback
 *
 * yun_ssh_session_authenticate() on a worker thread.
 */
void
yun_ssh_session_authenticate_async (YunSshSession *self,
                                    const char *user,
                                    const char *password,
                                    const char *passphrase,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AuthData *data;

  g_return_if_fail (YUN_IS_SSH_SESSION (self));
  g_return_if_fail (user != NULL && *user != '\0');

  data = g_new0 (AuthData, 1);
  data->user = g_strdup (user);
  data->password = g_strdup (password);
  data->passphrase = g_strdup (passphrase);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_ssh_session_authenticate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) auth_data_free);
  g_task_run_in_thread (task, authenticate_worker);
}

gboolean
yun_ssh_session_authenticate_finish (YunSshSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * yun_ssh_session_get_auth_method:
 * @self: a session
 *
 * Returns: (nullable): how the login succeeded: `ssh-agent`, `publickey`, `password`,
 *   `keyboard-interactive` or `none`; %NULL before
 */
const char *
yun_ssh_session_get_auth_method (YunSshSession *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  return self->state == STATE_AUTHENTICATED ? self->auth_method : NULL;
}

/* ---- Channels ---- */

static LIBSSH2_CHANNEL *
open_channel (YunSshSession *self, GCancellable *cancellable, GError **error)
{
  gint64 deadline = deadline_in (self->timeout_ms);
  LIBSSH2_CHANNEL *channel;

  RETRY_PTR (self, channel, libssh2_channel_open_session (self->session), deadline, cancellable,
             NC_ ("SSH step", "opening a channel"), error, NULL);
  if (channel == NULL)
    set_session_error (self, error, YUN_SSH_ERROR_CHANNEL, NC_ ("SSH step", "opening a channel"));
  return channel;
}

/* Closes and frees @channel; best effort within the session's timeout. */
static void
free_channel (YunSshSession *self, LIBSSH2_CHANNEL *channel)
{
  gint64 deadline = deadline_in (self->timeout_ms);

  while (libssh2_channel_free (channel) == LIBSSH2_ERROR_EAGAIN)
    if (!wait_socket (self, deadline, NULL, NC_ ("SSH step", "closing a channel"), NULL))
      break;
}

/* Appends @data to @buffer up to @max bytes; the rest only counts as truncation. */
static void
append_bounded (GByteArray *buffer, const char *data, gsize length, gsize max, gboolean *truncated)
{
  gsize room = buffer->len < max ? max - buffer->len : 0;

  g_byte_array_append (buffer, (const guint8 *) data, (guint) MIN (room, length));
  if (length > room)
    *truncated = TRUE;
}

static gboolean
read_exec_output (YunSshSession *self,
                  LIBSSH2_CHANNEL *channel,
                  YunSshExecResult *result,
                  gsize max_output,
                  gint64 deadline,
                  GCancellable *cancellable,
                  GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) err = g_byte_array_new ();
  char buffer[COPY_CHUNK];

  for (;;)
    {
      ssize_t n_out = libssh2_channel_read (channel, buffer, sizeof buffer);
      ssize_t n_err;

      if (n_out > 0)
        append_bounded (out, buffer, (gsize) n_out, max_output, &result->stdout_truncated);
      n_err = libssh2_channel_read_stderr (channel, buffer, sizeof buffer);
      if (n_err > 0)
        append_bounded (err, buffer, (gsize) n_err, max_output, &result->stderr_truncated);
      if ((n_out < 0 && n_out != LIBSSH2_ERROR_EAGAIN)
          || (n_err < 0 && n_err != LIBSSH2_ERROR_EAGAIN))
        {
          set_session_error (self, error, YUN_SSH_ERROR_CLOSED,
                             NC_ ("SSH step", "reading the command's output"));
          return FALSE;
        }
      if (n_out > 0 || n_err > 0)
        continue;
      if (libssh2_channel_eof (channel))
        break;
      if (!wait_socket (self, deadline, cancellable, NC_ ("SSH step", "the command"), error))
        return FALSE;
    }
  result->stdout_data = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  result->stderr_data = g_byte_array_free_to_bytes (g_steal_pointer (&err));
  return TRUE;
}

static gboolean
run_exec (YunSshSession *self,
          LIBSSH2_CHANNEL *channel,
          const char *command,
          YunSshExecResult *result,
          gsize max_output,
          gint64 deadline,
          GCancellable *cancellable,
          GError **error)
{
  gint64 step_deadline = deadline_in (self->timeout_ms);
  char *exit_signal = NULL;
  size_t exit_signal_length = 0;
  int rc;

  RETRY (self, libssh2_channel_exec (channel, command), step_deadline, cancellable,
         NC_ ("SSH step", "starting the command"), error, FALSE);
  if (rc != 0)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CHANNEL,
                         NC_ ("SSH step", "starting the command"));
      return FALSE;
    }
  if (!read_exec_output (self, channel, result, max_output, deadline, cancellable, error))
    return FALSE;

  RETRY (self, libssh2_channel_close (channel), deadline, cancellable,
         NC_ ("SSH step", "the command"), error, FALSE);
  RETRY (self, libssh2_channel_wait_closed (channel), deadline, cancellable,
         NC_ ("SSH step", "the command"), error, FALSE);
  result->exit_status = libssh2_channel_get_exit_status (channel);
  if (libssh2_channel_get_exit_signal (channel, &exit_signal, &exit_signal_length, NULL, NULL, NULL,
                                       NULL)
        == 0
      && exit_signal != NULL)
    {
      result->exit_signal = g_strndup (exit_signal, exit_signal_length);
      libssh2_free (self->session, exit_signal);
    }
  return TRUE;
}

/**
 * yun_ssh_session_exec:
 * @self: a session that is logged in
 * @command: the command line, run by the login user's shell
 * @max_output: how much of each of standard output and standard error to keep, 0 for
 *   %YUN_SSH_DEFAULT_MAX_OUTPUT; the rest is read and dropped
 * @timeout_seconds: how long the command may run, 0 for no limit (@cancellable still stops
 *   it)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs @command in a channel of its own and waits for it to end. The session can run more
 * commands afterwards. The command is not logged.
 *
 * Returns: (transfer full): the exit status and output, or %NULL with %YUN_SSH_ERROR_CHANNEL
 *   (refused), %YUN_SSH_ERROR_TIMEOUT, %YUN_SSH_ERROR_CLOSED or %G_IO_ERROR_CANCELLED; after
 *   a timeout or cancellation the session is closed, and the command may still be running
 *   on the server
 */
YunSshExecResult *
yun_ssh_session_exec (YunSshSession *self,
                      const char *command,
                      gsize max_output,
                      guint timeout_seconds,
                      GCancellable *cancellable,
                      GError **error)
{
  g_autoptr (YunSshExecResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  LIBSSH2_CHANNEL *channel;
  gint64 deadline;
  gboolean ok;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (command != NULL, NULL);

  if (!check_state (self, STATE_AUTHENTICATED, error))
    return NULL;
  channel = open_channel (self, cancellable, error);
  if (channel == NULL)
    return NULL;

  deadline = timeout_seconds > 0
               ? g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC
               : -1;
  result = g_new0 (YunSshExecResult, 1);
  ok = run_exec (self, channel, command, result,
                 max_output > 0 ? max_output : YUN_SSH_DEFAULT_MAX_OUTPUT, deadline, cancellable,
                 &local_error);
  if (ok || g_error_matches (local_error, YUN_SSH_ERROR, YUN_SSH_ERROR_CHANNEL))
    free_channel (self, channel);
  else
    /* The channel is in the middle of something (the command may still run, and the server
     * keeps it open until it ends): the session cannot be trusted with more. */
    close_session (self);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&result);
}

/* ---- SFTP ---- */

/* What an SFTP request was doing, for set_sftp_error(). */
typedef enum
{
  SFTP_CREATING,
  SFTP_WRITING,
  SFTP_SETTING_MODE,
  SFTP_RENAMING,
} SftpStep;

/* The reason of an SFTP status, NULL for one without a reason of its own. */
static const char *
describe_sftp_status (unsigned long fx)
{
  switch (fx)
    {
    case LIBSSH2_FX_NO_SUCH_FILE:
      /* Translators: why the SSH file transfer of an upload failed, after the file's path. */
      return C_ ("SFTP error", "no such file or folder");
    case LIBSSH2_FX_PERMISSION_DENIED:
      return C_ ("SFTP error", "permission denied");
    case LIBSSH2_FX_FAILURE:
      return C_ ("SFTP error", "failed");
    case LIBSSH2_FX_NO_SUCH_PATH:
      return C_ ("SFTP error", "no such folder");
    case LIBSSH2_FX_FILE_ALREADY_EXISTS:
      return C_ ("SFTP error", "the file exists");
    case LIBSSH2_FX_WRITE_PROTECT:
      return C_ ("SFTP error", "the file system is read-only");
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
      return C_ ("SFTP error", "no space left");
    case LIBSSH2_FX_QUOTA_EXCEEDED:
      return C_ ("SFTP error", "over quota");
    case LIBSSH2_FX_NOT_A_DIRECTORY:
      return C_ ("SFTP error", "not a folder");
    default:
      return NULL;
    }
}

static void
set_sftp_error (
  YunSshSession *self, LIBSSH2_SFTP *sftp, GError **error, SftpStep step, const char *path)
{
  int rc = libssh2_session_last_errno (self->session);
  g_autofree char *what = NULL;
  const char *reason;

  if (rc != LIBSSH2_ERROR_SFTP_PROTOCOL)
    {
      switch (step)
        {
        case SFTP_CREATING:
          set_session_error (self, error, YUN_SSH_ERROR_CLOSED, NC_ ("SSH step", "creating"));
          break;
        case SFTP_SETTING_MODE:
          set_session_error (self, error, YUN_SSH_ERROR_CLOSED,
                             NC_ ("SSH step", "setting the mode of"));
          break;
        case SFTP_RENAMING:
          set_session_error (self, error, YUN_SSH_ERROR_CLOSED,
                             NC_ ("SSH step", "renaming the upload to"));
          break;
        case SFTP_WRITING:
        default:
          set_session_error (self, error, YUN_SSH_ERROR_CLOSED, NC_ ("SSH step", "writing"));
          break;
        }
      return;
    }

  switch (step)
    {
    case SFTP_CREATING:
      /* Translators: what an upload was doing to the remote file whose path %s is; the
       * server's reason follows. */
      what = g_strdup_printf (_ ("creating %s"), path);
      break;
    case SFTP_SETTING_MODE:
      what = g_strdup_printf (_ ("setting the mode of %s"), path);
      break;
    case SFTP_RENAMING:
      what = g_strdup_printf (_ ("renaming the upload to %s"), path);
      break;
    case SFTP_WRITING:
    default:
      what = g_strdup_printf (_ ("writing %s"), path);
      break;
    }
  reason = describe_sftp_status (libssh2_sftp_last_error (sftp));
  g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_FILE, "%s:%u: %s: %s", self->host, self->port,
               what, reason != NULL ? reason : _ ("SFTP error"));
}

typedef struct
{
  YunSshSession *session;
  LIBSSH2_SFTP *sftp;
  LIBSSH2_SFTP_HANDLE *handle;
  char *temp_path;
  gboolean renamed;
} Upload;

static void
upload_clear (Upload *upload)
{
  YunSshSession *self = upload->session;
  gint64 deadline = deadline_in (self->timeout_ms);

  if (upload->handle != NULL)
    while (libssh2_sftp_close_handle (upload->handle) == LIBSSH2_ERROR_EAGAIN)
      if (!wait_socket (self, deadline, NULL, NC_ ("SSH step", "closing the remote file"), NULL))
        break;
  if (upload->temp_path != NULL && !upload->renamed && upload->sftp != NULL)
    while (libssh2_sftp_unlink (upload->sftp, upload->temp_path) == LIBSSH2_ERROR_EAGAIN)
      if (!wait_socket (self, deadline, NULL, NC_ ("SSH step", "removing the temporary file"),
                        NULL))
        break;
  if (upload->sftp != NULL)
    while (libssh2_sftp_shutdown (upload->sftp) == LIBSSH2_ERROR_EAGAIN)
      if (!wait_socket (self, deadline, NULL, NC_ ("SSH step", "closing SFTP"), NULL))
        break;
  g_free (upload->temp_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Upload, upload_clear)

static gboolean
upload_contents (Upload *upload, int local_fd, GCancellable *cancellable, GError **error)
{
  YunSshSession *self = upload->session;
  char buffer[COPY_CHUNK];

  for (;;)
    {
      ssize_t n = read (local_fd, buffer, sizeof buffer);
      ssize_t done = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_FILE, _ ("reading the local file: %s"),
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      while (done < n)
        {
          /* Each piece that goes through moves the deadline: a large file may take long. */
          gint64 deadline = deadline_in (self->timeout_ms);
          ssize_t rc;

          while ((rc = libssh2_sftp_write (upload->handle, buffer + done, (size_t) (n - done)))
                 == LIBSSH2_ERROR_EAGAIN)
            if (!wait_socket (self, deadline, cancellable, NC_ ("SSH step", "uploading"), error))
              return FALSE;
          if (rc < 0)
            {
              set_sftp_error (self, upload->sftp, error, SFTP_WRITING, upload->temp_path);
              return FALSE;
            }
          done += rc;
        }
    }
}

/**
 * yun_ssh_session_upload:
 * @self: a session that is logged in
 * @local_path: the file to send
 * @remote_path: where it goes on the server (absolute, or relative to the login folder); a
 *   file there is replaced
 * @mode: the remote file's permission bits, or -1 for the local file's
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Uploads over SFTP into a temporary file next to @remote_path, sets its mode, then renames
 * it over @remote_path, so that the file is either the old one or the whole new one (where
 * the server cannot rename over an existing file, the old one is removed just before).
 * A failed upload leaves no temporary file behind.
 *
 * Returns: whether the file is in place; %FALSE with %YUN_SSH_ERROR_FILE (local or remote
 *   file), %YUN_SSH_ERROR_CHANNEL (no SFTP), %YUN_SSH_ERROR_TIMEOUT, %YUN_SSH_ERROR_CLOSED or
 *   %G_IO_ERROR_CANCELLED
 */
gboolean
yun_ssh_session_upload (YunSshSession *self,
                        const char *local_path,
                        const char *remote_path,
                        int mode,
                        GCancellable *cancellable,
                        GError **error)
{
  g_auto (Upload) upload = { self, NULL, NULL, NULL, FALSE };
  g_autofree char *remote_dir = NULL;
  g_autofree char *remote_base = NULL;
  LIBSSH2_SFTP_ATTRIBUTES attributes = { 0 };
  struct stat info;
  gint64 deadline;
  int local_fd;
  int rc;
  gboolean ok;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (local_path != NULL, FALSE);
  g_return_val_if_fail (remote_path != NULL && *remote_path != '\0', FALSE);

  if (!check_state (self, STATE_AUTHENTICATED, error))
    return FALSE;

  local_fd = g_open (local_path, O_RDONLY | O_CLOEXEC, 0);
  if (local_fd < 0 || fstat (local_fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      int saved = local_fd < 0 ? errno : S_ISREG (info.st_mode) ? errno : EINVAL;

      if (local_fd >= 0)
        close (local_fd);
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_FILE, "%s: %s", local_path,
                   saved == EINVAL ? _ ("not a regular file") : g_strerror (saved));
      return FALSE;
    }
  if (mode < 0)
    mode = (int) (info.st_mode & 07777);

  deadline = deadline_in (self->timeout_ms);
  while ((upload.sftp = libssh2_sftp_init (self->session)) == NULL
         && libssh2_session_last_errno (self->session) == LIBSSH2_ERROR_EAGAIN)
    if (!wait_socket (self, deadline, cancellable, NC_ ("SSH step", "starting SFTP"), error))
      {
        close (local_fd);
        return FALSE;
      }
  if (upload.sftp == NULL)
    {
      close (local_fd);
      set_session_error (self, error, YUN_SSH_ERROR_CHANNEL, NC_ ("SSH step", "starting SFTP"));
      return FALSE;
    }

  remote_dir = g_path_get_dirname (remote_path);
  remote_base = g_path_get_basename (remote_path);
  upload.temp_path
    = g_strdup_printf ("%s/.%s.yundesk-%08x.tmp", remote_dir, remote_base, g_random_int ());
  deadline = deadline_in (self->timeout_ms);
  while ((upload.handle = libssh2_sftp_open_ex (
            upload.sftp, upload.temp_path, (unsigned int) strlen (upload.temp_path),
            LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, 0600, LIBSSH2_SFTP_OPENFILE))
           == NULL
         && libssh2_session_last_errno (self->session) == LIBSSH2_ERROR_EAGAIN)
    if (!wait_socket (self, deadline, cancellable, NC_ ("SSH step", "creating the remote file"),
                      error))
      {
        close (local_fd);
        g_clear_pointer (&upload.temp_path, g_free);
        return FALSE;
      }
  if (upload.handle == NULL)
    {
      close (local_fd);
      set_sftp_error (self, upload.sftp, error, SFTP_CREATING, upload.temp_path);
      g_clear_pointer (&upload.temp_path, g_free);
      return FALSE;
    }

  ok = upload_contents (&upload, local_fd, cancellable, error);
  close (local_fd);
  if (!ok)
    return FALSE;

  /* Set explicitly: the server's umask applies to the mode given at creation. */
  attributes.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
  attributes.permissions = (unsigned long) mode & 07777;
  deadline = deadline_in (self->timeout_ms);
  RETRY (self, libssh2_sftp_fsetstat (upload.handle, &attributes), deadline, cancellable,
         NC_ ("SSH step", "setting the file's mode"), error, FALSE);
  if (rc != 0)
    {
      set_sftp_error (self, upload.sftp, error, SFTP_SETTING_MODE, upload.temp_path);
      return FALSE;
    }
  RETRY (self, libssh2_sftp_close_handle (upload.handle), deadline, cancellable,
         NC_ ("SSH step", "closing the remote file"), error, FALSE);
  upload.handle = NULL;
  if (rc != 0)
    {
      set_sftp_error (self, upload.sftp, error, SFTP_WRITING, upload.temp_path);
      return FALSE;
    }

  /* SFTP version 3 (OpenSSH) renames over nothing: the old file is removed first, and the
   * pair tried again a few times, for a second upload to the same path may put its file
   * there in between (the last one then wins, whole). */
  for (guint attempt = 0;; attempt++)
    {
      RETRY (self,
             libssh2_sftp_rename_ex (upload.sftp, upload.temp_path,
                                     (unsigned int) strlen (upload.temp_path), remote_path,
                                     (unsigned int) strlen (remote_path),
                                     LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC
                                       | LIBSSH2_SFTP_RENAME_NATIVE),
             deadline, cancellable, NC_ ("SSH step", "renaming the remote file"), error, FALSE);
      if (rc != LIBSSH2_ERROR_SFTP_PROTOCOL || attempt == 3
          || (libssh2_sftp_last_error (upload.sftp) != LIBSSH2_FX_FAILURE
              && libssh2_sftp_last_error (upload.sftp) != LIBSSH2_FX_FILE_ALREADY_EXISTS))
        break;
      RETRY (self, libssh2_sftp_unlink (upload.sftp, remote_path), deadline, cancellable,
             NC_ ("SSH step", "replacing the remote file"), error, FALSE);
    }
  if (rc != 0)
    {
      set_sftp_error (self, upload.sftp, error, SFTP_RENAMING, remote_path);
      return FALSE;
    }
  upload.renamed = TRUE;
  if (debug_enabled ())
    g_debug ("%s:%u: uploaded %s (mode %04o)", self->host, self->port, remote_path, mode);
  return TRUE;
}

/**
 * yun_ssh_session_disconnect:
 * @self: a session
 *
 * Closes the connection; its shells can no longer be used. Finalizing the session does it
 * too.
 */
void
yun_ssh_session_disconnect (YunSshSession *self)
{
  g_return_if_fail (YUN_IS_SSH_SESSION (self));
  close_session (self);
}

/* ---- Shells ---- */

struct _YunSshShell
{
  GObject parent_instance;

  YunSshSession *session; /* a reference: the channel lives in its libssh2 session */
  LIBSSH2_CHANNEL *channel;
  gboolean closed; /* both sides closed the channel: the exit status is known */

  GMutex size_lock;
  guint columns; /* wanted, under size_lock */
  guint rows;
  gboolean size_changed;
  int wake[2]; /* set_size() writes a byte to wake[1]; the bridge polls wake[0] */
};

G_DEFINE_FINAL_TYPE (YunSshShell, yun_ssh_shell, G_TYPE_OBJECT)

static void
yun_ssh_shell_finalize (GObject *object)
{
  YunSshShell *self = (YunSshShell *) object;

  /* A shell still running would keep its channel open until it ends: then it is left to the
   * session, which frees it when it closes, rather than waited for here. */
  if (self->channel != NULL && self->session->session != NULL && self->closed)
    free_channel (self->session, self->channel);
  g_clear_object (&self->session);
  for (guint i = 0; i < 2; i++)
    if (self->wake[i] >= 0)
      close (self->wake[i]);
  g_mutex_clear (&self->size_lock);

  G_OBJECT_CLASS (yun_ssh_shell_parent_class)->finalize (object);
}

static void
yun_ssh_shell_class_init (YunSshShellClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yun_ssh_shell_finalize;
}

static void
yun_ssh_shell_init (YunSshShell *self)
{
  g_mutex_init (&self->size_lock);
  self->wake[0] = self->wake[1] = -1;
}

/**
 * yun_ssh_session_open_shell:
 * @self: a session that is logged in
 * @term: (nullable): the terminal type, %NULL for `xterm-256color`
 * @columns: the terminal's width in characters
 * @rows: its height in lines
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Opens a channel with a remote pseudo-terminal of @columns × @rows and starts the login
 * user's shell in it. See the description of #YunSshShell in the header for joining it to a
 * terminal widget.
 *
 * Returns: (transfer full): the shell, or %NULL with %YUN_SSH_ERROR_CHANNEL (refused),
 *   %YUN_SSH_ERROR_TIMEOUT, %YUN_SSH_ERROR_CLOSED or %G_IO_ERROR_CANCELLED
 */
YunSshShell *
yun_ssh_session_open_shell (YunSshSession *self,
                            const char *term,
                            guint columns,
                            guint rows,
                            GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (YunSshShell) shell = NULL;
  gint64 deadline;
  int rc;

  g_return_val_if_fail (YUN_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (columns > 0 && rows > 0, NULL);

  if (!check_state (self, STATE_AUTHENTICATED, error))
    return NULL;
  if (term == NULL)
    term = "xterm-256color";

  shell = g_object_new (YUN_TYPE_SSH_SHELL, NULL);
  shell->session = g_object_ref (self);
  shell->columns = columns;
  shell->rows = rows;
  if (!g_unix_open_pipe (shell->wake, FD_CLOEXEC, error)
      || !g_unix_set_fd_nonblocking (shell->wake[0], TRUE, error)
      || !g_unix_set_fd_nonblocking (shell->wake[1], TRUE, error))
    return NULL;

  shell->channel = open_channel (self, cancellable, error);
  if (shell->channel == NULL)
    return NULL;
  deadline = deadline_in (self->timeout_ms);
  RETRY (self,
         libssh2_channel_request_pty_ex (shell->channel, term, (unsigned int) strlen (term), NULL,
                                         0, (int) columns, (int) rows, 0, 0),
         deadline, cancellable, NC_ ("SSH step", "asking for a terminal"), error, NULL);
  if (rc != 0)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CHANNEL,
                         NC_ ("SSH step", "asking for a terminal"));
      return NULL;
    }
  RETRY (self, libssh2_channel_shell (shell->channel), deadline, cancellable,
         NC_ ("SSH step", "starting the shell"), error, NULL);
  if (rc != 0)
    {
      set_session_error (self, error, YUN_SSH_ERROR_CHANNEL,
                         NC_ ("SSH step", "starting the shell"));
      return NULL;
    }
  return g_steal_pointer (&shell);
}

typedef struct
{
  char *term;
  guint columns;
  guint rows;
} ShellData;

static void
shell_data_free (ShellData *data)
{
  g_free (data->term);
  g_free (data);
}

static void
open_shell_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ShellData *data = task_data;
  GError *error = NULL;
  YunSshShell *shell = yun_ssh_session_open_shell (source, data->term, data->columns, data->rows,
                                                   cancellable, &error);

  if (shell != NULL)
    g_task_return_pointer (task, shell, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * yun_ssh_session_open_shell_async:
 * @self: a session that is logged in
 * @term: (nullable): the terminal type, %NULL for `xterm-256color`
 * @columns: the terminal's width in characters
 * @rows: its height in lines
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context when done
 * @user_data: for @callback
 *
 * yun_ssh_session_open_shell() on a worker thread.
 */
void
yun_ssh_session_open_shell_async (YunSshSession *self,
                                  const char *term,
                                  guint columns,
                                  guint rows,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ShellData *data;

  g_return_if_fail (YUN_IS_SSH_SESSION (self));
  g_return_if_fail (columns > 0 && rows > 0);

  data = g_new0 (ShellData, 1);
  data->term = g_strdup (term);
  data->columns = columns;
  data->rows = rows;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_ssh_session_open_shell_async);
  g_task_set_task_data (task, data, (GDestroyNotify) shell_data_free);
  g_task_run_in_thread (task, open_shell_worker);
}

/**
 * yun_ssh_session_open_shell_finish:
 * @self: a session
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the shell, or %NULL
 */
YunSshShell *
yun_ssh_session_open_shell_finish (YunSshSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sends a size asked for by yun_ssh_shell_set_size(), if any; one that would block is kept
 * for the next call. */
static gboolean
apply_size (YunSshShell *self, GError **error)
{
  guint columns, rows;
  int rc;

  g_mutex_lock (&self->size_lock);
  columns = self->columns;
  rows = self->rows;
  if (!self->size_changed)
    {
      g_mutex_unlock (&self->size_lock);
      return TRUE;
    }
  self->size_changed = FALSE;
  g_mutex_unlock (&self->size_lock);

  rc = libssh2_channel_request_pty_size_ex (self->channel, (int) columns, (int) rows, 0, 0);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    {
      g_mutex_lock (&self->size_lock);
      self->size_changed = TRUE;
      g_mutex_unlock (&self->size_lock);
      return TRUE;
    }
  if (rc != 0)
    {
      set_session_error (self->session, error, YUN_SSH_ERROR_CHANNEL,
                         NC_ ("SSH step", "resizing the terminal"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_shell (YunSshShell *self, GError **error)
{
  if (self->session->session == NULL)
    {
      g_set_error (error, YUN_SSH_ERROR, YUN_SSH_ERROR_CLOSED,
                   _ ("%s:%u: the connection is closed"), self->session->host, self->session->port);
      return FALSE;
    }
  return TRUE;
}

/**
 * yun_ssh_shell_read:
 * @self: a shell
 * @buffer: (out caller-allocates) (array length=size): where the remote output goes
 * @size: the size of @buffer
 * @error: return location for a #GError
 *
 * Takes what the remote terminal printed, without blocking. Call it again until it fails
 * with %G_IO_ERROR_WOULD_BLOCK before polling yun_ssh_shell_get_fd(): the session buffers
 * data the socket no longer shows. Sends a pending resize first.
 *
 * Returns: the number of bytes read; 0 when the remote shell has ended; -1 with
 *   %G_IO_ERROR_WOULD_BLOCK when there is nothing now, or another error
 */
gssize
yun_ssh_shell_read (YunSshShell *self, void *buffer, gsize size, GError **error)
{
  ssize_t n;

  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), -1);
  g_return_val_if_fail (buffer != NULL || size == 0, -1);

  if (!check_shell (self, error) || !apply_size (self, error))
    return -1;
  n = libssh2_channel_read (self->channel, buffer, size);
  if (n == LIBSSH2_ERROR_EAGAIN)
    n = libssh2_channel_read_stderr (self->channel, buffer, size);
  if (n >= 0)
    {
      if (n == 0 && !libssh2_channel_eof (self->channel))
        n = LIBSSH2_ERROR_EAGAIN;
      else
        return n;
    }
  if (n == LIBSSH2_ERROR_EAGAIN)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, _ ("Nothing to read now"));
      return -1;
    }
  set_session_error (self->session, error, YUN_SSH_ERROR_CLOSED,
                     NC_ ("SSH step", "reading from the shell"));
  return -1;
}

/**
 * yun_ssh_shell_write:
 * @self: a shell
 * @data: (array length=size): what the user typed
 * @size: its length
 * @error: return location for a #GError
 *
 * Sends keys to the remote terminal without blocking; it may take only part of @data.
 *
 * Returns: the number of bytes taken, or -1 with %G_IO_ERROR_WOULD_BLOCK (try again once
 *   yun_ssh_shell_get_fd() is ready for yun_ssh_shell_get_condition()) or another error
 */
gssize
yun_ssh_shell_write (YunSshShell *self, const void *data, gsize size, GError **error)
{
  ssize_t n;

  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);

  if (!check_shell (self, error) || !apply_size (self, error))
    return -1;
  n = libssh2_channel_write (self->channel, data, size);
  if (n >= 0)
    return n;
  if (n == LIBSSH2_ERROR_EAGAIN)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, _ ("Cannot send now"));
      return -1;
    }
  set_session_error (self->session, error, YUN_SSH_ERROR_CLOSED,
                     NC_ ("SSH step", "writing to the shell"));
  return -1;
}

/**
 * yun_ssh_shell_get_fd:
 * @self: a shell
 *
 * Returns: the connection's socket, to poll for yun_ssh_shell_get_condition(); -1 once the
 *   session is closed. Do not read, write or close it.
 */
int
yun_ssh_shell_get_fd (YunSshShell *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), -1);
  return self->session->fd;
}

/**
 * yun_ssh_shell_get_condition:
 * @self: a shell
 *
 * Returns: what to poll yun_ssh_shell_get_fd() for before reading or writing again: always
 *   %G_IO_IN, and %G_IO_OUT while the session has data it could not send yet
 */
GIOCondition
yun_ssh_shell_get_condition (YunSshShell *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), 0);

  if (self->session->session != NULL
      && (libssh2_session_block_directions (self->session->session)
          & LIBSSH2_SESSION_BLOCK_OUTBOUND))
    return G_IO_IN | G_IO_OUT;
  return G_IO_IN;
}

/**
 * yun_ssh_shell_set_size:
 * @self: a shell
 * @columns: the terminal's new width in characters
 * @rows: its new height in lines
 *
 * Asks for the remote terminal to be resized. May be called from any thread (the terminal
 * widget's, while a bridge runs on a worker): the size is sent by the thread that drives the
 * shell, at its next read or write, and a running bridge is woken up for it.
 */
void
yun_ssh_shell_set_size (YunSshShell *self, guint columns, guint rows)
{
  g_return_if_fail (YUN_IS_SSH_SHELL (self));
  g_return_if_fail (columns > 0 && rows > 0);

  g_mutex_lock (&self->size_lock);
  if (self->columns != columns || self->rows != rows)
    {
      self->columns = columns;
      self->rows = rows;
      self->size_changed = TRUE;
    }
  g_mutex_unlock (&self->size_lock);
  if (self->wake[1] >= 0 && write (self->wake[1], "", 1) < 0 && errno != EAGAIN)
    g_debug ("could not wake the bridge: %s", g_strerror (errno));
}

/**
 * yun_ssh_shell_get_eof:
 * @self: a shell
 *
 * Returns: whether the remote side has ended its output
 */
gboolean
yun_ssh_shell_get_eof (YunSshShell *self)
{
  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), TRUE);
  return self->session->session == NULL || libssh2_channel_eof (self->channel);
}

/**
 * yun_ssh_shell_close:
 * @self: a shell whose yun_ssh_shell_read() returned 0 (the remote shell ended)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Closes the channel and waits (within the session's timeout) for the server to close its
 * side, after which yun_ssh_shell_get_exit_status() knows the status: the server sends it
 * after the end of the output. yun_ssh_shell_bridge() does this itself.
 *
 * Returns: whether the channel is closed
 */
gboolean
yun_ssh_shell_close (YunSshShell *self, GCancellable *cancellable, GError **error)
{
  YunSshSession *session;
  gint64 deadline;
  int rc;

  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), FALSE);

  session = self->session;
  if (self->closed)
    return TRUE;
  if (!check_shell (self, error))
    return FALSE;
  deadline = deadline_in (session->timeout_ms);
  RETRY (session, libssh2_channel_close (self->channel), deadline, cancellable,
         NC_ ("SSH step", "closing the shell"), error, FALSE);
  if (rc == 0 && libssh2_channel_eof (self->channel))
    RETRY (session, libssh2_channel_wait_closed (self->channel), deadline, cancellable,
           NC_ ("SSH step", "closing the shell"), error, FALSE);
  if (rc != 0)
    {
      set_session_error (session, error, YUN_SSH_ERROR_CLOSED,
                         NC_ ("SSH step", "closing the shell"));
      return FALSE;
    }
  self->closed = TRUE;
  return TRUE;
}

/**
 * yun_ssh_shell_get_exit_status:
 * @self: a shell
 * @exit_status: (out) (optional): the remote shell's exit status
 *
 * Returns: whether the remote shell has ended and its channel is closed (by
 *   yun_ssh_shell_bridge() or yun_ssh_shell_close()), so that its status is known
 */
gboolean
yun_ssh_shell_get_exit_status (YunSshShell *self, int *exit_status)
{
  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), FALSE);

  if (!self->closed || self->session->session == NULL)
    return FALSE;
  if (exit_status != NULL)
    *exit_status = libssh2_channel_get_exit_status (self->channel);
  return TRUE;
}

/**
 * yun_ssh_shell_open_pty_peer:
 * @master_fd: the master side of a pseudo-terminal (the terminal widget's)
 * @error: return location for a #GError
 *
 * Opens the other side of @master_fd, where a local program would run, and puts it in raw
 * mode (no echo, no line editing, no signals: the remote terminal does all that), for
 * yun_ssh_shell_bridge().
 *
 * Returns: the new descriptor (the caller closes it once the bridge is done), or -1 with a
 *   %G_IO_ERROR
 */
int
yun_ssh_shell_open_pty_peer (int master_fd, GError **error)
{
  char name[256];
  struct termios mode;
  int fd;

  if (grantpt (master_fd) != 0 || unlockpt (master_fd) != 0
      || ptsname_r (master_fd, name, sizeof name) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Not a pseudo-terminal: %s"), g_strerror (saved));
      return -1;
    }
  fd = g_open (name, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0 || tcgetattr (fd, &mode) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", name,
                   g_strerror (saved));
      return -1;
    }
  cfmakeraw (&mode);
  if (tcsetattr (fd, TCSANOW, &mode) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", name,
                   g_strerror (saved));
      return -1;
    }
  return fd;
}

/* Writes all of @data to the local descriptor, waiting if it is non-blocking and full. */
static gboolean
write_local (YunSshShell *self,
             int fd,
             const char *data,
             gsize length,
             GCancellable *cancellable,
             GError **error)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          if (!wait_fd (self->session, fd, POLLOUT, -1, -1, cancellable,
                        NC_ ("SSH step", "writing"), error))
            return FALSE;
          continue;
        }
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _ ("Writing to the terminal: %s"), g_strerror (saved));
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/**
 * yun_ssh_shell_bridge:
 * @self: a shell
 * @fd: a local descriptor: what is read from it goes to the remote shell, what the shell
 *   prints is written to it (the peer from yun_ssh_shell_open_pty_peer(), a socket, a pipe)
 * @cancellable: (nullable): a #GCancellable that stops the bridge
 * @error: return location for a #GError
 *
 * Copies both ways until the remote shell ends its output. When @fd reaches its end (or, for
 * a pseudo-terminal, is hung up), the remote side is told (EOF) and the bridge waits for the
 * shell to end. Blocks: run it on a worker thread, or use yun_ssh_shell_bridge_async(). Sizes
 * from yun_ssh_shell_set_size() are forwarded as they come. @fd is neither made
 * non-blocking nor closed.
 *
 * Returns: %TRUE when the remote shell ended (see yun_ssh_shell_get_exit_status()); %FALSE
 *   with %G_IO_ERROR_CANCELLED, a #YunSshError, or a %G_IO_ERROR about @fd
 */
gboolean
yun_ssh_shell_bridge (YunSshShell *self, int fd, GCancellable *cancellable, GError **error)
{
  char buffer[COPY_CHUNK];
  char pending[COPY_CHUNK]; /* typed, not yet taken by the channel */
  gsize pending_start = 0, pending_end = 0;
  gboolean local_open = TRUE;
  gboolean eof_sent = FALSE;
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel_fd;
  gboolean ok = FALSE;

  g_return_val_if_fail (YUN_IS_SSH_SHELL (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  have_cancel_fd = g_cancellable_make_pollfd (cancellable, &cancel_fd);
  for (;;)
    {
      struct pollfd fds[4];
      nfds_t n = 0;
      GError *local_error = NULL;
      int local_index;
      int directions;
      int rc;

      /* Everything the session holds, first: it may be buffered where poll() cannot see. */
      for (;;)
        {
          gssize got = yun_ssh_shell_read (self, buffer, sizeof buffer, &local_error);

          if (got > 0)
            {
              if (!write_local (self, fd, buffer, (gsize) got, cancellable, error))
                goto out;
              continue;
            }
          if (got == 0)
            {
              ok = yun_ssh_shell_close (self, cancellable, error);
              goto out;
            }
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_propagate_error (error, local_error);
              goto out;
            }
          g_clear_error (&local_error);
          break;
        }

      while (pending_start < pending_end)
        {
          gssize sent = yun_ssh_shell_write (self, pending + pending_start,
                                             pending_end - pending_start, &local_error);

          if (sent < 0)
            {
              if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                {
                  g_propagate_error (error, local_error);
                  goto out;
                }
              g_clear_error (&local_error);
              break;
            }
          pending_start += (gsize) sent;
        }
      if (pending_start == pending_end)
        pending_start = pending_end = 0;
      if (!local_open && pending_end == 0 && !eof_sent)
        {
          rc = libssh2_channel_send_eof (self->channel);
          if (rc == 0)
            eof_sent = TRUE;
          else if (rc != LIBSSH2_ERROR_EAGAIN)
            {
              set_session_error (self->session, error, YUN_SSH_ERROR_CLOSED,
                                 NC_ ("SSH step", "closing the input"));
              goto out;
            }
        }

      directions = libssh2_session_block_directions (self->session->session);
      fds[n++] = (struct pollfd){
        self->session->fd,
        (short) (POLLIN | ((directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) ? POLLOUT : 0)), 0
      };
      fds[n++] = (struct pollfd){ self->wake[0], POLLIN, 0 };
      local_index = -1;
      if (local_open && pending_end == 0)
        {
          local_index = (int) n;
          fds[n++] = (struct pollfd){ fd, POLLIN, 0 };
        }
      if (have_cancel_fd)
        fds[n++] = (struct pollfd){ cancel_fd.fd, POLLIN, 0 };
      do
        rc = poll (fds, n, -1);
      while (rc < 0 && errno == EINTR);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (rc < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "poll: %s",
                       g_strerror (saved));
          goto out;
        }

      if (fds[1].revents & POLLIN)
        while (read (self->wake[0], buffer, sizeof buffer) > 0)
          ;
      if (local_index >= 0 && (fds[local_index].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          ssize_t got = read (fd, pending, sizeof pending);

          if (got > 0)
            pending_end = (gsize) got;
          else if (got == 0 || (errno != EINTR && errno != EAGAIN))
            /* The end of the input; a pseudo-terminal whose other side closed says EIO. */
            local_open = FALSE;
        }
    }

out:
  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);
  return ok;
}

/* A thread of its own, not one of GTask's: a bridge lasts as long as its terminal, and a
 * few terminals must not starve every other _async call of the process. */
static gpointer
bridge_thread (gpointer data)
{
  g_autoptr (GTask) task = data;
  GError *error = NULL;

  if (yun_ssh_shell_bridge (g_task_get_source_object (task),
                            GPOINTER_TO_INT (g_task_get_task_data (task)),
                            g_task_get_cancellable (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  return NULL;
}

/**
 * yun_ssh_shell_bridge_async:
 * @self: a shell
 * @fd: the local descriptor, as for yun_ssh_shell_bridge(); it must stay open until
 *   @callback
 * @cancellable: (nullable): cancelling it ends the bridge (the remote shell is left to the
 *   server, which ends it when the session closes)
 * @callback: called on the caller's thread-default main context when the bridge ends
 * @user_data: for @callback
 *
 * yun_ssh_shell_bridge() on a thread of its own. Until @callback, only
 * yun_ssh_shell_set_size() may be called on the shell and its session.
 */
void
yun_ssh_shell_bridge_async (YunSshShell *self,
                            int fd,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (YUN_IS_SSH_SHELL (self));
  g_return_if_fail (fd >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_ssh_shell_bridge_async);
  g_task_set_task_data (task, GINT_TO_POINTER (fd), NULL);
  g_thread_unref (g_thread_new ("yun-ssh-bridge", bridge_thread, g_steal_pointer (&task)));
}

gboolean
yun_ssh_shell_bridge_finish (YunSshShell *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
