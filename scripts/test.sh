#!/usr/bin/env bash
# Starts whatever local service is missing (scripts/services.sh, with the Prometheus binaries
# the metrics tests run), then runs the full build
# with unit and integration tests, then (for a whole build) scripts/check-artifacts.sh and
# scripts/check-footprint.sh.
# Extra arguments go to Maven, e.g.
#   scripts/test.sh -pl alchemist-cache -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/services.sh redis nats postgres prometheus
mvn -B verify "$@"
# A whole build (no -pl or other arguments) also checks what a release would publish, and what
# a host that depends on core, ai, cache or nats alone gets on its classpath.
if [ "$#" -eq 0 ]; then
  bash scripts/check-artifacts.sh
  bash scripts/check-footprint.sh
fi
