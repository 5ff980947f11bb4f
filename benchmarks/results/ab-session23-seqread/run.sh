#!/usr/bin/env bash
# Session 23: did sequential AES reads get slower since the 12-02 afternoon's provider? The main
# stage of session 23 (same host speed) read 256 MiB in 1 MiB calls on JDK 25 in 108.8 ± 12.1 ms
# against 96.5 ± 8.7 then. Jars: old = df6eb9a (the 12-02 afternoon's provider), new = 6af52ca
# (session 23's main stage). SequentialBench.read, AES and plain, 1 MiB calls, 256 MiB,
# JDK 25, the jars alternating, the order reversed every other round, nothing else running.
set -eu
cd /tmp/ab23r
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
for round in ${ROUNDS:-1 2 3 4}; do
  order="old new"; if [ $((round % 2)) = 0 ]; then order="new old"; fi
  for jar in $order; do
    echo "== $(date -u +%FT%TZ) $jar round $round"
    $J -jar $jar.jar 'benchmarks\.SequentialBench\.read$' -p impl=plain,AES-256-GCM \
      -p blockSize=4096 -p sizeMiB=256 -p chunk=1048576 \
      -f 1 -wi 2 -i 4 -w 2s -r 2s -rf json -rff $jar-$round.json > $jar-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
