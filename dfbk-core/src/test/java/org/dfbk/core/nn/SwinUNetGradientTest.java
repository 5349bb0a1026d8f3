package org.dfbk.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.dfbk.core.math.Ops;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * Float64 central finite differences against autograd on coordinates of every kind of weight of
 * the tiny network (timestep MLP, FiLM, zero-initialised conv, shifted-window attention and its
 * relative position bias, DFB, KG, output conv).
 */
class SwinUNetGradientTest {

  private static final String[] PARAMS = {
      "time_embed.linear_1.weight",
      "input_1.res.emb_proj.weight",
      "input_1.res.out_conv.weight",
      "input_1.swin.block_1.attn.relative_position_bias_table",
      "input_1.swin.block_1.attn.qkv.weight",
      "output_4.swin.block_0.mlp_fc1.weight",
      "input_3.dfb.proj_out.weight",
      "middle.kg.proj_out.weight",
      "out_conv.bias"};

  @Test
  void autogradMatchesFiniteDifferences() {
    UNetSpec spec = UNetSpec.tiny();
    SwinUNet net = SwinUNet.of(spec);
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      net.initialize(m, DataType.FLOAT64, net.inputShapes(1, 5));
      Map<String, Parameter> params = ParameterNames.dotted(net);
      for (Parameter p : params.values()) { // make zero-initialised weights non-zero
        NDArray a = p.getArray();
        Params.assign(a,
            a.add(m.randomNormal(0, 0.1f, a.getShape(), DataType.FLOAT64)).toDoubleArray());
      }
      NDList in = new NDList(m.randomNormal(0, 1, new Shape(1, 2, 16, 16), DataType.FLOAT64),
          Ops.engineOwned(m.create(new long[] {3})),
          m.randomNormal(0, 1, new Shape(1, 5, 16), DataType.FLOAT64),
          Ops.engineOwned(m.create(new double[] {1, 1, 1, 0, 0}, new Shape(1, 5))));
      NDArray probe = m.randomNormal(0, 1, new Shape(1, 1, 16, 16), DataType.FLOAT64);
      double[] analytic = new double[PARAMS.length];
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = net.forward(new ParameterStore(m, false), in, true).singletonOrThrow();
        gc.backward(y.mul(probe).sum());
        for (int i = 0; i < PARAMS.length; i++) {
          double[] g = params.get(PARAMS[i]).getArray().getGradient().toDoubleArray();
          analytic[i] = g[coordinate(g.length)];
        }
      }
      double h = 1e-5;
      double[] numeric = new double[PARAMS.length];
      for (int i = 0; i < PARAMS.length; i++) {
        NDArray w = params.get(PARAMS[i]).getArray();
        double[] v = w.toDoubleArray();
        int c = coordinate(v.length);
        double orig = v[c];
        v[c] = orig + h;
        w.set(v);
        double plus = loss(net, m, in, probe);
        v[c] = orig - h;
        w.set(v);
        double minus = loss(net, m, in, probe);
        v[c] = orig;
        w.set(v);
        numeric[i] = (plus - minus) / (2 * h);
      }
      Tolerance.assertClose(numeric, analytic, 1e-5, 1e-7,
          "d(sum(probe·x̂0))/dθ, autograd vs finite differences over " + String.join(", ", PARAMS));
    }
  }

  /** A coordinate away from the first element (index 1), or 0 for one-element parameters. */
  private static int coordinate(int size) {
    return size > 1 ? 1 : 0;
  }

  private static double loss(SwinUNet net, NDManager m, NDList in, NDArray probe) {
    try (NDManager sub = m.newSubManager()) {
      NDArray y = net.forward(new ParameterStore(sub, false), in, false).singletonOrThrow();
      return y.mul(probe).sum().getDouble();
    }
  }
}
