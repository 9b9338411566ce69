#!/usr/bin/env bash
# The dashboard page's browser test as `mvn verify` runs it (integration-test phase; skipped with
# -Dbrowser.skip, -DskipTests, -DskipITs or -Dmaven.test.skip). Installs what is missing: Debian's
# chromium (when run as root with apt-get) and playwright-core (npm ci). Maven passes
# DIALOG_SERVER_JAR, BROWSER_OUT and JAVA_BIN; by hand, after `mvn package`, from the module:
#   bash src/test/browser/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ "${SKIP_TESTS:-false}" = true ] || [ "${SKIP_ITS:-false}" = true ] ||
  [ "${MAVEN_TEST_SKIP:-false}" = true ]; then
  echo "browser test: skipped (skipTests, skipITs or maven.test.skip)"
  exit 0
fi

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "browser test: installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "browser test FAILED: no chromium at $CHROMIUM. Install it (apt-get install -y chromium)," \
    "point CHROMIUM at one, or skip this test with -Dbrowser.skip" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "browser test FAILED: node and npm are needed (Debian: apt-get install -y nodejs npm)," \
    "or skip this test with -Dbrowser.skip" >&2
  exit 1
fi
if [ ! -f node_modules/playwright-core/package.json ]; then
  echo "browser test: installing playwright-core (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node dashboard-page.test.mjs
