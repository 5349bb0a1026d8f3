#!/bin/sh
# CPU training-step time of org.dfbk.core.nn.SwinUNetBenchmark (DJL, PyTorch engine).
# Usage, from the repository root after `mvn -B -o -q install -DskipTests`:
#   scripts/bench/unet_step_djl.sh [steps]
set -e
cd dfbk-core
mvn -B -o -q test-compile
mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
exec java -Xmx6g -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.dfbk.core.nn.SwinUNetBenchmark "${1:-10}" ${2:+"$2"}
