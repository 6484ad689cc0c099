/* yun-terminal-view.h: an SSH terminal to one instance
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <vte/vte.h>
#include <yun/yun.h>

#include "yun-workspace.h"

G_BEGIN_DECLS

/**
 * YunTerminalState:
 * @YUN_TERMINAL_STATE_CONNECTING: reaching the server, checking its key, logging in or
 *   opening the shell
 * @YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN: the server's key is not known: the user is asked
 *   whether to trust it
 * @YUN_TERMINAL_STATE_HOST_KEY_CHANGED: the server's key differs from the known one: the
 *   connection was refused
 * @YUN_TERMINAL_STATE_PASSWORD: no key, agent or remembered password was accepted: the user
 *   is asked for a password
 * @YUN_TERMINAL_STATE_CONNECTED: the remote shell is in the terminal
 * @YUN_TERMINAL_STATE_CLOSED: the shell ended, or the connection was lost
 * @YUN_TERMINAL_STATE_FAILED: the connection could not be made
 */
typedef enum
{
  YUN_TERMINAL_STATE_CONNECTING,
  YUN_TERMINAL_STATE_HOST_KEY_UNKNOWN,
  YUN_TERMINAL_STATE_HOST_KEY_CHANGED,
  YUN_TERMINAL_STATE_PASSWORD,
  YUN_TERMINAL_STATE_CONNECTED,
  YUN_TERMINAL_STATE_CLOSED,
  YUN_TERMINAL_STATE_FAILED,
} YunTerminalState;

#define YUN_TYPE_TERMINAL_STATE (yun_terminal_state_get_type ())
GType yun_terminal_state_get_type (void) G_GNUC_CONST;

#define YUN_TYPE_TERMINAL_VIEW (yun_terminal_view_get_type ())

G_DECLARE_FINAL_TYPE (YunTerminalView, yun_terminal_view, YUN, TERMINAL_VIEW, AdwBin)

YunTerminalView *yun_terminal_view_new (YunWorkspace *workspace, YunInstance *instance);
YunInstance *yun_terminal_view_get_instance (YunTerminalView *self);
YunTerminalState yun_terminal_view_get_state (YunTerminalView *self);
const char *yun_terminal_view_get_message (YunTerminalView *self);
gboolean yun_terminal_view_get_exit_status (YunTerminalView *self, int *exit_status);
VteTerminal *yun_terminal_view_get_terminal (YunTerminalView *self);
void yun_terminal_view_connect (YunTerminalView *self);
void yun_terminal_view_disconnect (YunTerminalView *self);

G_END_DECLS
