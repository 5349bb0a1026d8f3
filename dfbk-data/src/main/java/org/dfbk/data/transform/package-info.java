/**
 * The transforms between volumes and model-size slices, and back: intensity normalisation, slice
 * selection, cropping and resampling, the layout of the network's condition, and the profile of
 * an input volume. Nothing here touches the disk; the slice cache
 * ({@link org.dfbk.data.cache}) stores what these produce.
 *
 * <p>Pipeline per subject ({@link org.dfbk.data.transform.SlicePreparer}): input checks
 * ({@link org.dfbk.data.transform.VolumeChecks}: 3-D, finite, not all zero) and paired-grid check
 * (shape and affine within 1e-3 mm) → normalisation
 * ({@link org.dfbk.data.transform.Normalization}, chosen by
 * {@link org.dfbk.data.transform.NormalizationMethod}; MR: clip at 0, divide by the 99.5th
 * percentile of voxels &gt; 0, clip to [0, 1], map to [−1, 1]; CT: clip to [−1024, 3000] HU, map
 * to [−1, 1]) → N slices evenly spaced over the non-empty range along the slice axis
 * ({@link org.dfbk.data.transform.SliceSelector}) → centre crop (or pad) to a square → bilinear
 * resize to S × S ({@link org.dfbk.data.transform.Bilinear}). Every slice keeps its
 * {@link org.dfbk.data.transform.SliceTransform}, whose inverse maps a prediction back to source
 * units on the source slice grid; {@link org.dfbk.data.transform.VolumeTiling} covers every slice
 * of a new volume with such boxes and assembles the predictions back into a volume.
 *
 * <p>{@link org.dfbk.data.transform.ConditionLayout} names the channels of the condition y_0
 * (several sources, neighbouring slices); {@link org.dfbk.data.transform.InputProfile} and
 * {@link org.dfbk.data.transform.DataProfile} describe what inputs looked like after
 * preprocessing, so that a scan unlike the training data can be named.
 */
package org.dfbk.data.transform;
