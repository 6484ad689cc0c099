#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-no-secrets.sh TEST_PROGRAM…
#
# Runs integration test programs with distinctive credentials and a distinctive instance
# password, with every debug log line and HTTP body logging switched on, in a private home,
# and then looks for those secrets in everything the programs printed and every file they
# wrote. Any hit is a leak. The simulators these programs start accept only the canary
# credentials (see tests/common/yun-test-sim.c), so a passing program has used them.
set -eu

work=$(mktemp -d "${TMPDIR:-/tmp}/yun-secrets-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/home" "$work/config" "$work/data" "$work/state" "$work/cache" "$work/tmp" \
  "$work/out"

canary=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
export YUN_TEST_SECRET_ID="AKIDcanary$canary"
export YUN_TEST_SECRET_KEY="SecretKeyCanary$canary"
export YUN_TEST_PASSWORD="Pw!Canary$(printf '%s' "$canary" | cut -c1-12)"
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" TMPDIR="$work/tmp"
export G_MESSAGES_DEBUG=all YUNDESK_DEBUG=http

status=0
for program in "$@"; do
  name=$(basename "$program")
  if ! "$program" > "$work/out/$name.log" 2>&1; then
    echo "FAIL: $name failed under the secret check; its output:" >&2
    tail -n 40 "$work/out/$name.log" >&2
    status=1
  fi
  lines=$(wc -l < "$work/out/$name.log")
  echo "ran $name: $lines lines of output"
done

for secret in "$YUN_TEST_SECRET_KEY" "$YUN_TEST_PASSWORD"; do
  if hits=$(grep -rlaF -- "$secret" "$work"); then
    echo "FAIL: a secret leaked into:" >&2
    echo "$hits" >&2
    status=1
  fi
done

files=$(find "$work" -type f | wc -l)
echo "scanned $files files for the canary SecretKey and password"
exit $status
