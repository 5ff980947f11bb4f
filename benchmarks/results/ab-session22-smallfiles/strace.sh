#!/usr/bin/env bash
# System calls per file of the driver's main thread (create, write 4 KiB, close, open, read,
# close, delete), 1,000 files after 3,000 warm-up ones, per jar.
set -eu
cd /tmp/ab22/drv
for jar in ${JARS:-old c4}; do
  rm -rf /dev/shm/ab22s; mkdir -p /dev/shm/ab22s
  rm -f in.fifo; mkfifo in.fifo
  java -Dencryptedfs.create.sync=false -Dbench.dir=/dev/shm/ab22s -cp /tmp/ab22/$jar.jar:. \
    io.encryptedfs.benchmarks.Driver 3000 1000 < in.fifo > out-$jar.txt 2>&1 &
  jpid=$!
  exec 3> in.fifo
  until grep -q ready out-$jar.txt; do sleep 0.2; done
  # the thread that ran the warm-up: the most CPU time so far
  tid=$(for t in /proc/$jpid/task/*; do echo "$(awk '{print $14+$15}' $t/stat) ${t##*/}"; done \
    | sort -n | tail -1 | cut -d' ' -f2)
  strace -c -p $tid -o strace-$jar.txt &
  spid=$!
  sleep 1
  echo go >&3
  exec 3>&-
  wait $jpid
  sleep 0.5; kill -INT $spid 2>/dev/null || true; wait $spid 2>/dev/null || true
  echo "$jar: $(grep us/file out-$jar.txt)"
done
