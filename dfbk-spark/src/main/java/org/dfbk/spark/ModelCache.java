package org.dfbk.spark;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.Pipeline;
import org.dfbk.core.error.ConfigException;

/**
 * The models of one JVM: each checkpoint (by URI and SHA-256 of its bytes) is loaded once per
 * device and kept for every later task of this JVM, whatever job or stage it belongs to. Tasks
 * that run at the same time in one executor share the model: translation only reads its weights.
 */
final class ModelCache {
  private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  private static final Map<Key, Pipeline.Loaded> MODELS = new HashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private record Key(String checkpoint, String fingerprint, Device device) {}

  private ModelCache() {}

  /** How many checkpoints this JVM has loaded so far (each (checkpoint, device) at most once). */
  static int loads() {
    return LOADS.get();
  }

  /** The model of {@code s}'s checkpoint on {@code device}, loaded on first use. */
  static synchronized Pipeline.Loaded get(JobSettings s, Device device, Configuration conf)
      throws IOException {
    if (System.getProperty(THREADS_PROPERTY) == null) {
      // before the engine starts (once per JVM): the executor's cores shared by its task slots
      System.setProperty(THREADS_PROPERTY, Integer.toString(s.threads()));
    }
    EngineStart.start(device.isGpu());
    EngineStart.inferenceOnThisThread(); // grad mode is per thread; this is a task thread
    Key key = new Key(s.checkpoint(), s.fingerprint(), device);
    Pipeline.Loaded m = MODELS.get(key);
    if (m != null) {
      return m;
    }
    java.nio.file.Path local = localCheckpoint(s, conf);
    String found = Storage.sha256(local);
    if (!found.equals(s.fingerprint())) {
      throw new ConfigException("checkpoint " + s.checkpoint() + " changed while the job ran"
          + " (SHA-256 " + found + ", the job started with " + s.fingerprint() + "). Fix: keep"
          + " the checkpoint unchanged during a job, and run it again");
    }
    m = Pipeline.load(local, device);
    MODELS.put(key, m);
    LOADS.incrementAndGet();
    return m;
  }

  /**
   * The checkpoint as a local file: itself on the local file system; else a copy, in a folder
   * laid out as a run ({@code run/checkpoints/NAME}), with the run's {@code knowledge/} folder
   * beside it when there is one, so that a checkpoint with knowledge guidance finds the prompt
   * embeddings it was trained with.
   */
  private static java.nio.file.Path localCheckpoint(JobSettings s, Configuration conf)
      throws IOException {
    if (Storage.isLocal(s.checkpoint(), conf)) {
      return Storage.localPath(s.checkpoint());
    }
    java.nio.file.Path run = Files.createTempDirectory("dfbk-checkpoint-").resolve("run");
    java.nio.file.Path dir = Files.createDirectories(run.resolve("checkpoints"));
    java.nio.file.Path local = Storage.local(s.checkpoint(), dir, conf);
    Path remote = new Path(s.checkpoint());
    Path knowledge = remote.getParent() == null || remote.getParent().getParent() == null ? null
        : new Path(remote.getParent().getParent(), "knowledge");
    FileSystem fs = remote.getFileSystem(conf);
    if (knowledge != null && fs.isDirectory(knowledge)) {
      fs.copyToLocalFile(false, knowledge, new Path(run.toUri()), true);
    }
    return local;
  }
}
