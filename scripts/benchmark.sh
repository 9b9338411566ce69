#!/usr/bin/env bash
# The performance guide's benchmark against the reference dialog server (examples/dialog-server):
# installs what is missing (ab from apache2-utils and wrk from Debian, wscat and ws from npm into
# target/benchmark-tools), builds the server jar if there is none, starts it on a free port with a
# fresh bearer token, runs the guide's three commands (ab on /api/dialogs, wrk on /api/stream, wscat
# on /dashboard), a first-token probe, 100 and 1,000 dashboard subscribers and a steady state of 100
# subscribers with 10 dialog requests a second, samples the server's CPU and RSS from /proc, prints
# each of the guide's targets with the measured value and PASS, FAIL or N/A, and stops the server.
#
#   bash scripts/benchmark.sh                  # embedded defaults (in-process cache, bus, H2)
#   bash scripts/benchmark.sh --quick          # shorter phases (wrk 10 s), for a smoke run
#   bash scripts/benchmark.sh --real-services  # Redis, NATS and PostgreSQL of scripts/services.sh,
#                                              # under names of the run's own, removed afterwards
#   bash scripts/benchmark.sh -- --alchemist.cache.redis-uri=redis://127.0.0.1:6379 ...
#
# Options: --port N (else a free one), --out DIR (else examples/dialog-server/target/benchmark),
# --build (rebuild the jar), --no-install (fail rather than install). Arguments after -- go to the
# server. Environment: BENCH_JAVA_OPTS (JVM options of the server), BENCH_TOOLS (npm tools folder),
# TOKEN (the bearer token to use; else a random one, seeded as the server's demo token).
#
# Every load generator runs on this machine and competes with the server for its cores: the figures
# are of a shared machine unless it is otherwise idle (the load average is printed with them).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=benchmark/lib.sh
source "$ROOT/scripts/benchmark/lib.sh"

QUICK=0 INSTALL=1 BUILD=0 REAL=0 PORT="" OUT="$ROOT/examples/dialog-server/target/benchmark"
SERVER_ARGS=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-install) INSTALL=0 ;;
    --build) BUILD=1 ;;
    --port) PORT=$2; shift ;;
    --out) OUT=$2; shift ;;
    --real-services) REAL=1 ;;
    --) shift; SERVER_ARGS+=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "benchmark.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# --real-services: Redis, NATS and PostgreSQL at the addresses of scripts/services.sh, under a name
# of this run's own (key prefix, subject root, a memory stream, a schema), removed at the end.
REAL_NAME=""
if [ "$REAL" = 1 ]; then
  REAL_NAME="bench_dialog_$(date +%s)_$$"
  SERVER_ARGS=(--alchemist.cache.redis-uri=redis://127.0.0.1:6379 --alchemist.cache.key-prefix="$REAL_NAME"
    --alchemist.nats.servers=nats://127.0.0.1:4222 --alchemist.nats.subject-root="$REAL_NAME"
    --alchemist.nats.streams.events.name="${REAL_NAME^^}" --alchemist.nats.streams.events.subjects="$REAL_NAME.>"
    --alchemist.nats.streams.events.storage=memory --alchemist.nats.streams.events.development=true
    --alchemist.store.embedded=false --alchemist.store.jdbc-url=jdbc:postgresql://127.0.0.1:5432/test
    --alchemist.store.user=postgres --alchemist.store.schema="$REAL_NAME" "${SERVER_ARGS[@]}")
fi

JAR="$ROOT/examples/dialog-server/target/examples-dialog-server.jar"
TOOLS=${BENCH_TOOLS:-$ROOT/target/benchmark-tools}
CLIENTS="$ROOT/scripts/benchmark"
if [ "$QUICK" = 1 ]; then
  WRK_SECONDS=10 WSCAT_SECONDS=3 DASH_SECONDS=8 STEADY_SECONDS=10 PROBES=30
else
  WRK_SECONDS=30 WSCAT_SECONDS=5 DASH_SECONDS=20 STEADY_SECONDS=30 PROBES=100
fi
# Dialog messages a second that keep the dashboard changing faster than its 60 frames a second.
DRIVE_RPS=150
HZ=$(getconf CLK_TCK)

die() { echo "benchmark.sh: $*" >&2; exit 1; }

install_missing() {
  local apt=()
  command -v ab > /dev/null || apt+=(apache2-utils)
  command -v wrk > /dev/null || apt+=(wrk)
  command -v node > /dev/null || apt+=(nodejs)
  command -v npm > /dev/null || apt+=(npm)
  if [ "${#apt[@]}" -gt 0 ]; then
    [ "$INSTALL" = 1 ] || die "missing ${apt[*]} (--no-install): apt-get install ${apt[*]}"
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
        sudo=(sudo -n)
      else
        die "missing ${apt[*]}, and this user is neither root nor allowed sudo without a password:" \
          "install them as root (apt-get install ${apt[*]}) and run again"
      fi
    fi
    echo "== installing ${apt[*]} (Debian packages)"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${apt[@]}" > /dev/null
  fi
  if [ ! -x "$TOOLS/node_modules/.bin/wscat" ] || [ ! -f "$TOOLS/node_modules/ws/package.json" ]; then
    [ "$INSTALL" = 1 ] || die "missing wscat and ws in $TOOLS (--no-install)"
    echo "== installing wscat and ws (npm, into $TOOLS)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error wscat@6.1.0 ws@8.23.0 > /dev/null
  fi
}

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
    console.log(s.address().port); s.close(); })"
}

