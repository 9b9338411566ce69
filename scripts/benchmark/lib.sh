# shellcheck shell=bash
# Functions of scripts/benchmark.sh that read the load generators' output, sample the server's
# /proc entries and print the targets. Sourced by the script and by BenchmarkScriptTest, which runs
# them on canned ab, wrk and client output; nothing here starts a process of its own.

# ab: the number after "LABEL:" (e.g. "Requests per second", "Failed requests"); empty if absent.
ab_value() {
  awk -F: -v label="$2" '$1 == label { split($2, v, " "); print v[1]; exit }' "$1"
}

# ab: a row of "Percentage of the requests served within a certain time (ms)", e.g. 99 -> ms.
ab_percentile() {
  awk -v p="$2%" '$1 == p { print $2; exit }' "$1"
}

# ab: failed requests that are errors: connect, receive and exceptions. ab also counts as failed
# every response whose length differs from the first one's ("Length"), which a JSON body with ids
# and timestamps does without anything being wrong.
ab_errors() {
  awk '/^ *[(]Connect: / { gsub(/[(),]/, ""); print $2 + $4 + $8; found = 1; exit }
       END { if (!found) print 0 }' "$1"
}

# ab: the "Length" part of its failed requests.
ab_length_mismatches() {
  awk '/^ *[(]Connect: / { gsub(/[(),]/, ""); print $6; found = 1; exit }
       END { if (!found) print 0 }' "$1"
}

# ab: responses that were not 2xx; ab prints the line only when there were some.
ab_non2xx() {
  local n
  n=$(ab_value "$1" "Non-2xx responses")
  echo "${n:-0}"
}

# wrk: connect, read, write and timeout errors added up (0 when wrk printed no such line).
wrk_socket_errors() {
  awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10; found = 1; exit }
       END { if (!found) print 0 }' "$1"
}

# wrk: its timeouts alone: answers not complete within its --timeout (2 s unless given).
wrk_timeouts() {
  awk '/Socket errors:/ { gsub(/,/, ""); print $10; found = 1; exit } END { if (!found) print 0 }' "$1"
}

# wrk: "Non-2xx or 3xx responses: N" (0 when absent).
wrk_non2xx() {
  awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2; found = 1; exit }
           END { if (!found) print 0 }' "$1"
}

# wrk: Requests/sec.
wrk_rps() {
  awk '$1 == "Requests/sec:" { print $2; exit }' "$1"
}

# key=value output (streaming_test.lua's done(), the Node clients): the value of KEY.
kv() {
  awk -F= -v key="$2" '$1 == key { print substr($0, length(key) + 2); exit }' "$1"
}

# The same for a count: 0 when the key is absent.
kvn() {
  local v
  v=$(kv "$1" "$2")
  echo "${v:-0}"
}

# Prometheus text: the sum of every series of METRIC (all label sets, or only those whose labels
# contain LABEL, e.g. outcome="sent"), 0 when absent.
prom_sum() {
  awk -v m="$2" -v label="${3:-}" '$1 ~ "^" m "([{]|$)" && index($1, label) { s += $NF }
    END { printf "%.0f\n", s }' "$1"
}

# Dashboard frames (wscat output, one JSON frame a line): the largest value of a numeric FIELD.
frames_max() {
  grep -o "\"$2\":[0-9.]*" "$1" | awk -F: '$2 > m { m = $2 } END { print m + 0 }'
}

# Dashboard frames in a file: how many lines are stats frames.
frames_count() {
  grep -c '"type":"stats"' "$1" || true
}

# /proc/PID/stat: user + system CPU time in clock ticks (fields after the command name's ')').
proc_cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo $((${12} + ${13}))
}

# /proc/PID/status: a field in kB (VmRSS: resident now, VmHWM: the peak resident so far).
proc_status_kb() {
  awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status" 2>/dev/null
}

