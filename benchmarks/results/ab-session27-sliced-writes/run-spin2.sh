#!/usr/bin/env bash
# Session 27, third A/B: the helper's awake window, 50 us (old = 4681ad4) against 200 us (spin200 =
# 4681ad4 with BlockWork.SPIN_NANOS = 200_000, not committed), SequentialBench.write and .read,
# plain, AES, ChaCha, 1 MiB and 64 KiB calls, 256 MiB, alternating, the order reversed every other
# round. Runs: ./run-spin2.sh (JDK 25); J=<JDK 17 java> TAG=17 ./run-spin2.sh. JSON in spin-window/
# (PRE=s2). JDK 17 was stopped in its first round (not kept). Summary: cd spin-window &&
# python3 ../summary.py 25 s2 (keyed by benchmark, so reads and writes stay apart).
set -eu
cd /tmp/s27
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TAG=${TAG:-25}
for round in $(seq 1 ${ROUNDS:-6}); do
  order="old spin200"; if [ $((round % 2)) = 0 ]; then order="spin200 old"; fi
  for jar in $order; do
    $J -jar $jar.jar 'benchmarks\.SequentialBench\.(read|write)$' -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 \
      -p blockSize=4096 -p sizeMiB=256 -p chunk=1048576,65536 \
      -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff s2-$jar-$TAG-$round.json > s2-$jar-$TAG-$round.log 2>&1
    echo "$(date -u +%T) $jar $round"
  done
done
