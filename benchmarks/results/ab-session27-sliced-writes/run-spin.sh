#!/usr/bin/env bash
# Session 27, second A/B: 64 KiB and 1 MiB writes on 4681ad4 as it is (old), with sharing off
# (off: -Dencryptedfs.crypto.minShareBytes=2147483647) and with helpers awake 200 us (spin200).
set -eu
cd /tmp/s27
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TAG=${TAG:-25}
for round in $(seq 1 ${ROUNDS:-4}); do
  case $((round % 3)) in 1) order="old off spin200";; 2) order="spin200 old off";; 0) order="off spin200 old";; esac
  for v in $order; do
    jar=$v; extra=""
    if [ $v = off ]; then jar=old; extra="-jvmArgsAppend -Dencryptedfs.crypto.minShareBytes=2147483647"; fi
    $J -jar $jar.jar 'benchmarks\.SequentialBench\.write$' -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 \
      -p blockSize=4096 -p sizeMiB=256 -p chunk=1048576,65536 $extra \
      -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff x-$v-$TAG-$round.json > x-$v-$TAG-$round.log 2>&1
    echo "$(date -u +%T) $v $round"
  done
done
