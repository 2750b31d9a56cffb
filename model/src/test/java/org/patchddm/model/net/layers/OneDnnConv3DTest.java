package org.patchddm.model.net.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.patchddm.model.kernels.OneDnn;
import org.patchddm.model.kernels.OneDnnConvolution;
import org.patchddm.model.testing.InputGradientCheck;
import org.patchddm.model.testing.NetTestSupport;

/**
 * {@link OneDnnConv3DConfig}: the float32 oneDNN path against a direct summation in double written
 * out here (output, dL/dx, dL/dW, dL/db, for stride 1 and 2, kernel 1 and 3, channel counts that
 * are not multiples of oneDNN's block of 8, views as inputs), and the float64 fallback path against
 * numerical gradients.
 */
class OneDnnConv3DTest {

  /** Direct sums over the definition y[n,o,p] = b[o] + Σ_i Σ_a w[o,i,a] x[n,i,s·p - pad + a]. */
  private static final class Reference {
    final double[][][][][] y;
    final double[][][][][] dx;
    final double[][][][][] dw;
    final double[] db;

    Reference(INDArray xa, INDArray wa, INDArray ba, INDArray da, int s, int pad) {
      long[] xs = xa.shape();
      int n = (int) xs[0];
      int ci = (int) xs[1];
      int[] in = {(int) xs[2], (int) xs[3], (int) xs[4]};
      int co = (int) wa.size(0);
      int k = (int) wa.size(2);
      int[] out = new int[3];
      for (int a = 0; a < 3; a++) {
        out[a] = (in[a] + 2 * pad - k) / s + 1;
      }
      y = new double[n][co][out[0]][out[1]][out[2]];
      dx = new double[n][ci][in[0]][in[1]][in[2]];
      dw = new double[co][ci][k][k][k];
      db = new double[co];
      for (int b = 0; b < n; b++) {
        for (int o = 0; o < co; o++) {
          for (int z = 0; z < out[0]; z++) {
            for (int yy = 0; yy < out[1]; yy++) {
              for (int xx = 0; xx < out[2]; xx++) {
                double d = da.getDouble(b, o, z, yy, xx);
                double acc = ba.getDouble(o);
                db[o] += d;
                for (int i = 0; i < ci; i++) {
                  for (int p = 0; p < k; p++) {
                    int iz = z * s - pad + p;
                    if (iz < 0 || iz >= in[0]) {
                      continue;
                    }
                    for (int q = 0; q < k; q++) {
                      int iy = yy * s - pad + q;
                      if (iy < 0 || iy >= in[1]) {
                        continue;
                      }
                      for (int r = 0; r < k; r++) {
                        int ix = xx * s - pad + r;
                        if (ix < 0 || ix >= in[2]) {
                          continue;
                        }
                        double wv = wa.getDouble(o, i, p, q, r);
                        double xv = xa.getDouble(b, i, iz, iy, ix);
                        acc += wv * xv;
                        dx[b][i][iz][iy][ix] += wv * d;
                        dw[o][i][p][q][r] += xv * d;
                      }
                    }
                  }
                }
                y[b][o][z][yy][xx] = acc;
              }
            }
          }
        }
      }
    }
  }

  private static void assertMatches(Object expected, INDArray actual, String what) {
    INDArray e = Nd4j.create(flatten(expected)).castTo(DataType.DOUBLE);
    INDArray a = actual.castTo(DataType.DOUBLE).reshape(-1);
    assertEquals(e.length(), a.length(), what + " length");
    double scale = Math.max(1.0, e.amaxNumber().doubleValue());
    double diff = e.sub(a).amaxNumber().doubleValue();
    assertTrue(
        diff <= 2e-5 * scale, what + ": max |difference| " + diff + " (scale " + scale + ")");
  }

  private static double[] flatten(Object o) {
    if (o instanceof double[] d) {
      return d;
    }
    Object[] parts = (Object[]) o;
    double[][] flat = new double[parts.length][];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      flat[i] = flatten(parts[i]);
      total += flat[i].length;
    }
    double[] all = new double[total];
    int at = 0;
    for (double[] f : flat) {
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return all;
  }

  private static void checkOneDnn(int n, int ci, int co, long[] size, int k, int s, int pad) {
    checkOneDnn(n, ci, co, size, k, s, pad, false, false);
  }

