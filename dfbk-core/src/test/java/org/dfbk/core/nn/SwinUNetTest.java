package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.DfbSide;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class SwinUNetTest {

  private static NDList inputs(NDManager m, UNetSpec spec, int batch, long seed) {
    m.getEngine().setRandomSeed((int) seed);
    int s = spec.imageSize();
    NDList in = new NDList(m.randomNormal(new Shape(batch, spec.inChannels(), s, s)),
        m.arange(0, batch, 1, ai.djl.ndarray.types.DataType.INT64).mod(4));
    if (spec.needsText()) {
      in.add(m.randomNormal(new Shape(batch, 5, spec.textDim())));
      in.add(m.ones(new Shape(batch, 5)));
    }
    return in;
  }

  private static NDArray run(SwinUNet net, NDManager m, NDList in) {
    return net.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
  }

  @Test
  void skipPlanMatchesTheDecoderForEveryLevelCount() {
    for (List<Integer> mult : List.of(List.of(1), List.of(1, 2), List.of(1, 2, 2, 4))) {
      UNetSpec spec = UNetSpec.builder().setImageSize(32).setModelChannels(16).setChannelMult(mult)
          .optNumResBlocks(2).optNormGroups(8).optSwinDepth(2).optSwinEmbedDim(16)
          .optHeadChannels(8).optWindowSize(4).build();
      SwinUNet net = SwinUNet.of(spec);
      int levels = mult.size();
      // stem + numRes per level + one downsample between levels
      assertEquals(1 + 2 * levels + (levels - 1), net.getSkipChannels().size(), "skips " + mult);
      assertEquals((2 + 1) * levels, net.getOutputStages().size(), "decoder stages " + mult);
      Map<String, Shape> shapes = net.stageOutputShapes(3);
      int deepest = 32 >> (levels - 1);
      assertEquals(new Shape(3, 16 * mult.get(levels - 1), deepest, deepest),
          shapes.get("middle"));
      assertEquals(new Shape(3, 16, 32, 32),
          shapes.get("output_" + (net.getOutputStages().size() - 1)));
    }
  }

  @Test
  void tinyNetworkMapsBatchToOneChannelAndFreshDfbAndKgAreIdentity() {
    UNetSpec full = UNetSpec.tiny();
    UNetSpec plain = full.backboneOnly();
    try (NDManager m = NDManager.newBaseManager()) {
      SwinUNet a = SwinUNet.of(plain);
      a.initialize(m);
      SwinUNet b = SwinUNet.of(full);
      b.initialize(m);
      // copy the backbone weights into the DFB network: fresh DFB blocks are the identity
      Map<String, ai.djl.nn.Parameter> pb = ParameterNames.dotted(b);
      ParameterNames.dotted(a).forEach((k, v) -> Params.assign(pb.get(k).getArray(),
          v.getArray().toFloatArray()));
      NDList in = inputs(m, full, 3, 11);
      NDArray ya = run(a, m, new NDList(in.get(0), in.get(1)));
      NDArray yb = run(b, m, in);
      assertArrayEquals(new long[] {3, 1, 16, 16}, ya.getShape().getShape());
      Tolerance.assertClose(ya.toFloatArray(), yb.toFloatArray(), 0, 1e-6,
          "fresh DFB/KG network vs backbone");
      assertTrue(pb.keySet().stream().anyMatch(k -> k.contains(".dfb.")), "has DFB blocks");
      assertTrue(pb.keySet().stream().anyMatch(k -> k.contains("middle.kg.")), "has middle KG");
    }
  }

  @Test
  void decoderSideDfbTransformsTheDecoderFeatureBeforeTheConcatenation() {
    UNetSpec dec = UNetSpec.tiny().toBuilder().optKg(KgMode.NONE, KgPlacement.none(), 0)
        .optDfbSide(DfbSide.DECODER).build();
    UNetSpec plain = dec.backboneOnly();
    try (NDManager m = NDManager.newBaseManager()) {
      SwinUNet a = SwinUNet.of(plain);
      a.initialize(m);
      SwinUNet b = SwinUNet.of(dec);
      b.initialize(m);
      Map<String, ai.djl.nn.Parameter> pb = ParameterNames.dotted(b);
      // one block per DFB level, in the decoder stage that consumes the level's deepest skip,
      // as wide as the feature coming up from below
      List<String> projections = pb.keySet().stream()
          .filter(k -> k.endsWith(".dfb.proj_out.weight")).sorted().toList();
      assertEquals(dec.dfbLevels().size(), projections.size(), projections.toString());
      assertTrue(projections.stream().allMatch(k -> k.startsWith("output_")),
          projections.toString());
      int k = 0;
      for (int l = dec.numLevels() - 1; l >= 0; l--) {
        if (dec.hasDfb(l)) {
          String name = "output_" + k + ".dfb.proj_out.weight";
          assertTrue(pb.containsKey(name),
              "level " + l + ": expected " + name + " in " + projections);
          assertEquals(dec.dfbChannels(l), pb.get(name).getArray().getShape().get(0), name);
          assertEquals("dfb", b.getOutputStages().get(k).stepNames().get(0), name);
        }
        k += dec.numResBlocks() + 1;
      }
      // fresh blocks are the identity: the backbone's weights give the backbone's output
      ParameterNames.dotted(a).forEach((n, v) -> Params.assign(pb.get(n).getArray(),
          v.getArray().toFloatArray()));
      NDList in = inputs(m, dec, 2, 5);
      float[] ya = run(a, m, in).toFloatArray();
      float[] yb = run(b, m, in).toFloatArray();
      Tolerance.assertClose(ya, yb, 0, 1e-6, "fresh decoder-side DFB vs backbone");
      // a block with weights changes the output: it is on the path
      for (String n : projections) {
        NDArray w = pb.get(n).getArray();
        w.set(m.randomNormal(w.getShape()).mul(0.05f).toFloatArray());
      }
      float[] yc = run(b, m, in).toFloatArray();
      double maxDiff = 0;
      for (int i = 0; i < ya.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(ya[i] - yc[i]));
      }
      assertTrue(maxDiff > 1e-4, "decoder-side DFB must act, max diff " + maxDiff);
    }
  }

  @Test
  void decoderSideDfbChecksTheWidthOfTheFeatureItTransforms() {
    // level 0 has 8 channels, level 1 24: a decoder-side block at level 0 sees 24 channels,
    // which 16-channel heads do not divide
    UNetSpec.Builder b = UNetSpec.builder().setImageSize(16).setModelChannels(8)
        .setChannelMult(List.of(1, 3)).optNormGroups(4).optSwinEmbedDim(16).optHeadChannels(8)
        .optWindowSize(4).optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(0));
    assertEquals(8, b.build().dfbChannels(0));
    b.optHeadChannels(4);
    UNetSpec ok = b.optDfbSide(DfbSide.DECODER).build();
    assertEquals(24, ok.dfbChannels(0));
    org.dfbk.core.error.ConfigException e = assertThrows(
        org.dfbk.core.error.ConfigException.class,
        () -> b.optHeadChannels(16).optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(0))
            .optDfbSide(DfbSide.DECODER).build());
    assertTrue(e.getMessage().contains("24 channels"), e.getMessage());
  }

  @Test
  void textIsRequiredWithKgAndTheMaskHidesPaddedTokens() {
    UNetSpec spec = UNetSpec.tiny();
    try (NDManager m = NDManager.newBaseManager()) {
      SwinUNet net = SwinUNet.of(spec);
      net.initialize(m);
      for (ai.djl.nn.Parameter p : ParameterNames.dotted(net).values()) {
        NDArray arr = p.getArray();
        arr.set(arr.add(m.randomNormal(arr.getShape()).mul(0.05f)).toFloatArray());
      }
      NDList in = inputs(m, spec, 1, 3);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> run(net, m, new NDList(in.get(0), in.get(1))));
      assertTrue(e.getMessage().contains("text"), e.getMessage());
      // pad two of five tokens: changing the padded embeddings must not change x̂_0
      NDArray mask = m.create(new float[] {1, 1, 1, 0, 0}, new Shape(1, 5));
      NDArray text = in.get(2);
      NDArray other = text.duplicate();
      other.set(new ai.djl.ndarray.index.NDIndex(":, 3:, :"), 7f);
      float[] y1 = run(net, m, new NDList(in.get(0), in.get(1), text, mask)).toFloatArray();
      float[] y2 = run(net, m, new NDList(in.get(0), in.get(1), other, mask)).toFloatArray();
      Tolerance.assertClose(y1, y2, 0, 1e-6, "padded tokens changed the output");
      float[] y3 = run(net, m, new NDList(in.get(0), in.get(1), other, mask.onesLike()))
          .toFloatArray();
      double maxDiff = 0;
      for (int i = 0; i < y1.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(y1[i] - y3[i]));
      }
      assertTrue(maxDiff > 1e-4, "unmasked tokens must matter, max diff " + maxDiff);
    }
  }

  @Test
  void rejectsAWrongImageSizeNamingTheExpectedShape() {
    UNetSpec spec = UNetSpec.tiny().backboneOnly();
    SwinUNet net = SwinUNet.of(spec);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.getOutputShapes(new Shape[] {new Shape(1, 2, 32, 32), new Shape(1)}));
    assertTrue(e.getMessage().contains("(N, 2, 16, 16)") && e.getMessage().contains("32"),
        e.getMessage());
  }

  @Test
  void saveThenLoadGivesTheSameOutput(@TempDir Path dir) throws Exception {
    UNetSpec spec = UNetSpec.tiny();
    Path file = dir.resolve("unet.params");
    try (NDManager m = NDManager.newBaseManager()) {
      SwinUNet a = SwinUNet.of(spec);
      a.initialize(m);
      // make the zero-initialised parts non-zero so the round trip covers them
      for (ai.djl.nn.Parameter p : ParameterNames.dotted(a).values()) {
        NDArray arr = p.getArray();
        arr.set(arr.add(m.randomNormal(arr.getShape()).mul(0.05f)).toFloatArray());
      }
      NDList in = inputs(m, spec, 2, 5);
      float[] before = run(a, m, in).toFloatArray();
      try (OutputStream os = Files.newOutputStream(file)) {
        a.saveParameters(new DataOutputStream(os));
      }
      SwinUNet b = SwinUNet.of(spec);
      try (InputStream is = Files.newInputStream(file)) {
        b.loadParameters(m, new DataInputStream(is));
      }
      // the reloaded weights sit in other memory, so oneDNN/MKL may pick another kernel (another
      // summation order): equal to float32 reordering, not bitwise (an Intel Xeon gave 1.9e-6)
      double tol = Tolerance.reordering(a);
      Tolerance.assertClose(before, run(b, m, in).toFloatArray(), tol, tol, "reloaded output");
    }
  }

  @Test
  void djlModelSaveAndLoadKeepTheOutput(@TempDir Path dir) throws Exception {
    UNetSpec spec = UNetSpec.tiny();
    try (ai.djl.Model saved = ai.djl.Model.newInstance("unet");
        ai.djl.Model loaded = ai.djl.Model.newInstance("unet")) {
      SwinUNet a = SwinUNet.of(spec);
      saved.setBlock(a);
      NDManager m = saved.getNDManager();
      a.initialize(m);
      for (ai.djl.nn.Parameter p : ParameterNames.dotted(a).values()) {
        NDArray arr = p.getArray();
        arr.set(arr.add(m.randomNormal(arr.getShape()).mul(0.05f)).toFloatArray());
      }
      NDList in = inputs(m, spec, 1, 9);
      float[] before = run(a, m, in).toFloatArray();
      saved.save(dir, "unet");
      SwinUNet b = SwinUNet.of(spec);
      loaded.setBlock(b);
      loaded.load(dir, "unet");
      double tol = Tolerance.reordering(a); // reloaded into other memory: see above
      Tolerance.assertClose(before, run(b, m, in).toFloatArray(), tol, tol, "Model.load output");
    }
  }

  @Test
  void loadingAnotherConfigurationNamesTheFirstMismatch(@TempDir Path dir) throws IOException {
    UNetSpec small = UNetSpec.tiny().backboneOnly();
    UNetSpec wider = small.toBuilder().setModelChannels(24).build();
    Path file = dir.resolve("small.params");
    try (NDManager m = NDManager.newBaseManager()) {
      SwinUNet a = SwinUNet.of(small);
      a.initialize(m);
      try (OutputStream os = Files.newOutputStream(file)) {
        a.saveParameters(new DataOutputStream(os));
      }
      SwinUNet b = SwinUNet.of(wider);
      MalformedModelException e = assertThrows(MalformedModelException.class, () -> {
        try (InputStream is = Files.newInputStream(file)) {
          b.loadParameters(m, new DataInputStream(is));
        }
      });
      assertTrue(e.getMessage().contains("'time_embed.linear_1.weight'")
          && e.getMessage().contains("(64, 16)") && e.getMessage().contains("(96, 24)"),
          e.getMessage());
      // a network with DFB blocks has parameters the backbone checkpoint lacks
      SwinUNet c = SwinUNet.of(small.withDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(2)));
      MalformedModelException e2 = assertThrows(MalformedModelException.class, () -> {
        try (InputStream is = Files.newInputStream(file)) {
          c.loadParameters(m, new DataInputStream(is));
        }
      });
      assertTrue(e2.getMessage().contains("dfb"), e2.getMessage());
    }
  }

  @Test
  void aConditionOfSeveralChannelsWidensOnlyTheInput() {
    // x_t plus 6 condition channels (2 sources x 3 slices): the stem takes 7 channels, the
    // output stays one channel, and an input of another width is refused naming both shapes
    for (int in : new int[] {2, 4, 7}) {
      UNetSpec spec = UNetSpec.builder().setImageSize(16).setModelChannels(16)
          .setChannelMult(List.of(1, 2)).optInChannels(in).optNormGroups(8).optSwinEmbedDim(16)
          .optHeadChannels(8).optWindowSize(4).build();
      try (NDManager m = NDManager.newBaseManager()) {
        SwinUNet net = SwinUNet.of(spec);
        net.initialize(m);
        NDArray y = run(net, m, inputs(m, spec, 2, 5));
        assertArrayEquals(new long[] {2, 1, 16, 16}, y.getShape().getShape(), "in " + in);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> run(net, m, new NDList(m.zeros(new Shape(2, in + 1, 16, 16)),
                m.zeros(new Shape(2), ai.djl.ndarray.types.DataType.INT64))));
        assertTrue(e.getMessage().contains("(N, " + in + ", 16, 16)"), e.getMessage());
      }
    }
  }
}
