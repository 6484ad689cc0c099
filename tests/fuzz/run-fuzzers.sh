#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-fuzzers.sh BUILD_DIR SECONDS: runs each libFuzzer target of BUILD_DIR (configured with
# CC=clang -DYUN_FUZZ=ON) for SECONDS on a copy of its seed corpus, with the inputs of its
# regressions/ directory, if any, as extra seeds. Prints the executions of each target and
# fails if one of them crashes, leaks or trips a sanitizer; the crashing input is left in
# BUILD_DIR/tests/fuzz/artifacts/TARGET/ and its log in BUILD_DIR/tests/fuzz/logs/TARGET.log.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$1" && pwd)/tests/fuzz
seconds=$2
targets="fuzz-response fuzz-signer fuzz-profile fuzz-sim-request"
failed=""

# A GLib critical is a programming error: it stops the run like a crash (the trap it raises
# is reported by ASan, and libFuzzer keeps the input).
export G_DEBUG=fatal-criticals
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:handle_sigtrap=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for target in $targets; do
  corpus=$bin/corpora/$target
  artifacts=$bin/artifacts/$target
  log=$bin/logs/$target.log

  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts" "$bin/logs"
  cp "$here/$target/corpus/"* "$corpus/"
  if [ -d "$here/$target/regressions" ]; then
    cp "$here/$target/regressions/"* "$corpus/"
  fi

  status=0
  "$bin/$target" -max_total_time="$seconds" -print_final_stats=1 -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 \
    || status=$?

  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    echo "$target: ${executions:-?} executions in ${seconds} s, no crash"
  else
    echo "$target: FAILED (exit $status) after ${executions:-?} executions; log: $log"
    grep -m 1 -A 12 "^==[0-9]*==ERROR\|runtime error\|CRITICAL\|deadly signal" "$log" || true
    find "$artifacts" -type f -exec echo "  reproducer: {}" \;
    failed="$failed $target"
  fi
done

if [ -n "$failed" ]; then
  echo "Fuzzers that failed:$failed" >&2
  exit 1
fi
