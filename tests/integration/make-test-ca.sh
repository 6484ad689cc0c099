#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-test-ca.sh DIR: makes, at test time, a throw-away certificate authority and two
# server certificates it signs, for yunsim's HTTPS (openssl command-line tool):
#   DIR/ca.pem                       the CA certificate, what a profile's "ca-file" names
#   DIR/server.pem DIR/server.key    for 127.0.0.1, ::1 and localhost
#   DIR/other.pem  DIR/other.key     for other.invalid only: a host-name mismatch on loopback
#   DIR/rogue-ca.pem                 another CA, which signed nothing yunsim serves
# The keys are EC P-256: quick to make, and nothing here protects anything.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

days=2
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

# shellcheck disable=SC2086
openssl req -x509 $ec -keyout ca.key -out ca.pem -days $days -subj "/CN=YunDesk test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2> /dev/null
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout rogue-ca.key -out rogue-ca.pem -days $days \
  -subj "/CN=Some other CA" -addext "basicConstraints=critical,CA:TRUE" 2> /dev/null

server_cert () {
  name=$1
  san=$2
  # shellcheck disable=SC2086
  openssl req $ec -keyout "$name.key" -out "$name.csr" -subj "/CN=yunsim $name" 2> /dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
    "$san" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $days \
    -extfile "$name.ext" -out "$name.pem" 2> /dev/null
  rm -f "$name.csr" "$name.ext"
}

server_cert server "IP:127.0.0.1,IP:::1,DNS:localhost"
server_cert other "DNS:other.invalid"
rm -f ca.key rogue-ca.key ca.srl
