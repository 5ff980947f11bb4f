#!/bin/bash
# Whether PinnedReadBench's synchronized reads are handed off (evidence, not a measurement: JFR and jcmd run
# beside the benchmark). For each JDK and each AES row, one JMH run (no warm-up, 3 x 1 s) with
#  - a JFR recording of every Object.wait (jdk.JavaMonitorWait, threshold 0): a wait on
#    io.encryptedfs.channel.OffCarrier$Outcome is a virtual thread waiting for a handed-off call;
#  - jcmd Thread.print of the forked JVM every second: the number of encryptedfs-pinned-io
#    threads alive, and of those inside a read (EncryptedFileChannel.lambda$read).
# Nothing is added to the provider. Usage: pinned-evidence.sh OUTDIR JAVA... (after the build);
# writes OUTDIR/evidence-jdkN-<reader>-pause<µs>.{out,json,txt}.
set -uo pipefail
jar="$(cd "$(dirname "$0")/.." && pwd)/target/benchmarks.jar"
here="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
for java in "$@"; do
  ver=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
  bin=$(dirname "$java")
  for reader in synchronized plain-method; do
    for pause in 0 100; do
      name="$here/evidence-jdk$ver-$reader-pause$pause"
      "$java" -jar "$jar" 'benchmarks\.PinnedReadBench\.' -f 1 -wi 0 -i 3 -r 1s \
        -p impl=AES-256-GCM -p reader=$reader -p writerPauseMicros=$pause -p sizeMiB=64 \
        -jvmArgsAppend "-XX:StartFlightRecording:filename=$name.jfr,jdk.JavaMonitorWait#threshold=0ms" \
        -rf json -rff "$name.json" > "$name.out" 2>&1 &
      host=$!
      : > "$name.txt"
      while kill -0 $host 2>/dev/null; do
        sleep 1
        fork=$(pgrep -P $host java | head -1)
        [[ -n $fork ]] || continue
        dump=$("$bin/jcmd" "$fork" Thread.print 2>/dev/null) || continue
        echo "$(date -u +%T) pinned-io threads: $(grep -c '^"encryptedfs-pinned-io' <<<"$dump")," \
          "in a read: $(grep -c 'EncryptedFileChannel.lambda\$read' <<<"$dump")" >> "$name.txt"
      done
      wait $host
      reads=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(sum(x for r in d[0]['primaryMetric']['rawData'] for x in r)*1000))" "$name.json")
      waits=$("$bin/jfr" print --events jdk.JavaMonitorWait "$name.jfr" | grep -c 'OffCarrier\$Outcome')
      echo "reads in the 3 s measured (score x 1000 ms, summed): $reads; Object.wait on OffCarrier\$Outcome: $waits" >> "$name.txt"
      rm -f "$name.jfr"
    done
  done
done
