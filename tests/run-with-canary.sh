#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-with-canary.sh DIR COMMAND [ARG…]
#
# Runs one test program the way every integration test runs: with the distinctive
# credentials and instance password of this build (YUN_TEST_SECRET_ID, YUN_TEST_SECRET_KEY,
# YUN_TEST_PASSWORD, set by ctest), every debug log line and HTTP body logging switched on,
# and HOME, the XDG folders and TMPDIR inside DIR, which keeps whatever the program wrote.
# Its output goes to DIR/output.log; the last lines are printed for ctest. check-no-secrets,
# which ctest runs after all of them, then looks for the secrets in DIR's whole tree.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIR COMMAND [ARG…]" >&2; exit 2; }
dir=$1
shift

rm -rf "$dir"
mkdir -m 0700 -p "$dir"
for sub in home config data state cache tmp; do
  mkdir -m 0700 "$dir/$sub"
done
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
export XDG_STATE_HOME="$dir/state" XDG_CACHE_HOME="$dir/cache" TMPDIR="$dir/tmp"
export G_MESSAGES_DEBUG=all YUNDESK_DEBUG=http
# run-with-keyring.sh leaves its temporary home in TMPDIR, to be scanned too.
export YUN_TEST_KEEP_FILES=1

status=0
"$@" > "$dir/output.log" 2>&1 || status=$?
tail -n 150 "$dir/output.log"
echo "run-with-canary: exit status $status; full output in $dir/output.log"
exit $status
