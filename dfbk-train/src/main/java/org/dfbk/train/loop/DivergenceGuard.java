package org.dfbk.train.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps non-finite float32 steps out of the optimizer and stops a run that has diverged (the role
 * of DJL's {@code DivergenceCheckTrainingListener}): a step whose gradient norm is not finite is
 * skipped, with a report of which parameters went non-finite; {@value #MAX_SKIPPED_IN_A_ROW} such
 * steps in a row, or a non-finite mean loss over a log window, end training with a
 * {@link TrainingDivergedException} that names the fix. A non-finite gradient reaching AdamW would
 * carry the NaN into its moments and every later step.
 */
final class DivergenceGuard {
  private static final Logger LOG = LoggerFactory.getLogger(DivergenceGuard.class);
  /** Consecutive non-finite steps after which training stops as diverged. */
  static final int MAX_SKIPPED_IN_A_ROW = 10;

  private final FlatLayout layout;
  private long skippedInWindow;
  private int skippedInARow;

  DivergenceGuard(FlatLayout layout) {
    this.layout = layout;
  }

  /** Skipped steps since the last {@link #resetWindow()}. */
  long skippedInWindow() {
    return skippedInWindow;
  }

  void resetWindow() {
    skippedInWindow = 0;
  }

  /**
   * Whether a float32 step with gradient norm {@code norm} may be applied.
   *
   * @param gradient the host copy of the flat gradient, read only for the report of a bad step
   */
  boolean accept(float norm, long step, java.util.function.Supplier<float[]> gradient) {
    if (Float.isFinite(norm)) {
      skippedInARow = 0;
      return true;
    }
    skippedInWindow++;
    if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
      throw new TrainingDivergedException(String.format(Locale.ROOT,
          "training diverged at step %d: %d steps in a row had a non-finite gradient norm"
              + " (%s); lower TrainerConfig.learningRate, enable TrainerConfig.gradClipNorm, or"
              + " resume from an earlier checkpoint", step, skippedInARow, norm));
    }
    LOG.warn("step {}: non-finite gradient norm ({}); update skipped; {}", step, norm,
        report(gradient.get()));
    return false;
  }

  /**
   * Checks a log window's mean loss.
   *
   * @param allFp16Skipped every step of the window was a skipped fp16 overflow (the loss scale
   *     still settling: no loss to report, but not diverged)
   */
  void checkWindow(double loss, boolean allFp16Skipped, long step, int window, double lr) {
    if (!Double.isFinite(loss) && !allFp16Skipped) {
      throw new TrainingDivergedException(String.format(Locale.ROOT,
          "training diverged at step %d: mean loss %s over the last %d steps (lr %.3g); "
              + "lower TrainerConfig.learningRate, enable TrainerConfig.gradClipNorm, or resume "
              + "from an earlier checkpoint", step, loss, window, lr));
    }
  }

  /**
   * Which parameters have a non-finite gradient. A NaN spreads upstream through the backward
   * pass, so the parameters that stay finite show where it started.
   */
  String report(float[] g) {
    List<String> bad = new ArrayList<>();
    List<String> finite = new ArrayList<>();
    for (int k = 0; k < layout.size(); k++) {
      if (!layout.trainable()[k]) {
        continue;
      }
      boolean ok = true;
      for (long i = layout.offsets()[k]; i < layout.offsets()[k] + layout.numel(k); i++) {
        if (!Float.isFinite(g[(int) i])) {
          ok = false;
          break;
        }
      }
      (ok ? finite : bad).add(layout.names().get(k));
    }
    if (bad.isEmpty()) {
      return "every gradient is finite but the float32 norm overflowed: " + largest(g);
    }
    return bad.size() + " of " + (bad.size() + finite.size()) + " parameters non-finite"
        + (finite.size() <= 12 ? "; finite: " + finite : "; last non-finite: "
            + bad.subList(Math.max(0, bad.size() - 6), bad.size()));
  }

  /** The float64 norm of the whole gradient and the parameters with the largest gradient norms. */
  private String largest(float[] g) {
    List<Map.Entry<String, Double>> norms = new ArrayList<>();
    double total = 0;
    for (int k = 0; k < layout.size(); k++) {
      if (!layout.trainable()[k]) {
        continue;
      }
      double sq = 0;
      for (long i = layout.offsets()[k]; i < layout.offsets()[k] + layout.numel(k); i++) {
        sq += (double) g[(int) i] * g[(int) i];
      }
      total += sq;
      norms.add(Map.entry(layout.names().get(k), Math.sqrt(sq)));
    }
    norms.sort((x, y) -> Double.compare(y.getValue(), x.getValue()));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "norm %.3e; largest:",
        Math.sqrt(total)));
    for (Map.Entry<String, Double> e : norms.subList(0, Math.min(6, norms.size()))) {
      sb.append(String.format(Locale.ROOT, " %s %.3e", e.getKey(), e.getValue()));
    }
    return sb.toString();
  }
}
