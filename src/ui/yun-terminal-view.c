/* yun-terminal-view.c: an SSH terminal to one instance
 *
 * SPDX-License-Identifier: MIT
 *
 * A VteTerminal joined to a YunSshShell: the terminal's pseudo-terminal has no local
 * program; its other side is bridged to the remote shell by a thread of the SSH core
 * (yun_ssh_shell_bridge_async()). Every step before that runs off the main thread too:
 * connecting and checking the host key, recording a key the user trusts, looking up a
 * remembered password in the keyring, logging in and opening the shell. Each step's
 * callback holds a weak reference and the number of the attempt it belongs to, so a tab
 * closed or reconnected meanwhile drops what an older attempt answers.
 *
 * What the user sees follows the state: a status page while connecting, a question for an
 * unknown host key, a refusal for a changed one, a password entry when nothing else logs
 * in, the terminal once connected, and a bar over the terminal once the shell ended.
 *
 * Passwords are never logged: they live in YunSecret strings, wiped when dropped.
 */

#define G_LOG_DOMAIN "yun-terminal-view"

#include "config.h"

#include "yun-terminal-view.h"

#include <glib/gi18n.h>
#include <unistd.h>

/* What the remote side is told the terminal is. */
#define TERMINAL_TYPE "xterm-256color"
#define SCROLLBACK_LINES 10000

G_DEFINE_ENUM_TYPE (YunTerminalState,
                    yun_terminal_state,
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN, "host-key-unknown"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_HOST_KEY_CHANGED, "host-key-changed"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_PASSWORD, "password"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_CLOSED, "closed"),
                    G_DEFINE_ENUM_VALUE (YUN_TERMINAL_STATE_FAILED, "failed"))

/* ---- A VteTerminal that tells when its grid changes ---- */

/* VTE 0.70 notifies nothing when its row and column counts change (it only resizes its
 * own pseudo-terminal, which no local program watches here), so the grid is compared after
 * each allocation and "grid-changed" tells the view to resize the remote terminal. */
#define YUN_TYPE_GRID_TERMINAL (yun_grid_terminal_get_type ())

G_DECLARE_FINAL_TYPE (YunGridTerminal, yun_grid_terminal, YUN, GRID_TERMINAL, VteTerminal)

struct _YunGridTerminal
{
  VteTerminal parent_instance;

  glong columns;
  glong rows;
};

G_DEFINE_FINAL_TYPE (YunGridTerminal, yun_grid_terminal, VTE_TYPE_TERMINAL)

static guint grid_changed_signal;

static void
yun_grid_terminal_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  YunGridTerminal *self = YUN_GRID_TERMINAL (widget);
  glong columns, rows;

  GTK_WIDGET_CLASS (yun_grid_terminal_parent_class)
    ->size_allocate (widget, width, height, baseline);

  columns = vte_terminal_get_column_count (VTE_TERMINAL (self));
  rows = vte_terminal_get_row_count (VTE_TERMINAL (self));
  if (columns == self->columns && rows == self->rows)
    return;
  self->columns = columns;
  self->rows = rows;
  g_signal_emit (self, grid_changed_signal, 0);
}

