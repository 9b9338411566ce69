#!/usr/bin/env bash
# Checks what a host application gets on its runtime classpath when it depends on one Alchemist
# module alone: the module's runtime dependency tree, without the module's own optional
# dependencies (a consumer never inherits those), counted and weighed jar by jar.
#
#   alchemist-core             at most 6 jars and 1.7 MB (1,700,000 bytes), alchemist-core included
#   alchemist-ai               no Lettuce, Netty, Reactor, Caffeine or alchemist-cache
#   alchemist-cache, -nats     no JDBC jar: no HikariCP, Jdbi, Flyway, pgjdbc, H2 or alchemist-store
#
# Needs the Alchemist jars of those trees in their target/ (after `mvn verify` or `package`), e.g.
#   mvn -B -q -pl alchemist-ai,alchemist-cache,alchemist-nats -am package -DskipTests
# Third-party jars are read from the local repository (MAVEN_REPO_LOCAL, default ~/.m2/repository).
# Prints one line per module: jars, bytes and the jars themselves; exits 1 if a rule is broken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

repo=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
dependency_plugin=$(sed -n 's:^ *<dependency-plugin.version>\(.*\)</dependency-plugin.version>:\1:p' pom.xml)
core_max_jars=6
core_max_bytes=1700000
jdbc='^(com\.zaxxer:HikariCP|org\.jdbi:|org\.flywaydb:|org\.postgresql:|com\.h2database:|dev\.alchemist:alchemist-store:)'
redis_stack='^(io\.lettuce:|io\.netty:|io\.projectreactor:|com\.github\.ben-manes\.caffeine:|dev\.alchemist:alchemist-cache:)'
checked=(alchemist-core alchemist-ai alchemist-cache alchemist-nats)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
modules=$(IFS=,; echo "${checked[*]}")
if ! mvn -B -q -pl "$modules" \
    "org.apache.maven.plugins:maven-dependency-plugin:$dependency_plugin:tree" \
    -Dscope=runtime -DoutputFile="$out/tree.txt" -DappendOutput=true >"$out/mvn.log" 2>&1; then
  cat "$out/mvn.log" >&2
  echo "check-footprint: mvn dependency:tree failed" >&2
  exit 1
fi

# One line per module: "<root> <g:a:type[:classifier]:v> ...", leaving out the subtree of each
# direct dependency the module marks optional.
awk '
  /^[a-zA-Z]/ { if (line != "") print line; line = $1; skip = 0; next }
  {
    match($0, /[a-zA-Z]/); depth = (RSTART - 1) / 3
    if (depth == 1) skip = ($0 ~ /\(optional\)/)
    if (skip) next
    coords = substr($0, RSTART); sub(/ .*/, "", coords)
    line = line " " coords
  }
  END { if (line != "") print line }
' "$out/tree.txt" >"$out/closures.txt"

module_dir() {
  for m in $(sed -n 's:^ *<module>\(.*\)</module>:\1:p' pom.xml); do
    if [ "$(sed -n 's:^  <artifactId>\(.*\)</artifactId>:\1:p' "$m/pom.xml" | head -1)" = "$1" ]; then
      echo "$m"
      return
    fi
  done
}

# The jar of g:a:type[:classifier]:v[:scope].
jar_of() {
  IFS=: read -r g a t c v s <<<"$1"
  if [ -z "$s" ]; then v=$c; c=""; fi # no classifier: g:a:type:version:scope
  if [ "$g" = dev.alchemist ]; then
    echo "$(module_dir "$a")/target/$a-$v${c:+-$c}.jar"
  else
    echo "$repo/${g//.//}/$a/$v/$a-$v${c:+-$c}.jar"
  fi
}

fail=0
problem() { echo "check-footprint: $*" >&2; fail=1; }

while read -r root deps; do
  a=$(cut -d: -f2 <<<"$root")
  jars=("$(jar_of "$root:compile")")
  names=("$a")
  for d in $deps; do
    jars+=("$(jar_of "$d")")
    names+=("$(cut -d: -f2 <<<"$d")")
  done
  bytes=0
  for j in "${jars[@]}"; do
    if [ ! -s "$j" ]; then
      problem "$a: missing $j (package the modules first)"
      continue
    fi
    bytes=$((bytes + $(stat -c %s "$j")))
  done
  printf 'check-footprint: %-16s %2d jars %10d bytes: %s\n' "$a" "${#jars[@]}" "$bytes" "${names[*]}"
  case $a in
    alchemist-core)
      [ "${#jars[@]}" -le "$core_max_jars" ] || problem "$a pulls ${#jars[@]} jars, more than $core_max_jars"
      [ "$bytes" -le "$core_max_bytes" ] || problem "$a pulls $bytes bytes, more than $core_max_bytes"
      ;;
    alchemist-ai)
      for d in $deps; do
        if grep -Eq "$redis_stack" <<<"$d"; then problem "$a pulls $d (Lettuce, Netty, Reactor, Caffeine or alchemist-cache)"; fi
      done
      ;;
    alchemist-cache | alchemist-nats)
      for d in $deps; do
        if grep -Eq "$jdbc" <<<"$d"; then problem "$a pulls the JDBC jar $d"; fi
      done
      ;;
  esac
done <"$out/closures.txt"

[ "$(wc -l <"$out/closures.txt")" -eq "${#checked[@]}" ] || problem "expected ${#checked[@]} trees, got $(wc -l <"$out/closures.txt")"
if [ "$fail" -ne 0 ]; then
  exit 1
fi
echo "check-footprint: core within $core_max_jars jars and $core_max_bytes bytes; ai without the Redis stack; cache and nats without JDBC"
