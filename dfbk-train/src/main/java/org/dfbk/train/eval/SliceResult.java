package org.dfbk.train.eval;

import java.util.Objects;
import org.dfbk.train.metrics.MetricValues;

/**
 * Metrics of one predicted slice: translation task (e.g. "T1→T2"), method (e.g. "DFBK",
 * "Identity"), subject id, axial slice index in the subject's volume, and its values.
 */
public record SliceResult(String task, String method, String subject, int slice,
    MetricValues values) {
  public SliceResult {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(values, "values");
  }
}
