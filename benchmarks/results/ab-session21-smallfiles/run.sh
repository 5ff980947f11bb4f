#!/usr/bin/env bash
# A/B of session 21's cuts to a small file's CPU and system calls (JCE provider remembered, no
# size call at a new file's first write, one key salt for a new file's creation and first writes).
# SmallFilesBench on tmpfs with create.sync=false, so no disk: what is left is CPU and system
# calls. 5 s iterations: an invocation is 1,000 files, and 1 s ones held one to three of them,
# too few to warm up. Jars at 51ff430 (old, main's head) and the session's head, alternating,
# JDK 17.
set -eu
cd /tmp/ab21
mkdir -p /dev/shm/ab21
for round in ${ROUNDS:-1 2 3}; do
  for arm in old new; do
    echo "== $(date -u +%FT%TZ) $arm round $round"
    java -jar $arm.jar 'benchmarks\.SmallFilesBench\.createWriteCloseRead$' \
      -p impl=plain,AES-256-GCM -p blockSize=4096 \
      -jvmArgsAppend "-Dencryptedfs.create.sync=false -Dbench.dir=/dev/shm/ab21" \
      -f 1 -wi 2 -i 4 -w 5s -r 5s -prof gc -rf json -rff $arm-$round.json > $arm-$round.log 2>&1
  done
done
echo "== $(date -u +%FT%TZ) done"
