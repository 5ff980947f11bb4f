#!/usr/bin/env bash
# Session 23: bytes allocated per small file (gc.alloc.rate.norm), old = d188094 (main's head at
# the session's start), new = 1319949 (the load's tail block reused, and the empty tail's block
# kept across a write between whole blocks). SmallFilesBench on tmpfs with create.sync=false, AES,
# JDK 17. Run while other builds loaded the machine: the times say nothing, the allocation per
# operation does not depend on the load.
set -eu
cd /tmp/ab23
mkdir -p /dev/shm/ab23
for jar in old new; do
  echo "== $(date -u +%FT%TZ) $jar"
  java -jar $jar.jar 'benchmarks\.SmallFilesBench\.createWriteCloseRead$' \
    -p impl=AES-256-GCM -p blockSize=4096 \
    -jvmArgsAppend "-Dencryptedfs.create.sync=false -Dbench.dir=/dev/shm/ab23" \
    -f 1 -wi 1 -i 3 -w 5s -r 5s -prof gc -rf json -rff $jar.json > $jar.log 2>&1
done
