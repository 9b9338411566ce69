#!/usr/bin/env bash
# Starts whatever local service is missing (scripts/services.sh, with the Prometheus binaries
# the metrics tests run), then runs the full build
# with unit and integration tests. A whole build (no arguments) also installs the artifacts into
# the local repository, checks what a release would publish (scripts/check-artifacts.sh) and
# what a host on core, ai, cache or nats alone gets on its classpath (scripts/check-footprint.sh),
# and builds it/consumer, a host application outside the reactor that imports the installed BOM,
# compiles every Java snippet of the README and docs/ and runs against the real services.
# Extra arguments go to Maven, e.g.
#   scripts/test.sh -pl alchemist-cache -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/services.sh redis nats postgres prometheus
if [ "$#" -gt 0 ]; then
  mvn -B verify "$@"
  exit
fi
mvn -B install
bash scripts/check-artifacts.sh
bash scripts/check-footprint.sh
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
mvn -B -f it/consumer/pom.xml -Dalchemist.version="$version" verify
