package org.dfbk.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's plan of inputs and outputs, on the local file system (no Spark needed). */
class InputPlanTest {
  @TempDir Path tmp;

  private final Configuration conf = new Configuration();

  private Path touch(String rel) throws IOException {
    Path p = tmp.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "x");
  }

  private List<String> plan(String input, String glob, String outputName, boolean std)
      throws IOException {
    return InputPlan.plan(null, conf, input, glob, "path", tmp.resolve("out").toString(),
        outputName, std).stream().map(w -> w.input().replaceFirst("^file:" + tmp, "") + " -> "
            + w.output().replaceFirst("^file:" + tmp, "")).toList();
  }

  @Test
  void folderIsSearchedRecursivelyWithoutHiddenFoldersAndOutputsMirrorIt() throws IOException {
    touch("in/s1/T1.nii.gz");
    touch("in/s1/T2.nii.gz");
    touch("in/s2/T1.nii");
    touch("in/s2/notes.txt");
    touch("in/_dfbk-runs/r/T1.nii.gz");
    touch("in/.cache/T1.nii.gz");
    assertEquals(
        List.of("/in/s1/T1.nii.gz -> /out/s1/T1.nii.gz", "/in/s2/T1.nii -> /out/s2/T1.nii.gz"),
        plan(tmp.resolve("in").toString(), "T1.*", null, false));
  }

  @Test
  void globInputMirrorsThePathsBelowItsFolderPart() throws IOException {
    touch("in/a/T1.nii.gz");
    touch("in/b/T1.nii.gz");
    touch("in/b/T2.nii.gz");
    assertEquals(
        List.of("/in/a/T1.nii.gz -> /out/a/T2.nii.gz", "/in/b/T1.nii.gz -> /out/b/T2.nii.gz"),
        plan(tmp + "/in/*/T1.nii.gz", "*", "T2.nii.gz", false));
    DataException none = assertThrows(DataException.class,
        () -> plan(tmp + "/in/*/FLAIR.nii.gz", "*", null, false));
    assertTrue(none.getMessage().contains("FLAIR.nii.gz"), none.getMessage());
  }

  @Test
  void clashesAreRefusedAsDfbkTranslateRefusesThem() throws IOException {
    touch("in/x/scan.nii.gz");
    touch("in/y/scan.nii.gz");
    touch("in/x/scan_std.nii.gz");
    ConfigException two = assertThrows(ConfigException.class,
        () -> plan(tmp.resolve("in").toString(), "*", "T2.nii.gz", false).size());
    // x/scan and x/scan_std would both be written as out/x/T2.nii.gz
    assertTrue(two.getMessage().contains("scan") && two.getMessage().contains("T2"),
        two.getMessage());
    ConfigException std = assertThrows(ConfigException.class,
        () -> InputPlan.plan(null, conf, tmp.resolve("in/x").toString(), "*", "path",
            tmp.resolve("o").toString(), null, true));
    assertTrue(std.getMessage().contains("scan_std.nii.gz"), std.getMessage());
    DataException input = assertThrows(DataException.class,
        () -> InputPlan.plan(null, conf, tmp.resolve("in").toString(), "*", "path",
            tmp.resolve("in").toString(), null, false));
    assertTrue(input.getMessage().contains("would overwrite the input"), input.getMessage());
  }

  @Test
  void missingInputAndUnknownFileTypeNameTheFix() throws IOException {
    DataException missing = assertThrows(DataException.class,
        () -> plan(tmp.resolve("nowhere").toString(), "*", null, false));
    assertTrue(missing.getMessage().contains("nowhere")
        && missing.getMessage().contains("manifest"), missing.getMessage());
    touch("notes.txt");
    DataException txt = assertThrows(DataException.class,
        () -> plan(tmp.resolve("notes.txt").toString(), "*", null, false));
    assertTrue(txt.getMessage().contains("notes.txt") && txt.getMessage().contains(".csv"),
        txt.getMessage());
  }

  @Test
  void commonParentOfManifestFiles() {
    List<org.apache.hadoop.fs.Path> files = List.of(
        new org.apache.hadoop.fs.Path("file:/d/a/b/x.nii"),
        new org.apache.hadoop.fs.Path("file:/d/a/c/y.nii"),
        new org.apache.hadoop.fs.Path("file:/d/a/z.nii"));
    assertEquals("file:/d/a", InputPlan.commonParent(files).toString());
    ConfigException mixed = assertThrows(ConfigException.class, () -> InputPlan.commonParent(
        List.of(new org.apache.hadoop.fs.Path("file:/d/x.nii"),
            new org.apache.hadoop.fs.Path("hdfs://nn/d/y.nii"))));
    assertTrue(mixed.getMessage().contains("different file systems"), mixed.getMessage());
  }

  @Test
  void threadsShareTheCoresBetweenConcurrentTasks() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.max(1, (cores - 1) / 2),
        TranslateJob.defaultThreads(new SparkConf(false).set("spark.master", "local[2]")));
    assertEquals(Math.max(1, (cores - 1) / 2),
        TranslateJob.defaultThreads(new SparkConf(false).set("spark.master", "local[2,3]")));
    assertEquals(Math.max(1, cores - 1),
        TranslateJob.defaultThreads(new SparkConf(false).set("spark.master", "local")));
    assertEquals(1,
        TranslateJob.defaultThreads(new SparkConf(false).set("spark.master", "local[*]")));
    assertEquals(4, TranslateJob.defaultThreads(new SparkConf(false).set("spark.master", "yarn")
        .set("spark.task.cpus", "4")));
  }
}
