#!/bin/bash
# A/B of session 36 (after, 378367d: the channel's position under a ReentrantLock instead of a
# monitor, taken by every append; PinnedCalls' checks behind a static final that is false on JDK 17
# and 25) against 300041c (before), alternating jars, two rounds per JDK.
# The jars: clone main, check out 300041c (before) or 378367d (after), then
# mvn -B -q -o -pl keystore,provider,benchmarks -am -DskipTests package and copy
# benchmarks/target/benchmarks.jar to before.jar or after.jar here.
cd "$(dirname "$0")"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
J17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -p blockSize=4096 -p forceEvery=0 -p impl=plain,AES-256-GCM -prof gc)
for round in 1 2; do
  for jdk in 17 25; do
    for jar in before after; do
      J=J$jdk
      ${!J} -jar $jar.jar 'benchmarks\.WalBench\.append$' "${args[@]}" \
        -rf json -rff jdk$jdk-$jar-$round.json > jdk$jdk-$jar-$round.out 2>&1
    done
  done
done
