#!/usr/bin/env bash
# After a build (`mvn verify`, or `mvn -P release -Dgpg.skip verify` for the signed bundle):
# checks that every published module has its jar, sources jar, javadoc jar and pom, that each
# jar names its JPMS automatic module, and that the BOM lists exactly the published modules.
# Published = a jar module of the reactor whose pom does not set maven.deploy.skip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
modules=$(sed -n 's:^ *<module>\(.*\)</module>:\1:p' pom.xml)
published=()
for m in $modules; do
  grep -q '<packaging>pom</packaging>' "$m/pom.xml" && continue
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$m/pom.xml" && continue
  published+=("$m")
done

fail=0
problem() { echo "check-artifacts: $*" >&2; fail=1; }

for m in "${published[@]}"; do
  a=$(sed -n 's:^  <artifactId>\(.*\)</artifactId>:\1:p' "$m/pom.xml" | head -1)
  for suffix in "" -sources -javadoc; do
    f="$m/target/$a-$version$suffix.jar"
    [ -s "$f" ] || problem "$a: missing $f"
  done
  jar="$m/target/$a-$version.jar"
  if [ -s "$jar" ] && ! unzip -p "$jar" META-INF/MANIFEST.MF | grep -q '^Automatic-Module-Name: dev\.alchemist\.'; then
    problem "$a: $jar has no Automatic-Module-Name"
  fi
done

bom=$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/s:^ *<artifactId>\(.*\)</artifactId>:\1:p' \
  alchemist-bom/pom.xml | sort)
expected=$(for m in "${published[@]}"; do
  sed -n 's:^  <artifactId>\(.*\)</artifactId>:\1:p' "$m/pom.xml" | head -1
done | sort)
if [ "$bom" != "$expected" ]; then
  problem "the BOM lists [$(echo $bom)] but the published modules are [$(echo $expected)]"
fi

if [ "$fail" -ne 0 ]; then
  exit 1
fi
echo "check-artifacts: ${#published[@]} published modules, each with jar, sources, javadoc and a module name; the BOM lists exactly them"
