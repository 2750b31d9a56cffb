package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.net.layers.GroupNormConfig;
import org.patchddm.model.testing.NetTestSupport;

class UNetSerializationTest {

  @TempDir Path tmp;

  private static ComputationGraph randomised(UNetSettings s) {
    ComputationGraph g = UNet.create(s, UNetBuildOptions.defaults(21));
    g.params().assign(NetTestSupport.gaussian(22, DataType.FLOAT, g.params().shape()).muli(0.2));
    return g;
  }

  @Test
  void jsonRoundTripGivesTheSameConfigurationAndOutputs() {
    UNetSettings s = NetTestSupport.tiny(SkipMerge.AVERAGE);
    ComputationGraph g = randomised(s);
    String json = g.getConfiguration().toJson();
    assertTrue(json.contains(GroupNormConfig.class.getName()));
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(json, back.toJson());
    ComputationGraph copy = new ComputationGraph(back);
    copy.init(g.params().dup(), false);
    INDArray x = NetTestSupport.gaussian(23, DataType.FLOAT, 1, 3, 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {500}, 6);
    assertEquals(g.outputSingle(x, temb), copy.outputSingle(x, temb));
  }

  @Test
  void modelSerializerRoundTripGivesIdenticalOutputsAndUpdaterState() throws Exception {
    UNetSettings s = NetTestSupport.tiny(SkipMerge.CONCAT);
    ComputationGraph g = randomised(s);
    UNetDenoiser d = new UNetDenoiser(g, s);
    INDArray cond = NetTestSupport.gaussian(24, DataType.FLOAT, 1, 2, 8, 8, 8);
    INDArray xt = NetTestSupport.gaussian(25, DataType.FLOAT, 1, 1, 8, 8, 8);
    INDArray eps = NetTestSupport.gaussian(26, DataType.FLOAT, 1, 1, 8, 8, 8);
    g.fit(d.trainingBatch(xt, new int[] {7}, cond, eps));
    File file = tmp.resolve("unet.zip").toFile();
    ModelSerializer.writeModel(g, file, true);
    ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, true);
    assertEquals(g.params(), loaded.params());
    assertEquals(g.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray());
    UNetDenoiser d2 = new UNetDenoiser(loaded, s);
    assertEquals(d.predictEps(xt, new int[] {7}, cond), d2.predictEps(xt, new int[] {7}, cond));
    // One more identical step on both keeps them identical (updater state restored too).
    g.fit(d.trainingBatch(xt, new int[] {3}, cond, eps));
    loaded.fit(d2.trainingBatch(xt, new int[] {3}, cond, eps));
    assertEquals(g.params(), loaded.params());
  }
}
