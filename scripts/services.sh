#!/usr/bin/env bash
# Makes sure the services the integration tests and benchmarks use answer on loopback:
#
#   redis     127.0.0.1:6379   Redis without persistence
#   nats      127.0.0.1:4222   NATS with JetStream
#   postgres  127.0.0.1:5432   PostgreSQL, database "test", trust on loopback
#
# and, only when asked for by name (scripts/test.sh does), the binaries of one more:
#
#   prometheus  no shared server: the metrics tests start a private `prometheus` per test
#               (dev.alchemist.testing.PrivatePrometheus) and run `promtool`; this installs
#               the Debian package `prometheus` when either binary is missing. The default
#               run leaves it out, so the embedded quick start never needs it. On a host with
#               systemd the package also enables its own service on :9090; the tests do not
#               use it.
#
# A service that already answers is left alone. A missing server is installed from the
# Debian package when we are root and apt-get exists, then started bound to loopback.
# The script never stops or reconfigures a server it did not start or install; the one
# change it makes to a running PostgreSQL that accepts us is CREATE DATABASE test when
# that database is missing.
#
# Usage: scripts/services.sh [redis] [nats] [postgres] [prometheus]
#        (default: redis nats postgres)
#
# Addresses come from the same variables the Java test support reads:
#   ALCHEMIST_REDIS_URI    redis://127.0.0.1:6379
#   ALCHEMIST_NATS_URL     nats://127.0.0.1:4222
#   ALCHEMIST_PG_URL       jdbc:postgresql://127.0.0.1:5432/test
#   ALCHEMIST_PG_USER      postgres
#   ALCHEMIST_PG_PASSWORD  (empty)
# and two for the script only:
#   ALCHEMIST_SERVICES_DIR   logs, pid files and the JetStream store of servers started here
#                            (default ${XDG_STATE_HOME:-$HOME/.local/state}/alchemist-services)
#   ALCHEMIST_SERVICES_WAIT  seconds to wait for a started server to answer (default 30)
#
# Prints one line per service and exits non-zero if any service is not usable.

# The probes pass scripts in single quotes to `bash -c` on purpose: they expand there.
# shellcheck disable=SC2016
set -euo pipefail

STATE_DIR="${ALCHEMIST_SERVICES_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/alchemist-services}"
WAIT_SECONDS="${ALCHEMIST_SERVICES_WAIT:-30}"
SEARCH_PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# ---------------------------------------------------------------------------- helpers

status() { printf '%-10s %-15s %s\n' "$1" "$2" "$3"; }
err() { printf '%s\n' "$*" >&2; }

# fail SERVICE ADDRESS STATUS MESSAGE...: the service's one status line, details on stderr.
fail() {
  local name="$1" addr="$2" what="$3"
  shift 3
  status "$name" "$addr" "FAILED: $what"
  err "$name: $*"
  exit 1
}

find_bin() { PATH="$SEARCH_PATH" command -v "$1" 2>/dev/null || true; }

is_loopback() { [[ "$1" == 127.* || "$1" == "localhost" || "$1" == "::1" ]]; }

# split_hostport DEFAULT_PORT "host:port" -> sets HOST and PORT ("[::1]:6379" works too).
split_hostport() {
  local default_port="$1" hp="$2"
  if [[ "$hp" == \[*\]* ]]; then
    HOST="${hp%%]*}" HOST="${HOST#[}"
    hp="${hp#*]}"
    PORT="${hp#:}"
  elif [[ "$hp" == *:* ]]; then
    HOST="${hp%:*}" PORT="${hp##*:}"
  else
    HOST="$hp" PORT=""
  fi
  HOST="${HOST:-127.0.0.1}" PORT="${PORT:-$default_port}"
  [[ "$PORT" =~ ^[0-9]{1,5}$ ]] && ((PORT >= 1 && PORT <= 65535))
}

