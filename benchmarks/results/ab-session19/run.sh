#!/usr/bin/env bash
# A/B of random 4 KiB reads through the provider after session 19's AEAD change (associated data
# passed as an array; a ChaCha retry on failure only): jars at 7942562 (old) and 22e83e2 (head),
# alternating, JDK 17, with -prof gc.
set -eu
cd /tmp/ab19
for round in ${ROUNDS:-1 2 3}; do
  for arm in old head; do
    echo "== $(date -u +%FT%TZ) $arm round $round"
    java -jar $arm.jar 'benchmarks\.RandomIoBench\.read1T$' \
      -p impl=AES-256-GCM,CHACHA20-POLY1305 -p blockSize=4096 \
      -f 1 -wi 2 -i 5 -w 2s -r 2s -prof gc -rf json -rff $arm-$round.json > $arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
