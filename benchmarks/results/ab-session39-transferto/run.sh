#!/usr/bin/env bash
# A/B of ChannelInput.transferTo (reads of up to 256 KiB instead of InputStream's 8 or 16 KiB):
# CopyBench.copyOut (Files.copy out of a root to the default file system), 64 MiB, jars built
# before (BEFORE) and after (AFTER) the change, both with CopyBench; two rounds per JDK, the second
# in reversed order; one fork, 2 x 1 s warm-up, 3 x 1 s, -prof gc. BENCH (a JMH regex) and OUT (the
# directory the JSON and text go to) let ../ab-session39-readall/run.sh run another probe the same way.
set -euo pipefail
here="${OUT:-$(cd "$(dirname "$0")" && pwd)}"
BENCH="${BENCH:-CopyBench\.copyOut\$}"
BEFORE="${BEFORE:-/tmp/s39/before.jar}"
AFTER="${AFTER:-/tmp/s39/after.jar}"
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
      "$java" -jar "$jar" "$BENCH" -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc \
        -p sizeMiB=64 -p blockSize=4096 -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 \
        -rf json -rff "$here/jdk$jdk-round$round-$arm.json" > "$here/jdk$jdk-round$round-$arm.txt" 2>&1
    done
  done
done
