package org.dfbk.train.loop;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dfbk.core.error.ConfigException;

/**
 * Numeric precision of the forward and backward passes. The master weights, optimizer moments and
 * EMA are always float32.
 */
public enum Precision {
  /** Everything in float32. */
  FP32,
  /**
   * Replicas hold float16 weights and run float16 forward/backward with dynamic loss scaling;
   * gradients are unscaled into float32 master weights. GPU only.
   */
  FP16,
  /** Refused: bfloat16 kernels crash the PyTorch engine of DJL 0.29. */
  BF16;

  /** Parses fp32, fp16 or bf16 (any case); the error lists the allowed values. */
  public static Precision parse(String key, String value) {
    for (Precision p : values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw new ConfigException(key + ": unknown precision '" + value + "'; allowed: "
        + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")));
  }
}
