package org.dfbk.data.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.DatasetLayout;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.dataset.SubjectSplit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preparation of a slice cache, step by step: scan the dataset layout, assign the split, take
 * the subjects in a split; reuse the cache on disk when its {@link CacheIdentity} matches; else
 * write a new store ({@link SliceStoreWriter}) and manifest ({@link CacheManifest}) into a
 * sibling folder and swap it in ({@link CacheFolder}).
 */
final class CacheBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(CacheBuilder.class);

  private CacheBuilder() {}

  /** See {@link SliceCache#prepare(PrepareSpec, Path, ProgressListener, int)}. */
  static SliceCache prepare(PrepareSpec spec, Path cacheDir, ProgressListener listener,
      int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Path target = cacheDir.toAbsolutePath().normalize();
    ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
    DatasetLayout layout = DatasetLayouts.byName(spec.layout());
    List<Subject> subjects = layout.scan(spec.root());
    SubjectSplit split = SubjectSplit.assign(subjects, spec.split(), spec.seed());
    List<Subject> used = new ArrayList<>();
    List<SourceFingerprint> subjectFiles = new ArrayList<>();
    for (Subject s : subjects) {
      if (split.splitOf(s.id()) == null) {
        continue;
      }
      subjectFiles.addAll(CacheIdentity.subjectFiles(spec, s));
      used.add(s);
    }
    if (used.isEmpty()) {
      throw new DataException("no subject of " + spec.root() + " is in any split; check the split"
          + " list files or fractions");
    }
    CacheIdentity identity = CacheIdentity.of(spec, subjectFiles);

    CacheManifest existing = Files.isDirectory(target) ? CacheManifest.readQuietly(target) : null;
    if (identity.matches(existing)) {
      LOG.info("slice cache {} is up to date (spec {}), nothing to do", target,
          identity.specHash().substring(0, 12));
      return new SliceCache(target, existing, true);
    }

    CacheManifest[] built = new CacheManifest[1];
    CacheFolder.replace(target, tmp -> {
      CacheManifest m = SliceStoreWriter.write(spec, used, split, tmp, progress, threads);
      m.specHash = identity.specHash();
      m.spec = identity.spec();
      m.sources = identity.sources();
      m.writeTo(tmp);
      built[0] = m;
    });
    LOG.info("prepared {} slice pairs of {} subjects into {}", built[0].count, used.size(), target);
    return new SliceCache(target, built[0], false);
  }
}
