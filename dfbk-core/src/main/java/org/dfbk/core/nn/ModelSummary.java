package org.dfbk.core.nn;

import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.UNetSpec;

/**
 * Size and cost of a {@link SwinUNet}, computed without a forward pass: parameters (total and per
 * part), the feature map of every level and stage, an analytic forward cost and an estimate of
 * the training memory. {@code dfbk model summary --config F [--json]} prints it.
 *
 * <p>Parameters come from {@link SwinUNet#parameterShapes()} (no parameter memory is committed).
 * Parts: "dfb" = every parameter under a ".dfb." block, "kg" = under a ".kg." block, "backbone" =
 * the rest.
 *
 * <p>Forward cost, per image, counted in multiply–accumulates (MACs; GFLOPs = 2·GMACs): every
 * convolution and linear weight once per output position (pixels of its map, tokens of the LL
 * band for DFB/KG attention projections, text tokens for KG keys and values, 1 for the timestep
 * MLP and FiLM projections), plus the attention products — Swin: 2·S²·T·D per block (T = w²);
 * DFB: 2·T_LL·T_att·C for LL and 6·T_LL·T_att·C for the differential H branch (two half-width
 * score maps and their values), T_att = T_LL (global) or w² (window); KG likewise with T_att =
 * L text tokens. Norms, activations and additions are not counted (under 1 % here).
 *
 * <p>Training memory, fp32: parameters × 20 B (weights, gradients, two AdamW moments, EMA), and
 * activations saved for backward per image, from per-layer counts of the tensors autograd keeps
 * (ResBlock 3·C_in + 4·C_out values per pixel; Swin block 16·D + heads·T; DFB/KG the bands,
 * token projections and softmax maps). docs/memory.md compares these estimates with the saved
 * tensors measured on the reference network (scripts/reference/measure_unet_memory.py).
 *
 * <p>About 400 lines because the three counts walk the same stage list with the same per-block
 * formulas (a block's cost and its saved tensors come from one case each), and the text and
 * JSON views print what that walk found.
 */
public final class ModelSummary {

  /** One level of the network. */
  public record Level(int level, int side, int channels, int swinWindow, int swinShift,
      boolean dfb, int kgBlocks) {}

  /** One stage: its name, the sub-blocks it runs and its output shape (C, H, W). */
  public record Stage(String name, List<String> steps, long channels, long side) {}

  private final UNetSpec spec;
  private final int textLength;
  private final long backbone;
  private final long dfb;
  private final long kg;
  private final List<Level> levels = new ArrayList<>();
  private final List<Stage> stages = new ArrayList<>();
  private double macs;
  private double activationValues;

