#!/usr/bin/env bash
# A/B of the block kept after a partial read (LastOpenedBlock): jars built before (BEFORE) and
# after (AFTER) the change, both with the probe StreamChunkBench (../s39-stream-chunks/) copied
# into the benchmarks module (since session 40 part of the suite, with these parameters). Rows: a 64 MiB file read whole through Files.newInputStream in 512,
# 1024 and 8192-byte reads (hits), and RandomIoBench.read1T, random 4 KiB reads of 16 and 64 KiB
# blocks (every read a partial block, almost every one a miss: what keeping costs). Two rounds per
# JDK, the second in reversed order; one fork, 2 x 1 s warm-up, 3 x 1 s, -prof gc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BEFORE="${BEFORE:-/tmp/s40/before.jar}"
AFTER="${AFTER:-/tmp/s40/after.jar}"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
impls=plain,AES-256-GCM,CHACHA20-POLY1305
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
        -p sizeMiB=64 -p blockSize=4096 -p chunk=512,1024,8192 -p impl=$impls \
        -rf json -rff "$out-stream.json" > "$out-stream.txt" 2>&1
      "$java" -jar "$jar" 'RandomIoBench\.read1T$' -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc \
        -p sizeMiB=64 -p blockSize=16384,65536 -p impl=$impls \
        -rf json -rff "$out-random.json" > "$out-random.txt" 2>&1
    done
  done
done
