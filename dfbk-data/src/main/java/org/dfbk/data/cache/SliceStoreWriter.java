package org.dfbk.data.cache;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.dataset.SubjectSplit;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.PreparedSlice;
import org.dfbk.data.transform.SlicePreparer;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.volume.Canonical;
import org.dfbk.data.volume.Volume;

/**
 * Writes the slice store ({@value SliceCache#STORE_FILE}) of a new cache: reads and prepares up to
 * {@code threads} subjects at once ({@link SlicePreparer}, on the closest-canonical orientation of
 * each volume), each holding its decoded volumes in memory, and appends their records in subject
 * order, so that the store is identical for any thread count. A record is the target slice, then
 * the condition's C slices ({@link ConditionLayout}), little-endian float16 or float32
 * ({@link StoreType}).
 */
final class SliceStoreWriter {
  private SliceStoreWriter() {}

  /**
   * Writes the store of {@code subjects} (in that order) into {@code folder} and returns the
   * manifest of what it holds; the caller adds the spec, its hash and the input fingerprints.
   *
   * @throws DataException for a missing modality or an unreadable or inconsistent image
   * @throws IOException when the store cannot be written
   */
  static CacheManifest write(PrepareSpec spec, List<Subject> subjects, SubjectSplit split,
      Path folder, ProgressListener progress, int threads) throws IOException {
    StoreType store = spec.store();
    int pixels = spec.imageSize() * spec.imageSize();
    ConditionLayout condition = spec.condition();
    ByteBuffer record = ByteBuffer.allocate((1 + condition.channels()) * pixels * store.bytes())
        .order(ByteOrder.LITTLE_ENDIAN);
    List<SliceInfo> infos = new ArrayList<>();
    Map<String, Double> pixelMm = new LinkedHashMap<>();
    Map<String, InputProfile> profiles = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "dfbk-prepare");
      t.setDaemon(true);
      return t;
    });
    try (OutputStream out = new BufferedOutputStream(
        Files.newOutputStream(folder.resolve(SliceCache.STORE_FILE)), 1 << 20)) {
      Deque<Future<Prepared>> window = new ArrayDeque<>();
      int next = 0;
      for (int done = 0; done < subjects.size(); done++) {
        while (next < subjects.size() && window.size() < 2 * threads) {
          Subject s = subjects.get(next++);
          window.add(pool.submit(() -> prepareSubject(spec, s)));
        }
        Subject s = subjects.get(done);
        String splitName = split.splitOf(s.id());
        Prepared prepared = await(window.poll());
        pixelMm.put(s.id(), prepared.pixelMm());
        profiles.put(s.id(), prepared.profile());
        for (PreparedSlice p : prepared.slices()) {
          record.clear();
          put(record, p.target(), store);
          put(record, p.source(), store);
          out.write(record.array());
          infos.add(new SliceInfo(s.id(), splitName, p.transform()));
        }
        progress.subjectDone(done + 1, subjects.size(), s.id());
      }
    } finally {
      pool.shutdownNow();
    }
    CacheManifest m = new CacheManifest();
    m.formatVersion = CacheManifest.FORMAT_VERSION;
    m.store = store.name();
    m.imageSize = spec.imageSize();
    List<String> channels = new ArrayList<>();
    channels.add("target:" + spec.targetModality());
    channels.addAll(condition.channelNames());
    m.channels = channels;
    m.conditionSources = condition.sources();
    m.context = condition.context();
    m.count = infos.size();
    m.splits = new LinkedHashMap<>();
    for (String n : SubjectSplit.NAMES) {
      List<String> ids = new ArrayList<>();
      for (Subject s : subjects) {
        if (n.equals(split.splitOf(s.id()))) {
          ids.add(s.id());
        }
      }
      m.splits.put(n, ids);
    }
    m.slices = infos;
    m.pixelMm = pixelMm;
    m.normalization = spec.normalization().name();
    m.inputProfiles = profiles;
    return m;
  }

  /** One subject's slices and the in-plane pixel size of its source slices (mm). */
  private record Prepared(List<PreparedSlice> slices, double pixelMm, InputProfile profile) {}

  private static Prepared prepareSubject(PrepareSpec spec, Subject s) {
    ConditionLayout condition = spec.condition();
    if (condition.channels() > 1) {
      List<Path> files = new ArrayList<>();
      List<Volume> volumes = new ArrayList<>();
      for (String name : condition.sources()) {
        Path f = s.require(name);
        files.add(f);
        volumes.add(canonical(readVolume(f)));
      }
      Path targetFile = s.require(spec.targetModality());
      Volume target = canonical(readVolume(targetFile));
      Volume first = volumes.get(0);
      return new Prepared(SlicePreparer.prepare(s.id(), files, volumes, spec.sourceKind(),
          targetFile, target, spec.targetKind(), spec.targetModality(), spec.sliceOptions(),
          condition, spec.normalization()),
          Slicing.inPlanePixelMm(first.voxelSize(), spec.sliceOptions().axis()),
          InputProfile.measure(first, Normalization.fit(spec.sourceKind(), first, files.get(0)),
              spec.sliceOptions().axis()));
    }
    Path srcFile = s.require(spec.sourceModality());
    Path tgtFile = s.require(spec.targetModality());
    // slices are cut from the closest-canonical (RAS) orientation, as translation does
    Volume src = canonical(readVolume(srcFile));
    Volume tgt = canonical(readVolume(tgtFile));
    return new Prepared(SlicePreparer.prepare(s.id(), srcFile, src, spec.sourceKind(),
        spec.sourceModality(), tgtFile, tgt, spec.targetKind(), spec.targetModality(),
        spec.sliceOptions(), spec.normalization()),
        Slicing.inPlanePixelMm(src.voxelSize(), spec.sliceOptions().axis()),
        InputProfile.measure(src, Normalization.fit(spec.sourceKind(), src, srcFile),
            spec.sliceOptions().axis()));
  }

  private static <T> T await(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while preparing slices", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IOException(c.getMessage(), c);
    }
  }

  private static void put(ByteBuffer b, float[] values, StoreType store) {
    if (store == StoreType.FLOAT32) {
      for (float v : values) {
        b.putFloat(v);
      }
    } else {
      for (float v : values) {
        b.putShort(Half.fromFloat(v));
      }
    }
  }

  private static Volume canonical(Volume v) {
    return Canonical.of(v.affine()).apply(v);
  }

  private static Volume readVolume(Path file) {
    return NiftiIO.read(file).onlyVolume(null,
        "slice preparation needs one 3-D volume per file", null);
  }
}
