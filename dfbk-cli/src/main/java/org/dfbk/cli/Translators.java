package org.dfbk.cli;

import org.dfbk.data.prep.ModalityKind;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.run.FileTranslator;
import org.dfbk.train.run.SliceTranslator;

/** The {@link FileTranslator} of a loaded checkpoint, as every file-translating front end builds it. */
public final class Translators {
  private Translators() {}

  /**
   * The translator of {@code m}: its modalities, slicing axis, image size, training scale,
   * normalisation, record of its training inputs and schedule, with {@code samples} samples per
   * slice in network calls of {@code batch} slices.
   *
   * @param volume the volume index of 4-D inputs, or null to refuse series of several volumes
   */
  public static FileTranslator of(Pipeline.Loaded m, int batch, int samples, long seed,
      Integer volume) {
    return of(m, batch, samples, seed, volume, false);
  }

  /**
   * As above; with {@code strict} a scan unlike the training data (or with damaged voxels) is
   * refused with nothing written, instead of translated with a warning.
   */
  public static FileTranslator of(Pipeline.Loaded m, int batch, int samples, long seed,
      Integer volume, boolean strict) {
    return of(m, batch, samples, seed, volume, strict, false);
  }

  /**
   * As above; with {@code flip} each slice is also translated mirrored left-right and the outputs
   * are the mean (and std) over both passes' samples ({@link SliceTranslator}).
   */
  public static FileTranslator of(Pipeline.Loaded m, int batch, int samples, long seed,
      Integer volume, boolean strict, boolean flip) {
    var data = m.config().data();
    ModalityKind src = data.sourceIsCt() ? ModalityKind.CT : ModalityKind.MR;
    ModalityKind tgt = data.targetIsCt() ? ModalityKind.CT : ModalityKind.MR;
    SliceTranslator slices = new SliceTranslator(m.model(),
        new ResShiftSampler(Pipeline.schedule(m.config())), m.text(), batch, samples, flip);
    return new FileTranslator(slices::translate, samples > 1, new FileTranslator.Settings(src, tgt,
        data.axis(), m.spec().imageSize(), m.state().modelPixelMm(), seed, volume,
        data.normalization(), data.source(), m.state().inputProfile(), strict));
  }
}
