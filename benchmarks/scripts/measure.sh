#!/usr/bin/env bash
# The measurement plan behind RESULTS.md, one stage per JMH run (SKIP_BUILD: build both jars first:
#   mvn -B -q -o -pl keystore,provider,benchmarks -am -DskipTests package
#   mvn -B -q -o -Pcryptofs -pl keystore,provider,benchmarks -am -DskipTests package
# Usage: benchmarks/scripts/measure.sh [stage ...]   (default: all, in this order)
# MODE=short|full (default short): the run.sh mode of the main, cryptofs and Tink stages; the
#   main stages write results/$MODE-jdkN.json. FORKS=n is passed on to run.sh (full mode).
#   TAG=-2forks puts a tag after the mode in the output names (results/full-2forks-nosync-jdk17.json,
#   cryptofs-2forks-jdk25.json), so a repeat does not replace the run RESULTS.md reports.
#   CRYPTOFS_IMPLS overrides the cryptofs vault formats (default both).
#   main17 main25   -prof gc, every benchmark but Tink, blockSize 4096
#   sweep17 sweep25 blockSize 16384,65536 (4096 is in main*): AES+ChaCha, sequential 1 MiB
#                   chunks, WAL, raw cipher
#   sweeprand17 sweeprand25  the same for random read1T/write1T
#   blocksize17 blocksize25  the block-size decision in one run: AES with blocks of 4096, 16384 and
#                   65536 bytes, sequential 1 MiB writes and reads, unforced WAL appends, random
#                   4 KiB reads and writes (-prof gc), to $MODE$TAG-blocksize-jdkN.json
#   blocksizechacha17 blocksizechacha25  the same stage with ChaCha20-Poly1305, to
#                   $MODE$TAG-blocksize-chacha-jdkN.json (session 1's ChaCha sweep, in this stage's mode)
#   cipher17 cipher25  the raw cipher (CipherBench: byte[] and ByteBuffer, seal and open) for both
#                   algorithms at all three block sizes in this stage's mode (-prof gc), to
#                   $MODE$TAG-cipher-jdkN.json (session 1's raw-cipher sweep and cipherbuf, in full)
#   cipherbuf17 cipherbuf25  raw cipher through the ByteBuffer API (as the provider calls it), all
#                   three block sizes
#   cryptofs25      Cryptomator cryptofs 2.9.0 (SIV_GCM, SIV_CTRMAC) on every workload it supports
#   peers25         every workload cryptofs runs, with plain, encryptedfs AES and ChaCha and cryptofs
#                   SIV_GCM in one JMH run (-prof gc), so that each ratio to cryptofs compares rows
#                   of the same JVMs, to $MODE-peers-jdk25.json
#   buffered17 buffered25  WalBench in write.mode=buffered (plain, AES, ChaCha; -prof gc), to
#                   $MODE-buffered-jdkN.json
#   nosync17 nosync25  SmallFilesBench with create.sync=false, to $MODE-nosync-jdkN.json
#   checkpoint17 checkpoint25  ForceBesideReadsBench (reads beside a forcing writer) with
#                   RandomIoBench.read1T as its baseline in the same run, to $MODE-checkpoint-jdkN.json
#                   (the main stages include the former too from session 4 on)
#   layout17 layout25  AppendLayoutBench (a model of 1 KiB appends under format v1 and a v2 append
#                   log) beside WalBench's unforced rows, to $MODE-layout-jdkN.json
#   readlayout17 readlayout25  ReadLayoutBench (a model of random 4 KiB reads under format v1 and
#                   page-aligned v2 blocks) beside RandomIoBench.read1T, to $MODE-readlayout-jdkN.json
#   parallel17 parallel25  ParallelCreateBench (files created on threads at once) with -t 1 and
#                   -t 2, to $MODE-parallel-tN-jdkN.json
#   rename17 rename25  RenameBench (renames beside 10,000 files owed a force, or forced), to
#                   $MODE$TAG-rename-jdkN.json
#   locked17 locked25  LockedAppendBench (1 KiB appends each under a lock taken and given up)
#                   beside WalBench's unforced rows, to $MODE-locked-jdkN.json
#   taskthreads17 taskthreads25  TaskThreadReadBench (random 4 KiB reads, each on a new thread: virtual
#                   on JDK 25) beside RandomIoBench's reads on the benchmark threads (-prof gc), to
#                   $MODE$TAG-taskthreads-jdkN.json
#   pinned21 pinned25  PinnedReadBench (random 4 KiB reads on virtual threads, inside a synchronized
#                   method or not, beside a writer of the same file: on JDK 21 the provider hands
#                   the contended synchronized reads to a platform thread, on JDK 25 nothing pins;
#                   -prof gc), to $MODE$TAG-pinned-jdkN.json; pinned21's java is $J21, else the one
#                   .ci/jdk21 prints (fetched from Debian on first use)
#   copy17 copy25   CopyBench (Files.copy into, out of and within a root, beside plain copies of the
#                   same bytes; -prof gc), to $MODE$TAG-copy-jdkN.json; copy25 runs the cryptofs jar
#                   with cryptofs SIV_GCM beside the others (build it first, see above)
#   stream17 stream25  StreamChunkBench (a file read whole through a stream in 512, 1,024 and
#                   8,192-byte reads; -prof gc), to $MODE$TAG-stream-jdkN.json; stream25 runs the
#                   cryptofs jar with cryptofs SIV_GCM beside the others
#   tink17 tink25   Tink streaming AEAD with plain + encryptedfs AES sequential rows in the same
#                   run, 3 warm-up iterations (Tink's 1 MB-segment template warms up slowly)
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
J17="${J17:-java}"
J25="${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
J21="${J21:-}" # found by .ci/jdk21 when a stage needs it
R="$here/results"
MODE="${MODE:-short}"
TAG="${TAG:-}"
export SKIP_BUILD=1
sweep=(-prof gc -p blockSize=16384,65536 -p impl=AES-256-GCM,CHACHA20-POLY1305 -p chunk=1048576
  'benchmarks\.(SequentialBench|WalBench|CipherBench)\.')
