#!/usr/bin/env bash
# A/B of ChannelTransfers' chunk (64 KiB before, 256 KiB after): TransferBench (this directory; copy
# it into benchmarks/src/main/java/io/encryptedfs/benchmarks/ to build), 64 MiB, the same way as
# ../ab-session39-transferto/ (two rounds per JDK, the second reversed; one fork, 2 x 1 s warm-up,
# 3 x 1 s, -prof gc). Table: python3 ../ab-session39-transferto/table.py "$PWD".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BENCH=TransferBench OUT="$here" BEFORE="${BEFORE:-/tmp/s39/tc-before.jar}" \
  AFTER="${AFTER:-/tmp/s39/tc-after.jar}" exec "$here/../ab-session39-transferto/run.sh"
