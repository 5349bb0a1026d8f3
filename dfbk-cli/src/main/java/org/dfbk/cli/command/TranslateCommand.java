package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dfbk.cli.DevicesMixin;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Pipeline;
import org.dfbk.cli.Progress;
import org.dfbk.cli.TranslateOptions;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.error.DfbkException;
import org.dfbk.data.nifti.NiftiNames;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.train.infer.FileTranslator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk translate --checkpoint C --input FILE|DIR --output DIR}. */
@Command(name = "translate", mixinStandardHelpOptions = true,
    description = {"Translate NIfTI volumes or 2-D slices with a trained checkpoint.",
        "Outputs are float32 .nii.gz files that keep the input's geometry (affine, pixdim,",
        "qform/sform); CT targets are in HU, MR targets on the source volume's intensity scale.",
        "Inputs are never overwritten. With --samples K > 1: the mean of K samples and a *_std",
        "uncertainty volume. NaN or infinite input voxels are translated as background (0, or",
        "-1024 HU for CT); 4-D inputs with more than one volume need --volume T.",
        "--strict checks every file before the first is translated.",
        "A checkpoint with several sources translates subject folders (the training layout, or",
        "--source-name with one file name per source), each written as <subject>/<target>.nii.gz."})
public final class TranslateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin DevicesMixin devices;

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
      description = "Checkpoint (.zip).")
  Path checkpoint;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE|DIR",
      description = "NIfTI file or folder.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
      description = "Output folder.")
  Path output;

  @Mixin TranslateOptions options;

  @Option(names = "--keep-going",
      description = "Continue past files that cannot be translated; report them at the end.")
  boolean keepGoing;

  @Option(names = "--source-name", split = ",", paramLabel = "NAME",
      description = {"One file name per source, in the checkpoint's source order (e.g.",
          "T1.nii.gz,T2.nii.gz): --input holds subject folders (or is one) with these files."})
  List<String> sourceNames;

  @Option(names = "--sources", split = ",", paramLabel = "MODALITY",
      description = "The modalities the inputs hold, in order (e.g. T1,T2);"
          + " checked against the checkpoint.")
  List<String> sources;

  @Option(names = "--context", paramLabel = "K",
      description = "Neighbouring slices on each side the inputs are fed with;"
          + " checked against the checkpoint.")
  Integer context;

  @Override
  public Integer call() {
    options.validate();
    ConditionLayout expected = null;
    DataException unreadable = null;
    try {
      expected = SubjectInputs.expectedCondition(checkpoint);
    } catch (DataException e) {
      // one file per input needs no checkpoint to plan its outputs: their clashes are
      // reported first, then this error, before anything is written
      unreadable = e;
    }
    if (expected != null) {
      SubjectInputs.requireCondition(checkpoint, expected, sources, context, sourceNames);
      if (expected.sources().size() > 1 || sourceNames != null) {
        return translateSubjects(expected);
      }
    } else if (sourceNames != null || sources != null || context != null) {
      throw unreadable;
    }
    List<Path> files = NiftiFiles.list(input, options.glob());
    Map<Path, Path> destinations = planOutputs(files);
    if (unreadable != null) {
      throw unreadable;
    }
    Engine engine = EngineStart.start(devices.wantsGpu());
    Device device = devices.resolve(engine.getGpuCount())[0];
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> failures = new ArrayList<>();
    int written = 0;
    try (Pipeline.Loaded m = Pipeline.load(checkpoint, device)) {
      FileTranslator translator = options.translator(m);
      if (options.strict()) {
        refuseUnlikeTraining(translator, files);
      }
      for (Path f : files) {
        try {
          FileTranslator.Outcome o = translator.translate(f, destinations.get(f),
              w -> err.println("dfbk translate: warning: " + w), (file, n) -> {
                Progress p = new Progress(err, "translate " + file.getFileName(), n);
                return done -> p.update(done, null);
              });
          out.printf(Locale.ROOT, "%s -> %s (%d slices, %.2f slices/s)%n", f, o.output(),
              o.translatedSlices(), o.translatedSlices() / Math.max(o.seconds(), 1e-9));
          written++;
        } catch (DfbkException e) {
          if (!keepGoing) {
            if (files.size() > 1 && e instanceof DataException) {
              throw new DataException(e.getMessage() + " (stopped there with " + written + " of "
                  + files.size() + " files translated; --keep-going skips such files)", e);
            }
            throw e;
          }
          failures.add(f + ": " + e.getMessage());
          err.println("dfbk translate: skipped " + f + ": " + e.getMessage());
        }
      }
    }
    out.printf(Locale.ROOT, "translated %d of %d files into %s%n", written, files.size(),
        output.toAbsolutePath().normalize());
    if (!failures.isEmpty()) {
      err.println("dfbk translate: " + failures.size() + " file(s) failed:");
      failures.forEach(s -> err.println("  " + s));
      return org.dfbk.cli.ExitCode.DATA;
    }
    return 0;
  }

  /**
   * Translates subject folders, one file per source each: the subjects and their files are
   * found and every output is checked before the engine starts.
   */
  private Integer translateSubjects(ConditionLayout expected) {
    List<SubjectInputs.Subject> subjects = SubjectInputs.find(checkpoint, input, expected,
        sourceNames);
    requireOutputFolder(output);
    Map<Path, Path> inputs = new HashMap<>();
    for (SubjectInputs.Subject s : subjects) {
      for (Path f : s.files()) {
        inputs.put(key(f), f);
      }
    }
    String name = options.outputName() != null ? options.outputName()
        : SubjectInputs.targetName(checkpoint) + ".nii.gz";
    Map<SubjectInputs.Subject, Path> destinations = new LinkedHashMap<>();
    Map<Path, String> claimed = new HashMap<>();
    for (SubjectInputs.Subject s : subjects) {
      Path dest = output.resolve(s.relative()).resolve(name);
      List<Path> written = new ArrayList<>(List.of(dest));
      if (options.samples() > 1) {
        written.add(FileTranslator.stdPath(dest));
      }
      for (Path w : written) {
        Path in = inputs.get(key(w));
        if (in != null) {
          throw new DataException("translating subject " + s.id() + " would overwrite the input "
              + in + "; inputs are never overwritten. Fix: choose another --output folder or"
              + " --output-name");
        }
        String other = claimed.putIfAbsent(key(w), s.id());
        if (other != null) {
          throw new ConfigException("translations of subjects " + other + " and " + s.id()
              + " would both be written to " + w + ". Fix: translate them into different"
              + " --output folders");
        }
      }
      destinations.put(s, dest);
    }
    Engine engine = EngineStart.start(devices.wantsGpu());
    Device device = devices.resolve(engine.getGpuCount())[0];
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> failures = new ArrayList<>();
    int written = 0;
    try (Pipeline.Loaded m = Pipeline.load(checkpoint, device)) {
      FileTranslator translator = options.translator(m);
      if (options.strict()) {
        // the training profile is of the first source: so is the check
        refuseUnlikeTraining(translator, subjects.stream().map(s -> s.files().get(0)).toList());
      }
      for (SubjectInputs.Subject s : subjects) {
        try {
          FileTranslator.Outcome o = translator.translate(s.files(), destinations.get(s),
              w -> err.println("dfbk translate: warning: " + w), (file, n) -> {
                Progress p = new Progress(err, "translate " + s.id(), n);
                return done -> p.update(done, null);
              });
          out.printf(Locale.ROOT, "%s %s -> %s (%d slices, %.2f slices/s)%n", s.id(), s.files(),
              o.output(), o.translatedSlices(), o.translatedSlices() / Math.max(o.seconds(), 1e-9));
          written++;
        } catch (DfbkException e) {
          if (!keepGoing) {
            if (subjects.size() > 1 && e instanceof DataException) {
              throw new DataException(e.getMessage() + " (stopped there with " + written + " of "
                  + subjects.size() + " subjects translated; --keep-going skips such subjects)", e);
            }
            throw e;
          }
          failures.add(s.id() + ": " + e.getMessage());
          err.println("dfbk translate: skipped " + s.id() + ": " + e.getMessage());
        }
      }
    }
    out.printf(Locale.ROOT, "translated %d of %d subjects into %s%n", written, subjects.size(),
        output.toAbsolutePath().normalize());
    if (!failures.isEmpty()) {
      err.println("dfbk translate: " + failures.size() + " subject(s) failed:");
      failures.forEach(f -> err.println("  " + f));
      return org.dfbk.cli.ExitCode.DATA;
    }
    return 0;
  }

  /**
   * Checks every file before any is translated, so that {@code --strict} writes nothing when one
   * of them is unlike the training data; the error lists each file's reasons.
   */
  private static void refuseUnlikeTraining(FileTranslator translator, List<Path> files) {
    List<String> refused = new ArrayList<>();
    for (Path f : files) {
      List<String> w = translator.check(f);
      if (!w.isEmpty()) {
        refused.add(String.join(" | ", w));
      }
    }
    if (!refused.isEmpty()) {
      throw new DataException("--strict: " + refused.size() + " of " + files.size() + " file(s)"
          + " are unlike the training data or have damaged voxels; nothing was written. "
          + String.join(" || ", refused) + ". Fix: prepare the scans as said"
          + " (docs/preprocessing.md), or leave out --strict to translate them with warnings");
    }
  }

  /**
   * The output file of every input, checked before anything is read or written: the output folder
   * can be created, no output is one of the inputs (or the .img of an input .hdr), and no two
   * outputs (or their *_std files) are the same file.
   */
  private Map<Path, Path> planOutputs(List<Path> files) {
    requireOutputFolder(output);
    Map<Path, Path> inputs = new HashMap<>();
    for (Path f : files) {
      inputs.put(key(f), f);
      String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
        String stem = NiftiNames.stem(f.getFileName().toString());
        for (String ext : new String[] {".img", ".img.gz", ".IMG", ".IMG.gz"}) {
          inputs.put(key(f.resolveSibling(stem + ext)), f);
        }
      }
    }
    Map<Path, Path> destinations = new LinkedHashMap<>();
    Map<Path, Path> claimed = new HashMap<>();
    for (Path f : files) {
      Path rel = Files.isRegularFile(input) ? f.getFileName() : input.relativize(f);
      Path dest = output.resolve(rel).resolveSibling(options.outputName() != null
          ? options.outputName() : NiftiNames.stem(rel.getFileName().toString()) + ".nii.gz");
      List<Path> written = new ArrayList<>(List.of(dest));
      if (options.samples() > 1) {
        written.add(FileTranslator.stdPath(dest));
      }
      for (Path w : written) {
        Path k = key(w);
        Path in = inputs.get(k);
        if (in != null) {
          throw new DataException("translating " + f + " would overwrite the input " + in
              + (w.equals(in) ? "" : " (as " + w + ")") + "; inputs are never overwritten. Fix:"
              + " choose another --output folder or --output-name");
        }
        Path other = claimed.putIfAbsent(k, f);
        if (other != null) {
          throw new ConfigException("translations of " + other + " and " + f + " would both be"
              + " written to " + w + ". Fix: " + (options.outputName() != null
                  ? "drop --output-name (it names every output in a folder the same)"
                  : "rename one of the inputs, or translate them into different --output folders"));
        }
      }
      destinations.put(f, dest);
    }
    return destinations;
  }

  /** The output folder exists as a folder or can be created below an existing, writable folder. */
  private static void requireOutputFolder(Path out) {
    Path p = out.toAbsolutePath().normalize();
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new ConfigException("--output " + out + " is an existing file, not a folder. Fix: give"
          + " a folder path (translations are written as <name>.nii.gz inside it)");
    }
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    if (!Files.isDirectory(existing)) {
      throw new ConfigException("--output " + out + " cannot be created: " + existing + " is a"
          + " file, not a folder. Fix: choose an output folder outside it");
    }
    if (!Files.isWritable(existing)) {
      throw new ConfigException("--output " + out + " is not writable (" + existing + " is"
          + " read-only for this user). Fix: choose a writable folder or change its permissions");
    }
  }

  /** A path for comparing files: the real path when it exists, else absolute and normalised. */
  private static Path key(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      return Files.exists(abs) ? abs.toRealPath() : abs;
    } catch (IOException e) {
      return abs;
    }
  }
}