static void
yun_grid_terminal_class_init (YunGridTerminalClass *klass)
{
  GTK_WIDGET_CLASS (klass)->size_allocate = yun_grid_terminal_size_allocate;
  grid_changed_signal = g_signal_new ("grid-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
yun_grid_terminal_init (YunGridTerminal *self)
{
}

/* ---- The view ---- */

struct _YunTerminalView
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *stack;
  AdwStatusPage *connecting_page;
  GtkSpinner *spinner;
  AdwStatusPage *host_key_page;
  AdwStatusPage *host_key_changed_page;
  AdwStatusPage *password_page;
  AdwPasswordEntryRow *password_row;
  GtkCheckButton *remember_check;
  AdwStatusPage *failed_page;
  GtkRevealer *closed_revealer;
  GtkLabel *closed_label;
  GtkScrolledWindow *terminal_scroller;

  /* Borrowed: a child of terminal_scroller */
  VteTerminal *terminal;

  /* Owned */
  YunWorkspace *workspace;
  YunInstance *instance;
  char *user;
  YunTerminalState state;
  char *message; /* (nullable): why it failed or closed */
  gboolean has_exit_status;
  int exit_status;

  /* The current attempt: steps of older ones are dropped. */
  guint attempt;
  GCancellable *cancellable;
  YunSshSession *session;
  YunSshShell *shell;
  /* The terminal's side of the last bridge: kept open until the next connection, so that
   * the terminal reads all that the shell printed last before its input ends. */
  int peer_fd;
  gboolean had_shell;        /* the terminal shows an earlier shell */
  YunSecret *typed_password; /* (nullable): until the login it was typed for ends */
  gboolean tried_password;   /* the last login had a password (typed or remembered) */
  gboolean tried_remembered; /* that password came from the keyring */
};

G_DEFINE_FINAL_TYPE (YunTerminalView, yun_terminal_view, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_login (YunTerminalView *self, const char *password, gboolean remembered);

/* A step's callback data: the view, if it is still there and still on the same attempt. */
typedef struct
{
  GWeakRef view;
  guint attempt;
  int fd; /* the bridge's descriptor, closed once the bridge ends; -1 for other steps */
} Step;

static Step *
step_new (YunTerminalView *self)
{
  Step *step = g_new0 (Step, 1);

  g_weak_ref_init (&step->view, self);
  step->attempt = self->attempt;
  step->fd = -1;
  return step;
}

static void
step_free (Step *step)
{
  if (step->fd >= 0)
    close (step->fd);
  g_weak_ref_clear (&step->view);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

/* Returns: (transfer full) (nullable): the view, or %NULL if the step is stale */
static YunTerminalView *
step_dup_view (Step *step)
{
  YunTerminalView *self = g_weak_ref_get (&step->view);

  if (self != NULL && self->attempt != step->attempt)
    g_clear_object (&self);
  return self;
}

/* ---- States ---- */

static void
set_state (YunTerminalView *self, YunTerminalState state)
{
  static const char *const pages[] = {
    [YUN_TERMINAL_STATE_CONNECTING] = "connecting",
    [YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN] = "host-key-unknown",
    [YUN_TERMINAL_STATE_HOST_KEY_CHANGED] = "host-key-changed",
    [YUN_TERMINAL_STATE_PASSWORD] = "password",
    [YUN_TERMINAL_STATE_CONNECTED] = "terminal",
    [YUN_TERMINAL_STATE_CLOSED] = "terminal",
    [YUN_TERMINAL_STATE_FAILED] = "failed",
  };

  gtk_stack_set_visible_child_name (self->stack, pages[state]);
  gtk_spinner_set_spinning (self->spinner, state == YUN_TERMINAL_STATE_CONNECTING);
  gtk_revealer_set_reveal_child (self->closed_revealer, state == YUN_TERMINAL_STATE_CLOSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "terminal.cancel",
                                 state == YUN_TERMINAL_STATE_CONNECTING
                                   || state == YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN
                                   || state == YUN_TERMINAL_STATE_PASSWORD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "terminal.trust-host-key",
                                 state == YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "terminal.reconnect",
                                 state == YUN_TERMINAL_STATE_CLOSED
                                   || state == YUN_TERMINAL_STATE_FAILED
                                   || state == YUN_TERMINAL_STATE_HOST_KEY_CHANGED);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_message (YunTerminalView *self, const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
}

static void
show_progress (YunTerminalView *self, const char *title)
{
  adw_status_page_set_title (self->connecting_page, title);
  set_state (self, YUN_TERMINAL_STATE_CONNECTING);
}

/* Drops the current attempt: its steps end (cancelled) and their answers are ignored. */
static void
drop_attempt (YunTerminalView *self)
{
  self->attempt++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Never closed here: a worker may still hold the session; the last reference closes it. */
  g_clear_object (&self->shell);
  g_clear_object (&self->session);
  g_clear_pointer (&self->typed_password, yun_secret_free);
}

static void
fail (YunTerminalView *self, const char *title, const char *message)
{
  drop_attempt (self);
  set_message (self, message);
  adw_status_page_set_title (self->failed_page, title);
  adw_status_page_set_description (self->failed_page, message);
  set_state (self, YUN_TERMINAL_STATE_FAILED);
}

/* ---- The bridge ---- */

static void
on_bridge_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (YunTerminalView) self = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ended = yun_ssh_shell_bridge_finish (YUN_SSH_SHELL (source), result, &error);
  int status = 0;

  /* Stale, the terminal's side is closed (by step_free()). */
  self = step_dup_view (step);
  if (self == NULL)
    return;
  /* Otherwise it stays open until the next connection: closed now, it could take with it what
   * the terminal has not read yet, such as the shell's last lines. */
  self->peer_fd = step->fd;
  step->fd = -1;

  self->has_exit_status = ended && yun_ssh_shell_get_exit_status (YUN_SSH_SHELL (source), &status);
  self->exit_status = status;
  if (self->has_exit_status)
    /* Translators: %d is the remote shell's exit status, as a number */
    text = g_strdup_printf (_ ("The shell exited with status %d."), status);
  else if (ended)
    text = g_strdup (_ ("The connection was closed."));
  else
    /* Translators: %s says why, from the SSH library */
    text = g_strdup_printf (_ ("The connection was lost: %s"), error->message);
  drop_attempt (self);
  set_message (self, text);
  gtk_label_set_label (self->closed_label, text);
  set_state (self, YUN_TERMINAL_STATE_CLOSED);
}

static void
start_bridge (YunTerminalView *self, YunSshShell *shell)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VtePty) pty = NULL;
  Step *step;
  int peer;

  pty = vte_pty_new_sync (VTE_PTY_DEFAULT, NULL, &error);
  if (pty == NULL)
    {
      fail (self, _ ("No Terminal"), error->message);
      return;
    }
  peer = yun_ssh_shell_open_pty_peer (vte_pty_get_fd (pty), &error);
  if (peer < 0)
    {
      fail (self, _ ("No Terminal"), error->message);
      return;
    }
  vte_terminal_set_pty (self->terminal, pty);
  self->had_shell = TRUE;
  g_set_object (&self->shell, shell);
  yun_ssh_shell_set_size (shell, (guint) vte_terminal_get_column_count (self->terminal),
                          (guint) vte_terminal_get_row_count (self->terminal));

  step = step_new (self);
  step->fd = peer;
  yun_ssh_shell_bridge_async (shell, peer, self->cancellable, on_bridge_done, step);
  set_message (self, NULL);
  set_state (self, YUN_TERMINAL_STATE_CONNECTED);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
on_grid_changed (YunTerminalView *self)
{
  if (self->shell != NULL)
    yun_ssh_shell_set_size (self->shell, (guint) vte_terminal_get_column_count (self->terminal),
                            (guint) vte_terminal_get_row_count (self->terminal));
}

/* ---- Logging in, then the shell ---- */

static void
on_shell_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSshShell) shell
    = yun_ssh_session_open_shell_finish (YUN_SSH_SESSION (source), result, &error);
  g_autoptr (YunTerminalView) self = step_dup_view (step);

  if (self == NULL)
    return;
  if (shell == NULL)
    {
      fail (self, _ ("No Shell"), error->message);
      return;
    }
  start_bridge (self, shell);
}