# parse_url VALUE DEFAULT_PORT: scheme://[user@]host[:port][/path] -> HOST PORT
parse_url() {
  [[ "$1" == *://* ]] || return 1
  local rest="${1#*://}"
  rest="${rest%%[/?]*}"
  rest="${rest##*@}"
  split_hostport "$2" "$rest"
}

# tcp_open HOST PORT: something accepts connections there.
tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# redis_reply HOST PORT: the first reply line to PING, without the trailing CR.
redis_reply() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r -t 2 line <&3 || exit 1
    printf "%s" "${line%$'\''\r'\''}"' _ "$1" "$2" 2>/dev/null || true
}

# nats_info HOST PORT: the INFO line a NATS server sends on connect.
nats_info() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf "%s" "${line%$'\''\r'\''}"' _ "$1" "$2" 2>/dev/null || true
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds or time is up.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# apt_install PACKAGE: installs a Debian package when we are allowed to, updating the
# package lists at most once per run.
apt_install() {
  local pkg="$1"
  if [[ "$(id -u)" != 0 ]] || [[ -z "$(find_bin apt-get)" ]]; then
    err "$pkg is not installed and this script can only install it as root with apt-get;"
    err "install it yourself, e.g.: sudo apt-get install -y $pkg"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e "$SCRATCH/apt-updated" ]]; then
    apt-get update -qq >"$SCRATCH/apt.log" 2>&1 || { cat "$SCRATCH/apt.log" >&2; return 1; }
    : >"$SCRATCH/apt-updated"
  fi
  apt-get install -y -qq --no-install-recommends "$pkg" >"$SCRATCH/apt.log" 2>&1 ||
    { cat "$SCRATCH/apt.log" >&2; return 1; }
}

log_tail() { if [[ -f "$1" ]]; then tail -n 20 "$1" >&2; fi; }

# ---------------------------------------------------------------------------- redis

redis_answers() { [[ "$(redis_reply "$1" "$2")" == "+PONG" ]]; }

ensure_redis() {
  local HOST PORT
  local uri="${ALCHEMIST_REDIS_URI:-redis://127.0.0.1:6379}" name=redis
  parse_url "$uri" 6379 || fail "$name" "$uri" "bad address" \
    "ALCHEMIST_REDIS_URI must look like redis://host:port but was '$uri'"
  local addr="$HOST:$PORT"
  local reply
  reply="$(redis_reply "$HOST" "$PORT")"
  if [[ "$reply" == "+PONG" ]]; then
    status "$name" "$addr" "already running"
    return
  fi
  if [[ -n "$reply" ]] || tcp_open "$HOST" "$PORT"; then
    fail "$name" "$addr" "port in use, PING not answered with PONG" \
      "something listens on $addr but answered PING with '${reply:0:80}';" \
      "free the port or point ALCHEMIST_REDIS_URI at a Redis that accepts PING without AUTH"
  fi
  is_loopback "$HOST" || fail "$name" "$addr" "not answering" \
    "$addr is not a loopback address, so this script cannot start Redis there"

  local how=started bin
  bin="$(find_bin redis-server)"
  if [[ -z "$bin" ]]; then
    apt_install redis-server || fail "$name" "$addr" "redis-server missing" "could not install redis-server"
    bin="$(find_bin redis-server)"
    how="installed and started"
    # The package may have started its own service on the default port.
    if redis_answers "$HOST" "$PORT"; then
      redis-cli -h "$HOST" -p "$PORT" config set save "" >/dev/null 2>&1 || true
      status "$name" "$addr" "installed and started (by the package's service)"
      return
    fi
  fi

  local dir="$STATE_DIR/redis-$PORT" log="$STATE_DIR/redis-$PORT.log"
  [[ "$HOST" == "localhost" ]] && HOST=127.0.0.1
  mkdir -p "$dir"
  # Config errors are printed before Redis opens its log file, so they go to the same file.
  # shellcheck disable=SC2094
  "$bin" --daemonize yes --bind "$HOST" --port "$PORT" --save "" --appendonly no \
    --dir "$dir" --logfile "$log" --pidfile "$STATE_DIR/redis-$PORT.pid" >>"$log" 2>&1 ||
    { log_tail "$log"; fail "$name" "$addr" "did not start" "redis-server failed to start; see $log"; }
  wait_until "$WAIT_SECONDS" redis_answers "$HOST" "$PORT" ||
    { log_tail "$log"; fail "$name" "$addr" "did not answer" \
      "redis-server did not answer PING within $WAIT_SECONDS s; see $log"; }
  status "$name" "$addr" "$how"
}

