package org.dfbk.data.nifti;

import java.util.Locale;

/** NIfTI file names: which names are images, and a name without its extension. */
public final class NiftiNames {
  private NiftiNames() {}

  /**
   * Whether {@code fileName} names a NIfTI image to read: {@code .nii}, {@code .nii.gz},
   * {@code .hdr} or {@code .hdr.gz} in any letter case (the {@code .img} of a pair is read through
   * its {@code .hdr}, so it is not listed on its own).
   */
  public static boolean isNifti(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    return n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".hdr")
        || n.endsWith(".hdr.gz");
  }

  /**
   * {@code fileName} without its NIfTI extension ({@code .nii}, {@code .hdr}, {@code .img}, each
   * optionally {@code .gz}; any letter case); other names are returned as they are.
   */
  public static String stem(String fileName) {
    return fileName.replaceAll("(?i)\\.(nii|hdr|img)(\\.gz)?$", "");
  }
}
