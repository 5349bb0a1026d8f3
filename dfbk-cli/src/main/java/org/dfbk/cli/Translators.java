package org.dfbk.cli;

import org.dfbk.data.transform.ModalityKind;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.infer.FileTranslator;
import org.dfbk.train.infer.SliceTranslator;

/**
 * The {@link FileTranslator} of a loaded checkpoint, as every file-translating front end builds it.
 */
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
        new ResShiftSampler(org.dfbk.cli.config.ConfigMapper.schedule(m.config())), m.text(),
        batch, samples, flip);
    return new FileTranslator(slices::translate, samples > 1, new FileTranslator.Settings(src, tgt,
        data.axis(), m.spec().imageSize(), m.state().modelPixelMm(), seed, volume, "--volume",
        data.normalization(), data.source(), m.state().inputProfile(), strict),
        condition(m));
  }

  /**
   * The sources and slice context a loaded checkpoint takes: those its state records (or, for a
   * checkpoint written before they were recorded, one source and context 0), which must be its
   * config's.
   *
   * @throws org.dfbk.core.error.DataException when the record and the stored config disagree
   */
  public static org.dfbk.data.transform.ConditionLayout condition(Pipeline.Loaded m) {
    var recorded = m.state().conditionLayout(m.config().data().source());
    var configured = m.config().data().condition();
    if (!recorded.equals(configured)) {
      throw new org.dfbk.core.error.DataException("the checkpoint records sources "
          + recorded.sources() + " with context " + recorded.context() + " but its config has "
          + configured.sources() + " with context " + configured.context() + "; the checkpoint"
          + " is damaged or was edited. Fix: use a checkpoint written by 'dfbk train'");
    }
    return recorded;
  }
}
