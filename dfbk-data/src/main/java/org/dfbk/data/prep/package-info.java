/**
 * Preprocessing of paired volumes into model-size slice pairs, the on-disk slice cache and the
 * DJL dataset over it.
 *
 * <p>Pipeline per subject ({@link org.dfbk.data.prep.SlicePreparer}): input checks (3-D, finite,
 * not all zero) and paired-grid check (shape and affine within 1e-3 mm) → normalisation (MR: clip
 * at 0, divide by the 99.5th percentile of voxels &gt; 0, clip to [0, 1], map to [−1, 1]; CT:
 * clip to [−1024, 3000] HU, map to [−1, 1]) → N slices evenly spaced over the non-empty range
 * along the slice axis → centre crop (or pad) to a square → bilinear resize to S × S. Every slice
 * keeps its {@link org.dfbk.data.prep.SliceTransform}, whose inverse maps a prediction back to
 * source units on the source slice grid.
 *
 * <p>{@link org.dfbk.data.prep.SliceCache#prepare} runs this once into a memory-mapped store with
 * a provenance manifest; {@link org.dfbk.data.prep.SliceDataset} serves it to DJL as
 * (x_0 = target, y_0 = source).
 */
package org.dfbk.data.prep;
