#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-on-display.sh COMMAND [ARG…]
#
# Runs COMMAND on a virtual X display (Xvfb, 1400×900) with a real notification server
# (dunst) on the session bus, as a desktop has: YunDesk notifies when a long job ends while
# none of its windows has the focus, and test-gui-window reads what dunst got. There is no
# window manager: the tests move the focus themselves. Run it inside a D-Bus session
# (tests/run-with-keyring.sh). The exit status is COMMAND's.
set -eu

if [ "${1:-}" = "--on-display" ]; then
  shift
  dunst > /dev/null 2>&1 &
  dunst_pid=$!
  tries=0
  until dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null \
      | grep -q true; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then
      echo "run-on-display: dunst did not take org.freedesktop.Notifications within 10 s" >&2
      kill "$dunst_pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  status=0
  "$@" || status=$?
  kill "$dunst_pid" 2>/dev/null || true
  exit $status
fi

exec xvfb-run -a -s "-screen 0 1400x900x24" sh "$0" --on-display "$@"
