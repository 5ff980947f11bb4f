#!/bin/bash
# A/B of session 43: ManyAppendersBench (400 virtual threads appending 100-byte records to one
# file through one channel, forcing every 10 of each thread's records or never) on JDK 21:
#   base  800ecb9, before PinnedLocks (lock() parked on the carrier)
#   head  8ca8999, session 42's PinnedLocks and ForceEnded (10 ms queued waits, 10 ms force pauses)
#   new   this session's: waits that time out while the lock changes hands queue again without a
#         pause, and a force's end wakes the writers waiting for it
# Each variant is a clone with ManyAppendersBench.java copied in and its benchmarks jar built
# (`mvn -B -o -pl keystore,provider,benchmarks -am -DskipTests package`) in $AB/<variant>.
# One fork, 2 x 2 s warm-up, 3 x 3 s; order base, head, new, new, head, base. JDK 25 runs `new`
# once at the end, for the same rows where a monitor no longer pins.
J21=${J21:-/root/.cache/encryptedfs-jdk21/jdk/bin/java}
J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
AB=${AB:-/tmp/s43ab}
run() { # java variant round
  "$1" -jar "$AB/$2/benchmarks/target/benchmarks.jar" -f 1 -wi 2 -w 2s -i 3 -r 3s -rf json \
    -rff "out-$2-$3.json" 'ManyAppendersBench' > "log-$2-$3.txt" 2>&1
}
run "$J21" base 1 && run "$J21" head 1 && run "$J21" new 1
run "$J21" new 2 && run "$J21" head 2 && run "$J21" base 2
run "$J25" new jdk25