  private ModelSummary(UNetSpec spec, int textLength) {
    this.spec = spec;
    this.textLength = textLength;
    SwinUNet net = SwinUNet.of(spec);
    Map<String, Shape> shapes = net.parameterShapes();
    long b = 0;
    long d = 0;
    long k = 0;
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      long n = e.getValue().size();
      if (e.getKey().contains(".dfb.")) {
        d += n;
      } else if (e.getKey().contains(".kg.")) {
        k += n;
      } else {
        b += n;
      }
    }
    backbone = b;
    dfb = d;
    kg = k;
    for (int l = 0; l < spec.numLevels(); l++) {
      int side = spec.levelSize(l);
      boolean swin = spec.hasSwin(l) || l == spec.numLevels() - 1;
      int w = swin ? SwinLayer.effectiveWindow(side, spec.windowSize()) : 0;
      int shift = swin && w == spec.windowSize() && side > w ? w / 2 : 0;
      int kgBlocks = (spec.hasKg(l) ? 2 : 0)
          + (l == spec.numLevels() - 1 && spec.hasMiddleKg() ? 1 : 0);
      levels.add(new Level(l, side, spec.levelChannels(l), w, shift, spec.hasDfb(l), kgBlocks));
    }
    Map<String, Shape> outs = net.stageOutputShapes(1);
    Map<String, Integer> inSide = new LinkedHashMap<>();
    Map<String, List<String>> steps = new LinkedHashMap<>();
    int side = spec.imageSize();
    for (int i = 0; i < net.getInputStages().size(); i++) {
      steps.put("input_" + i, net.getInputStages().get(i).stepNames());
    }
    steps.put("middle", net.getMiddle().stepNames());
    for (int i = 0; i < net.getOutputStages().size(); i++) {
      steps.put("output_" + i, net.getOutputStages().get(i).stepNames());
    }
    for (Map.Entry<String, Shape> e : outs.entrySet()) {
      inSide.put(e.getKey(), side);
      Shape s = e.getValue();
      stages.add(new Stage(e.getKey(), steps.get(e.getKey()), s.get(1), s.get(2)));
      side = (int) s.get(2);
    }
    countWeights(shapes, inSide);
    countAttentionAndActivations(net, inSide, outs);
  }

  /** Summary of the network of {@code spec}; KG costs assume {@code textLength} text tokens. */
  public static ModelSummary of(UNetSpec spec, int textLength) {
    if (textLength <= 0) {
      throw new IllegalArgumentException("textLength must be > 0, found " + textLength);
    }
    return new ModelSummary(spec, textLength);
  }

  /** Summary with 77 text tokens (a CLIP-style prompt length). */
  public static ModelSummary of(UNetSpec spec) {
    return of(spec, 77);
  }

  private void countWeights(Map<String, Shape> shapes, Map<String, Integer> inSide) {
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      String name = e.getKey();
      Shape s = e.getValue();
      if (!name.endsWith(".weight") || s.dimension() < 2) {
        continue;
      }
      macs += positions(name, inSide) * (double) s.size();
    }
  }

  private double positions(String name, Map<String, Integer> inSide) {
    if (name.startsWith("time_embed.") || name.contains("emb_proj.")) {
      return 1;
    }
    if (name.startsWith("out_conv.")) {
      return sq(spec.imageSize());
    }
    String stage = name.substring(0, name.indexOf('.'));
    double s = inSide.get(stage);
    if (name.contains(".down.")) {
      return sq(s / 2);
    }
    if (name.contains(".up.")) {
      return sq(2 * s);
    }
    int block = Math.max(name.indexOf(".dfb."), name.indexOf(".kg."));
    if (block >= 0) {
      String rest = name.substring(name.indexOf('.', block + 1) + 1);
      if (rest.startsWith("proj_out.") || rest.startsWith("attn.") && !isKgText(rest)) {
        return sq(s);
      }
      if (isKgText(rest)) {
        return textLength;
      }
      return sq(s / 2);
    }
    return sq(s);
  }

  private static boolean isKgText(String rest) {
    return rest.contains("to_k.") || rest.contains("to_v.");
  }

  private static double sq(double v) {
    return v * v;
  }

  private void countAttentionAndActivations(SwinUNet net, Map<String, Integer> inSide,
      Map<String, Shape> outs) {
    int e = spec.timeEmbedDim();
    double act = 0;
    int d = spec.swinEmbedDim();
    int heads = d / spec.headChannels();
    Map<String, Shape> prevOut = new LinkedHashMap<>();
    String prev = null;
    for (Stage st : stages) {
      double s = inSide.get(st.name());
      double px = sq(s);
      long cOut = st.channels();
      long cIn = prev == null ? spec.inChannels() : prevOut.get(prev).get(1);
      if (st.name().startsWith("output_")) {
        cIn += skipChannels(net, st.name());
      }
      for (String step : st.steps()) {
        switch (step) {
          case "conv" -> act += px * spec.inChannels();
          case "down" -> act += px * cIn;
          case "res", "res_1", "res_2" -> {
            act += px * (3.0 * cIn + 4.0 * cOut);
            cIn = cOut;
          }
          case "swin" -> {
            int w = SwinLayer.effectiveWindow((int) s, spec.windowSize());
            double t = (double) w * w;
            for (int b = 0; b < spec.swinDepth(); b++) {
              macs += 2 * px * t * d;
              act += px * (16.0 * d + heads * t);
            }
            act += px * (cOut + d);
          }
          case "kg" -> {
            double tl = px / 4;
            int hl = (int) (cOut / spec.headChannels());
            double l = textLength;
            if (spec.kgMode() == KgMode.CROSSATTN) {
              macs += 2 * px * l * cOut;
              act += px * 6.0 * cOut + px * hl * l;
            } else {
              macs += 2 * tl * l * cOut + 6 * tl * l * cOut;
              act += px * 5.0 * cOut + tl * (8.0 * cOut + 3.0 * hl * l + 3.0 * 3 * hl * l);
            }
          }
          case "up" -> act += 4 * px * cOut;
          case "dfb" -> {
            // a decoder-side block (first in an output stage) transforms the feature from below
            long cDfb = st.name().startsWith("output_") ? prevOut.get(prev).get(1) : cOut;
            double tl = px / 4;
            int hl = (int) (cDfb / spec.headChannels());
            boolean window = spec.dfbScope() == AttentionScope.WINDOW;
            if (spec.dfbMode() == DfbMode.NORMATTN) {
              double ta = window ? sq(Math.min(spec.windowSize(), s)) : px;
              macs += 2 * px * ta * cDfb;
              act += px * 8.0 * cDfb + px * hl * ta;
            } else {
              double ta = window ? sq(Math.min(spec.windowSize(), s / 2)) : tl;
              boolean low = spec.dfbMode() != DfbMode.H;
              boolean high = spec.dfbMode() != DfbMode.L;
              macs += (low ? 2 * tl * ta * cDfb : 0) + (high ? 6 * tl * ta * cDfb : 0);
              act += px * 5.0 * cDfb
                  + (low ? tl * (5.0 * cDfb + hl * ta) : 0)
                  + (high ? tl * (24.0 * cDfb + 3.0 * 3 * hl * ta) : 0);
            }
          }
          default -> throw new IllegalStateException("unknown stage step " + step);
        }
      }
      prevOut.put(st.name(), outs.get(st.name()));
      prev = st.name();
    }
    act += sq(spec.imageSize()) * 3.0 * spec.modelChannels() + e;
    activationValues = act;
  }

  private static long skipChannels(SwinUNet net, String outputStage) {
    int k = Integer.parseInt(outputStage.substring("output_".length()));
    List<Integer> skips = net.getSkipChannels();
    return skips.get(skips.size() - 1 - k);
  }

  public UNetSpec spec() {
    return spec;
  }

  public long totalParameters() {
    return backbone + dfb + kg;
  }

  public long backboneParameters() {
    return backbone;
  }

  public long dfbParameters() {
    return dfb;
  }

  public long kgParameters() {
    return kg;
  }

  public List<Level> levels() {
    return List.copyOf(levels);
  }

  public List<Stage> stages() {
    return List.copyOf(stages);
  }

  /** Forward cost per image in GFLOPs (2 × multiply–accumulates). */
  public double forwardGflops() {
    return 2 * macs / 1e9;
  }

  /** Activations kept for backward per image in training, fp32, MiB (estimate). */
  public double activationMibPerImage() {
    return activationValues * 4 / (1 << 20);
  }

  /** Weights, gradients, two AdamW moments and an EMA copy, fp32, MiB. */
  public double trainingStateMib() {
    return totalParameters() * 20.0 / (1 << 20);
  }

  /** Estimated training memory for {@code batch} images, GiB (without framework overhead). */
  public double trainingGib(int batch) {
    return (trainingStateMib() + batch * activationMibPerImage()) / 1024;
  }

  /** A JSON object with every number of this summary. */
  public String toJson() {
    return toJson(null);
  }

  /**
   * {@link #toJson()} with the name of each input channel ({@code inputChannelNames}, e.g.
   * x_t, source:T1, source:T2; null to leave them out).
   */
  public String toJson(List<String> inputChannelNames) {
    JsonObject o = new JsonObject();
    o.addProperty("imageSize", spec.imageSize());
    o.addProperty("inChannels", spec.inChannels());
    if (inputChannelNames != null) {
      JsonArray names = new JsonArray();
      inputChannelNames.forEach(names::add);
      o.add("inputChannels", names);
    }
    JsonObject p = new JsonObject();
    p.addProperty("total", totalParameters());
    p.addProperty("backbone", backbone);
    p.addProperty("dfb", dfb);
    p.addProperty("kg", kg);
    o.add("parameters", p);
    JsonArray lv = new JsonArray();
    for (Level l : levels) {
      JsonObject j = new JsonObject();
      j.addProperty("level", l.level());
      j.addProperty("side", l.side());
      j.addProperty("channels", l.channels());
      j.addProperty("swinWindow", l.swinWindow());
      j.addProperty("swinShift", l.swinShift());
      j.addProperty("dfb", l.dfb());
      j.addProperty("kgBlocks", l.kgBlocks());
      lv.add(j);
    }
    o.add("levels", lv);
    JsonArray sa = new JsonArray();
    for (Stage s : stages) {
      JsonObject j = new JsonObject();
      j.addProperty("name", s.name());
      JsonArray steps = new JsonArray();
      s.steps().forEach(steps::add);
      j.add("steps", steps);
      JsonArray shape = new JsonArray();
      shape.add(s.channels());
      shape.add(s.side());
      shape.add(s.side());
      j.add("outputShape", shape);
      sa.add(j);
    }
    o.add("stages", sa);
    o.addProperty("textTokens", textLength);
    o.addProperty("forwardGflopsPerImage", round(forwardGflops()));
    o.addProperty("activationMibPerImage", round(activationMibPerImage()));
    o.addProperty("trainingStateMib", round(trainingStateMib()));
    return new GsonBuilder().setPrettyPrinting().create().toJson(o);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** A human-readable table of this summary. */
  public String toText() {
    return toText(null);
  }

  /** {@link #toText()} with the name of each input channel (null to leave them out). */
  public String toText(List<String> inputChannelNames) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "SwinUNet %d px, C0 %d, mult %s, DFB %s %s %s%s, KG %s%n",
        spec.imageSize(), spec.modelChannels(), spec.channelMult(), spec.dfbMode(),
        spec.dfbScope(), spec.dfbLevels(),
        spec.dfbSide() == org.dfbk.core.spec.DfbSide.DECODER ? " decoder side" : "",
        spec.kgMode()));
    b.append(String.format(Locale.ROOT, "input: (N, %d, %d, %d)%s%n", spec.inChannels(),
        spec.imageSize(), spec.imageSize(), inputChannelNames == null ? ""
            : " = " + String.join(", ", inputChannelNames)));
    b.append(String.format(Locale.ROOT,
        "parameters: %,d total = %,d backbone + %,d DFB + %,d KG%n", totalParameters(),
        backbone, dfb, kg));
    b.append("level  side  channels  swin window/shift  DFB  KG blocks\n");
    for (Level l : levels) {
      b.append(String.format(Locale.ROOT, "%5d %5d %9d  %17s  %3s  %9d%n", l.level(), l.side(),
          l.channels(), l.swinWindow() == 0 ? "-" : l.swinWindow() + "/" + l.swinShift(),
          l.dfb() ? "yes" : "-", l.kgBlocks()));
    }
    b.append("stage      output (C, H, W)   steps\n");
    for (Stage s : stages) {
      b.append(String.format(Locale.ROOT, "%-10s (%d, %d, %d)%s %s%n", s.name(), s.channels(),
          s.side(), s.side(), " ".repeat(Math.max(1, 14 - String.valueOf(s.channels()).length()
              - 2 * String.valueOf(s.side()).length())), String.join(", ", s.steps())));
    }
    b.append(String.format(Locale.ROOT, "forward: %.4g GFLOPs per image%n", forwardGflops()));
    b.append(String.format(Locale.ROOT,
        "training memory (fp32, estimate): %.0f MiB state (20 B/parameter) + %.0f MiB"
            + " activations per image; batch 4: %.1f GiB%n",
        trainingStateMib(), activationMibPerImage(), trainingGib(4)));
    return b.toString();
  }
}
