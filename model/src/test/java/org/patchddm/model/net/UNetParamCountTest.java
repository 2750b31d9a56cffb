package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class UNetParamCountTest {

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
}
