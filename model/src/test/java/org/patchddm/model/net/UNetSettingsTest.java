package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class UNetSettingsTest {

  @Test
  void referenceConfigIsThePaperNetwork() {
    UNetSettings s = UNetSettings.fromConfig(ConfigFactory.load());
    assertEquals(UNetSettings.paper(), s);
    assertEquals(64, s.sizeDivisor());
    assertEquals(116, s.embedWidth());
  }

  @Test
  void overridesAreReadAndBadValuesNameTheKey() {
    UNetSettings s =
        UNetSettings.fromConfig(
            ConfigFactory.parseString(
                    "patchddm.model.skip-merge = concat, patchddm.model.in-channels = 5")
                .withFallback(ConfigFactory.load()));
    assertEquals(SkipMerge.CONCAT, s.skipMerge());
    assertEquals(5, s.inChannels());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UNetSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.model.skip-merge = sum")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("skip-merge"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UNetSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.model.num-res-blocks = two")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("num-res-blocks"), e.getMessage());
  }

  @Test
  void convImplDefaultsToAutoAndBadNamesListTheChoices() {
    assertEquals(ConvImpl.AUTO, UNetSettings.fromConfig(ConfigFactory.load()).convImpl());
    assertEquals(ConvImpl.ONEDNN, ConvImpl.AUTO.resolve(), "the CPU backend is loaded");
    assertEquals(ConvImpl.AUTO, UNetSettings.paper().convImpl());
    assertEquals(
        ConvImpl.DL4J,
        UNetSettings.fromConfig(
                ConfigFactory.parseString("patchddm.model.conv-impl = dl4j")
                    .withFallback(ConfigFactory.load()))
            .convImpl());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UNetSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.model.conv-impl = cudnn")
                        .withFallback(ConfigFactory.load())));
    assertTrue(
        e.getMessage().contains("conv-impl")
            && e.getMessage().contains("ONEDNN")
            && e.getMessage().contains("'cudnn'"),
        e.getMessage());
  }

  @Test
  void groupsMustDivideEveryWidth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new UNetSettings(6, List.of(1, 2), 1, 4, 3, 1, SkipMerge.AVERAGE, 8));
    assertTrue(
        e.getMessage().contains("groupnorm-groups=4 must divide model-channels=6"), e.getMessage());
  }
}