SERVER_PID="" SAMPLER_PID=""
stop_server() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2> /dev/null || true
  SAMPLER_PID=""
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill "$SERVER_PID"
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.5; done
    kill -0 "$SERVER_PID" 2> /dev/null && kill -9 "$SERVER_PID"
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  SERVER_PID=""
  if [ -n "$REAL_NAME" ]; then
    remove_real_names
  fi
}
trap stop_server EXIT

# What --real-services created: the schema, the cache's keys and the event stream.
remove_real_names() {
  local name=$REAL_NAME
  REAL_NAME=""
  echo "== removing $name from PostgreSQL, Redis and NATS"
  PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -U postgres -d test -qc \
    "DROP SCHEMA IF EXISTS \"$name\" CASCADE" || echo "   could not drop schema $name" >&2
  redis-cli -h 127.0.0.1 --scan --pattern "$name*" | xargs -r redis-cli -h 127.0.0.1 del > /dev/null ||
    echo "   could not delete Redis keys $name*" >&2
  local answer
  answer=$(node "$CLIENTS/nats-delete-stream.js" 127.0.0.1:4222 "${name^^}") || answer=""
  case "$answer" in
    *'"success":true'*) ;;
    *) echo "   could not delete stream ${name^^}: ${answer:-no answer}" >&2 ;;
  esac
}

now_ms() { date +%s%3N; }

# The server's CPU ticks, RSS, the load average and the server's run-queue wait every half second,
# for window_stats.
sample_server() {
  while kill -0 "$SERVER_PID" 2> /dev/null; do
    echo "$(now_ms) $(proc_cpu_ticks "$SERVER_PID") $(proc_status_kb "$SERVER_PID" VmRSS)" \
      "$(cut -d' ' -f1 /proc/loadavg) $(proc_runq_wait_ns "$SERVER_PID")"
    sleep 0.5
  done
}

# phase NAME COMMAND...: runs a load, records its window and the generator's own CPU (user + system
# of the command and its children over its wall time, in % of one core) in $OUT/phases.txt, and the
# server's Prometheus text before and after it (events published, dashboard frames).
phase() {
  local name=$1 begin end user sys real
  shift
  echo "== $name: $(printf '%s ' "$@" | sed "s/$TOKEN/\$TOKEN/g; s#$CLIENTS/##g; s#$OUT/##g")"
  prometheus > "$OUT/prom-$name-begin.txt"
  begin=$(now_ms)
  local TIMEFORMAT='%U %S %R'
  { time "$@" > "$OUT/$name.txt" 2> "$OUT/$name.err"; } 2> "$OUT/$name.time" || {
    tail -5 "$OUT/$name.err" >&2
    die "$name failed (output in $OUT/$name.txt and .err)"
  }
  end=$(now_ms)
  prometheus > "$OUT/prom-$name-end.txt"
  read -r user sys real < "$OUT/$name.time"
  echo "$name $begin $end $(awk -v u="$user" -v s="$sys" -v r="$real" \
    'BEGIN { printf "%.1f", (r > 0 ? (u + s) / r * 100 : 0) }')" >> "$OUT/phases.txt"
}

prometheus() {
  curl -sf "http://127.0.0.1:$PORT/actuator/prometheus" || die "no /actuator/prometheus"
}

dashboard() {
  NODE_PATH="$TOOLS/node_modules" node "$CLIENTS/dashboard-load.js" --url "ws://127.0.0.1:$PORT/dashboard" "$@"
}

first_token() {
  node "$CLIENTS/first-token.js" --url "http://127.0.0.1:$PORT/api/stream" "$@"
}

# The wrk run with a first-token probe and a one-connection dashboard monitor beside it.
streaming_under_load() {
  local probe_pid monitor_pid
  (sleep 3 && first_token --requests $(((WRK_SECONDS - 5) * 5)) --interval-ms 200) > "$OUT/first-token-loaded.txt" &
  probe_pid=$!
  dashboard --connections 1 --warmup 1 --duration $((WRK_SECONDS - 2)) > "$OUT/stream-monitor.txt" &
  monitor_pid=$!
  (cd "$OUT" && wrk -t12 -c400 -d"${WRK_SECONDS}s" -s streaming_test.lua "http://localhost:$PORT/api/stream")
  wait "$probe_pid" "$monitor_pid"
}

wscat_bounded() {
  sleep $((WSCAT_SECONDS + 1)) | timeout $((WSCAT_SECONDS + 30)) "$TOOLS/node_modules/.bin/wscat" \
    -c "ws://localhost:$PORT/dashboard" -x '{"type":"subscribe","domain":"all"}' -w "$WSCAT_SECONDS"
}

