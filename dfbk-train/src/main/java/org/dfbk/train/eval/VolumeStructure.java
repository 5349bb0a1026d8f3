package org.dfbk.train.eval;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.LesionContrast;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.StructureMetrics;
import org.dfbk.train.metrics.TissueClasses;

/**
 * The structure metrics of a subject that need its whole volume: the tissue classes of truth and
 * prediction (Dice) and the lesion regions (lesion contrast), fitted once per volume and read per
 * slice and for the whole volume. The truth's tissue classes and the lesion shell serve every
 * method of a subject, so they are kept while the same truth, lesion and mask arrays come back.
 * Not thread-safe, as its {@link EvalReport}.
 */
final class VolumeStructure {
  /** A value derived from one array and one mask, reused while both are the same objects. */
  private record Cached<T>(Object image, boolean[] mask, T value) {}

  /** The truth's tissue labels, fitted once for all methods of a subject. */
  private Cached<byte[]> truthTissue;
  /** The lesion shell, computed once for all methods of a subject. */
  private Cached<boolean[]> lesionShell;

  /**
   * The tissue labels and lesion regions of one volume, read per slice. Fields are null when not
   * computed.
   */
  record Regions(byte[] truthTissue, byte[] predTissue, float[] truth, float[] pred,
      boolean[] lesion, boolean[] shell) {

    /** Dice and lesion contrast over the elements [from, to). */
    Map<Metric, Double> slice(int from, int to) {
      Map<Metric, Double> out = new EnumMap<>(Metric.class);
      if (truthTissue != null) {
        out.putAll(TissueClasses.dice(truthTissue, predTissue, from, to));
      }
      if (lesion != null) {
        float[] t = Arrays.copyOfRange(truth, from, to);
        float[] p = Arrays.copyOfRange(pred, from, to);
        boolean[] l = Arrays.copyOfRange(lesion, from, to);
        boolean[] s = Arrays.copyOfRange(shell, from, to);
        out.putAll(LesionContrast.ofRegions(t, p, l, s));
      }
      return out;
    }
  }

  /**
   * The regions of one predicted volume: none without the structure metrics; the tissue classes
   * when {@code options} name a contrast, the target is MR and a foreground {@code mask} is
   * given; the lesion regions (on the CT scale shifted by +1024 for CT) when {@code lesions} is.
   */
  Regions regions(EvalOptions options, Volume target, Volume prediction, boolean ct,
      boolean[] mask, boolean[] lesions, Grid g3) {
    if (!options.structure()) {
      return new Regions(null, null, null, null, null, null);
    }
    byte[] tt = null;
    byte[] pt = null;
    if (options.tissueContrast() != null && !ct && mask != null) {
      // the truth's classes serve every method of the subject: fitted once per truth and mask
      if (truthTissue == null || truthTissue.image() != target.data()
          || truthTissue.mask() != mask) {
        truthTissue = new Cached<>(target.data(), mask,
            TissueClasses.segment(target.data(), mask, options.tissueContrast()));
      }
      tt = truthTissue.value();
      pt = TissueClasses.segment(prediction.data(), mask, options.tissueContrast());
    }
    if (lesions == null) {
      return new Regions(tt, pt, null, null, null, null);
    }
    float[] t = ct ? StructureMetrics.ctScale(target.data()) : target.data();
    float[] p = ct ? StructureMetrics.ctScale(prediction.data()) : prediction.data();
    if (lesionShell == null || lesionShell.image() != lesions || lesionShell.mask() != mask) {
      lesionShell = new Cached<>(lesions, mask, LesionContrast.shell(lesions, mask, g3));
    }
    return new Regions(tt, pt, t, p, lesions, lesionShell.value());
  }
}
