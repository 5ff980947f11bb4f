#!/usr/bin/env bash
# Builds and runs the encryptedfs benchmark suite on a given JDK, writing JMH JSON.
#
# Usage: benchmarks/run.sh [java] [mode] [extra JMH args...]
#   java  path to the java binary (default: java on PATH)
#   mode  smoke  -> 1 fork, no warm-up, one 100 ms iteration, 4 MiB files, 200-file tree
#         short  -> 1 fork, 1x1s warm-up, 3x1s measurement, 64 MiB files (default; what RESULTS.md used)
#         full   -> 2 forks (FORKS=n: n), 3x2s warm-up, 5x2s measurement, 256 MiB files
# Output: benchmarks/results/<mode>-jdk<version>.json (override with OUT=...)
# Extra arguments go to JMH, e.g. a benchmark regex ('WalBench') or '-prof gc'.
# blockSize: the benchmarks sweep 4096,16384,65536 by default (@Param); unless the extra
#   arguments name blockSize, this script pins -p blockSize=4096 (the provider's default), so a
#   sweep is asked for explicitly: ... -p blockSize=4096,16384,65536
# WI=n: n warm-up iterations instead of the mode's.
# CRYPTOFS=1: build with -Pcryptofs and run target/cryptofs/benchmarks-cryptofs.jar (the
#   Cryptomator cryptofs peer, impl=cryptofs-SIV_GCM / cryptofs-SIV_CTRMAC; needs a Java 21+ java).
# Every run appends its command, times, CPU and `uptime` load before and after to results/runs.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
JAVA="${1:-java}"
MODE="${2:-short}"
shift $(( $# > 2 ? 2 : $# ))
profile=(); jar="$here/target/benchmarks.jar"
if [[ "${CRYPTOFS:-0}" == 1 ]]; then
  profile=(-Pcryptofs); jar="$here/target/cryptofs/benchmarks-cryptofs.jar"
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$here/.." && mvn -B -q ${MVN_OFFLINE:--o} "${profile[@]}" -pl keystore,provider,benchmarks -am -DskipTests package)
fi
ver="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
case "$MODE" in
  smoke) opts=(-f 1 -wi "${WI:-0}" -i 1 -w 100ms -r 100ms -p sizeMiB=4 -p fileCount=200) ;;
  short) opts=(-f 1 -wi "${WI:-1}" -i 3 -w 1s -r 1s -p sizeMiB=64 -p fileCount=10000) ;;
  full)  opts=(-f "${FORKS:-2}" -wi "${WI:-3}" -i 5 -w 2s -r 2s -p sizeMiB=256 -p fileCount=10000) ;;
  *) echo "unknown mode $MODE (smoke|short|full)" >&2; exit 2 ;;
esac
if [[ " $* " != *blockSize=* ]]; then
  opts+=(-p blockSize=4096)
fi
mkdir -p "$here/results"
OUT="${OUT:-$here/results/$MODE-jdk$ver.json}"
echo "JDK $ver, mode $MODE -> $OUT" >&2
log="$here/results/runs.txt"
# The host CPU under this VM changes between sessions (model, AVX-512), and each run records its own.
cpu_line() {
  echo "$(nproc) online CPUs, \"$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)\"; flags present:" \
       "$(for f in aes pclmulqdq avx2 avx512f avx512vl vaes vpclmulqdq sha_ni; do grep -qw "$f" /proc/cpuinfo && printf '%s ' "$f"; done)" \
       "(absent: $(for f in aes avx2 avx512f vaes vpclmulqdq; do grep -qw "$f" /proc/cpuinfo || printf '%s ' "$f"; done)); Linux $(uname -r)"
}
{
  echo "== $(date -u +%FT%TZ) start: $(basename "$OUT") java=$JAVA mode=$MODE CRYPTOFS=${CRYPTOFS:-0} args: $*"
  echo "   load before: $(uptime)"
  echo "   cpu: $(cpu_line)"
} >> "$log"
rc=0
"$JAVA" -jar "$jar" "${opts[@]}" -foe "${FOE:-false}" -rf json -rff "$OUT" "$@" || rc=$?
echo "== $(date -u +%FT%TZ) end (rc=$rc): $(basename "$OUT"); load after: $(uptime)" >> "$log"
exit $rc
