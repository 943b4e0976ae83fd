#!/usr/bin/env bash
# Makes a throwaway certificate authority and a server certificate it signed,
# for 127.0.0.1 and localhost, in DIR: ca.pem (what a client trusts, e.g.
# through SSL_CERT_FILE), server.pem and server.key (what the test SMTP
# server presents). Valid for a day.
#
#   bash tests/smtp/certs.sh DIR
set -euo pipefail
dir="$1"
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days 1 -subj "/CN=sesame test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
  "extendedKeyUsage=serverAuth" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 1 -extfile server.ext 2>/dev/null