# (separate: a regex ending in a method name must not demand a '.' after it)
sweeprand=(-prof gc -p blockSize=16384,65536 -p impl=AES-256-GCM,CHACHA20-POLY1305
  'benchmarks\.RandomIoBench\.(read1T|write1T)$')
checkpoint=(-p blockSize=4096 'benchmarks\.(ForceBesideReadsBench\.|RandomIoBench\.read1T$)')
locked=(-p blockSize=4096 -p forceEvery=0 'benchmarks\.(LockedAppendBench|WalBench)\.')
layout=(-prof gc -p impl=plain,AES-256-GCM,CHACHA20-POLY1305 -p forceEvery=0
  'benchmarks\.(AppendLayoutBench|WalBench)\.')
readlayout=(-prof gc -p blockSize=4096 -p impl=plain,AES-256-GCM,CHACHA20-POLY1305
  'benchmarks\.(ReadLayoutBench\.|RandomIoBench\.read1T$)')
blocksize=(-prof gc -p blockSize=4096,16384,65536 -p impl=AES-256-GCM -p chunk=1048576 -p forceEvery=0
  'benchmarks\.(SequentialBench\.(read|write)|WalBench\.append|RandomIoBench\.(read1T|write1T))$')
blocksizechacha=(-prof gc -p blockSize=4096,16384,65536 -p impl=CHACHA20-POLY1305 -p chunk=1048576
  -p forceEvery=0
  'benchmarks\.(SequentialBench\.(read|write)|WalBench\.append|RandomIoBench\.(read1T|write1T))$')
cipher=(-prof gc -p blockSize=4096,16384,65536 'benchmarks\.CipherBench\.')
taskthreads=(-prof gc -p blockSize=4096
  'benchmarks\.(TaskThreadReadBench\.|RandomIoBench\.read(1T|2T)$)')