static void
on_password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The login went on anyway; the error names the keyring's problem, never the secret. */
  if (!yun_secret_store_store_finish (YUN_SECRET_STORE (source), result, &error))
    g_message ("The password could not be remembered: %s", error->message);
}

static void
on_authenticated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = yun_ssh_session_authenticate_finish (YUN_SSH_SESSION (source), result, &error);
  g_autoptr (YunTerminalView) self = step_dup_view (step);
  g_autofree char *description = NULL;

  if (self == NULL)
    return;
  if (!ok && g_error_matches (error, YUN_SSH_ERROR, YUN_SSH_ERROR_AUTHENTICATION))
    {
      const char *host = yun_ssh_session_get_host (self->session);

      g_clear_pointer (&self->typed_password, yun_secret_free);
      if (self->tried_remembered)
        /* Translators: %s is the user name, then the address */
        description = g_markup_printf_escaped (
          _ ("The remembered password of <b>%s@%s</b> was refused. Type its password."), self->user,
          host);
      else if (self->tried_password)
        description = g_markup_printf_escaped (
          _ ("The password was refused. Type the password of <b>%s@%s</b>."), self->user, host);
      else
        description = g_markup_printf_escaped (
          _ ("No SSH key logs in to <b>%s@%s</b>. Type its password."), self->user, host);
      adw_status_page_set_description (self->password_page, description);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      set_state (self, YUN_TERMINAL_STATE_PASSWORD);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  if (!ok)
    {
      fail (self, _ ("Not Logged In"), error->message);
      return;
    }

  if (self->typed_password != NULL && gtk_check_button_get_active (self->remember_check))
    yun_secret_store_store_async (
      yun_workspace_get_secret_store (self->workspace), YUN_SECRET_INSTANCE_PASSWORD,
      yun_workspace_get_account (self->workspace), yun_instance_get_instance_id (self->instance),
      self->typed_password, NULL, on_password_stored, NULL);
  g_clear_pointer (&self->typed_password, yun_secret_free);

  show_progress (self, _ ("Opening a Shell…"));
  yun_ssh_session_open_shell_async (self->session, TERMINAL_TYPE,
                                    (guint) vte_terminal_get_column_count (self->terminal),
                                    (guint) vte_terminal_get_row_count (self->terminal),
                                    self->cancellable, on_shell_opened, step_new (self));
}

