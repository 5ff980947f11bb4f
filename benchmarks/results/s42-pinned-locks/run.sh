#!/bin/bash
# A/B of session 42: PinnedReadBench on JDK 21 (random 4 KiB reads by virtual threads inside a
# synchronized method or a plain one, beside a platform thread overwriting pages) for the ways a
# pinned reader can wait for the file's lock once PinnedCalls' look found it free:
#   base   800ecb9, before PinnedLocks: lock(), parked on the carrier (can hang on one carrier)
#   nospin b368571: tries the lock, then Object.wait pauses of 1-10 ms between tries
#   spin   as nospin, trying for 50 us first
#   park   waits in the lock's queue up to 200 us, Object.wait pauses between
#   head   as shipped: as park, and 10 ms in the queue where no synchronized method is on the stack
# Each variant is a clone with its benchmarks jar built (`mvn -B -o -pl keystore,provider,benchmarks
# -am -DskipTests package`) in $AB/<variant>. One fork, 2 x 2 s warm-up, 3 x 3 s, AES, 4 KiB
# blocks. Round A (round-a/): base, nospin, spin then spin, nospin, base. Round B (round-b/): base,
# park; park, base; base, park. Two helper sessions were running tests on the machine meanwhile
# (load average 2.4 to 16): rows vary by up to 4x between rounds. Round C (round-c/), on a quiet
# machine: base, head; head, base; base, head.
J21=${J21:-/root/.cache/encryptedfs-jdk21/jdk/bin/java}
AB=${AB:-/tmp/s42ab}
run() { # variant round
  $J21 -jar "$AB/$1/benchmarks/target/benchmarks.jar" -f 1 -wi 2 -w 2s -i 3 -r 3s -rf json \
    -rff "out-$1-$2.json" -p impl=AES-256-GCM -p blockSize=4096 -p writerPauseMicros=0,100 \
    'PinnedReadBench' > "log-$1-$2.txt" 2>&1
}
mkdir -p round-a round-b round-c
(cd round-a && for v in base nospin spin; do run $v 1; done && for v in spin nospin base; do run $v 2; done)
(cd round-b && run base 1 && run park 1 && run park 2 && run base 2 && run base 3 && run park 3)
(cd round-c && run base 1 && run head 1 && run head 2 && run base 2 && run base 3 && run head 3)
