#!/usr/bin/env bash
# Longer A/B of the unforced WAL append: jars at 83e58a9 (old) and bf64818 (head), alternating, JDK 17.
set -eu
cd /tmp/ab18
for round in ${ROUNDS:-1 2 3 4 5 6 7 8}; do
  for arm in old head; do
    echo "== $(date -u +%FT%TZ) $arm round $round"
    java -jar $arm.jar 'benchmarks\.WalBench\.append$' \
      -p impl=plain,AES-256-GCM -p blockSize=4096 -p forceEvery=0 \
      -f 1 -wi 2 -i 6 -w 2s -r 2s -rf json -rff $arm-$round.json > $arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
