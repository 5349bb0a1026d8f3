package org.dfbk.train.eval;

import java.util.Objects;
import org.dfbk.train.metrics.MetricValues;

/**
 * Metrics of one subject for one task and method: the mean of its slice metrics over
 * {@code slices} slices (NaN entries left out per metric), and, when the caller computed it,
 * the metrics of the whole 3-D volume ({@code volume}, null when not computed).
 */
public record VolumeResult(String task, String method, String subject, int slices,
    MetricValues sliceMean, MetricValues volume) {
  public VolumeResult {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(sliceMean, "sliceMean");
  }
}
