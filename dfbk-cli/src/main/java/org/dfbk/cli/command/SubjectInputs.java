package org.dfbk.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.nifti.NiftiNames;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.train.loop.CheckpointState;
import org.dfbk.train.loop.Checkpoints;

/**
 * The inputs of {@code dfbk translate} for a checkpoint whose condition has several sources (or
 * when {@code --source-name} names the files): which sources and context the checkpoint expects,
 * the checks of what the command line says about them, and the subject folders with one file per
 * source. Everything here reads only the checkpoint's state and config, so a refusal comes
 * before the engine starts.
 */
final class SubjectInputs {
  private SubjectInputs() {}

  /**
   * One subject to translate.
   *
   * @param id the subject's name (its folder's)
   * @param relative where its output goes below {@code --output}
   * @param files one file per source, in the checkpoint's source order
   */
  record Subject(String id, Path relative, List<Path> files) {}

  /** The sources and context {@code checkpoint} was trained with (old checkpoints: one, 0). */
  static ConditionLayout expectedCondition(Path checkpoint) {
    CheckpointState state = Checkpoints.readState(requireFile(checkpoint));
    return state.conditionLayout(config(checkpoint).data().source());
  }

  /** The target modality of {@code checkpoint}'s config (the default output name). */
  static String targetName(Path checkpoint) {
    return config(checkpoint).data().target();
  }

  private static DfbkConfig config(Path checkpoint) {
    String json = Checkpoints.readConfig(requireFile(checkpoint));
    if (json == null) {
      throw new DataException(checkpoint + " records no config.json; it was not written by"
          + " 'dfbk train'. Fix: give a checkpoint from a run's checkpoints/ folder");
    }
    return ConfigLoader.fromJson(json, checkpoint.toString());
  }

  private static Path requireFile(Path checkpoint) {
    if (!Files.isRegularFile(checkpoint)) {
      throw new DataException("checkpoint " + checkpoint + " does not exist; give a .zip from a"
          + " run's checkpoints/ folder (e.g. runs/NAME/checkpoints/best.zip)");
    }
    return checkpoint;
  }

  /**
   * Refuses a command line whose sources, their order, their number of files or the context
   * differ from what the checkpoint was trained with.
   *
   * @param sources {@code --sources} (null: not given)
   * @param context {@code --context} (null: not given)
   * @param sourceNames {@code --source-name} (null: not given)
   * @throws ConfigException saying what the checkpoint expects
   */
  static void requireCondition(Path checkpoint, ConditionLayout expected, List<String> sources,
      Integer context, List<String> sourceNames) {
    String expects = checkpoint + " expects the sources " + expected.sources()
        + " in this order with context " + expected.context() + " (" + expected.context()
        + " neighbouring slice(s) on each side)";
    if (sources != null && !upper(sources).equals(upper(expected.sources()))) {
      throw new ConfigException(expects + ", but --sources gives " + sources + ". Fix: give the"
          + " sources as " + String.join(",", expected.sources()) + ", or use a checkpoint"
          + " trained with data.source: " + sources);
    }
    if (context != null && context != expected.context()) {
      throw new ConfigException(expects + ", but --context gives " + context + ". Fix: leave"
          + " --context out (the checkpoint's context is used), or use a checkpoint trained with"
          + " data.context: " + context);
    }
    if (sourceNames == null) {
      return;
    }
    if (sourceNames.size() != expected.sources().size()) {
      throw new ConfigException(expects + ", but --source-name gives " + sourceNames.size()
          + " file name(s) " + sourceNames + ". Fix: give one file name per source, in order,"
          + " e.g. --source-name " + String.join(",",
              expected.sources().stream().map(s -> s + ".nii.gz").toList()));
    }
    List<String> want = upper(expected.sources());
    for (int i = 0; i < sourceNames.size(); i++) {
      String stem = NiftiNames.stem(Path.of(sourceNames.get(i)).getFileName().toString())
          .toUpperCase(Locale.ROOT);
      int at = want.indexOf(stem);
      if (at >= 0 && at != i) {
        throw new ConfigException(expects + ", but --source-name gives " + sourceNames.get(i)
            + " as source " + (i + 1) + ", the place of " + expected.sources().get(i) + " (it"
            + " names source " + (at + 1) + ", " + expected.sources().get(at) + "). Fix: list"
            + " the files in the checkpoint's source order");
      }
    }
  }

