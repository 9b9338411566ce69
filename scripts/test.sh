#!/usr/bin/env bash
# Starts whatever local service is missing (scripts/services.sh, with the Prometheus binaries
# the metrics tests run), then runs the full build
# with unit and integration tests. Extra arguments go to Maven, e.g.
#   scripts/test.sh -pl alchemist-cache -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/services.sh redis nats postgres prometheus
exec mvn -B verify "$@"
