#!/usr/bin/env bash
# A/B of ChannelInput.readNBytes / readAllBytes (one array of the file's size, filled by reads of up
# to 256 KiB, instead of InputStream's list of 8 or 16 KiB reads): StreamReadBench (this directory;
# copy it into benchmarks/src/main/java/io/encryptedfs/benchmarks/ to build), 64 MiB, jars built
# before (BEFORE) and after (AFTER) the change, both with the probe; two rounds per JDK, the second
# in reversed order; one fork, 2 x 1 s warm-up, 3 x 1 s, -prof gc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BENCH=StreamReadBench OUT="$here" BEFORE="${BEFORE:-/tmp/s39/ra-before.jar}" \
  AFTER="${AFTER:-/tmp/s39/ra-after.jar}" exec "$here/../ab-session39-transferto/run.sh"
