#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, kept whole in one folder.
#
#   tests/postgres.sh start DIR   makes a cluster in DIR if there is none,
#                                 starts it, and prints exactly one line on
#                                 stdout: postgres://postgres@127.0.0.1:PORT/postgres
#   tests/postgres.sh start DIR ssl   the same, but a cluster it makes has SSL
#                                 on (a self-signed certificate, by openssl),
#                                 as Debian's have: clients then use OpenSSL
#                                 (libpq's default is sslmode=prefer).
#   tests/postgres.sh stop DIR    stops it (fast shutdown); nothing if stopped.
#
# DIR/data is the cluster, DIR/log its log, DIR/port its port (given to the
# server at each start), and its Unix socket is in DIR. It listens on
# 127.0.0.1 only, at a port that was free when the cluster was made, and
# every later `start` comes back on that same port. Anyone on this machine
# may connect as `postgres` without a password (trust): test data only. Nothing else is touched; `rm -rf DIR` after `stop` removes it all.
#
# As root (CI), DIR is given to the `postgres` user, since PostgreSQL refuses
# to run as root; its parent folders must let that user through (/tmp does).
# Debian's `postgresql` package is installed with apt when missing.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = start ] && [ "$3" = ssl ]; } || usage
command="$1"
ssl="${3:-}"

# Only the URL goes to stdout; everything else is for the person reading.
say() { echo "tests/postgres.sh: $*" >&2; }

if [ "$command" = start ]; then mkdir -p "$2"; fi
if [ ! -d "$2" ]; then
  say "no cluster in $2"
  exit 1
fi
dir="$(cd "$2" && pwd)"
data="$dir/data"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  say "installing $* with apt"
  as_root apt-get update -qq >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The server's programs: Debian keeps them out of PATH, one folder per major
# version (the cluster's own if there is one, else the newest).
find_bindir() {
  local candidate made_by=none
  [ -f "$data/PG_VERSION" ] && made_by="$(cat "$data/PG_VERSION")"
  for candidate in "/usr/lib/postgresql/$made_by/bin" \
    $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
    "$(pg_config --bindir 2>/dev/null)" "$(dirname "$(command -v initdb 2>/dev/null || echo .)")"; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# PostgreSQL's programs, run as the cluster's owner: as root, that is the
# `postgres` user (from within DIR, which it can enter; a root-only working
# folder would make them complain).
pg() {
  local program="$bindir/$1"
  shift
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$program" "$@")
  else
    "$program" "$@"
  fi
}

running() { [ -f "$data/postmaster.pid" ] && pg pg_ctl status -D "$data" >/dev/null 2>&1; }

url() { echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

# A port nothing listens on, below Linux's ephemeral range (32768 and up),
# where the tests' own servers and client connections take theirs.
pick_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
}

# Starts the cluster on the port in DIR/port; 1 if it could not (its log
# says why).
pg_start() {
  pg pg_ctl start -D "$data" -l "$dir/log" -o "-p $(cat "$dir/port")" -w -t 60 >/dev/null 2>&1
}

start() {
  if running; then
    url
    return 0
  fi
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      say "no postgres user to run PostgreSQL as (install Debian's postgresql)"
      exit 1
    fi
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      say "the postgres user cannot reach $dir (a parent folder closed to it?)"
      exit 1
    fi
  fi

  local new=false
  if [ ! -f "$data/PG_VERSION" ]; then
    new=true
    # --no-sync: initdb skips flushing its files to disk (the cluster is
    # thrown away anyway), which makes it take a second or two.
    pg initdb -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --no-sync --no-instructions >/dev/null
    cat >>"$data/postgresql.conf" <<EOF

# tests/postgres.sh: a throwaway cluster for the tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
# Many test servers at once, each with a pool of connections.
max_connections = 300
shared_buffers = 128MB
EOF
    if [ "$ssl" = ssl ]; then
      openssl req -new -x509 -days 30 -nodes -subj /CN=127.0.0.1 \
        -keyout "$data/server.key" -out "$data/server.crt" >/dev/null 2>&1
      chmod 600 "$data/server.key"
      if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data/server.key" "$data/server.crt"; fi
      echo "ssl = on" >>"$data/postgresql.conf"
    fi
    pick_port >"$dir/port"
  fi

  if ! pg_start; then
    # A new cluster whose port was taken between picking it and starting
    # (another cluster being made at the same moment): try other ones. An
    # existing cluster keeps its port, so there it is an error.
    local tries=0
    while $new && [ $tries -lt 5 ] && grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/log"; do
      tries=$((tries + 1))
      : >"$dir/log"
      pick_port >"$dir/port"
      pg_start && break
    done
    if ! running; then
      say "PostgreSQL did not start in $dir; the end of its log:"
      tail -n 20 "$dir/log" >&2 || true
      exit 1
    fi
  fi
  url
}

stop() {
  if [ ! -f "$data/PG_VERSION" ]; then
    say "no cluster in $dir"
    exit 1
  fi
  running || return 0
  pg pg_ctl stop -D "$data" -m fast -w -t 60 >/dev/null
}

bindir="$(find_bindir)" || {
  apt_install postgresql
  bindir="$(find_bindir)"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
