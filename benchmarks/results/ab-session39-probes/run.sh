#!/usr/bin/env bash
# Session 39's three probes, each on JDK 17 and 25, one fork, 3 x 1 s warm-up, 5 x 1 s, -prof gc.
# The three classes here are not part of the suite: copy them into
# benchmarks/src/main/java/io/encryptedfs/benchmarks/, build the jar
# (mvn -B -q -o -pl keystore,provider,benchmarks -am -DskipTests package), copy it to $JAR, run this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
JAR="${JAR:-/tmp/s39/probes.jar}"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for bench in ChaChaEngineBench SealTargetBench ReadTargetBench; do
  for jdk in 17 25; do
    java=java
    [[ $jdk == 25 ]] && java=$J25
    "$java" -jar "$JAR" "$bench" -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc \
      -rf json -rff "$here/$bench-jdk$jdk.json" > "$here/$bench-jdk$jdk.txt" 2>&1
  done
done
