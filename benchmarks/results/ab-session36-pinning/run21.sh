#!/bin/bash
# A/B on JDK 21 (Debian's OpenJDK 21.0.13 via .ci/jdk21) of session 36 (after, 5b62e9e: on JDK 21
# every read first asks whether it runs on a virtual thread and, if so, whether the file's lock is
# taken: PinnedCalls) against 300041c (before): random 4 KiB reads on the benchmark's platform
# threads (RandomIoBench.read1T) and each on a new virtual thread (TaskThreadReadBench.read1T),
# no contention and no synchronized caller, so the hand-off itself never runs. Alternating jars,
# two rounds. Usage: run21.sh /path/to/jdk21/bin/java
cd "$(dirname "$0")"
J21=${1:?java of JDK 21}
args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -p sizeMiB=64 -p blockSize=4096 -p impl=plain,AES-256-GCM -prof gc)
for round in 1 2; do
  for jar in before after; do
    $J21 -jar $jar.jar 'benchmarks\.(TaskThreadReadBench|RandomIoBench)\.read1T$' "${args[@]}" \
      -rf json -rff jdk21-$jar-$round.json > jdk21-$jar-$round.out 2>&1
  done
done
