package org.dfbk.spark;

import ai.djl.Device;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.dfbk.cli.Pipeline;
import org.dfbk.cli.Translators;
import org.dfbk.core.error.DfbkException;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.nifti.NiftiImage;
import org.dfbk.data.nifti.NiftiNames;
import org.dfbk.train.infer.FileTranslator;

/**
 * What one task does with its files, one after another: skip a file whose outputs exist and are
 * complete (unless overwriting), else translate it with {@link FileTranslator} (the flow of
 * {@code dfbk translate}) into a staging folder and commit the outputs ({@link Storage#commit}):
 * the {@code *_std} map first, the prediction last, so the prediction's presence means both are
 * there. A file that cannot be translated (a {@link DfbkException}: unreadable, 4-D, an output
 * that is its input) gives a {@code failed} row with the message {@code dfbk translate} prints;
 * anything else fails the task, and Spark runs it again.
 */
final class FileTask {
  /** Thrown by the fault injection of {@link JobSettings#failFirstAttemptOf}. */
  static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message);
    }
  }

  private FileTask() {}

  /** The result rows of {@code items}, translated on this task's device. */
  static Iterator<Row> run(Iterator<WorkItem> items, JobSettings s, HadoopConf hadoop)
      throws IOException {
    Configuration conf = hadoop.get();
    TaskContext task = TaskContext.get();
    Device device = device(task);
    String executor = executorName();
    List<Row> rows = new ArrayList<>();
    FileTranslator translator = null;
    while (items.hasNext()) {
      WorkItem item = items.next();
      long t0 = System.nanoTime();
      if (!s.overwrite() && complete(item.output(), s.samples() > 1, conf)) {
        rows.add(ResultRows.row(item.input(), ResultRows.SKIPPED, item.output(), seconds(t0), null,
            executor, task.attemptNumber(), null, null));
        continue;
      }
      if (translator == null) {
        Pipeline.Loaded m = ModelCache.get(s, device, conf);
        translator = Translators.of(m, s.batch(), s.samples(), s.seed(), s.volume(),
            s.strict(), s.flip());
      }
      rows.add(translate(item, s, translator, conf, task, executor, t0));
    }
    return rows.iterator();
  }

  private static Row translate(WorkItem item, JobSettings s, FileTranslator translator,
      Configuration conf, TaskContext task, String executor, long t0) throws IOException {
    String attempt = "attempt-" + task.taskAttemptId();
    // the outputs are written here first: on the output's own file system when it is local (so
    // the commit is a rename), else in a local folder that is uploaded
    boolean localOut = Storage.isLocal(item.output(), conf);
    java.nio.file.Path scratch = localOut
        ? Files.createDirectories(Storage.localPath(s.stagingRoot()).resolve(attempt))
        : Files.createTempDirectory("dfbk-out-");
    java.nio.file.Path inputs = null;
    boolean clean = true;
    try {
      java.nio.file.Path input;
      boolean staged = !Storage.isLocal(item.input(), conf);
      if (staged) {
        inputs = Files.createTempDirectory("dfbk-in-");
      }
      String name = new org.apache.hadoop.fs.Path(item.output()).getName();
      java.nio.file.Path out = Files.createDirectories(scratch.resolve(
          Integer.toString(task.partitionId()))).resolve(name);
      FileTranslator.Outcome o;
      try {
        input = Storage.local(item.input(), inputs, conf);
        if (!staged) {
          // the outputs' own names are checked here; the staged copies' names cannot clash
          for (java.nio.file.Path p : translator.outputs(Storage.localPath(item.output()))) {
            FileTranslator.requireNotInput(input, p);
          }
        }
        o = translator.translate(input, out, null, null);
      } catch (DfbkException e) {
        String message = e.getMessage();
        if (staged && inputs != null) {
          message = message.replace(inputs.resolve(new org.apache.hadoop.fs.Path(item.input())
              .getName()).toString(), item.input());
        }
        return ResultRows.row(item.input(), ResultRows.FAILED, null, seconds(t0), message,
            executor, task.attemptNumber(), null, null);
      }
      String target = item.output();
      String stagingOnTarget = s.stagingRoot() + "/" + attempt;
      if (o.std() != null) {
        Storage.commit(o.std(), stdTarget(target), stagingOnTarget, conf);
      }
      if (task.attemptNumber() == 0 && s.failFirstAttemptOf() != null
          && new org.apache.hadoop.fs.Path(item.input()).getName().equals(s.failFirstAttemptOf())) {
        // as if the executor died here: the staged prediction is left behind, as a killed JVM
        // would leave it (the driver removes the run's staging folder at the end)
        clean = false;
        throw new InjectedFault("injected fault: first attempt of " + item.input()
            + " fails after staging its outputs");
      }
      Storage.commit(o.output(), target, stagingOnTarget, conf);
      String warnings = o.warnings().isEmpty() ? null : String.join("; ", o.warnings());
      return ResultRows.row(item.input(), ResultRows.TRANSLATED, target, seconds(t0), null,
          executor, task.attemptNumber(), o.translatedSlices(), warnings);
    } finally {
      Storage.deleteLocal(inputs);
      if (clean) {
        Storage.deleteLocal(scratch);
      }
    }
  }

  /**
   * Whether the prediction at {@code output} (and, with {@code withStd}, its std map) exists and
   * reads as a whole NIfTI file of one volume: outputs are committed by rename, so a file at the
   * final name was written whole, and a file put there otherwise (a truncated copy) is caught.
   */
  static boolean complete(String output, boolean withStd, Configuration conf) throws IOException {
    List<String> files = new ArrayList<>(List.of(output));
    if (withStd) {
      files.add(stdTarget(output));
    }
    for (String f : files) {
      if (!Storage.exists(f, conf)) {
        return false;
      }
    }
    java.nio.file.Path tmp = Files.createTempDirectory("dfbk-check-");
    try {
      for (String f : files) {
        NiftiImage img = NiftiIO.read(Storage.local(f, tmp, conf));
        if (img.volumeCount() != 1) {
          return false;
        }
      }
      return true;
    } catch (DfbkException e) {
      return false;
    } finally {
      Storage.deleteLocal(tmp);
    }
  }

  /** The URI of the std map beside the prediction {@code output}: {@code <stem>_std.nii.gz}. */
  static String stdTarget(String output) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output);
    return new org.apache.hadoop.fs.Path(p.getParent(),
        NiftiNames.stem(p.getName()) + "_std.nii.gz").toString();
  }

  /** The GPU Spark gave this task ({@code spark.task.resource.gpu.amount}), else the CPU. */
  static Device device(TaskContext task) {
    Map<String, ResourceInformation> resources = task.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return Device.cpu();
    }
    return Device.gpu(Integer.parseInt(gpu.addresses()[0].trim()));
  }

  private static String executorName() {
    String id = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return id + "@" + host;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
