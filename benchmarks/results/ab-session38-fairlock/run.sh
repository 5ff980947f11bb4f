#!/bin/bash
# A/B of session 38: the file's ReentrantReadWriteLock (OpenFile.lock) non-fair, as shipped (base),
# against the same code at 9d610e7 with `new ReentrantReadWriteLock(true)` (fair). Each variant is a
# clone with its benchmarks jar built (`mvn -B -o -pl keystore,provider,benchmarks -am -DskipTests
# package`) in $AB/base and $AB/fair. JDK 25, one fork, 2 x 2 s warm-up, 3 x 3 s; round 1 base
# then fair, round 2 fair then base; nothing else running. summary.txt is ab.py's table of it.
J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
AB=${AB:-/tmp/abfair}
cd "$AB"
for round in 1 2; do
  if [ $round = 1 ]; then order="base fair"; else order="fair base"; fi
  for v in $order; do
    $J25 -jar $v/benchmarks/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s -rf json -rff out-$v-$round.json \
      -p impl=AES-256-GCM -p blockSize=4096 -p forceEvery=0 -p reader=plain-method -p writerPauseMicros=0,100 \
      'RandomIoBench\.(read1T|read2T|write1T)|PinnedReadBench|WalBench\.append' > log-$v-$round.txt 2>&1
    echo "round $round $v done $(date +%T)"
  done
done
