#!/usr/bin/env bash
# Trains and evaluates every ablation config of the paper's Tables 3-5 (ISLES 2015, FLAIR->DWI and
# FLAIR->T1), then writes the paper-style tables with `dfbk eval --ablation`.
# Usage: scripts/run_ablations.sh [RUNS_DIR] [extra dfbk train options, e.g. --devices gpu0,gpu1]
# Environment: ABLATION_CONFIGS (folder of <task>-<setting>.yaml, default configs/ablation) and
# ABLATION_TASKS (default "isles-flair-dwi isles-flair-t1") run the same grid on other configs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configs="${ABLATION_CONFIGS:-$here/configs/ablation}"
runs="${1:-runs/ablation}"
shift || true
for task in ${ABLATION_TASKS:-isles-flair-dwi isles-flair-t1}; do
  evals=()
  for setting in none dfb kg dfb-kg dfb-l dfb-h dfb-normattn kg-l kg-h kg-crossattn; do
    cfg="$configs/$task-$setting.yaml"
    out="$runs/$task/$setting"
    if [ ! -f "$out/checkpoints/last.zip" ]; then
      "$here/dfbk" train --config "$cfg" --output "$out" "$@"
    fi
    "$here/dfbk" eval --checkpoint "$out/checkpoints/best.zip" -o "$out/eval"
    evals+=("$out/eval")
  done
  # Table 3: none, +DFB, +KG, +DFB,KG; Table 4: DFB components; Table 5: KG components.
  "$here/dfbk" eval --ablation "$runs/$task"/{none,dfb,kg,dfb-kg}/eval -o "$runs/$task/table3"
  "$here/dfbk" eval --ablation "$runs/$task"/{none,dfb-l,dfb-h,dfb-normattn,dfb}/eval -o "$runs/$task/table4"
  "$here/dfbk" eval --ablation "$runs/$task"/{none,kg-l,kg-h,kg-crossattn,kg}/eval -o "$runs/$task/table5"
done
echo "tables in $runs/*/table{3,4,5}/ablation.md"
