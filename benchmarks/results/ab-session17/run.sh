#!/usr/bin/env bash
# A/B of the unforced WAL append: jars built at 83e58a9 (old, the 12-03 full run's provider) and
# at session 17's head (head), alternating, JDK 17.
set -eu
cd /tmp/ab17
for round in ${ROUNDS:-1 2 3}; do
  for arm in old head; do
    echo "== $(date -u +%FT%TZ) $arm round $round"
    java -jar $arm.jar 'benchmarks\.WalBench\.append$' \
      -p impl=plain,AES-256-GCM -p blockSize=4096 -p forceEvery=0 \
      -f 1 -wi 2 -i 3 -w 2s -r 2s -rf json -rff $arm-$round.json > $arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
