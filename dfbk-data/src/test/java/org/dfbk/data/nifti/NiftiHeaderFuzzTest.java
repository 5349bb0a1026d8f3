package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.dfbk.core.error.DataException;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded header fuzzing of the NIfTI reader as {@code dfbk data inspect} runs it
 * ({@link VolumeInfo#inspect}: read, decode volume 0, statistics).
 *
 * <p>Bases: every file of the shared conformance set (skipped when ../shared is absent) and a
 * generated 5×4×3 file of each supported datatype × NIfTI-1/NIfTI-2 × both byte orders × .nii
 * and .nii.gz ({@link RawNifti}). Each case copies one base and applies 1–3 mutations: a value
 * written into a header field (dims, pixdim, vox_offset, datatype, bitpix, scl_slope/inter,
 * qform/sform codes, quaternion, qoffset, srow) drawn from in-range, extreme, negative, NaN
 * and infinite values; random bytes anywhere in the header; or a truncation of the file at a
 * random point. A gzipped base is rebuilt as two gzip members (the mutated header, then the
 * unchanged voxels compressed once), which readers take as one stream.
 *
 * <p>Each case must end, within {@link #CASE_LIMIT_MS}, in a successful read or a
 * {@link DataException} whose message names the file; any other throwable (an
 * OutOfMemoryError included) fails the test, as does a case that allocates more than the
 * decoded data can need ({@link #allocationBound}). The worst and mean time per case and the
 * largest allocation are printed.
 *
 * <p>System properties: {@code dfbk.fuzz.cases} (default 10000), {@code dfbk.fuzz.seed}
 * (default {@value #DEFAULT_SEED}), {@code dfbk.fuzz.case} (run only that case number, to
 * reproduce a failure: the failure message prints seed, case, base and mutations).
 */
class NiftiHeaderFuzzTest {
  static final long DEFAULT_SEED = 20_240_611L;
  /** Wall-clock bound per case; generous against a loaded 2-core machine (typical is ~1 ms). */
  static final long CASE_LIMIT_MS = 2_000;
  private static final int MAX_REPORTED_FAILURES = 10;

  @TempDir
  Path tmp;

  /** One file to mutate: its decompressed bytes, and for gzip its voxels compressed once. */
  record Base(String name, int version, ByteOrder order, boolean gzip, byte[] raw,
      int headerEnd, byte[] gzipTail) {}

  /** One case's file and how it was made. */
  record Mutant(Base base, byte[] bytes, List<String> mutations) {}

  @Test
  void mutatedHeadersGiveAReadOrADataException() throws Exception {
    long seed = Long.getLong("dfbk.fuzz.seed", DEFAULT_SEED);
    int cases = Integer.getInteger("dfbk.fuzz.cases", 10_000);
    Integer only = Integer.getInteger("dfbk.fuzz.case");
    List<Base> bases = new ArrayList<>(generatedBases());
    List<Base> conformance = conformanceBases();
    bases.addAll(conformance);
    System.out.printf(Locale.ROOT, "NIfTI header fuzz: seed %d, %d cases, %d bases (%d from the"
        + " conformance set%s)%n", seed, cases, bases.size(), conformance.size(),
        conformance.isEmpty() ? ": ../shared is absent, skipped" : "");

    Path plain = tmp.resolve("fuzz.nii");
    Path gz = tmp.resolve("fuzz.nii.gz");
    // One open channel per file, rewritten in place: far cheaper than Files.write, whose
    // truncation of the previous case's blocks dominates the run on an ext4 disk.
    FileChannel plainOut = FileChannel.open(plain, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileChannel gzOut = FileChannel.open(gz, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "nifti-fuzz");
      t.setDaemon(true);
      return t;
    });
    List<String> failures = new ArrayList<>();
    TreeMap<String, Integer> outcomes = new TreeMap<>();
    long totalNanos = 0;
    long[] caseNanos = new long[only != null ? 1 : cases];
    long[] worstNanos = new long[2]; // [0] successful reads, [1] rejections
    String[] worstCase = {"none", "none"};
    long worstAlloc = 0;
    int ran = 0;
    long start = System.nanoTime();
    try {
      for (int c = only != null ? only : 0; c < (only != null ? only + 1 : cases); c++) {
        Mutant m = mutate(bases, seed, c);
        Path file = m.base().gzip() ? gz : plain;
        overwrite(m.base().gzip() ? gzOut : plainOut, m.bytes());
        Future<Outcome> f = worker.submit(() -> inspect(file));
        Outcome o;
        try {
          o = f.get(CASE_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          f.cancel(true);
          fail(describe(seed, c, m) + ": did not finish within " + CASE_LIMIT_MS + " ms");
          return;
        }
        caseNanos[ran++] = o.nanos();
        totalNanos += o.nanos();
        int w = o.error() == null ? 0 : 1;
        if (o.nanos() > worstNanos[w]) {
          worstNanos[w] = o.nanos();
          worstCase[w] = "case " + c + ", " + m.base().name();
        }
        worstAlloc = Math.max(worstAlloc, o.allocated());
        outcomes.merge(o.kind(file), 1, Integer::sum);
        String problem = null;
        if (o.error() != null && !(o.error() instanceof DataException)) {
          problem = "threw " + o.error() + stackTop(o.error());
        } else if (o.error() != null
            && !o.error().getMessage().contains(file.getFileName().toString())) {
          problem = "DataException does not name the file: " + o.error().getMessage();
        } else if (o.allocated() > allocationBound(m.base())) {
          problem = "allocated " + o.allocated() + " bytes, more than "
              + allocationBound(m.base()) + " that the base's data can need";
        }
        if (problem != null && failures.size() < MAX_REPORTED_FAILURES) {
          failures.add(describe(seed, c, m) + ": " + problem);
        }
      }
    } finally {
      worker.shutdownNow();
      plainOut.close();
      gzOut.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    java.util.Arrays.sort(caseNanos, 0, ran);
    System.out.printf(Locale.ROOT, "NIfTI header fuzz: %d cases in %.1f s; per case mean %.2f ms,"
        + " p99 %.2f ms, worst rejection %.1f ms (%s), worst successful read %.1f ms (%s);"
        + " largest allocation %.1f MiB%n", ran, seconds, totalNanos / 1e6 / Math.max(1, ran),
        caseNanos[Math.max(0, (int) Math.ceil(0.99 * ran) - 1)] / 1e6, worstNanos[1] / 1e6,
        worstCase[1], worstNanos[0] / 1e6, worstCase[0], worstAlloc / 1048576.0);
    outcomes.forEach((k, n) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", n, k));
    assertTrue(failures.isEmpty(), failures.size() + " failing case(s) (first "
        + MAX_REPORTED_FAILURES + "):\n" + String.join("\n", failures));
  }

  private static void overwrite(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b, b.position());
    }
    ch.truncate(bytes.length);
  }

  /** How one read ended: no error, or the throwable, with its time and allocation. */
  record Outcome(Throwable error, long nanos, long allocated) {
    /**
     * A short label for the tally: "read", or the exception and the start of its message with
     * the file's path and the numbers blanked.
     */
    String kind(Path file) {
      if (error == null) {
        return "read";
      }
      String what = String.valueOf(error.getMessage()).replace(file.toString(), "FILE")
          .replaceAll("\\[[^]]*]", "[..]").replaceAll("\\([^)]*\\)", "")
          .replaceAll("-?\\d+(\\.\\d+)?(E-?\\d+)?", "N").replaceAll("\"[^\"]*\"", "\"..\"");
      int end = what.indexOf(" is out of range");
      what = end > 0 ? what.substring(0, end) : what.substring(0, Math.min(64, what.length()));
      return error.getClass().getSimpleName() + ": " + what;
    }
  }

  private static Outcome inspect(Path file) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long alloc = mx.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    Throwable error = null;
    try {
      VolumeInfo.inspect(file);
    } catch (Throwable t) {
      error = t;
    }
    return new Outcome(error, System.nanoTime() - t0,
        mx.getCurrentThreadAllocatedBytes() - alloc);
  }

  /**
   * The most a read of a mutant of {@code base} may allocate: 16 MiB of slack plus 16 bytes per
   * decompressed byte (raw voxels, and inspect's three float copies of a uint8 volume).
   */
  static long allocationBound(Base base) {
    return (16L << 20) + 16L * base.raw().length;
  }

  // ------------------------------------------------------------------ bases

  static List<Base> generatedBases() {
    List<Base> out = new ArrayList<>();
    long seed = 1;
    for (int version : new int[] {1, 2}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (NiftiDataType type : NiftiDataType.values()) {
          byte[] raw = RawNifti.image(version, order, type, 5, 4, 3, seed++);
          String name = "nifti" + version + "-" + (order == ByteOrder.BIG_ENDIAN ? "be" : "le")
              + "-" + type.numpyName();
          out.add(base(name + ".nii", version, order, false, raw));
          out.add(base(name + ".nii.gz", version, order, true, raw));
        }
      }
    }
    return out;
  }

  /** The files of the shared conformance set that nibabel reads (its reference lists them). */
  static List<Base> conformanceBases() throws IOException {
    Path root = SharedData.root();
    if (root == null || !Files.exists(root.resolve("reference/nifti-conformance.json"))) {
      return List.of();
    }
    JsonObject ref = Golden.file(root.resolve("reference/nifti-conformance.json"));
    List<Base> out = new ArrayList<>();
    for (JsonElement e : ref.getAsJsonArray("files")) {
      String name = e.getAsJsonObject().get("file").getAsString();
      Path p = root.resolve("data/nifti-conformance").resolve(name);
      boolean gzip = NiftiIO.isGzip(p);
      byte[] raw;
      try (InputStream in = gzip ? new GZIPInputStream(Files.newInputStream(p))
          : Files.newInputStream(p)) {
        raw = in.readAllBytes();
      }
      int[] vo = NiftiHeader.detect(raw, p);
      out.add(base(name, vo[0], vo[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN,
          gzip, raw));
    }
    return out;
  }

  private static Base base(String name, int version, ByteOrder order, boolean gzip,
      byte[] raw) {
    int headerEnd = Math.min(raw.length, RawNifti.dataOffset(version));
    byte[] tail = gzip ? RawNifti.gzip(raw, headerEnd, raw.length) : null;
    return new Base(name, version, order, gzip, raw, headerEnd, tail);
  }

  // ------------------------------------------------------------------ mutation

  /** Case {@code c} of {@code seed}: its own generator, so any case can be rerun alone. */
  static Mutant mutate(List<Base> bases, long seed, int c) {
    SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
    Base base = bases.get(rng.nextInt(bases.size()));
    byte[] header = java.util.Arrays.copyOf(base.raw(), base.headerEnd());
    ByteBuffer bb = ByteBuffer.wrap(header).order(base.order());
    List<String> done = new ArrayList<>();
    int truncateAt = -1;
    int n = 1 + rng.nextInt(3);
    for (int k = 0; k < n; k++) {
      int kind = rng.nextInt(100);
      if (kind < 65) {
        List<RawNifti.Field> fields = RawNifti.fields(base.version());
        RawNifti.Field f = fields.get(rng.nextInt(fields.size()));
        if (f.offset() + f.kind().bytes > header.length) {
          continue;
        }
        done.add(putValue(bb, f, rng));
      } else if (kind < 85) {
        int count = 1 + rng.nextInt(8);
        StringBuilder sb = new StringBuilder("random bytes");
        for (int i = 0; i < count; i++) {
          int at = rng.nextInt(header.length);
          header[at] = (byte) rng.nextInt(256);
          sb.append(String.format(Locale.ROOT, " [%d]=0x%02x", at, header[at] & 0xff));
        }
        done.add(sb.toString());
      } else {
        truncateAt = -2; // decided below, once the file's length is known
      }
    }
    byte[] bytes;
    if (base.gzip()) {
      byte[] head = RawNifti.gzip(header);
      bytes = new byte[head.length + base.gzipTail().length];
      System.arraycopy(head, 0, bytes, 0, head.length);
      System.arraycopy(base.gzipTail(), 0, bytes, head.length, base.gzipTail().length);
    } else {
      bytes = new byte[base.raw().length];
      System.arraycopy(header, 0, bytes, 0, header.length);
      System.arraycopy(base.raw(), header.length, bytes, header.length,
          base.raw().length - header.length);
    }
    if (truncateAt == -2) {
      truncateAt = rng.nextInt(bytes.length);
      bytes = java.util.Arrays.copyOf(bytes, truncateAt);
      done.add("truncate " + (base.gzip() ? "the gzip file" : "the file") + " to " + truncateAt
          + " bytes");
    }
    return new Mutant(base, bytes, done);
  }

  /** Writes a value of one class (in range, extreme, negative, NaN, infinite) into {@code f}. */
  private static String putValue(ByteBuffer bb, RawNifti.Field f, SplittableRandom rng) {
    String what;
    if (f.kind().isFloat()) {
      double[] extremes = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY, 1e30, -1e30, Float.MAX_VALUE, -Float.MAX_VALUE,
          Float.MIN_VALUE, 1e39, 1e300, -1e300, Double.MIN_VALUE, 352.5, 1.0000001, -1};
      int pick = rng.nextInt(4);
      double v = switch (pick) {
        case 0 -> rng.nextDouble(-10, 10); // in range for most fields
        case 1 -> extremes[rng.nextInt(extremes.length)];
        case 2 -> -rng.nextDouble(0, 1e6);
        default -> (rng.nextBoolean() ? 1 : -1) * Math.scalb(1.0, rng.nextInt(-1100, 1100));
      };
      RawNifti.put(bb, f, v);
      what = Double.toString(f.kind() == RawNifti.Kind.FLOAT32 ? (double) (float) v : v);
    } else {
      long[] extremes = {0, -1, 1, Short.MAX_VALUE, Short.MIN_VALUE, 0xffff, Integer.MAX_VALUE,
          Integer.MIN_VALUE, 1L << 31, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE,
          Long.MIN_VALUE, 7, 8, 16, 64, 256, 512, 1024, 2048};
      int pick = rng.nextInt(4);
      long v = switch (pick) {
        case 0 -> rng.nextLong(1, 65); // in range for dims, codes and small offsets
        case 1 -> extremes[rng.nextInt(extremes.length)];
        case 2 -> -rng.nextLong(1, 1L << 40);
        default -> rng.nextLong();
      };
      RawNifti.put(bb, f, v);
      long stored = switch (f.kind()) {
        case INT16 -> (short) v;
        case INT32 -> (int) v;
        default -> v;
      };
      what = Long.toString(stored);
    }
    return f.name() + " := " + what;
  }

  private static String describe(long seed, int c, Mutant m) {
    return "seed " + seed + " case " + c + " base " + m.base().name() + " mutations "
        + m.mutations() + " (rerun: -Ddfbk.fuzz.seed=" + seed + " -Ddfbk.fuzz.case=" + c + ")";
  }

  private static String stackTop(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, st.length); i++) {
      sb.append("\n      at ").append(st[i]);
    }
    return sb.toString();
  }

  @Test
  void mutationsAreReproducibleFromSeedAndCase() {
    List<Base> bases = generatedBases();
    for (int c : new int[] {0, 17, 9_999}) {
      Mutant a = mutate(bases, DEFAULT_SEED, c);
      Mutant b = mutate(bases, DEFAULT_SEED, c);
      assertTrue(java.util.Arrays.equals(a.bytes(), b.bytes())
          && a.mutations().equals(b.mutations()), "case " + c + " differs between two runs");
    }
  }
}
