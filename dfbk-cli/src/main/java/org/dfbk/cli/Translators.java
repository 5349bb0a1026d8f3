package org.dfbk.cli;

import org.dfbk.data.prep.ModalityKind;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.run.FileTranslator;
import org.dfbk.train.run.SliceTranslator;

/** The {@link FileTranslator} of a loaded checkpoint, as every file-translating front end builds it. */
public final class Translators {
  private Translators() {}

  /**
   * The translator of {@code m}: its modalities, slicing axis, image size, training scale and
   * schedule, with {@code samples} samples per slice in network calls of {@code batch} slices.
   *
   * @param volume the volume index of 4-D inputs, or null to refuse series of several volumes
   */
  public static FileTranslator of(Pipeline.Loaded m, int batch, int samples, long seed,
      Integer volume) {
    var data = m.config().data();
    ModalityKind src = data.sourceIsCt() ? ModalityKind.CT : ModalityKind.MR;
    ModalityKind tgt = data.targetIsCt() ? ModalityKind.CT : ModalityKind.MR;
    SliceTranslator slices = new SliceTranslator(m.model(),
        new ResShiftSampler(Pipeline.schedule(m.config())), m.text(), batch, samples);
    return new FileTranslator(slices::translate, samples > 1, new FileTranslator.Settings(src, tgt,
        data.axis(), m.spec().imageSize(), m.state().modelPixelMm(), seed, volume));
  }
}
