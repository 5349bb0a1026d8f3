package org.dfbk.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiNames;

/**
 * The driver's plan: the input files of {@code --input} (a NIfTI file, a folder searched
 * recursively, a glob, or a manifest with a path column) and the output of each, checked before
 * any task starts as {@code dfbk translate} checks them: no output is an input (or the
 * {@code .img} of an input {@code .hdr}), and no two outputs are the same file.
 *
 * <p>An output mirrors its input's path below the input root (the folder; for a glob, its
 * folder part; for a manifest, the deepest folder that holds every listed file) under
 * {@code --output}, named {@code <stem>.nii.gz} or {@code --output-name}. Files and folders
 * whose names start with "_" or "." are not listed (Hadoop's hidden files; the job's own
 * {@code _dfbk-*} folders).
 */
final class InputPlan {
  private static final Pattern GLOB = Pattern.compile("[*?\\[{]");

  private InputPlan() {}

  private static boolean isManifest(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".csv") || n.endsWith(".parquet");
  }

  /** Every input with its output, in input order (sorted for folders and globs). */
  static List<WorkItem> plan(SparkSession spark, Configuration conf, String input, String glob,
      String pathColumn, String output, String outputName, boolean withStd) throws IOException {
    Path in = new Path(input);
    FileSystem fs = in.getFileSystem(conf);
    List<Path> files = new ArrayList<>();
    Path root;
    if (GLOB.matcher(in.toUri().getPath()).find()) {
      FileStatus[] matched = fs.globStatus(in);
      root = fs.makeQualified(literalPrefix(in));
      if (matched != null) {
        for (FileStatus st : matched) {
          addFiles(fs, st, glob, files);
        }
      }
      if (files.isEmpty()) {
        throw new DataException("no NIfTI files match " + input + ". Fix: check the pattern"
            + " (quote it so that the shell does not expand it)");
      }
    } else if (!fs.exists(in)) {
      throw new DataException(input + " does not exist; give a NIfTI file, a folder of them, a"
          + " glob, or a manifest (.csv or .parquet with a '" + pathColumn + "' column)");
    } else if (isManifest(in.getName())) {
      files = manifest(spark, fs, fs.makeQualified(in), pathColumn);
      root = commonParent(files);
    } else if (fs.getFileStatus(in).isDirectory()) {
      root = fs.makeQualified(in);
      addFiles(fs, fs.getFileStatus(in), glob, files);
      if (files.isEmpty()) {
        throw new DataException("no NIfTI files matching '" + glob + "' under " + input);
      }
    } else if (NiftiNames.isNifti(in.getName())) {
      files.add(fs.makeQualified(in));
      root = files.get(0).getParent();
    } else {
      throw new DataException(input + " is neither a NIfTI file (.nii, .nii.gz, .hdr) nor a"
          + " manifest (.csv or .parquet with a '" + pathColumn + "' column). Fix: give one of"
          + " those, a folder, or a glob");
    }
    Path out = new Path(output);
    out = out.getFileSystem(conf).makeQualified(out);
    return outputs(files, root, out, outputName, withStd);
  }

  /** The part of a glob before its first wildcard component. */
  private static Path literalPrefix(Path glob) {
    Path p = glob;
    while (p != null && GLOB.matcher(p.toUri().getPath()).find()) {
      p = p.getParent();
    }
    return p == null ? new Path("/") : p;
  }

  private static void addFiles(FileSystem fs, FileStatus st, String glob, List<Path> files)
      throws IOException {
    GlobFilter names = new GlobFilter(glob);
    if (st.isFile()) {
      if (NiftiNames.isNifti(st.getPath().getName())) {
        files.add(st.getPath());
      }
      return;
    }
    List<Path> found = new ArrayList<>();
    Path base = st.getPath();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      if (NiftiNames.isNifti(p.getName()) && names.accept(p) && !hidden(base, p)) {
        found.add(p);
      }
    }
    found.sort(null);
    files.addAll(found);
  }

  /** Whether a name of {@code p} below {@code base} starts with "_" or ".". */
  private static boolean hidden(Path base, Path p) {
    String rel = base.toUri().relativize(p.toUri()).getPath();
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> manifest(SparkSession spark, FileSystem fs, Path file, String column)
      throws IOException {
    boolean csv = file.getName().toLowerCase(Locale.ROOT).endsWith(".csv");
    Dataset<Row> df = csv ? spark.read().option("header", "true").csv(file.toString())
        : spark.read().parquet(file.toString());
    List<String> columns = List.of(df.columns());
    if (!columns.contains(column)) {
      throw new ConfigException("manifest " + file + " has no column '" + column + "' (its"
          + " columns: " + String.join(", ", columns) + "). Fix: name the column of file paths"
          + " with --path-column");
    }
    List<Path> files = new ArrayList<>();
    Map<Path, Integer> seen = new HashMap<>();
    int line = 0;
    for (Row r : df.select(column).collectAsList()) {
      line++;
      String v = r.isNullAt(0) ? null : r.get(0).toString().strip();
      if (v == null || v.isEmpty()) {
        throw new DataException("manifest " + file + ": row " + line + " has no path in column '"
            + column + "'. Fix: fill it in or remove the row");
      }
      Path p = new Path(v);
      if (!p.isAbsolute() && p.toUri().getScheme() == null) {
        p = new Path(file.getParent(), v); // relative to the manifest's folder
      }
      p = p.getFileSystem(fs.getConf()).makeQualified(p);
      Integer first = seen.putIfAbsent(p, line);
      if (first != null) {
        throw new ConfigException("manifest " + file + " lists " + p + " twice (rows " + first
            + " and " + line + "). Fix: remove one");
      }
      files.add(p);
    }
    if (files.isEmpty()) {
      throw new DataException("manifest " + file + " lists no files");
    }
    return files;
  }

  /** The deepest folder that holds every file (on one file system). */
  static Path commonParent(List<Path> files) {
    String scheme = files.get(0).toUri().getScheme();
    String authority = files.get(0).toUri().getAuthority();
    String[] common = files.get(0).getParent().toUri().getPath().split("/");
    int n = common.length;
    for (Path f : files) {
      if (!java.util.Objects.equals(scheme, f.toUri().getScheme())
          || !java.util.Objects.equals(authority, f.toUri().getAuthority())) {
        throw new ConfigException("the manifest lists files on different file systems ("
            + files.get(0) + ", " + f + "); their outputs cannot mirror one folder. Fix: split the"
            + " manifest by file system");
      }
      String[] parts = f.getParent().toUri().getPath().split("/");
      int k = 0;
      while (k < Math.min(n, parts.length) && parts[k].equals(common[k])) {
        k++;
      }
      n = k;
    }
    String path = String.join("/", java.util.Arrays.copyOf(common, n));
    return new Path(scheme, authority, path.isEmpty() ? "/" : path);
  }

  private static List<WorkItem> outputs(List<Path> files, Path root, Path out, String outputName,
      boolean withStd) {
    Map<String, Path> inputs = new HashMap<>();
    for (Path f : files) {
      inputs.put(f.toString(), f);
      String lower = f.getName().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
        String stem = NiftiNames.stem(f.getName());
        for (String ext : new String[] {".img", ".img.gz", ".IMG", ".IMG.gz"}) {
          inputs.put(new Path(f.getParent(), stem + ext).toString(), f);
        }
      }
    }
    String rootPath = root.toUri().getPath();
    Map<String, Path> claimed = new HashMap<>();
    Map<Path, String> destinations = new LinkedHashMap<>();
    for (Path f : files) {
      String path = f.toUri().getPath();
      String rel = path.startsWith(rootPath.endsWith("/") ? rootPath : rootPath + "/")
          ? path.substring(rootPath.length() + (rootPath.endsWith("/") ? 0 : 1)) : f.getName();
      Path relPath = new Path(rel);
      String name = outputName != null ? outputName
          : NiftiNames.stem(relPath.getName()) + ".nii.gz";
      Path dest = relPath.getParent() == null ? new Path(out, name)
          : new Path(new Path(out, relPath.getParent()), name);
      List<String> written = new ArrayList<>(List.of(dest.toString()));
      if (withStd) {
        written.add(FileTask.stdTarget(dest.toString()));
      }
      for (String w : written) {
        Path input = inputs.get(w);
        if (input != null) {
          throw new DataException("translating " + f + " would overwrite the input " + input
              + (w.equals(input.toString()) ? "" : " (as " + w + ")") + "; inputs are never"
              + " overwritten. Fix: choose another --output folder or --output-name");
        }
        Path other = claimed.putIfAbsent(w, f);
        if (other != null) {
          throw new ConfigException("translations of " + other + " and " + f + " would both be"
              + " written to " + w + ". Fix: " + (outputName != null
                  ? "drop --output-name (it names every output in a folder the same)"
                  : "rename one of the inputs, or translate them into different --output folders"));
        }
      }
      destinations.put(f, dest.toString());
    }
    List<WorkItem> items = new ArrayList<>();
    destinations.forEach((f, d) -> items.add(new WorkItem(f.toString(), d)));
    return items;
  }
}
