package org.dfbk.data.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/**
 * The channels of the network's condition y_0: one or more source modalities, each with its own
 * slice and, with a context of k, the k neighbouring slices on either side (2.5-D input).
 *
 * <p>Channel order (C = sources × (2k + 1)): the sources' own slices first, in source order, then
 * the neighbours by distance, the slice below before the one above: offsets 0, −1, +1, −2, +2, …,
 * −k, +k, each offset with every source in order. Channel 0 is therefore always the first
 * source's own slice, the image the diffusion shifts toward; one source with context 0 is the
 * paper's single channel.
 *
 * <p>Edges: a neighbour outside the volume repeats the edge slice (slice index clamped to
 * 0..n−1), so the first and last slices see copies of themselves where the volume ends.
 *
 * @param sources source modality names, in channel order (at least one, no repeats)
 * @param context neighbouring slices on each side (k ≥ 0)
 */
public record ConditionLayout(List<String> sources, int context) {
  /** Most neighbouring slices on each side. */
  public static final int MAX_CONTEXT = 8;

  public ConditionLayout {
    if (sources == null || sources.isEmpty()) {
      throw new ConfigException("at least one source modality is required, got " + sources);
    }
    List<String> seen = new ArrayList<>();
    for (String s : sources) {
      if (s == null || s.isBlank()) {
        throw new ConfigException("source modality names must not be blank, got " + sources);
      }
      String key = s.toUpperCase(Locale.ROOT);
      if (seen.contains(key)) {
        throw new ConfigException("source modality " + s + " is listed twice in " + sources
            + "; list each source once");
      }
      seen.add(key);
    }
    if (context < 0 || context > MAX_CONTEXT) {
      throw new ConfigException("context must be in 0.." + MAX_CONTEXT + " (neighbouring slices"
          + " on each side), got " + context);
    }
    sources = List.copyOf(sources);
  }

  /** One source, no context: the paper's setting. */
  public static ConditionLayout single(String source) {
    return new ConditionLayout(List.of(source), 0);
  }

  /** Number of channels of y_0: sources × (2·context + 1). */
  public int channels() {
    return sources.size() * (2 * context + 1);
  }

  /** The slice offset of channel {@code c} (0, −1, +1, −2, +2, …). */
  public int offset(int c) {
    int step = checkChannel(c) / sources.size();
    return step == 0 ? 0 : ((step + 1) / 2) * (step % 2 == 1 ? -1 : 1);
  }

  /** The index into {@link #sources()} of channel {@code c}. */
  public int source(int c) {
    return checkChannel(c) % sources.size();
  }

  /**
   * The slice read for channel {@code c} at slice {@code index} of a volume with {@code n}
   * slices along the axis: index + offset, clamped to 0..n−1 (the edge slice repeats).
   */
  public int sliceIndex(int c, int index, int n) {
    return Math.max(0, Math.min(n - 1, index + offset(c)));
  }

  /**
   * Channel names as the cache manifest records them: {@code source:T1} for a source's own
   * slice, {@code source:T1@-1} / {@code source:T1@+1} for neighbours.
   */
  public List<String> channelNames() {
    List<String> out = new ArrayList<>(channels());
    for (int c = 0; c < channels(); c++) {
      int d = offset(c);
      out.add("source:" + sources.get(source(c)) + (d == 0 ? "" : (d < 0 ? "@" : "@+") + d));
    }
    return out;
  }

  /**
   * The layout that {@link #channelNames()} produced.
   *
   * @throws IllegalArgumentException when the names are not such a list
   */
  public static ConditionLayout fromChannelNames(List<String> names) {
    List<String> sources = new ArrayList<>();
    for (String n : names) {
      if (n == null || !n.startsWith("source:")) {
        throw new IllegalArgumentException("not a source channel name: " + n);
      }
      if (!n.contains("@")) {
        sources.add(n.substring("source:".length()));
      }
    }
    if (sources.isEmpty() || names.size() % sources.size() != 0
        || (names.size() / sources.size()) % 2 == 0) {
      throw new IllegalArgumentException("source channels " + names + " are not sources ×"
          + " (2·context + 1) slices");
    }
    ConditionLayout layout = new ConditionLayout(sources,
        (names.size() / sources.size() - 1) / 2);
    if (!layout.channelNames().equals(names)) {
      throw new IllegalArgumentException("source channels " + names + " are not in the order "
          + layout.channelNames());
    }
    return layout;
  }

  /** "T1, T2" with ", context 1" when there is context; for messages. */
  public String describe() {
    return String.join(" + ", sources) + (context == 0 ? "" : " with context " + context
        + " (" + (2 * context + 1) + " slices each)");
  }

  private int checkChannel(int c) {
    if (c < 0 || c >= channels()) {
      throw new IndexOutOfBoundsException("channel " + c + " outside 0.." + (channels() - 1));
    }
    return c;
  }
}
