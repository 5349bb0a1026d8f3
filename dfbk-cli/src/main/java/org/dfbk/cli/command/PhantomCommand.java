package org.dfbk.cli.command;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dfbk.cli.Datasets;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.core.error.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk phantom --output DIR [--subjects N] [--size S] [--slices Z] [--seed K]
 * [--skull-stripped]}.
 */
@Command(name = "phantom", mixinStandardHelpOptions = true,
    description = {"Write a seeded digital head phantom (T1, T2, FLAIR, PD, CT) as NIfTI.",
        "Layout: DIR/phantom-NNN/{T1,T2,FLAIR,PD,CT,LABELS}.nii.gz with a real RAS affine."})
public final class PhantomCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder.")
  Path output;

  @Option(names = "--subjects", defaultValue = "4",
      description = "Subjects (default ${DEFAULT-VALUE}).")
  int subjects;

  @Option(names = "--size", defaultValue = "128",
      description = "In-plane voxels (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--slices", defaultValue = "64",
      description = "Axial slices (default ${DEFAULT-VALUE}).")
  int slices;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--skull-stripped", description = "Set air, scalp and skull to background in"
      + " every image (0, or -1024 HU in CT), as in skull-stripped cohorts; LABELS keeps them.")
  boolean skullStripped;

  @Override
  public Integer call() {
    if (subjects < 1 || size < 16 || slices < 16) {
      throw new ConfigException("phantom needs --subjects >= 1, --size >= 16 and --slices >= 16"
          + " (the head model needs 16 voxels per axis); got " + subjects + ", " + size + ", "
          + slices);
    }
    List<Path> dirs = Datasets.writePhantom(output, subjects, size, slices, seed,
        skullStripped);
    spec.commandLine().getOut().println("wrote " + dirs.size()
        + " phantom subjects (T1, T2, FLAIR, PD, CT, LABELS) to "
        + output.toAbsolutePath().normalize());
    return 0;
  }
}
