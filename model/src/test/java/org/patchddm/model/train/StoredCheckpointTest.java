package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.net.TimestepEmbedding;

/**
 * Checkpoints written by an earlier version of the code must keep loading and computing the same
 * function.
 *
 * <p>The resources under {@code checkpoints/v0.1-*} were written by the code of commit 55e76e2
 * (before the model module's packages and layer classes were renamed): a tiny U-Net (widths 8-16, 5
 * input channels) with parameters set to 0.05 sin(0.37 i + 0.1), saved with {@link
 * Checkpoints#save}, and its output for the input x[i] = cos(0.11 i), [1, 5, 8, 8, 8], at t = 500,
 * recorded in {@code expected-output.txt}. Loading rebuilds the network from the settings, so the
 * renamed layer classes in the stored JSON do not matter, and a network written with the oneDNN
 * convolutions runs with DL4J's.
 */
class StoredCheckpointTest {

  /** Each stored checkpoint, with the convolution layer it was written with and with DL4J's. */
  @ParameterizedTest
  @CsvSource({
    "v0.1-average, ONEDNN",
    "v0.1-average, DL4J",
    "v0.1-concat, ONEDNN",
    "v0.1-concat, DL4J"
  })
  void anOldCheckpointLoadsAndReproducesItsRecordedOutput(String name, String convImpl)
      throws Exception {
    Path dir = resource("checkpoints/" + name);
    Path checkpoint = Checkpoints.latest(dir).orElseThrow();
    RunSettings run =
        RunSettings.fromConfig(
            ConfigFactory.parseString("patchddm.model.conv-impl = " + convImpl)
                .withFallback(
                    ConfigFactory.parseFile(checkpoint.resolve(Checkpoints.SETTINGS).toFile()))
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    Checkpoints.Loaded loaded = Checkpoints.load(checkpoint, run);
    assertEquals(3, loaded.step());

    INDArray x = Nd4j.create(DataType.FLOAT, 1, 5, 8, 8, 8);
    for (long i = 0; i < x.length(); i++) {
      x.putScalar(i, Math.cos(0.11 * i));
    }
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {500}, 8, DataType.FLOAT);
    INDArray out = loaded.graph().output(false, x, temb)[0];

    List<String> lines =
        Files.readAllLines(dir.resolve("expected-output.txt")).stream()
            .filter(l -> !l.startsWith("#"))
            .toList();
    assertEquals(lines.size(), out.length());
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < lines.size(); i++) {
      double want = Double.parseDouble(lines.get(i));
      maxAbs = Math.max(maxAbs, Math.abs(want));
      maxErr = Math.max(maxErr, Math.abs(want - out.getDouble(i)));
    }
    assertTrue(maxAbs > 1e-3, "the recorded output is not trivial");
    assertTrue(
        maxErr <= 1e-5 * Math.max(1, maxAbs),
        "max abs error " + maxErr + " against the recorded output");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(StoredCheckpointTest.class.getClassLoader().getResource(name), name)
            .toURI());
  }
}
