#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-tls-verify.sh SOURCE_DIR: TLS certificate verification is never switched off.
# Every libcurl setting of peer or host verification in the tree (the client, the tests'
# helpers, the benchmarks) must turn it on, and the client must set all four explicitly.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 SOURCE_DIR" >&2; exit 2; }
cd "$1"

status=0
offending=$(grep -rnE 'VERIFY(PEER|HOST|STATUS)|SSL_OPTIONS|--insecure|[^a-z]-k ' \
  src tests bench build-aux --include='*.c' --include='*.h' --include='*.sh' \
  --include='yundesk-dev' |
  grep -vE 'CURLOPT_(PROXY_)?SSL_VERIFYPEER, 1L\)|CURLOPT_(PROXY_)?SSL_VERIFYHOST, 2L\)' |
  grep -v '^tests/core/check-tls-verify.sh:' || true)
if [ -n "$offending" ]; then
  echo "TLS verification must stay on; these lines set it otherwise:"
  echo "$offending"
  status=1
fi

for option in CURLOPT_SSL_VERIFYPEER CURLOPT_SSL_VERIFYHOST CURLOPT_PROXY_SSL_VERIFYPEER \
  CURLOPT_PROXY_SSL_VERIFYHOST; do
  if ! grep -qE "$option, [12]L\)" src/core/yun-http.c; then
    echo "src/core/yun-http.c does not set $option on"
    status=1
  fi
done
exit $status
