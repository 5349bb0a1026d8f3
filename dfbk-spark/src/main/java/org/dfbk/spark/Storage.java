package org.dfbk.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiNames;

/**
 * Files on any Hadoop file system, seen through local paths: NIfTI reading and writing work on
 * {@link java.nio.file.Path}s, so a file on the local file system ({@code file:}) is used where
 * it is, and any other one (HDFS, S3, ABFS, GCS) is copied to a local folder first; results are
 * written locally and then committed.
 *
 * <p>A commit is atomic and idempotent: the file is written under a staging folder on the
 * destination's own file system, then renamed onto its final name, replacing what is there.
 * Two attempts of one task (a retry, a speculative copy) commit the same bytes, and a reader
 * never sees a partial file at the final name.
 */
final class Storage {
  private Storage() {}

  /** Whether {@code uri} is on the local file system (used in place, without copies). */
  static boolean isLocal(String uri, Configuration conf) {
    try {
      Path p = new Path(uri);
      return "file".equals(p.getFileSystem(conf).getUri().getScheme());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local path of a {@code file:} URI or of a path without a scheme. */
  static java.nio.file.Path localPath(String uri) {
    return java.nio.file.Path.of(new Path(uri).toUri().getPath());
  }

  /**
   * A local copy of {@code uri} in {@code dir} under its own file name (for a {@code .hdr}, its
   * {@code .img} beside it too), or the file itself when it is local.
   */
  static java.nio.file.Path local(String uri, java.nio.file.Path dir, Configuration conf)
      throws IOException {
    if (isLocal(uri, conf)) {
      return localPath(uri);
    }
    Path src = new Path(uri);
    FileSystem fs = src.getFileSystem(conf);
    java.nio.file.Path dst = dir.resolve(src.getName());
    copyToLocal(fs, src, dst);
    String lower = src.getName().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
      String stem = NiftiNames.stem(src.getName());
      for (String ext : new String[] {".img", ".img.gz", ".IMG", ".IMG.gz"}) {
        Path img = new Path(src.getParent(), stem + ext);
        if (fs.exists(img)) {
          copyToLocal(fs, img, dir.resolve(img.getName()));
        }
      }
    }
    return dst;
  }

  private static void copyToLocal(FileSystem fs, Path src, java.nio.file.Path dst)
      throws IOException {
    if (!fs.exists(src)) {
      throw new DataException(src + " does not exist; give a NIfTI file or a folder of them");
    }
    try (InputStream in = fs.open(src)) {
      Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Moves the local file {@code file} onto {@code target}: a rename within the local file
   * system, else an upload to {@code staging} on the target's file system and a rename there.
   */
  static void commit(java.nio.file.Path file, String target, String staging, Configuration conf)
      throws IOException {
    if (isLocal(target, conf)) {
      java.nio.file.Path dst = localPath(target);
      Files.createDirectories(dst.toAbsolutePath().getParent());
      try {
        Files.move(file, dst, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + file + " onto " + dst + " atomically (the"
            + " staging folder is on another file system than the output)", e);
      }
      return;
    }
    Path dst = new Path(target);
    FileSystem fs = dst.getFileSystem(conf);
    Path staged = new Path(staging, dst.getName());
    fs.mkdirs(new Path(staging));
    fs.copyFromLocalFile(false, true, new Path(file.toUri()), staged);
    fs.mkdirs(dst.getParent());
    // HDFS and object stores do not replace on rename: remove what is there first; when a
    // concurrent attempt commits between the two, its file (the same bytes) stays
    fs.delete(dst, false);
    if (!fs.rename(staged, dst) && !fs.exists(dst)) {
      throw new IOException("cannot rename " + staged + " onto " + dst);
    }
    fs.delete(staged, false);
  }

  /** Whether {@code uri} exists. */
  static boolean exists(String uri, Configuration conf) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(conf).exists(p);
  }

  /** Deletes {@code uri} recursively, if it exists. */
  static void deleteRecursively(String uri, Configuration conf) throws IOException {
    Path p = new Path(uri);
    p.getFileSystem(conf).delete(p, true);
  }

  /** The SHA-256 of a file's bytes, as 64 hex digits. */
  static String sha256(java.nio.file.Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Deletes a local folder and everything in it, if it exists. */
  static void deleteLocal(java.nio.file.Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
