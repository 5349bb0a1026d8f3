package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.LibTorchInfo;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk info}: versions, engine, devices, native flavour and cache folder. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show dfbk, DJL and PyTorch versions, the devices the engine sees,"
        + " and the DJL cache.")
public final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    Engine engine = EngineStart.start(false);
    List<Device> devices = EngineStart.devices(engine);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("dfbk", Versions.dfbk());
    info.put("djl", Engine.getDjlVersion());
    info.put("engine", engine.getEngineName());
    info.put("engineVersion", engine.getVersion());
    info.put("nativeFlavor", EngineStart.nativeFlavor());
    info.put("devices", devices.stream().map(Device::toString).toList());
    info.put("gpuCount", engine.getGpuCount());
    info.put("cpuCores", Runtime.getRuntime().availableProcessors());
    info.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    info.put("djlCache", EngineStart.cacheDir().toString());
    info.put("offline", Boolean.getBoolean("ai.djl.offline"));
    info.put("intraOpThreads", LibTorchInfo.intraOpThreads());
    info.put("cpuCapability", LibTorchInfo.cpuCapability());
    String dnnl = System.getenv("DNNL_MAX_CPU_ISA");
    info.put("dnnlMaxCpuIsa", dnnl == null || dnnl.isBlank() ? "ALL" : dnnl);
    info.put("cudnnBenchmark", Boolean.getBoolean(EngineStart.CUDNN_BENCHMARK_PROPERTY));
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(info));
    } else {
      info.forEach((k, v) -> out.printf(Locale.ROOT, "%-14s %s%n", k, v));
    }
    return 0;
  }
}
