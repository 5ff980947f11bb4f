#!/usr/bin/env bash
# Session 21 split OpenFile, OpenFiles and RawFile into classes with one job each: the hot paths
# they carry (unforced 1 KiB appends, random 4 KiB reads) before and after. Jars at 51ff430
# (old) and the session's head, alternating, JDK 17, nothing else running.
set -eu
cd /tmp/ab21
for round in ${ROUNDS:-1 2}; do
  for arm in old new; do
    echo "== $(date -u +%FT%TZ) $arm hot round $round"
    java -jar $arm.jar 'benchmarks\.(WalBench\.append|RandomIoBench\.read1T)$' \
      -p impl=plain,AES-256-GCM -p blockSize=4096 -p forceEvery=0 -p sizeMiB=64 \
      -f 1 -wi 2 -i 4 -w 1s -r 1s -prof gc -rf json -rff hot-$arm-$round.json \
      > hot-$arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