# The nanoseconds all of PID's threads have spent runnable but waiting for a core (schedstat's
# second field): what a busy machine takes from the server beyond its own CPU time.
proc_runq_wait_ns() {
  cat /proc/"$1"/task/*/schedstat 2> /dev/null | awk '{ s += $2 } END { printf "%.0f\n", s }'
}

# Samples written by sample_server ("epoch_ms cpu_ticks rss_kb load1 runq_wait_ns" a line) between
# two epoch_ms: "cpu_pct_of_one_core rss_max_mb rss_mean_mb samples load1_mean runq_wait_ms_per_s".
# CPU and waiting are the growth between the first and the last sample inside the window over the
# time between them; the last two are NA for samples without those columns.
window_stats() {
  awk -v from="$2" -v to="$3" -v hz="$4" '
    $1 >= from && $1 <= to {
      if (n == 0) { t0 = $1; c0 = $2; w0 = $5 }
      t1 = $1; c1 = $2; w1 = $5; n++; sum += $3; if ($3 > max) max = $3
      if (NF >= 5) { load += $4; full++ }
    }
    END {
      if (n < 2 || t1 == t0) { print "NA NA NA " n " NA NA"; exit }
      printf "%.1f %.0f %.0f %d", (c1 - c0) / hz * 100000 / (t1 - t0), max / 1024, sum / n / 1024, n
      if (full == n) printf " %.1f %.0f\n", load / n, (w1 - w0) / 1e6 * 1000 / (t1 - t0)
      else print " NA NA"
    }' "$1"
}

# One target row: NAME, GOAL as "OP LIMIT" (OP is <, = or >=), UNIT, the measured VALUE and a NOTE.
# Prints PASS or FAIL in a fixed-width table and counts the failures; an empty or NA value is N/A.
TARGET_FAILURES=0
target() {
  local name=$1 op=$2 limit=$3 unit=$4 value=$5 note=${6:-} verdict
  if [ -z "$value" ] || [ "$value" = NA ]; then
    verdict=N/A
    value=-
  elif awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN {
      exit !((op == "<" && v + 0 < l + 0) || (op == "=" && v + 0 == l + 0) || (op == ">=" && v + 0 >= l + 0)) }'; then
    verdict=PASS
  else
    verdict=FAIL
    TARGET_FAILURES=$((TARGET_FAILURES + 1))
  fi
  printf '%-32s %-14s %-14s %-5s %s\n' "$name" "$op $limit $unit" "$value $unit" "$verdict" "$note"
}

# A target this run does not measure: NAME, GOAL, the REASON (with what it did observe).
target_na() {
  printf '%-32s %-14s %-14s %-5s %s\n' "$1" "$2" "-" "N/A" "$3"
}

# COUNT over SECONDS, rounded.
per_second() {
  awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f\n", (s > 0 ? n / s : 0) }'
}

# The phase a row of $OUT/phases.txt names: "begin_ms end_ms generator_cpu_pct".
phase_row() {
  awk -v n="$1" '$1 == n { print $2, $3, $4; exit }' "$OUT/phases.txt"
}

# How much a Prometheus counter grew over a phase (its prom-NAME-begin/end.txt): PHASE METRIC [LABEL].
phase_delta() {
  echo $(($(prom_sum "$OUT/prom-$1-end.txt" "$2" "${3:-}") - $(prom_sum "$OUT/prom-$1-begin.txt" "$2" "${3:-}")))
}

# Server CPU (% of one core) and RSS (max MB) over a Node client's measurement window, else the
# whole phase: "cpu rss_max rss_mean".
client_window() {
  local file="$OUT/$1.txt" from to
  from=$(kv "$file" window_start_ms)
  to=$(kv "$file" window_end_ms)
  if [ -z "$from" ]; then
    read -r from to _ < <(phase_row "$1")
  fi
  window_stats "$OUT/samples.txt" "$from" "$to" "$HZ" | cut -d' ' -f1-3
}

# What a dashboard phase's driver asked and got: "N of M dialog messages answered 201".
driven() {
  echo "$(kvn "$OUT/$1.txt" drive_ok) of $(kvn "$OUT/$1.txt" drive_requests) driving messages answered"
}

# report LOADAVG_BEFORE IDLE_RSS_KB PEAK_RSS_KB: the phase table and the guide's targets, read
# from the files a run left in $OUT (HZ: clock ticks a second).
report() {
  local load_before=$1 idle_mb=$(($2 / 1024)) peak_mb=$(($3 / 1024)) cores
  cores=$(nproc)
  echo
  echo "== phases: the server's CPU (% of one core; $cores cores here) and RSS; events published;"
  echo "   dashboard frames made (topic all), sent to sockets and skipped (latest-wins); the load"
  echo "   generator's own CPU (% of one core); the machine's load average and how long the server's"
  echo "   threads waited for a core (ms per second, summed over threads: a busy machine's share)"
  printf '%-15s %7s %7s %7s %9s %7s %8s %8s %10s %5s %7s\n' \
    phase seconds cpu_% rss_MB events/s made/s sent/s skipped generator_% load wait_ms
  local name begin end gen cpu rss _ seconds peak_events=0 rate made sent skipped load wait
  while read -r name begin end gen; do
    read -r cpu rss _ _ load wait < <(window_stats "$OUT/samples.txt" "$begin" "$end" "$HZ")
    seconds=$(awk -v b="$begin" -v e="$end" 'BEGIN { printf "%.1f", (e - b) / 1000 }')
    rate=$(per_second "$(phase_delta "$name" alchemist_nats_published_total)" "$seconds")
    if [ "$rate" -gt "$peak_events" ]; then peak_events=$rate; fi
    made=$(per_second "$(phase_delta "$name" alchemist_flow_updates_total 'outcome="delivered"')" "$seconds")
    sent=$(per_second "$(phase_delta "$name" alchemist_flow_fanout_frames_total 'outcome="sent"')" "$seconds")
    skipped=$(phase_delta "$name" alchemist_flow_fanout_frames_total 'outcome="skipped"')
    printf '%-15s %7s %7s %7s %9s %7s %8s %8s %10s %5s %7s\n' \
      "$name" "$seconds" "$cpu" "$rss" "$rate" "$made" "$sent" "$skipped" "$gen" "$load" "$wait"
  done < "$OUT/phases.txt"

  local ab_p50 ab_p99 ab_rps ab_errors
  ab_p50=$(ab_percentile "$OUT/ab.txt" 50)
  ab_p99=$(ab_percentile "$OUT/ab.txt" 99)
  ab_rps=$(ab_value "$OUT/ab.txt" "Requests per second")
  ab_errors=$(($(ab_errors "$OUT/ab.txt") + $(ab_non2xx "$OUT/ab.txt")))

  local wrk_errors streams
  wrk_errors=$(($(wrk_socket_errors "$OUT/wrk.txt") + $(wrk_non2xx "$OUT/wrk.txt") \
    + $(kvn "$OUT/wrk.txt" streams_incomplete) + $(kvn "$OUT/wrk.txt" streams_non200) \
    + $(kvn "$OUT/first-token-loaded.txt" errors)))
  streams=$(kv "$OUT/wrk.txt" streams_complete)

  local frames wscat_seconds dialogs d
  frames=$(frames_count "$OUT/wscat.txt")
  read -r begin end _ < <(phase_row wscat)
  wscat_seconds=$(awk -v b="$begin" -v e="$end" 'BEGIN { printf "%.0f", (e - b) / 1000 }')
  dialogs=$(frames_max "$OUT/wscat.txt" activeDialogs)
  for f in stream-monitor steady dashboard-100 dashboard-1000; do
    d=$(kvn "$OUT/$f.txt" max_active_dialogs)
    if [ "$d" -gt "$dialogs" ]; then dialogs=$d; fi
  done

  local steady_cpu steady_rss d100_cpu d1000_cpu drops
  read -r steady_cpu _ steady_rss < <(client_window steady)
  read -r d100_cpu _ _ < <(client_window dashboard-100)
  read -r d1000_cpu _ _ < <(client_window dashboard-1000)
  drops=0
  for f in steady dashboard-100 dashboard-1000; do
    drops=$((drops + $(kvn "$OUT/$f.txt" dropped) + $(kvn "$OUT/$f.txt" connect_failed)))
  done

  echo
  echo "== targets of the guide (load average before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%-32s %-14s %-14s %-5s %s\n' target goal measured "" how
  target "dialog API p99" "<" 100 ms "$ab_p99" \
    "ab -n 1000 -c 10 POST /api/dialogs: p50 $ab_p50 ms, $ab_rps req/s"
  target "dialog API errors" "=" 0 "" "$ab_errors" \
    "ab's non-2xx and failed (connect, receive, exception) responses; bodies of another length, not errors: $(ab_length_mismatches "$OUT/ab.txt")"
  target "first token p99" "<" 500 ms "$(kv "$OUT/first-token-loaded.txt" first_chunk_p99_ms)" \
    "during wrk -c400, p50 $(kv "$OUT/first-token-loaded.txt" first_chunk_p50_ms) ms; unloaded p50 $(kv "$OUT/first-token.txt" first_chunk_p50_ms), p99 $(kv "$OUT/first-token.txt" first_chunk_p99_ms) ms; the model's own first token: 150 ms"
  target "stream errors" "=" 0 "" "$wrk_errors" \
    "wrk -t12 -c400: $(wrk_timeouts "$OUT/wrk.txt") over wrk's 2 s timeout; $streams answers complete ($(wrk_rps "$OUT/wrk.txt") req/s, p99 $(kv "$OUT/wrk.txt" stream_p99_ms) ms of those under 2 s); peak open streams $(kv "$OUT/stream-monitor.txt" max_active_streams)"
  target "dashboard 100: frames/s, min" ">=" 55 fps "$(kv "$OUT/dashboard-100.txt" fps_min)" \
    "p50 $(kv "$OUT/dashboard-100.txt" fps_p50) fps; server CPU $d100_cpu %; the client $(kv "$OUT/dashboard-100.txt" client_cpu_pct) %; $(driven dashboard-100)"
  target "dashboard 1000: frames/s, min" ">=" 55 fps "$(kv "$OUT/dashboard-1000.txt" fps_min)" \
    "p50 $(kv "$OUT/dashboard-1000.txt" fps_p50) fps; server CPU $d1000_cpu %; the client $(kv "$OUT/dashboard-1000.txt" client_cpu_pct) %; $(driven dashboard-1000)"
  target "dashboard sockets dropped" "=" 0 "" "$drops" \
    "closed or never connected, of 100 + 100 + 1000; wscat: $frames frames in $wscat_seconds s"
  if [ "$peak_events" -ge 10000 ]; then
    target "events/s" ">=" 10000 /s "$peak_events" "alchemist_nats_published_total, best phase"
  else
    target_na "events/s" ">= 10000 /s" \
      "not offered: one event per dialog request; the best phase published $peak_events events/s (alchemist_nats_published_total), all handled"
  fi
  target "concurrent dialogs" ">=" 1000 "" "$dialogs" \
    "dialogs active in the last 5 min (the server's activeDialogs), $(kv "$OUT/stream-monitor.txt" max_active_streams) answers streaming at once"
  target "memory (peak RSS)" "<" 500 MB "$peak_mb" \
    "VmHWM over the whole run; idle after start $idle_mb MB, steady state $steady_rss MB"
  target "CPU, steady state" "<" 50 % "$steady_cpu" \
    "100 subscribers + 10 dialog requests/s, % of one core ($(awk -v c="$steady_cpu" -v n="$cores" 'BEGIN { printf "%.1f", c / n }') % of all $cores)"
  echo "$TARGET_FAILURES target(s) failed"
}