  private static void checkOneDnn(
      int n, int ci, int co, long[] size, int k, int s, int pad, boolean inLast, boolean outLast) {
    assertTrue(OneDnn.available(), "oneDNN binding did not load: " + OneDnn.unavailableReason());
    long[] xShape = {n, ci, size[0], size[1], size[2]};
    // x as a view into a bigger array, so the buffer address has an offset.
    INDArray big = NetTestSupport.gaussian(11, DataType.FLOAT, 2, n, ci, size[0], size[1], size[2]);
    INDArray x = big.get(NDArrayIndex.point(1));
    assertTrue(x.offset() > 0 || x.data().offset() > 0, "test input should be a view");
    INDArray w = NetTestSupport.gaussian(12, DataType.FLOAT, co, ci, k, k, k);
    INDArray b = NetTestSupport.gaussian(13, DataType.FLOAT, co);
    OneDnnConvolution.Geometry g =
        new OneDnnConvolution.Geometry(
            n, ci, co, size[0], size[1], size[2], k, s, pad, inLast, outLast);
    long[] yShape = g.dst();
    INDArray delta = NetTestSupport.gaussian(14, DataType.FLOAT, yShape);
    INDArray yL =
        Nd4j.createUninitialized(DataType.FLOAT, NetTestSupport.inLayout(delta, outLast).shape());
    INDArray dxL =
        Nd4j.createUninitialized(DataType.FLOAT, NetTestSupport.inLayout(x, inLast).shape());
    INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, co, ci, k, k, k);
    INDArray db = Nd4j.createUninitialized(DataType.FLOAT, co);
    OneDnnConvolution plan = OneDnnConvolution.plan(g);
    INDArray xL = NetTestSupport.inLayout(x, inLast);
    plan.forward(xL, w, b, yL);
    plan.backward(xL, w, NetTestSupport.inLayout(delta, outLast), dxL, dw, db);
    INDArray y = NetTestSupport.toNcdhw(yL, outLast);
    INDArray dx = NetTestSupport.toNcdhw(dxL, inLast);
    Reference ref = new Reference(x, w, b, delta, s, pad);
    String at =
        "k="
            + k
            + " s="
            + s
            + " "
            + java.util.Arrays.toString(xShape)
            + " -> "
            + co
            + (inLast ? " in NDHWC" : " in NCDHW")
            + (outLast ? " out NDHWC" : " out NCDHW");
    assertMatches(ref.y, y, "output " + at);
    assertMatches(ref.dx, dx, "dL/dx " + at);
    assertMatches(ref.dw, dw, "dL/dW " + at);
    assertMatches(ref.db, db, "dL/db " + at);
  }

  @Test
  void oneDnnStride1MatchesDirectSums() {
    checkOneDnn(2, 5, 7, new long[] {5, 6, 7}, 3, 1, 1);
    checkOneDnn(1, 9, 3, new long[] {4, 4, 6}, 1, 1, 0);
    // large enough for dL/dx as a forward convolution with the flipped kernel
    checkOneDnn(1, 3, 2, new long[] {16, 32, 32}, 3, 1, 1);
    assertTrue(16 * 32 * 32 >= OneDnnConvolution.FLIP_MIN_VOXELS);
  }

  @Test
  void oneDnnChannelsLastLayoutsMatchDirectSums() {
    for (boolean in : new boolean[] {false, true}) {
      for (boolean out : new boolean[] {false, true}) {
        checkOneDnn(2, 5, 7, new long[] {5, 6, 7}, 3, 1, 1, in, out);
        checkOneDnn(1, 6, 6, new long[] {6, 4, 8}, 3, 2, 1, in, out);
        checkOneDnn(1, 9, 3, new long[] {4, 4, 6}, 1, 1, 0, in, out);
        checkOneDnn(1, 3, 2, new long[] {16, 32, 32}, 3, 1, 1, in, out);
      }
    }
  }

  /**
   * The layer with channels-last input and/or output gives the NCDHW layer's output, dL/dx and
   * parameter gradients, permuted, in float32 (oneDNN) and in float64 (libnd4j on NCDHW copies);
   * the float64 channels-last layer also passes a numerical input-gradient check.
   */
  @Test
  void channelsLastLayerMatchesNcdhwLayer() {
    NetTestSupport.DoubleSingleThreaded.run(
        () -> {
          LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
          for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ComputationGraph ref =
                net(
                    new OneDnnConv3DConfig.Builder().kernel(3).stride(2).nIn(3).nOut(4).build(),
                    3,
                    t);
            ref.params().assign(NetTestSupport.gaussian(3, t, ref.params().shape()));
            INDArray x = NetTestSupport.gaussian(4, t, 2, 3, 4, 4, 6);
            INDArray eps = NetTestSupport.gaussian(5, t, 2, 4, 2, 2, 3);
            Layer rl = ref.getLayer("conv");
            rl.setInput(x, mgr);
            INDArray y0 = rl.activate(true, mgr).dup();
            INDArray dx0 = rl.backpropGradient(eps, mgr).getSecond().dup();
            INDArray g0 = rl.getGradientsViewArray().dup();
            for (boolean in : new boolean[] {false, true}) {
              for (boolean out : new boolean[] {false, true}) {
                ComputationGraph cl =
                    net(
                        new OneDnnConv3DConfig.Builder()
                            .kernel(3)
                            .stride(2)
                            .nIn(3)
                            .nOut(4)
                            .channelsLast(in, out)
                            .build(),
                        3,
                        t);
                cl.params().assign(ref.params());
                Layer l = cl.getLayer("conv");
                l.setInput(NetTestSupport.inLayout(x, in), mgr);
                String at =
                    t + " in " + (in ? "NDHWC" : "NCDHW") + " out " + (out ? "NDHWC" : "NCDHW");
                INDArray y = l.activate(true, mgr);
                assertTrue(NetTestSupport.toNcdhw(y, out).equalsWithEps(y0, 1e-5), "output " + at);
                INDArray dx =
                    l.backpropGradient(NetTestSupport.inLayout(eps, out), mgr).getSecond();
                assertTrue(NetTestSupport.toNcdhw(dx, in).equalsWithEps(dx0, 1e-5), "dL/dx " + at);
                assertTrue(l.getGradientsViewArray().equalsWithEps(g0, 1e-4), "gradients " + at);
                if (t == DataType.DOUBLE) {
                  InputGradientCheck.assertInputGradients(
                      l,
                      NetTestSupport.inLayout(x, in),
                      NetTestSupport.inLayout(NetTestSupport.gaussian(6, t, 2, 4, 2, 2, 3), out),
                      1e-6);
                }
              }
            }
          }
        });
  }

  /**
   * Without an input gradient (the U-Net's first convolution) the layer returns no dL/dx and the
   * same parameter gradients, on the oneDNN path (float32) and the libnd4j fallback (float64).
   */
  @Test
  void layerWithoutInputGradientKeepsTheParameterGradients() {
    NetTestSupport.DoubleSingleThreaded.run(
        () -> {
          LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
          for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray[] grads = new INDArray[2];
            for (int i = 0; i < 2; i++) {
              OneDnnConv3DConfig conf =
                  new OneDnnConv3DConfig.Builder()
                      .kernel(3)
                      .nIn(3)
                      .nOut(4)
                      .channelsLast(false, true)
                      .inputGradient(i == 0)
                      .build();
              ComputationGraph g = net(conf, 3, t);
              g.params().assign(NetTestSupport.gaussian(3, t, g.params().shape()));
              Layer l = g.getLayer("conv");
              l.setInput(NetTestSupport.gaussian(4, t, 2, 3, 5, 4, 6), mgr);
              l.activate(true, mgr);
              INDArray dx =
                  l.backpropGradient(NetTestSupport.gaussian(5, t, 2, 5, 4, 6, 4), mgr).getSecond();
              assertEquals(i == 0, dx != null, t + " input gradient returned");
              grads[i] = l.getGradientsViewArray().dup();
            }
            assertTrue(grads[0].amaxNumber().doubleValue() > 0, t + " gradients are all zero");
            assertTrue(grads[1].equalsWithEps(grads[0], 1e-6), t + " parameter gradients");
          }
        });
  }

  @Test
  void oneDnnStride2MatchesDirectSums() {
    // the U-Net's downsampling: 3^3, stride 2, padding 1 halves even sizes
    checkOneDnn(2, 6, 6, new long[] {6, 4, 8}, 3, 2, 1);
    OneDnnConvolution.Geometry g = new OneDnnConvolution.Geometry(1, 1, 1, 64, 64, 64, 3, 2, 1);
    assertEquals(32, g.dst()[2]);
    assertEquals(0, g.padBack(64));
  }

  /** Output, dL/dx and dL/dW of one plan for input seed s (fresh arrays). */
  private static INDArray[] runPlan(OneDnnConvolution plan, OneDnnConvolution.Geometry g, long s) {
    INDArray x = NetTestSupport.gaussian(s, DataType.FLOAT, g.src());
    INDArray w = NetTestSupport.gaussian(s + 1, DataType.FLOAT, g.weights());
    INDArray b = NetTestSupport.gaussian(s + 2, DataType.FLOAT, g.cout());
    INDArray delta = NetTestSupport.gaussian(s + 3, DataType.FLOAT, g.dst());
    INDArray y = Nd4j.createUninitialized(DataType.FLOAT, g.dst());
    INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, g.src());
    INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, g.weights());
    INDArray db = Nd4j.createUninitialized(DataType.FLOAT, g.cout());
    plan.forward(x, w, b, y);
    plan.backward(x, w, delta, dx, dw, db);
    return new INDArray[] {y, dx, dw, db};
  }

  @Test
  void oneCachedPlanRunsOnSeveralThreadsAtOnce() throws Exception {
    assertTrue(OneDnn.available(), OneDnn.unavailableReason());
    OneDnnConvolution.Geometry g = new OneDnnConvolution.Geometry(1, 13, 11, 12, 10, 8, 3, 1, 1);
    OneDnnConvolution plan = OneDnnConvolution.plan(g);
    int threads = 3;
    INDArray[][] expected = new INDArray[threads][];
    for (int t = 0; t < threads; t++) {
      expected[t] = runPlan(plan, g, 100 * t + 7); // seed 0 would not be reproducible in ND4J
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int seedBase = 100 * t + 7;
        final INDArray[] want = expected[t];
        results.add(
            pool.submit(
                () -> {
                  for (int rep = 0; rep < 5; rep++) {
                    INDArray[] got = runPlan(plan, g, seedBase);
                    for (int k = 0; k < 3; k++) {
                      if (!got[k].equals(want[k])) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (int t = 0; t < threads; t++) {
        assertTrue(results.get(t).get(), "thread " + t + " got other results than alone");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void largeWorkingBuffersAreFreedAfterEachCall() {
    OneDnnConvolution.Geometry g = new OneDnnConvolution.Geometry(1, 9, 9, 8, 8, 8, 3, 1, 1);
    OneDnnConvolution plan = OneDnnConvolution.plan(g);
    try {
      OneDnn.setScratchRetainBytes(1L << 30);
      INDArray[] kept = runPlan(plan, g, 51);
      assertTrue(
          OneDnn.retainedScratchBytes() > 9 * 512 * 4,
          "buffers below the cap are kept for the next call");
      OneDnn.setScratchRetainBytes(1024);
      INDArray[] freed = runPlan(plan, g, 51);
      assertTrue(
          OneDnn.retainedScratchBytes() <= 6 * 1024,
          "buffers above the cap are freed: " + OneDnn.retainedScratchBytes() + " bytes kept");
      for (int k = 0; k < 3; k++) {
        assertEquals(kept[k], freed[k], "same results with fresh buffers");
      }
    } finally {
      OneDnn.setScratchRetainBytes(256L << 20);
    }
  }

  /** in [N, cin, 4, 4, 6] -> OneDnnConv3DConfig -> MSE loss. */
  private static ComputationGraph net(OneDnnConv3DConfig conv, int cin, DataType type) {
    return NetTestSupport.singleLayer(conv, 4, 4, 6, cin, type);
  }

  @Test
  void doublePrecisionFallbackPassesGradientChecks() {
    NetTestSupport.DoubleSingleThreaded.run(
        () -> {
          for (int s : new int[] {1, 2}) {
            OneDnnConv3DConfig conv =
                new OneDnnConv3DConfig.Builder().kernel(3).stride(s).nIn(3).nOut(2).build();
            ComputationGraph g = net(conv, 3, DataType.DOUBLE);
            INDArray x = NetTestSupport.gaussian(1, DataType.DOUBLE, 2, 3, 4, 4, 6);
            long[] out = {2, 2, conv.outSize(4), conv.outSize(4), conv.outSize(6)};
            INDArray y = NetTestSupport.gaussian(2, DataType.DOUBLE, out);
            boolean ok =
                GradientCheckUtil.checkGradients(
                    new GradientCheckUtil.GraphConfig()
                        .net(g)
                        .inputs(new INDArray[] {x})
                        .labels(new INDArray[] {y})
                        .epsilon(1e-6)
                        .maxRelError(1e-5)
                        .minAbsoluteError(1e-9));
            assertTrue(ok, "parameter gradient check failed for stride " + s);
            INDArray w = NetTestSupport.gaussian(7, DataType.DOUBLE, out);
            InputGradientCheck.assertInputGradients(g.getLayer("conv"), x, w, 1e-6);
          }
        });
  }

  @Test
  void floatLayerMatchesDoubleLayer() {
    OneDnnConv3DConfig conv =
        new OneDnnConv3DConfig.Builder().kernel(3).stride(2).nIn(5).nOut(4).build();
    ComputationGraph f = net(conv, 5, DataType.FLOAT);
    ComputationGraph d =
        net(
            new OneDnnConv3DConfig.Builder().kernel(3).stride(2).nIn(5).nOut(4).build(),
            5,
            DataType.DOUBLE);
    d.params().assign(f.params().castTo(DataType.DOUBLE));
    INDArray x = NetTestSupport.gaussian(5, DataType.DOUBLE, 2, 5, 4, 4, 6);
    INDArray eps = NetTestSupport.gaussian(8, DataType.DOUBLE, 2, 4, 2, 2, 3);
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    INDArray[] dx = new INDArray[2];
    INDArray[] grads = new INDArray[2];
    int i = 0;
    for (ComputationGraph g : new ComputationGraph[] {f, d}) {
      DataType t = g.params().dataType();
      Layer l = g.getLayer("conv");
      l.setInput(x.castTo(t), mgr);
      INDArray y = l.activate(true, mgr);
      if (i == 1) {
        assertEquals(
            y.castTo(DataType.FLOAT)
                .sub(f.getLayer("conv").activate(true, mgr))
                .amaxNumber()
                .doubleValue(),
            0.0,
            1e-4,
            "outputs differ");
        f.getLayer("conv").setInput(x.castTo(DataType.FLOAT), mgr);
      }
      dx[i] = l.backpropGradient(eps.castTo(t), mgr).getSecond().castTo(DataType.DOUBLE);
      grads[i] = l.getGradientsViewArray().castTo(DataType.DOUBLE);
      i++;
    }
    assertTrue(dx[0].sub(dx[1]).amaxNumber().doubleValue() < 1e-4, "dL/dx differ");
    assertTrue(grads[0].sub(grads[1]).amaxNumber().doubleValue() < 1e-4, "gradients differ");
  }

  @Test
  void configurationChecksShapesAndRoundTrips(@TempDir Path dir) throws Exception {
    OneDnnConv3DConfig down =
        new OneDnnConv3DConfig.Builder()
            .kernel(3)
            .stride(2)
            .padding(1)
            .nIn(4)
            .nOut(6)
            .weightInit(WeightInit.ZERO)
            .build();
    assertEquals(6 + 6 * 4 * 27, Conv3DParamInitializer.INSTANCE.numParams(down));
    assertEquals(32, down.outSize(64));
    assertEquals(1, new OneDnnConv3DConfig.Builder().kernel(3).build().getPadding());
    assertThrows(
        IllegalArgumentException.class,
        () -> new OneDnnConv3DConfig.Builder().kernel(2).nIn(1).nOut(1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> new OneDnnConv3DConfig.Builder().stride(0).nIn(1).nOut(1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> new OneDnnConv3DConfig.Builder().nIn(1).nOut(1).activation(Activation.RELU).build());

    ComputationGraph g =
        net(
            new OneDnnConv3DConfig.Builder()
                .kernel(3)
                .stride(2)
                .nIn(3)
                .nOut(2)
                .inputGradient(false)
                .build(),
            3,
            DataType.FLOAT);
    String json = g.getConfiguration().toJson();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(json, back.toJson());
    OneDnnConv3DConfig restored =
        assertInstanceOf(
            OneDnnConv3DConfig.class,
            ((LayerVertex) back.getVertices().get("conv")).getLayerConf().getLayer());
    assertEquals(2, restored.getStride());
    assertFalse(restored.isInputGradient());
    // configurations written before the property existed compute the input gradient
    OneDnnConv3DConfig old =
        assertInstanceOf(
            OneDnnConv3DConfig.class,
            ((LayerVertex)
                    ComputationGraphConfiguration.fromJson(
                            json.replace("\"inputGradient\" : false,", ""))
                        .getVertices()
                        .get("conv"))
                .getLayerConf()
                .getLayer());
    assertTrue(old.isInputGradient());
    INDArray x = NetTestSupport.gaussian(9, DataType.FLOAT, 1, 3, 4, 4, 6);
    File file = dir.resolve("dnnl.zip").toFile();
    ModelSerializer.writeModel(g, file, true);
    ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, true);
    assertEquals(g.outputSingle(x), loaded.outputSingle(x));
  }
}
