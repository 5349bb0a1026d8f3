package org.dfbk.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dfbk.cli.ExitCode;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.core.error.DfbkException;
import org.dfbk.data.nifti.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dfbk data inspect FILE... [--json]}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {
        "Show a NIfTI file's shape, datatype, byte order, voxel size, affine, orientation",
        "code and intensity range and percentiles."})
public final class DataInspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "NIfTI files (.nii, .nii.gz, .hdr).")
  List<Path> files;

  @Option(names = "--json", description = "Print a JSON array.")
  boolean json;

  @Option(names = "--volume", defaultValue = "0",
      description = "Volume index of 4-D files (default 0).")
  int volume;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> jsons = new ArrayList<>();
    int worst = 0;
    for (Path f : files) {
      try {
        VolumeInfo info = VolumeInfo.inspect(f, volume);
        if (json) {
          jsons.add(info.toJson());
        } else {
          out.println(info.toText());
        }
      } catch (DfbkException e) {
        err.println("dfbk data inspect: " + e.getMessage());
        worst = Math.max(worst, ExitCode.of(e));
      }
    }
    if (json) {
      out.println("[" + String.join(",\n", jsons) + "]");
    }
    return worst;
  }
}
