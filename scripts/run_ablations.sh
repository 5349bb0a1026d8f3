#!/usr/bin/env bash
# Trains and evaluates every ablation config of the paper's Tables 3-5 (ISLES 2015, FLAIR->DWI and
# FLAIR->T1), then writes the paper-style tables with `dfbk eval --ablation`.
# Usage: scripts/run_ablations.sh [RUNS_DIR] [extra dfbk train options, e.g. --devices gpu0,gpu1]
# Environment:
#   ABLATION_CONFIGS     folder of <task>-<setting>.yaml (default configs/ablation)
#   ABLATION_TASKS       tasks to run (default "isles-flair-dwi isles-flair-t1")
#   ABLATION_SETTINGS    settings to run (default all ten); a table is written from the settings
#                        run, when it has at least two of its rows
#   ABLATION_CHECKPOINT  best (default) or last: which checkpoint is evaluated; use last when the
#                        config has no validation subject (validation then runs on the test one)
#   ABLATION_SEEDS       training seeds, e.g. "0 1 2": each setting is trained once per seed
#                        (dfbk train --seed) into <setting>/seed-<N>, and the tables give the mean
#                        and sd over seeds with paired tests between settings (default: one run
#                        per setting with the config's seed, in <setting>)
# Runs that already have checkpoints/last.zip are not trained again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configs="${ABLATION_CONFIGS:-$here/configs/ablation}"
settings="${ABLATION_SETTINGS:-none dfb kg dfb-kg dfb-l dfb-h dfb-normattn kg-l kg-h kg-crossattn}"
which="${ABLATION_CHECKPOINT:-best}"
case "$which" in best|last) ;; *) echo "ABLATION_CHECKPOINT must be best or last, not '$which'" >&2; exit 2;; esac
seeds="${ABLATION_SEEDS:-}"
for seed in $seeds; do
  [[ "$seed" =~ ^[0-9]+$ ]] || { echo "ABLATION_SEEDS must be whole numbers, not '$seed'" >&2; exit 2; }
done
runs="${1:-runs/ablation}"
shift || true
for task in ${ABLATION_TASKS:-isles-flair-dwi isles-flair-t1}; do
  for setting in $settings; do
    cfg="$configs/$task-$setting.yaml"
    [ -f "$cfg" ] || { echo "no config $cfg (ABLATION_CONFIGS/ABLATION_TASKS/ABLATION_SETTINGS)" >&2; exit 2; }
    if [ -z "$seeds" ]; then
      out="$runs/$task/$setting"
      if [ ! -f "$out/checkpoints/last.zip" ]; then
        "$here/dfbk" train --config "$cfg" --output "$out" "$@"
      fi
      "$here/dfbk" eval --checkpoint "$out/checkpoints/$which.zip" -o "$out/eval"
    else
      for seed in $seeds; do
        out="$runs/$task/$setting/seed-$seed"
        if [ ! -f "$out/checkpoints/last.zip" ]; then
          "$here/dfbk" train --config "$cfg" --output "$out" --seed "$seed" "$@"
        fi
        "$here/dfbk" eval --checkpoint "$out/checkpoints/$which.zip" -o "$out/eval"
      done
    fi
  done
  # Table 3: none, +DFB, +KG, +DFB,KG; Table 4: DFB components; Table 5: KG components.
  for table in "3:none dfb kg dfb-kg" "4:none dfb-l dfb-h dfb-normattn dfb" \
      "5:none kg-l kg-h kg-crossattn kg"; do
    rows=()
    for s in ${table#*:}; do
      # a seeded setting is given as its folder of seed-<N>/eval runs
      row="$runs/$task/$s/eval"
      [ -z "$seeds" ] || row="$runs/$task/$s"
      case " $settings " in *" $s "*) rows+=("$row");; esac
    done
    if [ "${#rows[@]}" -ge 2 ]; then
      "$here/dfbk" eval --ablation "${rows[@]}" -o "$runs/$task/table${table%%:*}"
    fi
  done
done
echo "tables in $runs/<task>/table{3,4,5}/ablation.md"
