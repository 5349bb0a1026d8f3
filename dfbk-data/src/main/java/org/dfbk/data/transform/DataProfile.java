package org.dfbk.data.transform;

import java.util.List;

/**
 * What the training inputs looked like after preprocessing: the {@link InputProfile}s of the
 * training subjects' source volumes summarised (median, smallest and largest over subjects).
 * Recorded in the slice cache's manifest (per subject) and in each checkpoint (this summary), and
 * compared with every scan given to translation.
 *
 * @param volumes the number of volumes summarised
 * @param kind MR or CT, the source's normalisation
 * @param foregroundFraction median over volumes of {@link InputProfile#foregroundFraction()}
 * @param foregroundFractionMin its smallest value
 * @param foregroundFractionMax its largest value
 * @param quantiles median over volumes of each of {@link InputProfile#quantiles()}
 * @param quantilesMin their smallest values
 * @param quantilesMax their largest values
 * @param fieldOfViewMm median in-plane field of view (short side), mm
 * @param skullOnShare the share of MR volumes that look skull-on
 *     ({@link InputProfile#looksSkullOn()}); null for CT
 * @param obliqueDegreesMax the largest {@link InputProfile#obliqueDegrees()} of the volumes
 */
public record DataProfile(int volumes, ModalityKind kind, double foregroundFraction,
    double foregroundFractionMin, double foregroundFractionMax, double[] quantiles,
    double[] quantilesMin, double[] quantilesMax, double fieldOfViewMm, Double skullOnShare,
    double obliqueDegreesMax) {

  public DataProfile {
    int q = InputProfile.QUANTILE_LEVELS.length;
    if (volumes < 1 || kind == null || quantiles == null || quantiles.length != q
        || quantilesMin == null || quantilesMin.length != q || quantilesMax == null
        || quantilesMax.length != q) {
      throw new IllegalArgumentException("a data profile needs >= 1 volume, a kind and " + q
          + " quantiles of each kind, got volumes " + volumes + ", kind " + kind);
    }
  }

  /** The summary of {@code profiles} (volumes with no measured slice are left out). */
  public static DataProfile of(List<InputProfile> profiles, ModalityKind kind) {
    List<InputProfile> used = profiles.stream().filter(p -> p.slices() > 0).toList();
    if (used.isEmpty()) {
      throw new IllegalArgumentException("no profile with a measured slice to summarise");
    }
    int q = InputProfile.QUANTILE_LEVELS.length;
    double[] med = new double[q];
    double[] min = new double[q];
    double[] max = new double[q];
    for (int i = 0; i < q; i++) {
      final int k = i;
      double[] v = used.stream().mapToDouble(p -> p.quantiles()[k]).toArray();
      med[i] = Normalization.median(v);
      min[i] = java.util.Arrays.stream(v).min().orElseThrow();
      max[i] = java.util.Arrays.stream(v).max().orElseThrow();
    }
    double[] fg = used.stream().mapToDouble(InputProfile::foregroundFraction).toArray();
    Double skull = kind == ModalityKind.CT ? null
        : used.stream().filter(InputProfile::looksSkullOn).count() / (double) used.size();
    return new DataProfile(used.size(), kind, Normalization.median(fg),
        java.util.Arrays.stream(fg).min().orElseThrow(),
        java.util.Arrays.stream(fg).max().orElseThrow(), med, min, max,
        Normalization.median(used.stream().mapToDouble(InputProfile::fieldOfViewMm).toArray()),
        skull, used.stream().mapToDouble(InputProfile::obliqueDegrees).max().orElseThrow());
  }
}