  private static List<String> upper(List<String> names) {
    return names.stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
  }

  /**
   * The subjects below {@code input}: with {@code sourceNames}, every folder (the input itself
   * included) that holds one of the named files, which must then hold all of them; without, the
   * subjects the checkpoint's dataset layout finds in {@code input} (or {@code input} itself as
   * one subject folder of that layout).
   *
   * @throws DataException when a subject lacks a source (naming it), or no subject is found
   */
  static List<Subject> find(Path checkpoint, Path input, ConditionLayout expected,
      List<String> sourceNames) {
    if (!Files.isDirectory(input)) {
      throw new ConfigException("--input " + input + " is not a folder; " + checkpoint
          + " translates " + expected.sources().size() + " sources " + expected.sources()
          + " together, so --input must be a subject folder, or a folder of subject folders,"
          + " holding one file per source");
    }
    return sourceNames != null ? byNames(input, expected, sourceNames)
        : byLayout(config(checkpoint), input, expected);
  }

  private static List<Subject> byNames(Path input, ConditionLayout expected, List<String> names) {
    List<Path> folders;
    try (Stream<Path> walk = Files.walk(input)) {
      folders = walk.filter(Files::isDirectory)
          .filter(d -> names.stream().anyMatch(n -> Files.isRegularFile(d.resolve(n))))
          .sorted().toList();
    } catch (IOException e) {
      throw new DataException("cannot list " + input + ": " + e.getMessage(), e);
    }
    if (folders.isEmpty()) {
      throw new DataException("no folder in " + input + " holds any of the source files " + names
          + ". Fix: point --input at the subject folders, or correct --source-name");
    }
    List<Subject> out = new ArrayList<>();
    for (Path d : folders) {
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        Path f = d.resolve(names.get(i));
        if (!Files.isRegularFile(f)) {
          throw new DataException("subject folder " + d + " has no " + names.get(i) + " (source "
              + (i + 1) + " of " + expected.sources().size() + ", " + expected.sources().get(i)
              + "); files there: " + list(d) + ". Fix: add the file, or move the folder out of "
              + input);
        }
        files.add(f);
      }
      out.add(new Subject(d.getFileName().toString(), relative(input, d), files));
    }
    return out;
  }

  private static List<Subject> byLayout(DfbkConfig c, Path input, ConditionLayout expected) {
    var layout = DatasetLayouts.byName(c.data().layout().readerName());
    List<org.dfbk.data.dataset.Subject> found;
    try {
      found = layout.scan(input);
    } catch (DataException e) {
      Path parent = input.toAbsolutePath().normalize().getParent();
      List<org.dfbk.data.dataset.Subject> self = new ArrayList<>();
      if (parent != null) {
        try {
          for (var s : layout.scan(parent)) {
            if (s.folder().toAbsolutePath().normalize()
                .equals(input.toAbsolutePath().normalize())) {
              self.add(s);
            }
          }
        } catch (DataException ignored) {
          // the parent is no dataset either: report the input's own error
        }
      }
      if (self.isEmpty()) {
        throw new DataException(e.getMessage() + ". The checkpoint translates "
            + expected.sources() + " together: give subject folders of its layout ("
            + c.data().layout().readerName() + "), or name the files with --source-name", e);
      }
      found = self;
    }
    List<Subject> out = new ArrayList<>();
    for (var s : found) {
      List<Path> files = new ArrayList<>();
      for (String source : expected.sources()) {
        files.add(s.require(source)); // names the subject, the source and the files there
      }
      out.add(new Subject(s.id(), relative(input, s.folder()), files));
    }
    return out;
  }

  private static Path relative(Path input, Path folder) {
    Path rel = input.toAbsolutePath().normalize().relativize(folder.toAbsolutePath().normalize());
    return rel.toString().isEmpty() ? folder.getFileName() : rel;
  }

  private static List<String> list(Path d) {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of("(unreadable: " + e.getMessage() + ")");
    }
  }
}
