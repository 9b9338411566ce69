#!/usr/bin/env bash
# Builds the examples and runs the flagship example on embedded defaults: no services needed.
# Arguments go to the example.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Dstyle.color=never -pl examples -am package -DskipTests
exec java -jar examples/target/examples.jar "$@"
