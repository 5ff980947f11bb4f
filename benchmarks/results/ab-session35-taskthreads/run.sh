#!/bin/bash
# A/B of 1265d85 (wa, after) against f1d16e5 (wb, before), both with c428c43's TaskThreadReadBench
# (64 reads per invocation, each on a new thread), beside RandomIoBench's reads; alternating jars.
# The jars: clone main, check out f1d16e5 (wb) or 1265d85 (wa), put c428c43's
# benchmarks/src/main/java/io/encryptedfs/benchmarks/TaskThreadReadBench.java in place, then
# mvn -B -q -o -pl keystore,provider,benchmarks -am -DskipTests package and copy
# benchmarks/target/benchmarks.jar to benchmarks-wb.jar or benchmarks-wa.jar here.
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
J17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -p sizeMiB=64 -p blockSize=4096 -prof gc)
for round in 1 2; do
  for jar in wb wa; do
    $J25 -jar benchmarks-$jar.jar 'benchmarks\.(TaskThreadReadBench|RandomIoBench)\.read(1T|2T)$' "${args[@]}" \
      -rf json -rff jdk25-$jar-$round.json > jdk25-$jar-$round.out 2>&1
  done
done
for jar in wb wa; do
  $J17 -jar benchmarks-$jar.jar 'benchmarks\.TaskThreadReadBench\.read(1T|2T)$' "${args[@]}" \
    -rf json -rff jdk17-$jar-1.json > jdk17-$jar-1.out 2>&1
done
