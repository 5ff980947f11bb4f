#!/usr/bin/env bash
# Session 26: short alternating runs of SequentialBench.read (plain, AES, ChaCha; 1 MiB and 64 KiB
# calls; 256 MiB), two jars, the order reversed every other round, nothing else running.
# Jars (benchmarks.jar of each build): old = bb9dc30; new2 = the caller reads a long run in
# 64 KiB slices and the helpers open each slice while it reads the next (not kept; JSON in
# pipelined/, PRE=s); new3 = each thread reads and opens whole slices itself (kept; sliced/, PRE=t).
# Runs: NEW=new2 PRE=s ./run.sh (JDK 25); NEW=new3 PRE=t ./run.sh; J=<JDK 17 java> TAG=17 NEW=new3
# PRE=t ./run.sh. Summary: cd sliced && python3 ../summary.py 25 t (TAG, PRE).
set -eu
cd /tmp/s26
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TAG=${TAG:-25}
for round in $(seq 1 ${ROUNDS:-6}); do
  order="old ${NEW:-new2}"; if [ $((round % 2)) = 0 ]; then order="${NEW:-new2} old"; fi
  for jar in $order; do
    $J -jar $jar.jar 'benchmarks\.SequentialBench\.read$' -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 \
      -p blockSize=4096 -p sizeMiB=256 -p chunk=1048576,65536 \
      -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff ${PRE:-s}-$jar-$TAG-$round.json > ${PRE:-s}-$jar-$TAG-$round.log 2>&1
    echo "$(date -u +%T) $jar $round"
  done
done
