#!/usr/bin/env bash
# The same A/B as run.sh for stream reads of 64 KiB blocks, where every read of 1 or 8 KiB reads
# part of a block (before the change each opened the whole 64 KiB block again).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BEFORE="${BEFORE:-/tmp/s40/before.jar}"
AFTER="${AFTER:-/tmp/s40/after.jar}"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for jdk in 17 25; do
  java=java
  [[ $jdk == 25 ]] && java=$J25
  for round in 1 2; do
    order=(before after)
    [[ $round == 2 ]] && order=(after before)
    for arm in "${order[@]}"; do
      jar=$BEFORE
      [[ $arm == after ]] && jar=$AFTER
      out="$here/jdk$jdk-round$round-$arm"
      "$java" -jar "$jar" 'StreamChunkBench\.read$' -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc \
        -p sizeMiB=64 -p blockSize=65536 -p chunk=1024,8192 -p impl=AES-256-GCM,CHACHA20-POLY1305 \
        -rf json -rff "$out-stream64k.json" > "$out-stream64k.txt" 2>&1
    done
  done
done
