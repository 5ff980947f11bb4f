#!/bin/bash
# Round C of session 42 (results/s42-pinned-locks/round-c/): base (800ecb9) against head (the
# shipped PinnedLocks: 200 us queued under a synchronized method, 10 ms otherwise), on a quiet
# machine, same settings as run.sh; rounds base,head / head,base / base,head.
J21=${J21:-/root/.cache/encryptedfs-jdk21/jdk/bin/java}
AB=${AB:-/tmp/s42ab}
run() { # variant round
  $J21 -jar "$AB/$1/benchmarks/target/benchmarks.jar" -f 1 -wi 2 -w 2s -i 3 -r 3s -rf json \
    -rff "out-$1-$2.json" -p impl=AES-256-GCM -p blockSize=4096 -p writerPauseMicros=0,100 \
    'PinnedReadBench' > "log-$1-$2.txt" 2>&1
  echo "$1 $2 done $(date +%T)"
}
run base 1; run head 1; run head 2; run base 2; run base 3; run head 3
