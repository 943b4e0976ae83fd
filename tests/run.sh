#!/usr/bin/env bash
# sesame's one test command; CI (.ci/run) runs exactly this.
#
#   1. cargo test: unit tests and the black-box HTTP suite (tests/api), its
#      servers on SQLite files;
#   2. the black-box suite again, its servers on PostgreSQL: each on a new
#      database in one throwaway cluster (tests/postgres.sh) that lives as
#      long as this script; less the tests about SQLite itself or about no
#      database at all, which the first pass has run;
#   3. the browser suite (tests/browser): the pages and static/auth.js in real
#      headless Chromium, driven by playwright-core, and forward auth through
#      real nginx running the README's configuration;
#   4. a build (not a run) of the benchmark, so it cannot rot.
#
# It installs what it needs when missing: Debian's postgresql (apt; the
# server the tests run: no library, as libpq and its OpenSSL are built from
# source into the binary, see Cargo.toml), chromium (apt), nginx (apt),
# Node.js (apt), python3-aiosmtpd (apt; the SMTP server the mail tests send
# to, tests/smtp/server.py), python3-pyotp (apt; the TOTP codes the second
# factor tests compute apart from sesame, tests/api/helpers/totp.rs),
# python3-cryptography (apt; the software passkey of
# tests/api/hostile_passkeys.rs), python3-jwt (apt; PyJWT, which verifies
# an RS256 ID token through the JWKS in src/auth/access_token/tests.rs), openssl
# (apt; the TLS tests' certificates), python3-prometheus-client (apt; the parser
# of the scrapes in tests/api/metrics.rs), and
# the browser suite's npm packages (playwright-core, jose, otplib,
# openid-client) at the versions in tests/browser/package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  echo "tests/run.sh: installing $* with apt" >&2
  as_root apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || apt_install chromium
# Not `NGINX`: nginx itself reads that variable (sockets handed over on upgrade).
export NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
[ -x "$NGINX_BIN" ] || apt_install nginx
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }
installed postgresql || apt_install postgresql
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || apt_install python3-aiosmtpd
/usr/bin/python3 -c 'import pyotp' 2>/dev/null || apt_install python3-pyotp
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || apt_install python3-cryptography
/usr/bin/python3 -c 'import jwt' 2>/dev/null || apt_install python3-jwt
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || apt_install python3-prometheus-client
command -v openssl >/dev/null 2>&1 || apt_install openssl

# One PostgreSQL cluster for the whole run, stopped and removed at exit
# (tests that stop a database start clusters of their own).
postgres_dir="$(mktemp -d)"
stop_postgres() {
  bash tests/postgres.sh stop "$postgres_dir" || true
  rm -rf "$postgres_dir"
}
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
SESAME_TEST_POSTGRES="$(bash tests/postgres.sh start "$postgres_dir")"
export SESAME_TEST_POSTGRES

SESAME_TEST_BACKEND=sqlite cargo test --locked

# The PostgreSQL pass leaves out what does not depend on the backend, or
# chooses its own: the tests that run the binary on a SQLite file or no app
# at all (audit, binary, crash, hostile, the cluster helper, a database in
# memory, the libraries the binary loads; exit_status makes a PostgreSQL
# cluster of its own, with SSL), those that spawn theirs with
# spawn_sqlite_app (the keys file, the file's size and modes), and the
# several-instances tests, which are on PostgreSQL in both passes. A test
# changed to spawn_sqlite_app belongs here.
sqlite_only=(
  instances::
  disabled::an_account_disabled_through_one_instance_is_refused_by_another_within_1_s
  oidc::backchannel::with_two_instances_a_logout_arrives_within_a_second_exactly_once
  oidc::backchannel_expiry::a_refresh_in_time_that_commits_after_the_sweep_looked_keeps_its_session
  oidc::backchannel_expiry::with_two_instances_a_session_that_ran_out_is_told_once
  audit::
  binary::
  cluster::
  crash::
  exit_status::
  hostile::
  restart::
  keys::a_given_signing_key_is_the_only_one_and_cannot_be_rotated
  keys::keys_revoke_reaches_every_instance_within_5_s
  roles::set_roles_reaches_every_instance
  storage::the_file_gives_space_back_once_ended_sessions_are_purged
  storage::the_database_and_its_wal_and_shm_are_readable_by_their_owner_only
  storage::a_database_in_memory_is_refused_at_start
  system_libraries::
  account::audit::
  account::instances::
  reset::printed::
  second_factor::audit::
  second_factor::instances::
  mail_tls::
  first_use::secure_cookies_on_plain_http_away_from_localhost_are_warned_of_at_start
)
skips=()
for test in "${sqlite_only[@]}"; do skips+=(--skip "$test"); done
SESAME_TEST_BACKEND=postgres cargo test --locked --test api -- "${skips[@]}"
stop_postgres
trap - EXIT

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
export SESAME_BIN="$PWD/target/debug/sesame"
node --test --test-concurrency=2 --test-timeout=120000 tests/browser/*.test.mjs

cargo bench --locked --bench http --no-run
