#!/usr/bin/env bash
# CI smoke check: builds the benchmarks and runs EVERY benchmark once (1 fork, no warm-up,
# one 100 ms iteration, tiny sizes), failing on the first benchmark error.
# Usage: benchmarks/smoke.sh [path/to/java] [JMH args]   (default: java on PATH)
# Block size 4096 only (the default); SMOKE_BLOCKS=4096,16384,65536 smokes the whole sweep.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
JAVA="${1:-java}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$here/.." && mvn -B -q ${MVN_OFFLINE:--o} -pl keystore,provider,benchmarks -am -DskipTests package)
fi
mkdir -p "$here/results"
exec "$JAVA" -jar "$here/target/benchmarks.jar" \
  -f 1 -wi 0 -i 1 -w 100ms -r 100ms -foe true \
  -p sizeMiB=4 -p fileCount=200 -p blockSize="${SMOKE_BLOCKS:-4096}" \
  -rf json -rff "$here/results/smoke.json" \
  "${@:2}"