/* Logs in with the agent, the keys of ~/.ssh, then @password if there is one. */
static void
start_login (YunTerminalView *self, const char *password, gboolean remembered)
{
  g_autofree char *title = NULL;

  self->tried_password = password != NULL;
  self->tried_remembered = remembered;
  /* Translators: %s is a user name */
  title = g_strdup_printf (_ ("Logging In as %s…"), self->user);
  show_progress (self, title);
  yun_ssh_session_authenticate_async (self->session, self->user, password, NULL, self->cancellable,
                                      on_authenticated, step_new (self));
}

static void
on_password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSecret) password
    = yun_secret_store_lookup_finish (YUN_SECRET_STORE (source), result, &error);
  g_autoptr (YunTerminalView) self = step_dup_view (step);

  if (self == NULL)
    return;
  /* A keyring that cannot answer only means no remembered password. */
  if (error != NULL)
    g_debug ("No remembered password: %s", error->message);
  start_login (self, password, password != NULL);
}

static void
look_up_password (YunTerminalView *self)
{
  show_progress (self, _ ("Logging In…"));
  yun_secret_store_lookup_async (
    yun_workspace_get_secret_store (self->workspace), YUN_SECRET_INSTANCE_PASSWORD,
    yun_workspace_get_account (self->workspace), yun_instance_get_instance_id (self->instance),
    self->cancellable, on_password_looked_up, step_new (self));
}

static void
on_password_activated (YunTerminalView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->state != YUN_TERMINAL_STATE_PASSWORD || text == NULL || *text == '\0')
    return;
  g_clear_pointer (&self->typed_password, yun_secret_free);
  self->typed_password = g_strdup (text);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  start_login (self, self->typed_password, FALSE);
}

