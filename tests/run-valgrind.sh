#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-valgrind.sh BUILD_DIR: runs the core tests (ctest label core) of a normal, unsanitized
# build under valgrind memcheck. A test fails on any memory error and on any definite leak;
# GLib's own one-time allocations are suppressed with the suppressions file GLib ships, and
# with tests/valgrind.supp (each entry says why).
# The logs are BUILD_DIR/Testing/Temporary/MemoryChecker.<test number>.log.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$1
top=$(cd "$(dirname "$0")/.." && pwd)

supp=/usr/share/glib-2.0/valgrind/glib.supp
[ -r "$supp" ] || { echo "run-valgrind: $supp is missing (package libglib2.0-dev)" >&2; exit 1; }
command -v valgrind > /dev/null || { echo "run-valgrind: valgrind is not installed" >&2; exit 1; }

# GLib's slice allocator would hide blocks from memcheck.
export G_SLICE=always-malloc
cd "$build"
status=0
ctest -T memcheck -L core --output-on-failure --parallel "$(nproc)" --timeout 900 \
  --overwrite MemoryCheckCommand="$(command -v valgrind)" \
  --overwrite "MemoryCheckCommandOptions=--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --num-callers=30 --track-origins=yes --suppressions=$top/tests/valgrind.supp" \
  --overwrite MemoryCheckSuppressionFile="$supp" || status=$?
if [ $status -ne 0 ]; then
  # Print the valgrind report of each failed test.
  for log in Testing/Temporary/MemoryChecker.*.log; do
    if grep -q "ERROR SUMMARY: [1-9]" "$log"; then
      echo "=== $log"
      cat "$log"
    fi
  done
fi
exit $status
