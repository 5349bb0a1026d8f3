package org.dfbk.data.transform;

/**
 * One prepared slice pair at model size: S × S row-major, normalised to [−1, 1].
 *
 * @param subject subject id
 * @param transform how to map the model images back to the source grid
 * @param source the source-modality image (the model's condition y_0); with several sources or
 *     slice context the C images of y_0 one after another (C · S · S, {@link ConditionLayout})
 * @param target the target-modality image (the model's x_0)
 */
public record PreparedSlice(String subject, SliceTransform transform, float[] source,
    float[] target) {}
