#!/usr/bin/env bash
# Runs the core, data and train tests under other CPU kernel choices, so results that depend on
# the CPU (another libtorch/MKL/oneDNN kernel, another thread count) show up on one machine.
#
#   scripts/ci/portability.sh                # all settings below
#   scripts/ci/portability.sh threads-2      # one setting by name
#
# Settings (each a fresh test JVM; libtorch, MKL and oneDNN read these once, when they load):
#   build             the test build's own: DNNL_MAX_CPU_ISA=SSE41, 1 intra-op thread
#   aten-default      ATEN_CPU_CAPABILITY=default  (libtorch's own kernels without vector ISA)
#   aten-avx2         ATEN_CPU_CAPABILITY=avx2
#   aten-avx512       ATEN_CPU_CAPABILITY=avx512   (only where the CPU has AVX-512)
#   mkl-avx2          MKL_ENABLE_INSTRUCTIONS=AVX2
#   dnnl-avx          DNNL_MAX_CPU_ISA=AVX, by name only (fails where those kernels are faulty)
#   threads-2         2 intra-op threads (-Dai.djl.pytorch.num_threads=2)
# Then, for information only (never fails the script), the start-up kernel check under oneDNN's
# own choice for this CPU (DNNL_MAX_CPU_ISA=ALL) and under AVX2 and AVX: whether they are right
# here (the launcher picks the widest that is).
#
# Prints one line per setting (tests, failures, errors, skipped, minutes) and exits non-zero when
# any setting fails. Logs: target/portability/<setting>.log. Needs the Maven dependencies already
# resolved (run 'mvn -B verify' once).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=target/portability
mkdir -p "$out"
modules=src-test-fixtures,dfbk-core,dfbk-data,dfbk-train
base_argline="-Xmx6g -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch"

all=(build aten-default aten-avx2 aten-avx512 mkl-avx2 threads-2)
settings=("$@")
[ ${#settings[@]} -gt 0 ] || settings=("${all[@]}")

count() { # sums one attribute over the surefire reports of the modules
  cat dfbk-*/target/surefire-reports/TEST-*.xml 2>/dev/null \
    | grep -o "<testsuite [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' \
    | awk '{s+=$1} END {print s+0}'
}

run() { # name, then env assignments and extra Maven arguments
  local name=$1; shift
  local envs=() args=()
  for a in "$@"; do
    case "$a" in -D*) args+=("$a") ;; *) envs+=("$a") ;; esac
  done
  rm -rf dfbk-*/target/surefire-reports
  local t0=$SECONDS
  env "${envs[@]}" mvn -B -o verify -pl "$modules" -Dmaven.test.failure.ignore=true \
    "${args[@]}" >"$out/$name.log" 2>&1
  local rc=$? mins
  mins=$(awk -v s=$((SECONDS - t0)) 'BEGIN {printf "%.1f", s / 60}')
  local tests fail err skip
  tests=$(count tests); fail=$(count failures); err=$(count errors); skip=$(count skipped)
  local verdict=ok
  if [ $rc -ne 0 ] || [ "$fail" != 0 ] || [ "$err" != 0 ] || [ "$tests" = 0 ]; then
    verdict=FAILED; status=1
    grep -E '<<< (FAILURE|ERROR)' "$out/$name.log" | grep -v 'Tests run' | sed 's/^/    /' | head -20
  fi
  printf '%-13s %-7s tests %4s  failures %3s  errors %3s  skipped %3s  %5s min  %s\n' \
    "$name" "$verdict" "$tests" "$fail" "$err" "$skip" "$mins" "${envs[*]} ${args[*]}"
}

status=0
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(nproc) cores"
for s in "${settings[@]}"; do
  case "$s" in
    build) run build ;;
    aten-default) run aten-default ATEN_CPU_CAPABILITY=default ;;
    aten-avx2) run aten-avx2 ATEN_CPU_CAPABILITY=avx2 ;;
    aten-avx512)
      if grep -q avx512f /proc/cpuinfo; then run aten-avx512 ATEN_CPU_CAPABILITY=avx512
      else echo "aten-avx512   skipped: this CPU has no AVX-512"; fi ;;
    mkl-avx2) run mkl-avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ;;
    dnnl-avx) run dnnl-avx -Ddfbk.dnnl.isa=AVX ;;
    threads-2) run threads-2 "-Dsurefire.argLine=$base_argline -Dai.djl.pytorch.num_threads=2" ;;
    *) echo "unknown setting '$s'; known: ${all[*]}" >&2; exit 2 ;;
  esac
done

if [ $# -eq 0 ]; then
  for isa in ALL AVX2 AVX; do
    rm -rf dfbk-core/target/surefire-reports
    mvn -B -o test -pl src-test-fixtures,dfbk-core -Ddfbk.dnnl.isa=$isa -Dtest=KernelCheckTest \
      -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true \
      >"$out/kernel-check-$isa.log" 2>&1
    if [ "$(count failures)" = 0 ] && [ "$(count tests)" != 0 ]; then
      echo "oneDNN kernels under DNNL_MAX_CPU_ISA=$isa: right on this CPU"
    else
      echo "oneDNN kernels under DNNL_MAX_CPU_ISA=$isa: WRONG on this CPU:"
      grep -oE '(the output|the input gradient)[^(]*max \|float32 - exact\| [0-9.eE+-]+' \
        "$out/kernel-check-$isa.log" | head -1 | sed 's/^/    /'
    fi
  done
fi
exit $status
