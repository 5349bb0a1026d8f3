package org.dfbk.train.loop;

import java.util.List;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.DataProfile;

/**
 * The {@code state.json} of a checkpoint: everything besides the arrays that a resumed run needs.
 *
 * @param format layout version (1)
 * @param step optimizer steps completed; the resumed run continues with step index {@code step}
 * @param seed the seed of timesteps and noise; the generator of step s is derived from
 *     (seed, s) alone, so (seed, step) is the complete generator state
 * @param optimizerUpdates AdamW updates applied (its bias-correction counter; smaller than step
 *     when fp16 skipped overflowing steps)
 * @param lossScale the current fp16 loss scale (1 under fp32)
 * @param goodStepsSinceScaleChange fp16 steps since the loss scale last changed
 * @param bestPsnr best validation PSNR so far (NaN if none)
 * @param bestStep its step (−1 if none)
 * @param textEncoderId the text-encoder identifier the caller recorded (may be null)
 * @param parameterNames parameter names in the order of the array lists
 * @param parameterShapes their shapes
 * @param trainable whether each has optimizer moments
 * @param trainer the trainer settings of the run
 * @param createdUtc ISO-8601 time of writing
 * @param modelPixelMm millimetres one model pixel covered in the training slices (median); null
 *     when unknown (checkpoints of older runs, or caches prepared before it was recorded)
 * @param sources the source modalities of the condition y_0, in channel order; null in
 *     checkpoints written before several sources were supported (one source)
 * @param context neighbouring slices on each side in the condition; null in older checkpoints (0)
 * @param inputProfile what the training source volumes looked like after preprocessing
 *     (foreground per slice, intensity quantiles, field of view, tilt, skull-on or stripped),
 *     which translation compares each input with; null when unknown (older runs or caches)
 */
public record CheckpointState(int format, long step, long seed, long optimizerUpdates,
    double lossScale, long goodStepsSinceScaleChange, double bestPsnr, long bestStep,
    String textEncoderId, List<String> parameterNames, List<long[]> parameterShapes,
    List<Boolean> trainable, TrainerConfig trainer, String createdUtc, Double modelPixelMm,
    List<String> sources, Integer context, DataProfile inputProfile) {

  /**
   * The condition the model was trained with: the recorded sources and context, or for a
   * checkpoint without that record one source ({@code recordedSource}, the config's) and
   * context 0.
   */
  public ConditionLayout conditionLayout(String recordedSource) {
    return sources == null || sources.isEmpty() ? ConditionLayout.single(recordedSource)
        : new ConditionLayout(sources, context == null ? 0 : context);
  }
}