# ---------------------------------------------------------------------------- nats

nats_jetstream() { [[ "$(nats_info "$1" "$2")" == *'"jetstream":true'* ]]; }
nats_ready_or_gone() { ! kill -0 "$1" 2>/dev/null || nats_jetstream "$2" "$3"; }

ensure_nats() {
  local HOST PORT
  local url="${ALCHEMIST_NATS_URL:-nats://127.0.0.1:4222}" name=nats
  parse_url "$url" 4222 || fail "$name" "$url" "bad address" \
    "ALCHEMIST_NATS_URL must look like nats://host:port but was '$url'"
  local addr="$HOST:$PORT"
  local info
  info="$(nats_info "$HOST" "$PORT")"
  if [[ "$info" == INFO* ]]; then
    [[ "$info" == *'"jetstream":true'* ]] && { status "$name" "$addr" "already running"; return; }
    fail "$name" "$addr" "running WITHOUT JetStream" \
      "the NATS server on $addr does not have JetStream enabled; this script does not" \
      "restart servers it did not start. Restart it with JetStream, e.g." \
      "nats-server -a $HOST -p $PORT -js -sd /var/lib/nats-server, or point ALCHEMIST_NATS_URL elsewhere"
  fi
  if tcp_open "$HOST" "$PORT"; then
    fail "$name" "$addr" "port in use, no NATS INFO" \
      "something listens on $addr but did not send a NATS INFO line; free the port or set ALCHEMIST_NATS_URL"
  fi
  is_loopback "$HOST" || fail "$name" "$addr" "not answering" \
    "$addr is not a loopback address, so this script cannot start NATS there"

  local how=started bin
  bin="$(find_bin nats-server)"
  if [[ -z "$bin" ]]; then
    apt_install nats-server || fail "$name" "$addr" "nats-server missing" "could not install nats-server"
    bin="$(find_bin nats-server)"
    how="installed and started"
    if nats_jetstream "$HOST" "$PORT"; then
      status "$name" "$addr" "installed and started (by the package's service)"
      return
    fi
  fi

  local store="$STATE_DIR/nats-$PORT" log="$STATE_DIR/nats-$PORT.log"
  [[ "$HOST" == "localhost" ]] && HOST=127.0.0.1
  mkdir -p "$store"
  # setsid: its own session, so it outlives this shell and its terminal; all output goes
  # to the log so it never holds the caller's stdout (a CI pipe) open.
  setsid "$bin" -a "$HOST" -p "$PORT" -js -sd "$store" -P "$STATE_DIR/nats-$PORT.pid" \
    </dev/null >>"$log" 2>&1 &
  local pid=$!
  wait_until "$WAIT_SECONDS" nats_ready_or_gone "$pid" "$HOST" "$PORT" || true
  if ! nats_jetstream "$HOST" "$PORT"; then
    kill "$pid" 2>/dev/null || true
    log_tail "$log"
    fail "$name" "$addr" "did not answer" \
      "nats-server did not answer with JetStream within $WAIT_SECONDS s; see $log"
  fi
  status "$name" "$addr" "$how"
}

# ---------------------------------------------------------------------------- postgres

