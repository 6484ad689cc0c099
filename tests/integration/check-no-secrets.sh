#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-no-secrets.sh CANARY_ROOT
#
# Every integration test ran under run-with-canary.sh, with this build's distinctive
# credentials and instance password, all debug logging on, and its home, XDG folders and
# temporary files under CANARY_ROOT/<test>. This looks for those secrets in everything the
# programs printed and every file they wrote. Any hit is a leak. The simulators the tests
# start accept only the canary credentials (tests/common/yun-test-sim.c), so a test that
# passed has used them.
set -eu

root=$1
: "${YUN_TEST_SECRET_KEY:?}" "${YUN_TEST_PASSWORD:?}"

runs=$(find "$root" -mindepth 2 -maxdepth 2 -name output.log 2>/dev/null | wc -l)
if [ "$runs" -eq 0 ]; then
  echo "FAIL: no test ran under run-with-canary.sh in $root" >&2
  exit 1
fi

status=0
for secret in "$YUN_TEST_SECRET_KEY" "$YUN_TEST_PASSWORD"; do
  if hits=$(grep -rlaF -- "$secret" "$root"); then
    echo "FAIL: a secret leaked into:" >&2
    echo "$hits" >&2
    status=1
  fi
done

files=$(find "$root" -type f | wc -l)
bytes=$(du -sk "$root" | cut -f1)
echo "scanned $files files ($bytes KiB) written by $runs test programs for the canary" \
  "SecretKey and password"
exit $status