write_load_files() {
  echo '{"title":"benchmark dialog"}' > "$OUT/dialog_create.json"
  cat > "$OUT/streaming_test.lua" << 'LUA'
-- The guide's wrk script for /api/stream: each request asks for one answer as server-sent events
-- (POST with a JSON prompt); an answer is complete when its body ends with the "done" event.
-- done() prints key=value lines for scripts/benchmark.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "text/event-stream"
wrk.body = '{"prompt":"Why is the sky blue?"}'

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) complete, incomplete, non200 = 0, 0, 0 end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1
  elseif string.find(body, "event: ?done") then complete = complete + 1
  else incomplete = incomplete + 1 end
end
function done(summary, latency, requests)
  local c, i, n = 0, 0, 0
  for _, t in ipairs(threads) do
    c, i, n = c + t:get("complete"), i + t:get("incomplete"), n + t:get("non200")
  end
  io.write(string.format("streams_complete=%d\nstreams_incomplete=%d\nstreams_non200=%d\n", c, i, n))
  io.write(string.format("stream_p50_ms=%.1f\nstream_p99_ms=%.1f\nstream_max_ms=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
}

main() {
  install_missing
  if [ "$REAL" = 1 ]; then
    bash "$ROOT/scripts/services.sh" redis nats postgres
    command -v psql > /dev/null && command -v redis-cli > /dev/null ||
      die "--real-services removes its schema and keys with psql and redis-cli: install them"
  fi
  mkdir -p "$OUT"
  rm -f "$OUT"/*.txt "$OUT"/*.err "$OUT"/*.time
  if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
    echo "== building the server jar"
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -pl examples/dialog-server -am package -DskipTests)
  fi
  [ -n "$PORT" ] || PORT=$(free_port)
  [ -n "${TOKEN:-}" ] || TOKEN="bench-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  export TOKEN
  write_load_files
  ulimit -n 65536 2> /dev/null || true

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== starting the server on port $PORT ${SERVER_ARGS[*]}"
  # The token reaches the server through its environment, not its command line.
  # shellcheck disable=SC2086
  # A dashboard tick shorter than the debouncer's 16 ms keeps the dashboard changing, so the
  # server makes its 60 frames a second whatever the load offers: the dashboard phases then
  # measure delivery at 60 fps, not how often the load happens to change a number (with the
  # default 250 ms tick and 150 messages/s, about 35 frames/s are made at all). A
  # --dialog-server.dashboard.tick after -- overrides it.
  DIALOG_SERVER_DEMO_TOKEN="$TOKEN" java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --server.port="$PORT" \
    --dialog-server.dashboard.tick=5ms "${SERVER_ARGS[@]}" > "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  local started
  started=$(now_ms)
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" 2> /dev/null | grep -q '"status":"UP"'; do
    kill -0 "$SERVER_PID" 2> /dev/null || { tail -20 "$OUT/server.log" >&2; die "the server exited"; }
    [ $(($(now_ms) - started)) -lt 180000 ] || die "the server was not UP after 180 s (see $OUT/server.log)"
    sleep 0.5
  done
  echo "   UP after $((($(now_ms) - started) / 1000)) s, pid $SERVER_PID"
  sample_server > "$OUT/samples.txt" &
  SAMPLER_PID=$!
  local idle_rss_kb
  idle_rss_kb=$(proc_status_kb "$SERVER_PID" VmRSS)

  # Warm-up (not measured): a JIT's first minutes are not the service's steady state.
  phase warmup ab -q -n 200 -c 10 -T 'application/json' -H "Authorization: Bearer $TOKEN" \
    -p "$OUT/dialog_create.json" "http://localhost:$PORT/api/dialogs"
  phase warmup-stream first_token --requests 20 --interval-ms 50

  phase ab ab -n 1000 -c 10 -T 'application/json' -H "Authorization: Bearer $TOKEN" \
    -p "$OUT/dialog_create.json" "http://localhost:$PORT/api/dialogs"
  phase first-token first_token --requests "$PROBES" --interval-ms 100
  phase wrk streaming_under_load
  phase wscat wscat_bounded
  phase steady dashboard --connections 100 --duration "$STEADY_SECONDS" --warmup 3 \
    --drive "http://127.0.0.1:$PORT" --drive-rps 10
  phase dashboard-100 dashboard --connections 100 --duration "$DASH_SECONDS" --warmup 3 \
    --drive "http://127.0.0.1:$PORT" --drive-rps "$DRIVE_RPS"
  phase dashboard-1000 dashboard --connections 1000 --duration "$DASH_SECONDS" --warmup 3 \
    --drive "http://127.0.0.1:$PORT" --drive-rps "$DRIVE_RPS"

  local peak_rss_kb
  peak_rss_kb=$(proc_status_kb "$SERVER_PID" VmHWM)
  stop_server
  report "$load_before" "$idle_rss_kb" "$peak_rss_kb" | tee "$OUT/summary.txt"
}

main "$@"
