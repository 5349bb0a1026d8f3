package org.dfbk.data.phantom;

import java.util.Map;
import org.dfbk.data.volume.Volume;

/**
 * One generated phantom subject: an image per modality ("T1", "T2", "FLAIR", "PD" in arbitrary MR
 * units, "CT" in Hounsfield units) and the tissue label volume ({@link Tissue#label()} values), all
 * on one grid with one affine.
 *
 * @param id subject identifier, {@code phantom-NNN}
 * @param images modality name to volume, in the order T1, T2, FLAIR, PD, CT
 * @param labels tissue labels (float-valued integers 0..6)
 */
public record PhantomSubject(String id, Map<String, Volume> images, Volume labels) {

  public PhantomSubject {
    images = Map.copyOf(images);
  }

  /** The image of one modality; the message lists the modalities when the name is unknown. */
  public Volume image(String modality) {
    Volume v = images.get(modality);
    if (v == null) {
      throw new IllegalArgumentException("phantom has no modality '" + modality + "'; it has "
          + PhantomGenerator.MODALITIES);
    }
    return v;
  }
}
