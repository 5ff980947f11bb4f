#!/bin/bash
# A/B of session 37 (after, a7b65ae: the channel's position, its lock and the relative reads and
# writes moved from EncryptedFileChannel into ChannelPosition; Failures adds the caller's stack to
# a failure met on another thread) against c38c5af (before), alternating jars, four rounds per JDK:
# rounds 1 and 2 run before then after, rounds 3 and 4 after then before (the first two had after
# a little lower in every pair; the reversed order tells an order effect from the change).
# Usage: run.sh [round ...]   (default: 1 2 3 4)
# The jars: clone main, check out c38c5af (before) or a7b65ae (after), then
# mvn -B -q -o -pl keystore,provider,benchmarks -am -DskipTests package and copy
# benchmarks/target/benchmarks.jar to before.jar or after.jar here.
cd "$(dirname "$0")"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
J17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -p blockSize=4096 -p forceEvery=0 -p impl=plain,AES-256-GCM -prof gc)
rounds=("$@")
[[ ${#rounds[@]} -gt 0 ]] || rounds=(1 2 3 4)
for round in "${rounds[@]}"; do
  order=(before after)
  ((round > 2)) && order=(after before)
  for jdk in 17 25; do
    for jar in "${order[@]}"; do
      J=J$jdk
      ${!J} -jar $jar.jar 'benchmarks\.WalBench\.append$' "${args[@]}" \
        -rf json -rff jdk$jdk-$jar-$round.json > jdk$jdk-$jar-$round.out 2>&1
    done
  done
done
