#!/usr/bin/env bash
# Session 27: short alternating runs of SequentialBench.write (plain, AES, ChaCha; 1 MiB and 64 KiB
# calls; 256 MiB closed with force), two jars, the order reversed every other round, nothing else
# running. Jars (benchmarks.jar of each build): old = 4681ad4 (helpers seal, the caller writes
# each 1 MiB batch); new = each thread seals and writes its own slices of a batch (JSON in sliced/,
# PRE=w); pipe = the threads seal slices and the caller writes each in order once sealed
# (pipelined/, PRE=p). Neither variant was committed. Runs (JDK 25): NEW=new PRE=w ./run.sh;
# NEW=pipe PRE=p ./run.sh. Summary: cd sliced && python3
# ../../ab-session26-sliced-reads/summary.py 25 w (TAG, PRE).
set -eu
cd /tmp/s27
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TAG=${TAG:-25}
for round in $(seq 1 ${ROUNDS:-6}); do
  order="old ${NEW:-new}"; if [ $((round % 2)) = 0 ]; then order="${NEW:-new} old"; fi
  for jar in $order; do
    $J -jar $jar.jar 'benchmarks\.SequentialBench\.write$' -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 \
      -p blockSize=4096 -p sizeMiB=256 -p chunk=1048576,65536 \
      -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff ${PRE:-w}-$jar-$TAG-$round.json > ${PRE:-w}-$jar-$TAG-$round.log 2>&1
    echo "$(date -u +%T) $jar $round"
  done
done
