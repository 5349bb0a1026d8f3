#!/usr/bin/env bash
# files/s of dfbk-spark/run-local, local[1] vs local[2], on phantom volumes (BENCHMARKS.md,
# "Cohort translation on Spark"). Usage: scripts/bench/spark_local.sh [WORK_DIR] [FILES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/spark-bench}"
files="${2:-6}"
mkdir -p "$work"
cd "$work"
export DNNL_MAX_CPU_ISA="${DNNL_MAX_CPU_ISA:-SSE41}"
cli=("$root/dfbk")
if [ ! -d ph ]; then
  "${cli[@]}" phantom --output ph --subjects "$files" --size 64 --slices 24
fi
if [ ! -f run/checkpoints/last.zip ]; then
  cat >bench.yaml <<YAML
name: spark-bench
data: {layout: paired, root: $work/ph, source: T1, target: T2, slices_per_subject: 4,
       image_size: 64, cache: $work/cache, split: {train: 0.5, val: 0.25}}
model: {image_size: 64, channels: 32, channel_mult: [1, 2, 2], num_res_blocks: 1,
        attention_resolutions: [16], swin_embed_dim: 32, head_channels: 32, window_size: 8,
        dfb: {mode: none}, kg: {mode: none}}
train: {batch_size: 2, lr: 2.0e-4, max_steps: 2, log_every: 1, val_every: 2,
        checkpoint_every: 2, val_slices: 2}
YAML
  "${cli[@]}" train --config bench.yaml --output run
fi
rm -rf cohort && mkdir cohort
for d in ph/phantom-*; do
  mkdir -p "cohort/$(basename "$d")" && cp "$d/T1.nii.gz" "cohort/$(basename "$d")/"
done
for m in 'local[1]' 'local[2]' 'local[1]' 'local[2]'; do
  echo "== $m load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "wall %e s" "$root/dfbk-spark/run-local" --master "$m" \
    --checkpoint run/checkpoints/last.zip --input cohort --output "out-$m" --overwrite 2>&1 \
    | grep -E "translated|wall|error"
done
