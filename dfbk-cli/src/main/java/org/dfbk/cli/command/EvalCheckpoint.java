package org.dfbk.cli.command;

/** {@code dfbk eval --checkpoint C}: translate the test split of the config, then evaluate. */
final class EvalCheckpoint {
  private EvalCheckpoint() {}

  static int run(EvalCommand cmd) {
    return Pending.unavailable(cmd.spec, "evaluation of a checkpoint arrives with the model");
  }
}
