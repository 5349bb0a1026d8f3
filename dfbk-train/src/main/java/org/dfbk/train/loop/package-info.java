/**
 * The training loop: {@link org.dfbk.train.loop.Trainer} (AdamW, cosine learning rate, EMA,
 * global-norm clipping, fp16, data parallel over devices, gradient accumulation, validation,
 * metrics, atomic checkpoints and exact resume) over any DJL block adapted by a
 * {@link org.dfbk.train.loop.TrainingModel}, fed by a {@link org.dfbk.train.loop.BatchSource}.
 */
package org.dfbk.train.loop;
