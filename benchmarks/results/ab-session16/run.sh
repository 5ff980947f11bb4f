#!/usr/bin/env bash
# A/B of the session-16 provider fixes: jars built at bb93d3e (before) and at the fixes (after).
set -eu
cd /tmp/ab16
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for round in 1 2; do
  for arm in before after; do
    for jdk in 17 25; do
      java=java; [ $jdk = 25 ] && java=$J25
      echo "== $(date -u +%FT%TZ) $arm jdk$jdk round $round"
      $java -jar $arm.jar 'benchmarks\.(WalBench\.append|RandomIoBench\.write1T)$' \
        -p impl=plain,AES-256-GCM -p blockSize=4096 -p forceEvery=0,1 \
        -f 1 -wi 2 -i 3 -w 2s -r 2s -rf json -rff $arm-jdk$jdk-$round.json > $arm-jdk$jdk-$round.log 2>&1
    done
  done
done
echo "== $(date -u +%FT%TZ) done"
