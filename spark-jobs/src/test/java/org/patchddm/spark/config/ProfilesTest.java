package org.patchddm.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.prep.PrepSettings;

/** conf/local.conf and conf/paper.conf are valid against the merged reference. */
class ProfilesTest {
  @TempDir Path dir;

  /** The profile minus namespaces whose module is not on this build's classpath yet. */
  private Path loadable(String name) throws Exception {
    Path file = Path.of("..", "conf", name);
    Config c = ConfigFactory.parseFile(file.toFile());
    Config ref = ConfigLoader.reference();
    for (String ns : List.of("model", "diffusion", "train")) {
      if (!ref.hasPath("patchddm." + ns)) {
        c = c.withoutPath("patchddm." + ns);
      }
    }
    Path out = dir.resolve(name);
    Files.writeString(out, c.root().render(ConfigRenderOptions.concise()));
    return out;
  }

  @Test
  void localProfileIsValidAndSmall() throws Exception {
    Config c = ConfigLoader.load(loadable("local.conf").toString(), List.of(), Map.of());
    assertEquals(64, PrepSettings.fromConfig(c).targetShape()[0]);
    assertEquals("local[*]", SparkSettings.fromConfig(c).master());
  }

  @Test
  void paperProfileIsValidAndHasThePaperSettings() throws Exception {
    Config c = ConfigLoader.load(loadable("paper.conf").toString(), List.of(), Map.of());
    PrepSettings p = PrepSettings.fromConfig(c);
    assertEquals(
        List.of(256, 256, 256),
        List.of(p.targetShape()[0], p.targetShape()[1], p.targetShape()[2]));
    assertEquals(1.0, p.percentileLow());
    assertEquals(99.0, p.percentileHigh());
    assertEquals(0.8, p.trainFraction());
    assertEquals(0.1, p.valFraction());
  }
}