pinned=(-prof gc -p blockSize=4096 'benchmarks\.PinnedReadBench\.')
tink=(-prof gc -p impl=plain,AES-256-GCM 'benchmarks\.(TinkSequentialBench|SequentialBench)\.')
stage() {
  case "$1" in
    main17)   OUT=$R/$MODE$TAG-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc -e 'TinkSequentialBench|AppendLayoutBench|ReadLayoutBench|ParallelCreateBench|LockedAppendBench|RenameBench|TaskThreadReadBench|PinnedReadBench|CopyBench|StreamChunkBench' ;;
    main25)   OUT=$R/$MODE$TAG-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc -e 'TinkSequentialBench|AppendLayoutBench|ReadLayoutBench|ParallelCreateBench|LockedAppendBench|RenameBench|TaskThreadReadBench|PinnedReadBench|CopyBench|StreamChunkBench' ;;
    sweep17)  OUT=$R/sweep-jdk17.json "$here/run.sh" "$J17" short "${sweep[@]}" ;;
    sweep25)  OUT=$R/sweep-jdk25.json "$here/run.sh" "$J25" short "${sweep[@]}" ;;
    blocksize17) OUT=$R/$MODE$TAG-blocksize-jdk17.json "$here/run.sh" "$J17" "$MODE" "${blocksize[@]}" ;;
    blocksize25) OUT=$R/$MODE$TAG-blocksize-jdk25.json "$here/run.sh" "$J25" "$MODE" "${blocksize[@]}" ;;
    blocksizechacha17) OUT=$R/$MODE$TAG-blocksize-chacha-jdk17.json "$here/run.sh" "$J17" "$MODE" "${blocksizechacha[@]}" ;;
    blocksizechacha25) OUT=$R/$MODE$TAG-blocksize-chacha-jdk25.json "$here/run.sh" "$J25" "$MODE" "${blocksizechacha[@]}" ;;
    taskthreads17) OUT=$R/$MODE$TAG-taskthreads-jdk17.json "$here/run.sh" "$J17" "$MODE" "${taskthreads[@]}" ;;
    taskthreads25) OUT=$R/$MODE$TAG-taskthreads-jdk25.json "$here/run.sh" "$J25" "$MODE" "${taskthreads[@]}" ;;
    pinned21) [[ -n $J21 ]] || J21="$(bash "$here/../.ci/jdk21")" || return
              OUT=$R/$MODE$TAG-pinned-jdk21.json "$here/run.sh" "$J21" "$MODE" "${pinned[@]}" ;;
    pinned25) OUT=$R/$MODE$TAG-pinned-jdk25.json "$here/run.sh" "$J25" "$MODE" "${pinned[@]}" ;;
    copy17) OUT=$R/$MODE$TAG-copy-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc 'benchmarks\.CopyBench\.' ;;
    copy25) CRYPTOFS=1 OUT=$R/$MODE$TAG-copy-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
              -p impl=plain,AES-256-GCM,CHACHA20-POLY1305,cryptofs-SIV_GCM 'benchmarks\.CopyBench\.' ;;
    stream17) OUT=$R/$MODE$TAG-stream-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc 'benchmarks\.StreamChunkBench\.' ;;
    stream25) CRYPTOFS=1 OUT=$R/$MODE$TAG-stream-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
              -p impl=plain,AES-256-GCM,CHACHA20-POLY1305,cryptofs-SIV_GCM 'benchmarks\.StreamChunkBench\.' ;;
    rename17) OUT=$R/$MODE$TAG-rename-jdk17.json "$here/run.sh" "$J17" "$MODE" 'benchmarks\.RenameBench\.' ;;
    rename25) OUT=$R/$MODE$TAG-rename-jdk25.json "$here/run.sh" "$J25" "$MODE" 'benchmarks\.RenameBench\.' ;;
    cipher17) OUT=$R/$MODE$TAG-cipher-jdk17.json "$here/run.sh" "$J17" "$MODE" "${cipher[@]}" ;;
    cipher25) OUT=$R/$MODE$TAG-cipher-jdk25.json "$here/run.sh" "$J25" "$MODE" "${cipher[@]}" ;;
    sweeprand17) OUT=$R/sweep-jdk17-random.json "$here/run.sh" "$J17" short "${sweeprand[@]}" ;;
    sweeprand25) OUT=$R/sweep-jdk25-random.json "$here/run.sh" "$J25" short "${sweeprand[@]}" ;;
    cipherbuf17) OUT=$R/cipher-buffer-jdk17.json "$here/run.sh" "$J17" short -prof gc \
                   -p blockSize=4096,16384,65536 'CipherBench\.(seal|open)Buffer$' ;;
    cipherbuf25) OUT=$R/cipher-buffer-jdk25.json "$here/run.sh" "$J25" short -prof gc \
                   -p blockSize=4096,16384,65536 'CipherBench\.(seal|open)Buffer$' ;;
    cryptofs25) CRYPTOFS=1 OUT=$R/cryptofs$TAG-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
                  -p impl="${CRYPTOFS_IMPLS:-cryptofs-SIV_GCM,cryptofs-SIV_CTRMAC}" \
                  'benchmarks\.(SequentialBench|RandomIoBench|WalBench|SmallFilesBench|MetadataBench)\.' ;;
    peers25) CRYPTOFS=1 OUT=$R/$MODE$TAG-peers-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
                  -p impl=plain,AES-256-GCM,CHACHA20-POLY1305,cryptofs-SIV_GCM \
                  'benchmarks\.(SequentialBench|RandomIoBench|WalBench|SmallFilesBench|MetadataBench)\.' ;;
    buffered17) OUT=$R/$MODE$TAG-buffered-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc \
                  -jvmArgsAppend -Dencryptedfs.write.mode=buffered 'benchmarks\.WalBench\.' ;;
    buffered25) OUT=$R/$MODE$TAG-buffered-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
                  -jvmArgsAppend -Dencryptedfs.write.mode=buffered 'benchmarks\.WalBench\.' ;;
    nosync17) OUT=$R/$MODE$TAG-nosync-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc \
                  -jvmArgsAppend -Dencryptedfs.create.sync=false 'benchmarks\.SmallFilesBench\.' ;;
    nosync25) OUT=$R/$MODE$TAG-nosync-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc \
                  -jvmArgsAppend -Dencryptedfs.create.sync=false 'benchmarks\.SmallFilesBench\.' ;;
    checkpoint17) OUT=$R/$MODE$TAG-checkpoint-jdk17.json "$here/run.sh" "$J17" "$MODE" -prof gc "${checkpoint[@]}" ;;
    checkpoint25) OUT=$R/$MODE$TAG-checkpoint-jdk25.json "$here/run.sh" "$J25" "$MODE" -prof gc "${checkpoint[@]}" ;;
    layout17) OUT=$R/$MODE$TAG-layout-jdk17.json "$here/run.sh" "$J17" "$MODE" "${layout[@]}" ;;
    layout25) OUT=$R/$MODE$TAG-layout-jdk25.json "$here/run.sh" "$J25" "$MODE" "${layout[@]}" ;;
    readlayout17) OUT=$R/$MODE$TAG-readlayout-jdk17.json "$here/run.sh" "$J17" "$MODE" "${readlayout[@]}" ;;
    readlayout25) OUT=$R/$MODE$TAG-readlayout-jdk25.json "$here/run.sh" "$J25" "$MODE" "${readlayout[@]}" ;;
    parallel17) for t in 1 2; do OUT=$R/$MODE$TAG-parallel-t$t-jdk17.json "$here/run.sh" "$J17" "$MODE" \
                  -t $t 'benchmarks\.ParallelCreateBench\.' || return; done ;;
    parallel25) for t in 1 2; do OUT=$R/$MODE$TAG-parallel-t$t-jdk25.json "$here/run.sh" "$J25" "$MODE" \
                  -t $t 'benchmarks\.ParallelCreateBench\.' || return; done ;;
    locked17) OUT=$R/$MODE$TAG-locked-jdk17.json "$here/run.sh" "$J17" "$MODE" "${locked[@]}" ;;
    locked25) OUT=$R/$MODE$TAG-locked-jdk25.json "$here/run.sh" "$J25" "$MODE" "${locked[@]}" ;;
    tink17)   WI=3 OUT=$R/tink$TAG-jdk17.json "$here/run.sh" "$J17" "$MODE" "${tink[@]}" ;;
    tink25)   WI=3 OUT=$R/tink$TAG-jdk25.json "$here/run.sh" "$J25" "$MODE" "${tink[@]}" ;;
    *) echo "unknown stage $1" >&2; return 2 ;;
  esac
}
stages=("$@"); [[ ${#stages[@]} -gt 0 ]] || stages=(main17 main25 sweep17 sweep25 cryptofs25 tink25 tink17 sweeprand17 sweeprand25 cipherbuf17 cipherbuf25)
for s in "${stages[@]}"; do
  echo "### $(date -u +%T) stage $s" >&2
  stage "$s" > "$R/$s.out" 2>&1 || echo "stage $s exited $?" >&2
  grep -m3 -i "exception" "$R/$s.out" >&2 || true
done
echo "### $(date -u +%T) done" >&2
