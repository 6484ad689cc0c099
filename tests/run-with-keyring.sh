#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-with-keyring.sh [--locked | --no-daemon] COMMAND [ARG…]
#
# Runs COMMAND in a private D-Bus session (dbus-run-session) served by a real gnome-keyring
# daemon, with HOME and the XDG directories in a fresh temporary folder, so the user's own
# keyring is neither seen nor touched. The daemon is given a password on stdin (--unlock):
# in an empty home it then creates the "login" keyring, which is the "default" alias, and
# leaves it unlocked, so libsecret's SECRET_COLLECTION_DEFAULT works without a prompt.
#
# --locked: the login keyring is made that way in a first session; COMMAND then runs in a
# second one whose daemon starts without the password, so the default collection exists but
# is locked, and only a prompt could unlock it.
#
# --no-daemon: COMMAND runs in a session bus that knows no services at all, so nothing
# provides the Secret Service (nor can D-Bus activation start one).
#
# COMMAND finds the temporary folder in YUN_TEST_KEYRING_ROOT; the keyring file is
# $XDG_DATA_HOME/keyrings/login.keyring. The exit status is COMMAND's.
set -eu

secrets=org.freedesktop.secrets

# bus_call DESTINATION OBJECT METHOD ARG…: a D-Bus method call on the session bus.
bus_call () {
  destination=$1 object=$2 method=$3
  shift 3
  dbus-send --session --print-reply=literal --dest="$destination" "$object" "$method" "$@"
}

# Waits for the daemon to own the Secret Service name. Nothing may call the service before:
# D-Bus would then start another daemon of its own, without the password. A loaded machine
# (the whole suite on two cores) can take several seconds to start it.
wait_for_daemon () {
  tries=0
  until bus_call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
      string:$secrets 2>/dev/null | grep -q true; do
    tries=$((tries + 1))
    if ! kill -0 "$daemon" 2>/dev/null; then
      echo "run-with-keyring: gnome-keyring-daemon exited before it took $secrets:" >&2
      cat "$daemon_log" >&2
      return 1
    fi
    if [ $tries -gt 600 ]; then
      echo "run-with-keyring: gnome-keyring-daemon did not take $secrets within 60 s:" >&2
      cat "$daemon_log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# Ends the daemon this session started and waits for it to be gone, so that it writes
# nothing into the folder about to be removed.
stop_daemon () {
  kill "$daemon" 2>/dev/null || return 0
  wait "$daemon" 2>/dev/null || true
}

# In the session: start the daemon, unlocked or not, run the command, stop the daemon.
if [ "${1:-}" = "--in-session" ]; then
  mode=$2
  shift 2
  # The daemon is the system's, not under test: it does not get the tests' G_DEBUG, whose
  # fatal-warnings would abort it on a harmless warning of its own (gnome-keyring 42 warns
  # "asked to register item …, but it's already registered" when an item is replaced).
  # It runs in the foreground as this shell's child, so the daemon stopped is the one
  # started, and each session has its own runtime folder: a daemon started with --start
  # would instead join one left over from the session before, on that session's bus. The
  # folder's path is short, as the daemon's control socket must fit in 107 bytes.
  XDG_RUNTIME_DIR=$(mktemp -d /tmp/yun-run-XXXXXX)
  export XDG_RUNTIME_DIR
  trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
  daemon_log="$XDG_RUNTIME_DIR/daemon.log"
  if [ "$mode" = unlocked ]; then
    printf '%s' "$YUN_TEST_KEYRING_PASSWORD" \
      | env -u G_DEBUG gnome-keyring-daemon --foreground --unlock --components=secrets \
        > "$daemon_log" 2>&1 &
  else
    env -u G_DEBUG gnome-keyring-daemon --foreground --components=secrets \
      < /dev/null > "$daemon_log" 2>&1 &
  fi
  daemon=$!
  wait_for_daemon || { stop_daemon; exit 1; }
  unset YUN_TEST_KEYRING_PASSWORD
  default=$(bus_call $secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias \
    string:default)
  case $default in
    */collection/login) ;;
    *)
      echo "run-with-keyring: the default collection is '$default', not the login keyring" >&2
      stop_daemon
      exit 1
      ;;
  esac
  status=0
  "$@" || status=$?
  stop_daemon
  exit $status
fi

mode=unlocked
case ${1:-} in
  --locked) mode=locked; shift ;;
  --no-daemon) mode=no-daemon; shift ;;
esac
[ $# -gt 0 ] || { echo "usage: $0 [--locked | --no-daemon] COMMAND [ARG…]" >&2; exit 2; }

root=$(mktemp -d "${TMPDIR:-/tmp}/yun-keyring-XXXXXX")
# run-with-canary.sh asks to keep the folder, to scan it for secrets afterwards.
[ -n "${YUN_TEST_KEEP_FILES:-}" ] || trap 'rm -rf "$root"' EXIT INT TERM
# mktemp made the folder 0700; its subfolders are too.
mkdir -m 0700 "$root/home" "$root/config" "$root/data" "$root/state" "$root/cache"
export HOME="$root/home" XDG_CONFIG_HOME="$root/config" XDG_DATA_HOME="$root/data"
export XDG_STATE_HOME="$root/state" XDG_CACHE_HOME="$root/cache"
export YUN_TEST_KEYRING_ROOT="$root"
YUN_TEST_KEYRING_PASSWORD="keyring-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export YUN_TEST_KEYRING_PASSWORD
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL
# Under AddressSanitizer (cmake/YunSanitize.cmake) the programs that talk to the Secret
# Service unwind their allocation stacks the slow way: GLib has no frame pointers, and only a
# whole stack reaches the libsecret frames that cmake/lsan.supp names. Set for this session
# only, at four times the cost, and first, so that a program's own
# cmake/asan-<program>.options (the GUI tests') can set it back.
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS="fast_unwind_on_malloc=0:$ASAN_OPTIONS"
fi

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
status=0
case $mode in
  unlocked)
    dbus-run-session -- sh "$self" --in-session unlocked "$@" || status=$?
    ;;
  locked)
    dbus-run-session -- sh "$self" --in-session unlocked true
    dbus-run-session -- sh "$self" --in-session locked "$@" || status=$?
    ;;
  no-daemon)
    # The standard session bus, less its service directories. Its socket lives in a short
    # path of its own: a socket's path may not be longer than 107 bytes.
    bus_dir=$(mktemp -d /tmp/yun-bus-XXXXXX)
    cat > "$root/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$bus_dir</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    XDG_RUNTIME_DIR=$bus_dir dbus-run-session --config-file="$root/session.conf" -- "$@" \
      || status=$?
    rm -rf "$bus_dir"
    ;;
esac
exit $status
