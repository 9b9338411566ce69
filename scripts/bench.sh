#!/usr/bin/env bash
# Runs the whole JMH suite in a reduced mode (one fork, 1 s warm-up, 2 x 1 s measurement, with
# -prof gc for B/op) and the size, jitter and memory mains, in under 10 minutes. Results go to
# alchemist-bench/target/bench/ (jmh.json for tools, *.txt as printed). Reduced mode is for a quick
# regression look; the figures in the docs come from longer runs (their commands are beside them).
#
#   bash scripts/bench.sh              # everything
#   bash scripts/bench.sh 'cache|nats' # only JMH benchmarks matching the regexp, plus the mains
#   SKIP_BUILD=1 bash scripts/bench.sh # reuse alchemist-bench/target/benchmarks.jar
#
# Cache, NATS and store benchmarks need Redis, NATS and PostgreSQL: scripts/services.sh starts
# whatever is missing (see docs/services.md for the ALCHEMIST_* address overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=alchemist-bench/target/bench
JAR=alchemist-bench/target/benchmarks.jar
FILTER="${1:-.}"
start=$(date +%s)

bash scripts/services.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -Dstyle.color=never -pl alchemist-bench -am package -DskipTests
fi
mkdir -p "$OUT"

echo "== JMH (reduced: -f 1 -wi 1 -w 1s -i 2 -r 1s -prof gc)"
java -jar "$JAR" "$FILTER" -f 1 -wi 1 -w 1s -i 2 -r 1s -prof gc \
  -rf json -rff "$OUT/jmh.json" | tee "$OUT/jmh.txt"

echo "== codec sizes"
java -cp "$JAR" dev.alchemist.bench.codec.CodecSizes | tee "$OUT/codec-sizes.txt"
echo "== debounce delivery jitter at 60 Hz, 5 s"
java -cp "$JAR" dev.alchemist.bench.flow.DeliveryJitter 5 | tee "$OUT/delivery-jitter.txt"
echo "== memory per idle open stream, 20,000 streams"
java -cp "$JAR" dev.alchemist.bench.ai.IdleStreamMemory 20000 | tee "$OUT/idle-stream-memory.txt"
echo "== 1000 concurrent simulated streams, 50 tokens/s, 10 s"
java -cp "$JAR" dev.alchemist.bench.ai.ConcurrentStreams 1000 50 10 | tee "$OUT/concurrent-streams.txt"

echo "== done in $(( $(date +%s) - start )) s; results in $OUT"
