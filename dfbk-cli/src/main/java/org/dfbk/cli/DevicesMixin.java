package org.dfbk.cli;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;
import picocli.CommandLine.Option;

/** {@code --devices cpu | gpu0,gpu1 | auto}: where the model runs. */
public final class DevicesMixin {
  @Option(
      names = "--devices",
      paramLabel = "LIST",
      defaultValue = "auto",
      description = "Devices: auto (all GPUs, else CPU), cpu, or a list such as gpu0,gpu1."
          + " Default: ${DEFAULT-VALUE}.")
  String devices = "auto";

  /** The raw option value. */
  public String spec() {
    return devices;
  }

  /** True when the user asked for at least one GPU by name. */
  public boolean wantsGpu() {
    return devices.toLowerCase(Locale.ROOT).contains("gpu");
  }

  /** Resolves the option against the devices the engine sees. Call after {@link EngineStart}. */
  public Device[] resolve(int gpuCount) {
    String s = devices.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      if (gpuCount == 0) {
        return new Device[] {Device.cpu()};
      }
      Device[] all = new Device[gpuCount];
      for (int i = 0; i < gpuCount; i++) {
        all[i] = Device.gpu(i);
      }
      return all;
    }
    List<Device> out = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.equals("cpu")) {
        out.add(Device.cpu());
      } else if (p.matches("gpu\\d+")) {
        int id = Integer.parseInt(p.substring(3));
        if (id >= gpuCount) {
          throw new ConfigException("--devices " + devices + ": " + p
              + " does not exist; the engine sees " + gpuCount
              + " GPU(s). Run 'dfbk info' to list devices.");
        }
        out.add(Device.gpu(id));
      } else {
        throw new ConfigException("--devices " + devices + ": unknown device '" + p
            + "'; use cpu, auto, or gpuN[,gpuM...] (e.g. gpu0,gpu1)");
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException("--devices is empty; use cpu, auto or gpu0,gpu1");
    }
    return out.toArray(new Device[0]);
  }
}