/* ---- Connecting and the host key ---- */

static void
on_host_key_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_autoptr (YunTerminalView) self = step_dup_view (step);

  if (self == NULL)
    return;
  if (!ok)
    {
      fail (self, _ ("The Host Key Was Not Recorded"), error->message);
      return;
    }
  look_up_password (self);
}

/* On a worker: the known-hosts file is read again and appended to. */
static void
accept_host_key_in_thread (GTask *task,
                           gpointer source_object,
                           gpointer task_data,
                           GCancellable *cancellable)
{
  GError *error = NULL;

  if (yun_ssh_session_accept_host_key (YUN_SSH_SESSION (source_object), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
trust_host_key_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (widget);
  g_autoptr (GTask) task = NULL;

  if (self->state != YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN || self->session == NULL)
    return;
  show_progress (self, _ ("Recording the Host Key…"));
  task = g_task_new (self->session, self->cancellable, on_host_key_accepted, step_new (self));
  g_task_set_source_tag (task, trust_host_key_action);
  g_task_run_in_thread (task, accept_host_key_in_thread);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Step) step = user_data;
  g_autoptr (GError) error = NULL;
  YunSshSession *session = YUN_SSH_SESSION (source);
  gboolean ok = yun_ssh_session_connect_finish (session, result, &error);
  g_autoptr (YunTerminalView) self = step_dup_view (step);
  g_autofree char *description = NULL;
  g_autofree char *warning = NULL;

  if (self == NULL)
    return;
  if (ok)
    {
      look_up_password (self);
      return;
    }
  if (g_error_matches (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_UNKNOWN))
    {
      /* Translators: the address, the key's type (ED25519, RSA…), then its fingerprint */
      description = g_markup_printf_escaped (
        _ ("YunDesk has not connected to <b>%s</b> before and cannot tell that it is the "
           "server it claims to be. Its %s key fingerprint is\n\n<tt>%s</tt>\n\nTrust it "
           "only if it is the fingerprint the server was set up with."),
        yun_ssh_session_get_host (session), yun_ssh_session_get_host_key_type (session),
        yun_ssh_session_get_host_key_fingerprint (session));
      adw_status_page_set_description (self->host_key_page, description);
      set_state (self, YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN);
      return;
    }
  if (g_error_matches (error, YUN_SSH_ERROR, YUN_SSH_ERROR_HOST_KEY_CHANGED))
    {
      /* Nothing was sent, and no button connects anyway: the user has to look first. */
      warning = g_strdup_printf (
        /* Translators: the address */
        _ ("The server at %s does not have the key YunDesk knows for it. Someone may be "
           "intercepting the connection, or the server was reinstalled. YunDesk did not "
           "connect and sent nothing."),
        yun_ssh_session_get_host (session));
      description = g_markup_printf_escaped ("<b>%s</b>\n\n%s", warning, error->message);
      drop_attempt (self);
      set_message (self, error->message);
      adw_status_page_set_description (self->host_key_changed_page, description);
      set_state (self, YUN_TERMINAL_STATE_HOST_KEY_CHANGED);
      return;
    }
  fail (self, _ ("Could Not Connect"), error->message);
}

/* ---- Actions ---- */

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (widget);

  fail (self, _ ("Not Connected"), _ ("The connection was cancelled."));
}

static void
reconnect_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  yun_terminal_view_connect (YUN_TERMINAL_VIEW (widget));
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (widget);

  if (vte_terminal_get_has_selection (self->terminal))
    vte_terminal_copy_clipboard_format (self->terminal, VTE_FORMAT_TEXT);
}

static void
paste_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (widget);

  if (self->state == YUN_TERMINAL_STATE_CONNECTED)
    vte_terminal_paste_clipboard (self->terminal);
}

/* ---- GObject ---- */

