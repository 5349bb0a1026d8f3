#!/bin/sh
# DJL/PyTorch training-step ratio of the mid-size SwinUNet (cpu-dfbk network: 64 px, C0 64,
# DFB + KG, batch 4, 16 text tokens), measured side by side: ROUNDS rounds, each running the
# PyTorch reference (scripts/bench/unet_step.py) and then the DJL network
# (org.dfbk.core.nn.SwinUNetBenchmark) for STEPS timed steps at THREADS intra-op threads.
# Alternating the two in one run keeps a shared or throttled machine from favouring either.
#
# Usage, from the repository root after `mvn -B -o -q install -DskipTests`:
#   scripts/bench/compare_step.sh [rounds=3] [steps=10] [threads=1]
# The DJL side runs on the bundled libtorch unless PYTORCH_LIBRARY_PATH names another one (with a
# libdjl_torch.so built for it; see docs/engine-notes.md), e.g. Debian's 1.13.1, the reference's:
#   PYTORCH_LIBRARY_PATH=DIR PYTORCH_FLAVOR=cpu PYTORCH_VERSION=1.13.1 scripts/bench/compare_step.sh
set -e
ROUNDS=${1:-3}
STEPS=${2:-10}
THREADS=${3:-1}
ROOT=$(pwd)
cd dfbk-core
mvn -B -o -q test-compile
mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
OUT=$(mktemp)
i=1
while [ "$i" -le "$ROUNDS" ]; do
  py=$(/usr/bin/python3 "$ROOT/scripts/bench/unet_step.py" "$THREADS" "$STEPS" | sed -n 's/.*mean \([0-9.]*\) s.*/\1/p')
  line=$(java -Xmx6g -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch \
    -Dai.djl.pytorch.num_threads="$THREADS" -cp "$CP" org.dfbk.core.nn.SwinUNetBenchmark "$STEPS" \
    2>/dev/null | grep 'mean')
  djl=$(echo "$line" | sed -n 's/.*mean \([0-9.]*\) s.*/\1/p')
  lib=$(echo "$line" | awk '{print $2}')
  echo "$py $djl" >> "$OUT"
  echo "round $i: PyTorch mean $py s, DJL (libtorch $lib) mean $djl s, ratio $(echo "$djl $py" | awk '{printf "%.3f", $1 / $2}')"
  i=$((i + 1))
done
sort -n -k1 "$OUT" | awk '{p[NR] = $1} END {m = (NR % 2) ? p[(NR + 1) / 2] : (p[NR / 2] + p[NR / 2 + 1]) / 2; printf "median PyTorch %.3f s\n", m}'
sort -n -k2 "$OUT" | awk '{d[NR] = $2} END {m = (NR % 2) ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2; printf "median DJL     %.3f s\n", m}'
awk '{print $2 / $1}' "$OUT" | sort -n | awk '{r[NR] = $1} END {m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "median ratio DJL/PyTorch %.3f over %d rounds\n", m, NR}'
rm -f "$OUT"
