package org.patchddm.model.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.junit.jupiter.api.Test;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;

/** Where the split falls and what crosses it, derived by hand from the U-Net's skip stack. */
class UNetSplitTest {

  private static long params(ComputationGraphConfiguration c) {
    long n = 0;
    for (GraphVertex v : c.getVertices().values()) {
      n += v.numParams(true);
    }
    return n;
  }

  @Test
  void paperNetworkSplitsAfterFifteenDecoderBlocksLikeTheAuthors() {
    UNetSettings paper = UNetSettings.paper();
    assertEquals(21, UNetSplit.decoderBlocks(paper));
    assertEquals(15, UNetSplit.defaultThreshold(paper));
    assertEquals(15, new SplitSettings(-1).threshold(paper));
    ComputationGraphConfiguration full = UNet.configuration(paper, UNetBuildOptions.defaults(1));
    UNetSplit.Parts p = UNetSplit.split(full, paper, 15);
    // blocks 15..20 (levels 1 and 0) pop the first six skips pushed: in_conv, enc0_0, enc0_1,
    // down0, enc1_0, enc1_1; h enters from level 2's upsampling; they read SiLU(emb)
    assertEquals(
        List.of("emb_silu", "in_conv", "enc0_0", "enc0_1", "down0", "enc1_0", "enc1_1", "up2_conv"),
        p.boundary());
    assertEquals(24_260_299L, params(p.encoder()) + params(p.decoder()));
    assertTrue(p.decoder().getVertices().containsKey("dec1_0_merge"));
    assertTrue(p.encoder().getVertices().containsKey("dec2_2"));
    assertTrue(p.encoder().getVertices().containsKey("up2_conv"));
    assertEquals(List.of("out"), p.decoder().getNetworkOutputs());
    assertEquals(p.boundary(), p.decoder().getNetworkInputs());
    assertEquals(List.of(UNet.INPUT_X, UNet.INPUT_TEMB), p.encoder().getNetworkInputs());
  }

  @Test
  void extremeThresholdsMoveEverythingOrOnlyTheHead() {
    UNetSettings s = SplitTestSupport.NET;
    ComputationGraphConfiguration full = UNet.configuration(s, UNetBuildOptions.defaults(1));
    assertEquals(
        List.of(
            "emb_silu",
            "in_conv",
            "enc0_0",
            "enc0_1",
            "down0",
            "enc1_0",
            "enc1_1",
            "down1",
            "enc2_0",
            "enc2_1",
            "mid1"),
        UNetSplit.split(full, s, 0).boundary());
    assertEquals(List.of("dec0_2"), UNetSplit.split(full, s, 9).boundary());
    UNetSplit.Parts p = UNetSplit.split(full, s, 9);
    assertEquals(
        List.of("dec0_2_tap", "out_norm", "out_conv", "out"),
        List.copyOf(p.decoder().getVertices().keySet()));
  }

  @Test
  void partConfigurationsSurviveTheJsonRoundTrip() {
    UNetSettings s = SplitTestSupport.NET;
    UNetSplit.Parts p = UNetSplit.split(UNet.configuration(s, UNetBuildOptions.defaults(1)), s, 4);
    for (ComputationGraphConfiguration c : List.of(p.encoder(), p.decoder())) {
      ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(c.toJson());
      assertEquals(c.getVertices(), back.getVertices());
      assertEquals(c.getVertexInputs(), back.getVertexInputs());
      assertEquals(c.getNetworkInputs(), back.getNetworkInputs());
      assertEquals(c.getNetworkOutputs(), back.getNetworkOutputs());
    }
    assertEquals(new BoundaryVertex(true), p.decoder().getVertices().get("emb_silu_tap"));
    assertEquals(new BoundaryVertex(false), p.encoder().getVertices().get("emb_silu_port"));
  }

  @Test
  void rejectsAThresholdBeyondTheDecoderBlocksNamingTheKey() {
    UNetSettings s = SplitTestSupport.NET;
    ComputationGraphConfiguration full = UNet.configuration(s, UNetBuildOptions.defaults(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> UNetSplit.split(full, s, 10));
    assertTrue(
        e.getMessage().contains(SplitSettings.KEY) && e.getMessage().contains("0..9"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SplitSettings(12).threshold(s));
    assertTrue(e.getMessage().contains("12 exceeds the 9 decoder blocks"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SplitSettings(-2));
  }

  @Test
  void referenceConfigurationDefaultsToTheAutomaticThreshold() {
    assertEquals(-1, SplitSettings.fromConfig(ConfigFactory.load()).decoderDeviceThresh());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SplitSettings.fromConfig(ConfigFactory.parseString(SplitSettings.KEY + " = many")));
    assertTrue(e.getMessage().contains(SplitSettings.KEY), e.getMessage());
  }
}
