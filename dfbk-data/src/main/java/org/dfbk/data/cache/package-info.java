/**
 * The on-disk slice cache: paired volumes of a dataset prepared once into model-size slice pairs
 * (by the transforms of {@link org.dfbk.data.transform}) and memory-mapped for training and
 * evaluation.
 *
 * <p>{@link org.dfbk.data.cache.SliceCache#prepare} scans the dataset layout, assigns the split,
 * prepares the subjects in parallel into a store of float16 or float32 records
 * ({@link org.dfbk.data.cache.StoreType}, {@link org.dfbk.data.cache.Half}) with a JSON manifest of
 * provenance ({@link org.dfbk.data.cache.SliceInfo} per slice), and reuses an existing cache only
 * when its {@link org.dfbk.data.cache.PrepareSpec} hash and input file fingerprints
 * ({@link org.dfbk.data.cache.SourceFingerprint}) are unchanged.
 * {@link org.dfbk.data.cache.SliceCache} reads the records (target x_0, then the condition y_0);
 * the trainer draws its batches from it ({@code org.dfbk.train.loop.CacheBatchSource}).
 */
package org.dfbk.data.cache;
