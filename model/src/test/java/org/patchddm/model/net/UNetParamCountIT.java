package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class UNetParamCountIT {

  @Test
  void paperNetworkWithEightInputChannelsHasThePapersParameterCount() {
    ComputationGraph net = UNet.create(UNetSettings.paper(), UNetBuildOptions.defaults(1));
    assertEquals(24_260_299L, net.numParams());
  }

  @Test
  void paperNetworkWithFiveInputChannelsHasTheBaselineParameterCount() {
    ComputationGraph net =
        UNet.create(UNetSettings.paper().withInChannels(5), UNetBuildOptions.defaults(1));
    assertEquals(24_257_950L, net.numParams());
  }

  @Test
  void concatenatingSkipsMakeThePaperNetworkLarger() {
    // Same widths with improved-diffusion's concatenation: decoder ResBlocks take ch + skip
    // channels and output model-channels x mult (counted independently with a script that sums
    // the conv, dense and GroupNorm parameters block by block).
    ComputationGraph net =
        UNet.create(
            UNetSettings.paper().withSkipMerge(SkipMerge.CONCAT), UNetBuildOptions.defaults(1));
    assertEquals(32_331_927L, net.numParams());
  }
}
