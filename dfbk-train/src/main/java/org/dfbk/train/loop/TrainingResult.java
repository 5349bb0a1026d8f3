package org.dfbk.train.loop;

import java.nio.file.Path;

/**
 * The end state of {@link Trainer#fit()}.
 *
 * @param steps optimizer steps completed
 * @param lastLoss mean training loss of the last logging window
 * @param bestPsnr best validation PSNR (NaN without validation)
 * @param bestStep the step of the best PSNR (−1 without validation)
 * @param lastCheckpoint the {@code last.zip} written at the end
 */
public record TrainingResult(long steps, double lastLoss, double bestPsnr, long bestStep,
    Path lastCheckpoint) {}
