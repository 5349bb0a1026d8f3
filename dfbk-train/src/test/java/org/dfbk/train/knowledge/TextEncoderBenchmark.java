package org.dfbk.train.knowledge;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load and encode times of the text encoders; tagged slow (excluded from the test run). Run its
 * {@link #main} on the test class path (see BENCHMARKS-text.md). Prints, asserts nothing timed.
 */
@Tag("slow")
class TextEncoderBenchmark {

  private static final List<String> PROMPTS = List.of(
      "Axial T1-weighted brain MR image: white matter brighter than grey matter, dark CSF.",
      "Axial T2-weighted brain MR image: hyperintense CSF, grey matter brighter than white "
          + "matter.",
      "Translate the T1-weighted image into the T2-weighted image.");

  /** Runs both measurements. */
  public static void main(String[] args) {
    TextEncoderBenchmark b = new TextEncoderBenchmark();
    b.minilm();
    b.tinyTorchScript();
  }

  @Test
  void minilm() {
    long t0 = System.nanoTime();
    try (MiniLmTextEncoder enc = MiniLmTextEncoder.load()) {
      long t1 = System.nanoTime();
      enc.encode(PROMPTS);
      long t2 = System.nanoTime();
      int reps = 20;
      for (int i = 0; i < reps; i++) {
        enc.encode(PROMPTS);
      }
      long t3 = System.nanoTime();
      System.out.printf(Locale.ROOT,
          "minilm: create (fingerprint) %.2f s, first encode (loads the model) "
              + "%.2f s, encode (3 prompts) %.1f ms%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e6 / reps);
    }
  }

  @Test
  void tinyTorchScript() {
    long t0 = System.nanoTime();
    try (BiomedClipTextEncoder enc = BiomedClipTextEncoder.load(TinyExport.dir())) {
      long t1 = System.nanoTime();
      enc.encode(PROMPTS.subList(2, 3));
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT,
          "tiny torchscript: create %.2f s, first encode (loads the model) %.2f s%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
  }
}