static void
yun_terminal_view_dispose (GObject *object)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (object);

  drop_attempt (self);
  if (self->peer_fd >= 0)
    {
      close (self->peer_fd);
      self->peer_fd = -1;
    }
  /* The bin's child is the template's: the bin lets it go first, so that neither unparents
   * it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_TERMINAL_VIEW);
  g_clear_object (&self->workspace);
  g_clear_object (&self->instance);

  G_OBJECT_CLASS (yun_terminal_view_parent_class)->dispose (object);
}

static void
yun_terminal_view_finalize (GObject *object)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (object);

  g_free (self->user);
  g_free (self->message);

  G_OBJECT_CLASS (yun_terminal_view_parent_class)->finalize (object);
}

static void
yun_terminal_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunTerminalView *self = YUN_TERMINAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_terminal_view_class_init (YunTerminalViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_terminal_view_dispose;
  object_class->finalize = yun_terminal_view_finalize;
  object_class->get_property = yun_terminal_view_get_property;

  properties[PROP_STATE] = g_param_spec_enum (
    "state", NULL, NULL, YUN_TYPE_TERMINAL_STATE, YUN_TERMINAL_STATE_CONNECTING,
    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-terminal-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, stack);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, spinner);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, host_key_page);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, host_key_changed_page);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, password_page);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, password_row);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, remember_check);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, failed_page);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, closed_revealer);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, closed_label);
  gtk_widget_class_bind_template_child (widget_class, YunTerminalView, terminal_scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated);

  gtk_widget_class_install_action (widget_class, "terminal.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "terminal.trust-host-key", NULL,
                                   trust_host_key_action);
  gtk_widget_class_install_action (widget_class, "terminal.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "terminal.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "terminal.paste", NULL, paste_action);
}

/* Ctrl+Shift+C and Ctrl+Shift+V, caught before the terminal sends them to the shell. */
static void
add_clipboard_shortcuts (YunTerminalView *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  struct
  {
    guint keyval;
    const char *action;
  } shortcuts[] = { { GDK_KEY_c, "terminal.copy" }, { GDK_KEY_v, "terminal.paste" } };

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new (
        gtk_keyval_trigger_new (shortcuts[i].keyval, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
        gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
yun_terminal_view_init (YunTerminalView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->peer_fd = -1;

  /* VTE's default encoding is UTF-8, the only one it still supports. */
  self->terminal = g_object_new (YUN_TYPE_GRID_TERMINAL, NULL);
  vte_terminal_set_scrollback_lines (self->terminal, SCROLLBACK_LINES);
  vte_terminal_set_scroll_on_keystroke (self->terminal, TRUE);
  gtk_scrolled_window_set_child (self->terminal_scroller, GTK_WIDGET (self->terminal));
  g_signal_connect_object (self->terminal, "grid-changed", G_CALLBACK (on_grid_changed), self,
                           G_CONNECT_SWAPPED);
  add_clipboard_shortcuts (self);
  set_state (self, YUN_TERMINAL_STATE_CONNECTING);
}

/* ---- Public API ---- */

/**
 * yun_terminal_view_new:
 * @workspace: the account @instance belongs to: its profile gives the SSH port and login
 *   user, its keyring a remembered password
 * @instance: the instance to open a shell on, at its public address
 *
 * A terminal that is not connected yet: yun_terminal_view_connect() starts.
 */
YunTerminalView *
yun_terminal_view_new (YunWorkspace *workspace, YunInstance *instance)
{
  YunTerminalView *self;

  g_return_val_if_fail (YUN_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (YUN_IS_INSTANCE (instance), NULL);

  self = g_object_new (YUN_TYPE_TERMINAL_VIEW, NULL);
  self->workspace = g_object_ref (workspace);
  self->instance = g_object_ref (instance);
  return self;
}

YunInstance *
yun_terminal_view_get_instance (YunTerminalView *self)
{
  g_return_val_if_fail (YUN_IS_TERMINAL_VIEW (self), NULL);
  return self->instance;
}

YunTerminalState
yun_terminal_view_get_state (YunTerminalView *self)
{
  g_return_val_if_fail (YUN_IS_TERMINAL_VIEW (self), YUN_TERMINAL_STATE_FAILED);
  return self->state;
}

/* (nullable): why the terminal failed or closed, or what the changed host key is */
const char *
yun_terminal_view_get_message (YunTerminalView *self)
{
  g_return_val_if_fail (YUN_IS_TERMINAL_VIEW (self), NULL);
  return self->message;
}

/* Whether the last shell ended with an exit status, and which. */
gboolean
yun_terminal_view_get_exit_status (YunTerminalView *self, int *exit_status)
{
  g_return_val_if_fail (YUN_IS_TERMINAL_VIEW (self), FALSE);

  if (self->has_exit_status && exit_status != NULL)
    *exit_status = self->exit_status;
  return self->has_exit_status;
}

VteTerminal *
yun_terminal_view_get_terminal (YunTerminalView *self)
{
  g_return_val_if_fail (YUN_IS_TERMINAL_VIEW (self), NULL);
  return self->terminal;
}

/**
 * yun_terminal_view_connect:
 * @self: a #YunTerminalView
 *
 * Connects to the instance's public address, on the profile's SSH port, as the profile's
 * user for the instance's OS; any earlier connection of @self is dropped first. The
 * terminal keeps what an earlier shell printed.
 */
void
yun_terminal_view_connect (YunTerminalView *self)
{
  YunProfile *profile;
  const char *address;
  YunOsFamily os_family;
  guint port;
  g_autofree char *title = NULL;

  g_return_if_fail (YUN_IS_TERMINAL_VIEW (self));

  drop_attempt (self);
  self->has_exit_status = FALSE;
  set_message (self, NULL);

  address = yun_ssh_instance_get_address (self->instance);
  if (address == NULL)
    {
      fail (self, _ ("Could Not Connect"), _ ("This instance has no public IP address."));
      return;
    }
  profile = yun_workspace_get_profile (self->workspace);
  os_family = yun_instance_get_os_family (self->instance);
  port = profile != NULL ? yun_profile_get_ssh_port (profile) : YUN_PROFILE_DEFAULT_SSH_PORT;
  g_free (self->user);
  if (profile != NULL)
    self->user = g_strdup (yun_profile_get_ssh_user (profile, os_family));
  else
    self->user = g_strdup (os_family == YUN_OS_FAMILY_WINDOWS ? YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER
                                                              : YUN_PROFILE_DEFAULT_SSH_USER);

  if (self->peer_fd >= 0)
    {
      close (self->peer_fd);
      self->peer_fd = -1;
    }
  if (self->had_shell)
    vte_terminal_feed (self->terminal, "\r\n", 2);
  self->cancellable = g_cancellable_new ();
  self->session = yun_ssh_session_new (address, port);
  /* Translators: %s is an address */
  title = g_strdup_printf (_ ("Connecting to %s…"), address);
  show_progress (self, title);
  yun_ssh_session_connect_async (self->session, self->cancellable, on_connected, step_new (self));
}

/* Ends the connection, if any: the remote shell is left to the server. */
void
yun_terminal_view_disconnect (YunTerminalView *self)
{
  g_return_if_fail (YUN_IS_TERMINAL_VIEW (self));

  if (self->state == YUN_TERMINAL_STATE_CONNECTED)
    {
      drop_attempt (self);
      set_message (self, _ ("Disconnected."));
      gtk_label_set_label (self->closed_label, self->message);
      set_state (self, YUN_TERMINAL_STATE_CLOSED);
    }
  else if (self->state != YUN_TERMINAL_STATE_CLOSED && self->state != YUN_TERMINAL_STATE_FAILED)
    fail (self, _ ("Not Connected"), _ ("The connection was cancelled."));
}
