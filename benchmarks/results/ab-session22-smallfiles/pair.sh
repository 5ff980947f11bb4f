#!/usr/bin/env bash
# Paired CPU A/B of session 22's commits: every jar in its own class loader in one JVM
# (PairMain), batches of 2,000 files in turn, order alternating, thread CPU per file. The loop is
# Driver's: create, write 4 KiB, close, open, read, close, delete. AES, tmpfs, create.sync=false,
# JDK 17. Build: javac -cp old.jar -d drv Driver.java Arm.java; javac -d pair PairMain.java
# (PairMain finds drv/ and the jars under /tmp/ab22).
set -eu
cd /tmp/ab22/pair
for i in ${RUNS:-1 2 3}; do
  rounds=$([ "$i" = 1 ] && echo 30 || echo 60)
  rm -rf /dev/shm/ab22p && mkdir -p /dev/shm/ab22p
  java -Dencryptedfs.create.sync=false -Dbench.dir=/dev/shm/ab22p -cp . \
    PairMain AES-256-GCM 20000 2000 $rounds old c1 c2 c3 c4 | tee pair-aes-$i.txt
done
