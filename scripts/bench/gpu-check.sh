#!/usr/bin/env bash
# The GPU check, one prepared script of at most about 8 minutes, for anyone with an NVIDIA GPU:
#   1. dfbk vs the PyTorch reference on configs/bench/gpu-paper.yaml (the paper's 192-px network,
#      batch 4), fp32 and fp16: step time and device memory (training steps only);
#   2. the two-replica data-parallel path on one GPU (--devices gpu0,gpu0), so the multi-device
#      code (gradient gathering, broadcast) runs on CUDA;
#   3. dfbk fp32 again with PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True.
# Every result carries the card's name. Usage, from the repository root:
#   scripts/bench/gpu-check.sh [OUTPUT_DIR]        (default: target/gpu-check, or $OUT)
# Needs: the CUDA build (the script builds it with -Pcuda through the launcher) and, for the
# reference, python3 with a CUDA torch. Each step has its own time limit; a failed step is
# reported and the script goes on.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-target/gpu-check}}
mkdir -p "$out"
export DFBK_MVN_OPTS=-Pcuda
card=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)
echo "card: $card" | tee "$out/card.txt"

step() { # name, time limit in seconds, command...
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS rc=0
  timeout "$limit" "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  printf '%-18s rc %-3s %4ss  %s\n' "$name" "$rc" $((SECONDS - t0)) "$card" | tee -a "$out/summary.txt"
}

# the build (first call of the launcher) outside the timed steps
./dfbk info >"$out/info.txt" 2>&1 || { echo "the CUDA build failed: $out/info.txt"; exit 1; }

bench=(bench --config configs/bench/gpu-paper.yaml --devices gpu0 --repeats 10 --warmup 5
  --only-train --json)
step dfbk-fp32 100 ./dfbk "${bench[@]}" --precision fp32
step dfbk-fp16 100 ./dfbk "${bench[@]}" --precision fp16
step torch-both 120 python3 scripts/bench/unet_step_gpu.py --batch 4 --steps 10 --warmup 5 \
  --precision both --cudnn-benchmark --json "$out/torch-both.json"
PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True \
  step dfbk-fp32-expandable 100 ./dfbk "${bench[@]}" --precision fp32

# two replicas on one GPU: a short real training run on a small 192-px phantom
tmp=$(mktemp -d)
./dfbk phantom --output "$tmp/phantom" --subjects 3 --size 192 >"$out/phantom.out" 2>&1
sed -e "s|^  root: phantom|  root: $tmp/phantom|" -e "s|^  cache: cache|  cache: $tmp/cache|" \
  configs/bench/gpu-paper.yaml >"$tmp/dp2.yaml"
step dp2-same-gpu 120 ./dfbk train --config "$tmp/dp2.yaml" --devices gpu0,gpu0 --max-steps 6 \
  --output "$tmp/run"
rm -rf "$tmp"

echo "results in $out (summary.txt; *.out are the JSON documents)"
python3 - "$out" <<'PY' || true
import json, os, sys
out = sys.argv[1]
for name in ("dfbk-fp32", "dfbk-fp16", "dfbk-fp32-expandable"):
    try:
        d = json.load(open(os.path.join(out, name + ".out")))
        print(f"{name:22s} step {d.get('trainStepMs', float('nan')):8.1f} ms  "
              f"device memory {d.get('gpuMemoryUsedMiB')} MiB  phases {d.get('trainStepPhases')}")
    except Exception as e:  # a failed step: its .err says why
        print(f"{name:22s} no result ({e})")
PY
