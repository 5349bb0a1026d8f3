package org.dfbk.data.nifti;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Read throughput of {@link NiftiIO#read} plus float decoding of volume 0, against
 * {@code gzip -dc FILE > /dev/null} on the same file. Not a test; run by hand:
 *
 * <pre>
 * mvn -B -o -q test-compile -pl dfbk-data
 * java -cp "dfbk-data/target/test-classes:dfbk-data/target/classes:dfbk-core/target/classes:$(
 *   find ~/.m2/repository/com/google/code/gson/gson/2.11.0 -name '*.jar')" \
 *   org.dfbk.data.nifti.NiftiReadBenchmark ../shared/data/open-ms/patient07/T1.nii.gz 10
 * </pre>
 *
 * Prints the median time of each, in ms and in MB/s of decompressed bytes.
 */
public final class NiftiReadBenchmark {
  private NiftiReadBenchmark() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: NiftiReadBenchmark FILE.nii.gz [repetitions]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    NiftiImage warm = NiftiIO.read(file);
    long rawBytes = warm.rawData().capacity() + warm.header().voxOffset();
    for (int i = 0; i < 3; i++) {
      NiftiIO.read(file).volume();
    }
    double[] java = new double[reps];
    double[] gzip = new double[reps];
    double checksum = 0;
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      float[] v = NiftiIO.read(file).volume().data();
      java[i] = (System.nanoTime() - t0) / 1e6;
      checksum += v[v.length / 2];
      t0 = System.nanoTime();
      Process p = new ProcessBuilder("gzip", "-dc", file.toString())
          .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("gzip -dc failed on " + file);
      }
      gzip[i] = (System.nanoTime() - t0) / 1e6;
    }
    double jm = median(java);
    double gm = median(gzip);
    double mb = rawBytes / 1e6;
    System.out.printf(Locale.ROOT, "file %s: %.1f MB compressed, %.1f MB decompressed%n", file,
        Files.size(file) / 1e6, mb);
    System.out.printf(Locale.ROOT, "NiftiIO.read + volume(): median %.0f ms = %.0f MB/s%n", jm,
        mb / (jm / 1e3));
    System.out.printf(Locale.ROOT, "gzip -dc > /dev/null:    median %.0f ms = %.0f MB/s%n", gm,
        mb / (gm / 1e3));
    System.out.printf(Locale.ROOT, "ratio java/gzip: %.2f (checksum %.3f)%n", jm / gm, checksum);
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