# psql_on DB SQL: runs one statement as the configured user over TCP, never prompting.
psql_on() {
  psql -X -q -t -A -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -c "$2"
}
pg_answers() { pg_isready -q -t 3 -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

pg_hba_trust_loopback() { # VERSION CLUSTER: first lines of pg_hba.conf trust loopback TCP
  local hba="/etc/postgresql/$1/$2/pg_hba.conf"
  grep -q 'alchemist scripts/services.sh' "$hba" && return
  {
    echo '# added by alchemist scripts/services.sh: tests connect over loopback without a password'
    echo 'host all all 127.0.0.1/32 trust'
    echo 'host all all ::1/128 trust'
    cat "$hba"
  } >"$hba.new"
  chown --reference="$hba" "$hba.new"
  chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
}

ensure_postgres() {
  local url="${ALCHEMIST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
  PG_USER="${ALCHEMIST_PG_USER:-postgres}"
  [[ -n "${ALCHEMIST_PG_PASSWORD:-}" ]] && export PGPASSWORD="$ALCHEMIST_PG_PASSWORD"
  local name=postgres rest="${url#jdbc:postgresql:}" HOST PORT db
  [[ "$url" == jdbc:postgresql:* ]] || fail "$name" "$url" "bad address" \
    "ALCHEMIST_PG_URL must look like jdbc:postgresql://host:port/database but was '$url'"
  rest="${rest%%\?*}"
  if [[ "$rest" == //* ]]; then
    rest="${rest#//}"
    db="${rest#*/}"
    [[ "$rest" == */* ]] || db=""
    split_hostport 5432 "${rest%%/*}" || fail "$name" "$url" "bad address" \
      "ALCHEMIST_PG_URL must look like jdbc:postgresql://host:port/database but was '$url'"
  else
    HOST=127.0.0.1 PORT=5432 db="$rest"
  fi
  db="${db:-test}"
  PG_HOST="$HOST" PG_PORT="$PORT"
  local addr="$HOST:$PORT"

  [[ -n "$(find_bin psql)" ]] || apt_install postgresql-client ||
    fail "$name" "$addr" "psql missing" "could not install postgresql-client"

  if pg_answers; then
    if psql_on "$db" 'select 1' >/dev/null 2>"$SCRATCH/psql.err"; then
      status "$name" "$addr" "already running"
      return
    fi
    # The server answers but "$db" is not reachable: missing database, or we are not let in.
    local exists
    if exists="$(psql_on postgres "select 1 from pg_database where datname = '$db'" 2>"$SCRATCH/psql.err")"; then
      if [[ -z "$exists" ]]; then
        # Adding a database changes no setting of the server; the tests cannot run without it.
        psql_on postgres "create database \"$db\"" >/dev/null 2>"$SCRATCH/psql.err" ||
          fail "$name" "$addr" "database $db missing" \
            "database '$db' does not exist and user '$PG_USER' may not create it: $(cat "$SCRATCH/psql.err")" \
            "Create it as a superuser, e.g.: sudo -u postgres createdb -p $PORT $db"
        status "$name" "$addr" "already running, created database $db"
        return
      fi
    fi
    fail "$name" "$addr" "running, but $db not reachable as $PG_USER" \
      "$(cat "$SCRATCH/psql.err")" \
      "This script does not change the configuration of a server it did not set up. Either set" \
      "ALCHEMIST_PG_USER/ALCHEMIST_PG_PASSWORD, or let tests in over loopback: put" \
      "'host all all 127.0.0.1/32 trust' first in pg_hba.conf (psql -c 'show hba_file')," \
      "reload the server, and run: sudo -u postgres createdb -p $PORT $db"
  fi
  if tcp_open "$HOST" "$PORT"; then
    fail "$name" "$addr" "port in use, not PostgreSQL" "something listens on $addr but pg_isready gets no answer"
  fi
  is_loopback "$HOST" || fail "$name" "$addr" "not answering" \
    "$addr is not a loopback address, so this script cannot start PostgreSQL there"

  local how=started ours=0
  if [[ -z "$(find_bin pg_ctlcluster)" ]] || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    apt_install postgresql || fail "$name" "$addr" "postgresql missing" "could not install postgresql"
    how="installed and started" ours=1
  fi
  local version cluster state
  read -r version cluster state < <(pg_lsclusters -h | awk -v p="$PORT" '$3 == p { print $1, $2, $4; exit }') || true
  if [[ -z "${version:-}" ]]; then
    version="$(basename "$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sort -V | tail -n 1 | xargs dirname | xargs dirname)")"
    cluster=main
    [[ -d "/etc/postgresql/$version/main" ]] && cluster="alchemist$PORT"
    pg_createcluster "$version" "$cluster" -p "$PORT" >"$SCRATCH/pg.log" 2>&1 ||
      { cat "$SCRATCH/pg.log" >&2; fail "$name" "$addr" "could not create a cluster" "pg_createcluster $version $cluster failed"; }
    [[ "$how" == started ]] && how="created and started"
    ours=1 state=down
  fi
  local log="/var/log/postgresql/postgresql-$version-$cluster.log"
  ((ours)) && pg_hba_trust_loopback "$version" "$cluster"
  if [[ "$state" == online ]]; then
    pg_ctlcluster "$version" "$cluster" reload
  else
    pg_ctlcluster "$version" "$cluster" start >"$SCRATCH/pg.log" 2>&1 ||
      { cat "$SCRATCH/pg.log" >&2; log_tail "$log"; fail "$name" "$addr" "did not start" \
        "pg_ctlcluster $version $cluster start failed; see $log"; }
  fi
  wait_until "$WAIT_SECONDS" pg_answers ||
    { log_tail "$log"; fail "$name" "$addr" "did not answer" \
      "PostgreSQL $version/$cluster did not answer within $WAIT_SECONDS s; see $log"; }
  if ((ours)) && [[ -z "$(psql_on postgres "select 1 from pg_database where datname = '$db'" 2>/dev/null)" ]]; then
    psql_on postgres "create database \"$db\"" >/dev/null
  fi
  psql_on "$db" 'select 1' >/dev/null 2>"$SCRATCH/psql.err" ||
    fail "$name" "$addr" "started, but $db not reachable as $PG_USER" "$(cat "$SCRATCH/psql.err")" \
      "Put 'host all all 127.0.0.1/32 trust' first in /etc/postgresql/$version/$cluster/pg_hba.conf," \
      "run pg_ctlcluster $version $cluster reload, and: sudo -u postgres createdb -p $PORT $db"
  status "$name" "$addr" "$how"
}

# ---------------------------------------------------------------------------- prometheus

ensure_prometheus() {
  local name=prometheus bin tool
  bin="$(find_bin prometheus)" tool="$(find_bin promtool)"
  if [[ -n "$bin" && -n "$tool" ]]; then
    status "$name" "-" "installed ($("$bin" --version 2>/dev/null | head -n 1 | awk '{print $3}'))"
    return
  fi
  apt_install prometheus || fail "$name" "-" "prometheus missing" "could not install prometheus"
  bin="$(find_bin prometheus)" tool="$(find_bin promtool)"
  [[ -n "$bin" && -n "$tool" ]] || fail "$name" "-" "binaries missing" \
    "the package prometheus was installed but prometheus or promtool is not on the PATH"
  status "$name" "-" "installed ($("$bin" --version 2>/dev/null | head -n 1 | awk '{print $3}'))"
}

# ---------------------------------------------------------------------------- main

main() {
  local services=("$@") rc=0 s
  ((${#services[@]})) || services=(redis nats postgres)
  for s in "${services[@]}"; do
    case "$s" in
      redis | nats | postgres | prometheus) ;;
      -h | --help) sed -n '2,/^# Prints one line/p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
      *) err "unknown service '$s' (expected redis, nats, postgres or prometheus)"; return 2 ;;
    esac
  done
  mkdir -p "$STATE_DIR"
  for s in "${services[@]}"; do
    # Each check runs in its own subshell with errexit on (an `if` or `||` around a
    # function would switch errexit off inside it), so one failing service does not hide
    # the state of the others.
    set +e
    (
      set -e
      "ensure_$s"
    )
    # shellcheck disable=SC2181 # `if ( ... )` would switch errexit off inside
    (($? == 0)) || rc=1
    set -e
  done
  return "$rc"
}

main "$@"
