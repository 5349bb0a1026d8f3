/**
 * Inference with a trained model: {@link org.dfbk.train.infer.SliceTranslator} runs the sampler
 * over model-size slices, {@link org.dfbk.train.infer.VolumeTranslator} translates a whole volume
 * slice by slice on its own grid, and {@link org.dfbk.train.infer.FileTranslator} turns one NIfTI
 * file (or one file per source) into its output files with every guard of {@code dfbk translate}.
 * {@link org.dfbk.train.infer.InputCheck} and {@link org.dfbk.train.infer.ScaleCheck} warn when a
 * scan is unlike the training inputs.
 */
package org.dfbk.train.infer;
