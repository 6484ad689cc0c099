#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-with-sshd.sh COMMAND [ARG…]
#
# Runs COMMAND with a real OpenSSH server (/usr/sbin/sshd) listening on a free unprivileged
# port of 127.0.0.1, started from a configuration of its own (-f, -D -e), with keys made now
# by ssh-keygen in a temporary folder:
#
#   YUN_TEST_SSHD_PORT           the port
#   YUN_TEST_SSH_IDENTITY_DIR    a folder holding id_ed25519 (no passphrase), the only key
#                                the server accepts
#   YUN_TEST_SSH_KEY_USER        the user that key logs in as (the one running this script)
#   YUN_TEST_SSH_HOST_KEY        the server's host key (public, OpenSSH format)
#   YUN_TEST_SSH_OTHER_HOST_KEY  another host key of the same type, that the server does not
#                                have (for a "changed host key")
#   YUN_TEST_SSH_PASSWORD_USER   run as root only: a throwaway system user of this run,
#                                made now and removed at the end, whose password is
#                                YUN_TEST_PASSWORD
#                                (given to chpasswd on its standard input, never in a file or
#                                an argument); unset otherwise
#   YUN_TEST_SSHD_LOG            the server's log
#
# Exits 77 (skipped) when sshd or ssh-keygen is missing. The exit status is COMMAND's.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG…]" >&2; exit 2; }

sshd=/usr/sbin/sshd
if [ ! -x "$sshd" ] || ! command -v ssh-keygen > /dev/null 2>&1; then
  echo "run-with-sshd: $sshd or ssh-keygen is missing (Debian: openssh-server); skipped" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/yun-sshd-XXXXXX")
pid=""
password_user=""

cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  fi
  if [ -n "$password_user" ]; then
    userdel "$password_user" 2> /dev/null || true
  fi
  if [ -z "${YUN_TEST_KEEP_FILES:-}" ]; then
    rm -rf "$dir"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

mkdir -m 0700 "$dir/identity"
ssh-keygen -q -t ed25519 -N '' -C yundesk-test-host -f "$dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C yundesk-test-other-host -f "$dir/other_host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C yundesk-test-user -f "$dir/identity/id_ed25519"
cp "$dir/identity/id_ed25519.pub" "$dir/authorized_keys"
chmod 0644 "$dir/authorized_keys"

# As root, sshd wants its privilege separation folder.
if [ "$(id -u)" -eq 0 ]; then
  mkdir -p /run/sshd
  chmod 0755 /run/sshd
  # A user of its own for password logins (root's password is nobody's business), one per
  # run, so that runs of other build trees at the same time do not remove it under us.
  password_user="yundesk-ssh-$$"
  if [ -n "${YUN_TEST_PASSWORD:-}" ]; then
    # Its home is /, which it can enter (sshd says so on standard error otherwise).
    if ! id "$password_user" > /dev/null 2>&1; then
      useradd --system --no-create-home --home-dir / --shell /bin/sh "$password_user"
    else
      usermod --home / --shell /bin/sh "$password_user"
    fi
    printf '%s:%s\n' "$password_user" "$YUN_TEST_PASSWORD" | chpasswd
    export YUN_TEST_SSH_PASSWORD_USER="$password_user"
  else
    password_user=""
  fi
fi

start_sshd () {
  port=$1
  cat > "$dir/sshd_config" << EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitEmptyPasswords no
MaxStartups 100:30:200
MaxSessions 50
MaxAuthTries 10
LoginGraceTime 60
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
  rm -f "$dir/sshd.pid"
  "$sshd" -D -e -f "$dir/sshd_config" >> "$dir/sshd.log" 2>&1 &
  pid=$!
  # Listening once the pid file is there; gone if the port was taken.
  tries=0
  while [ $tries -lt 100 ]; do
    if [ -s "$dir/sshd.pid" ]; then
      return 0
    fi
    if ! kill -0 "$pid" 2> /dev/null; then
      wait "$pid" 2> /dev/null || true
      pid=""
      return 1
    fi
    sleep 0.1
    tries=$((tries + 1))
  done
  echo "run-with-sshd: sshd did not start; its log:" >&2
  cat "$dir/sshd.log" >&2
  exit 1
}

attempt=0
started=""
while [ $attempt -lt 20 ]; do
  port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
  if start_sshd "$port"; then
    started=1
    break
  fi
  attempt=$((attempt + 1))
done
if [ -z "$started" ]; then
  echo "run-with-sshd: no free port for sshd; its log:" >&2
  cat "$dir/sshd.log" >&2
  exit 1
fi

export YUN_TEST_SSHD_PORT="$port"
export YUN_TEST_SSH_IDENTITY_DIR="$dir/identity"
export YUN_TEST_SSH_KEY_USER="$(id -un)"
export YUN_TEST_SSH_HOST_KEY="$dir/host_ed25519.pub"
export YUN_TEST_SSH_OTHER_HOST_KEY="$dir/other_host_ed25519.pub"
export YUN_TEST_SSHD_LOG="$dir/sshd.log"

status=0
"$@" || status=$?
if [ $status -ne 0 ]; then
  echo "run-with-sshd: the server's log:" >&2
  tail -n 60 "$dir/sshd.log" >&2
fi
exit $status
