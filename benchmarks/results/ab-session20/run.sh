#!/usr/bin/env bash
# A/B of session 20's changes on the paths they touch: lock turns (a released lock leaves its
# channel's list; the writer claim's retry), metadata (the reserved-name check looks at every
# name). Jars at 53f00db (old) and the session's head, alternating, JDK 17, nothing else running.
set -eu
cd /tmp/ab20
for round in ${ROUNDS:-1 2 3}; do
  for arm in old head; do
    echo "== $(date -u +%FT%TZ) $arm round $round"
    java -jar $arm.jar 'benchmarks\.(LockedAppendBench|MetadataBench)\.' \
      -p impl=plain,AES-256-GCM -p blockSize=4096 -p fileCount=10000 \
      -f 1 -wi 2 -i 4 -w 1s -r 1s -prof gc -rf json -rff $arm-$round.json > $arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
