#!/usr/bin/env bash
# A/B of session 22's cuts to a small file's CPU, one jar per commit: old = a93ce08 (main's head),
# c1 = 58d5d35 (one stat per open), c2 = a0c141a (one SecureRandom draw per new file), c3 = 71ec3a7
# (load opens tail records into one block), c4 = e75875c (buffers sized to empty records); these
# are the helper branch's commits, which reached main as 5d11e55, 8f44bb6, 0b5646c and 5f86488.
# SmallFilesBench on tmpfs with create.sync=false, as session 21: what is left is CPU and system
# calls. AES for every jar, plain for the first and last (the ratio). The order within a round
# alternates, so a drift in the machine's load does not favour one end. JDK 17.
set -eu
cd /tmp/ab22
mkdir -p /dev/shm/ab22
run() { # jar impl round
  echo "== $(date -u +%FT%TZ) $1 $2 round $3"
  java -jar $1.jar 'benchmarks\.SmallFilesBench\.createWriteCloseRead$' \
    -p impl=$2 -p blockSize=4096 \
    -jvmArgsAppend "-Dencryptedfs.create.sync=false -Dbench.dir=/dev/shm/ab22" \
    -f 1 -wi 2 -i 4 -w 5s -r 5s -prof gc -rf json -rff $1-$2-$3.json > $1-$2-$3.log 2>&1
}
for round in ${ROUNDS:-1 2 3}; do
  order="old c1 c2 c3 c4"
  if [ $((round % 2)) = 0 ]; then order="c4 c3 c2 c1 old"; fi
  for jar in $order; do
    run $jar AES-256-GCM $round
    case $jar in old|c4) run $jar plain $round ;; esac
  done
done
echo "== $(date -u +%FT%TZ) done"
