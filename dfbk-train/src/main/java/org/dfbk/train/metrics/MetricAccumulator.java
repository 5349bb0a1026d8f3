package org.dfbk.train.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates {@link MetricValues} of many items (slices or volumes), in the manner of MONAI's
 * cumulative metrics: the metric functions stay pure, this wrapper only collects. Thread-safe, so
 * parallel workers may add to one accumulator; {@link #values(String)} keeps insertion order.
 */
public final class MetricAccumulator {
  private final List<MetricValues> items = new ArrayList<>();

  /** Adds the values of one item. */
  public synchronized void add(MetricValues v) {
    items.add(java.util.Objects.requireNonNull(v, "metric values"));
  }

  /** Number of items added. */
  public synchronized int count() {
    return items.size();
  }

  /** The values of one metric (a metric) over all items. */
  public synchronized double[] values(Metric metric) {
    return items.stream().mapToDouble(v -> v.get(metric)).toArray();
  }

  /**
   * Mean of one metric over the items, NaN entries (undefined masked values) left out; NaN when
   * there is none; +Infinity when an item has +Infinity (an exact prediction's PSNR).
   */
  public synchronized double mean(Metric metric) {
    double sum = 0;
    int n = 0;
    for (MetricValues v : items) {
      double x = v.get(metric);
      if (!Double.isNaN(x)) {
        sum += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Forgets every item. */
  public synchronized void reset() {
    items.clear();
  }
}
