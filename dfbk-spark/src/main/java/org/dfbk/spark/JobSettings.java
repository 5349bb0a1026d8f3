package org.dfbk.spark;

import java.io.Serializable;

/**
 * What every task of one job needs to know, sent from the driver to the executors.
 *
 * @param checkpoint the checkpoint's URI (any Hadoop file system)
 * @param fingerprint SHA-256 of the checkpoint's bytes, read on the driver; an executor that reads
 *     other bytes (the file changed during the job) refuses to translate with them
 * @param batch slices per network call
 * @param samples samples per slice (K &gt; 1 adds a {@code *_std} map)
 * @param seed the sampler seed
 * @param volume the volume index of 4-D inputs, or null
 * @param strict whether a file unlike the training data (or with damaged voxels) is refused,
 *     with nothing written for it, instead of translated with a warning
 * @param flip whether each slice is also translated mirrored left-right ({@code --tta flip})
 * @param overwrite translate files whose complete outputs exist
 * @param stagingRoot the URI of this run's staging folder on the output file system
 * @param threads PyTorch intra-op threads per executor JVM (set before its engine starts)
 * @param failFirstAttemptOf the file name whose first task attempt fails after its outputs were
 *     staged (fault injection for testing retries), or null
 */
public record JobSettings(String checkpoint, String fingerprint, int batch, int samples, long seed,
    Integer volume, boolean strict, boolean flip, boolean overwrite, String stagingRoot,
    int threads, String failFirstAttemptOf)
    implements Serializable {
  /** Spark configuration key of {@link #failFirstAttemptOf}. */
  public static final String FAULT_INJECTION_KEY = "spark.dfbk.faultInjection.failFirstAttemptOf";
}
