package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.Evaluation;
import org.dfbk.cli.Pipeline;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;

/**
 * {@code dfbk eval --checkpoint C [--config F]}: translate the split of {@code eval.split} (the
 * test split by default), then evaluate.
 */
final class EvalCheckpoint {
  private EvalCheckpoint() {}

  static int run(EvalCommand cmd) {
    Engine engine = EngineStart.start(cmd.devices.wantsGpu());
    Device device = cmd.devices.resolve(engine.getGpuCount())[0];
    EvalCommand.CheckpointRun run = cmd.mode.checkpoint;
    try (Pipeline.Loaded m = Pipeline.load(run.file, device)) {
      DfbkConfig c = run.config != null ? ConfigLoader.load(run.config) : m.config();
      Path out = cmd.output != null ? cmd.output : Paths.get("eval-" + c.name());
      ConfigMapper.EvalOptions eval = ConfigMapper.evalOptions(c);
      Evaluation.Outcome o = Evaluation.run(m, run.file, c, eval.split().id(), out,
          eval.samples(), Map.of(), cmd.spec.commandLine().getErr(),
          cmd.checkpointOptions(c.data().target(), c.data().targetIsCt()));
      cmd.status("report: " + o.html().toAbsolutePath().normalize());
      return cmd.writeReport(o.report(), out.resolve("tables"));
    }
  }
}
