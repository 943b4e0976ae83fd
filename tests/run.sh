#!/usr/bin/env bash
# sesame's one test command; CI (.ci/run) runs exactly this.
#
#   1. cargo test: unit tests and the black-box HTTP suite (tests/api);
#   2. the browser suite (tests/browser): the pages and static/auth.js in real
#      headless Chromium, driven by playwright-core;
#   3. a build (not a run) of the benchmark, so it cannot rot.
#
# It installs what it needs when missing: Debian's chromium (apt), Node.js
# (apt), and playwright-core at the version in tests/browser/package-lock.json.
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
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm

cargo test --locked

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
export SESAME_BIN="$PWD/target/debug/sesame"
node --test --test-concurrency=2 --test-timeout=120000 tests/browser/*.test.mjs

cargo bench --locked --bench http --no-run
