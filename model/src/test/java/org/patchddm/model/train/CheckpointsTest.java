package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.runtime.NativeThreads;

class CheckpointsTest {

  @TempDir Path dir;

  private static final RunSettings RUN =
      TrainTestSupport.run(
          TrainingMode.PATCH, 1, TrainTestSupport.train(TrainingMode.PATCH, 1, 1e-3, 4, 4, 3));

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  private Path trainedCheckpoint() {
    LocalTrainer t = LocalTrainer.create(RUN);
    TrainingVolumes data = TrainingVolumes.of(TrainTestSupport.blobs(2, 8, 1));
    t.step(data);
    return Checkpoints.save(dir, t.graph(), RUN, t.step());
  }

  @Test
  void checkpointDirectoryHonoursTheUmask() throws IOException {
    // A directory created without explicit permissions gets 0777 & ~umask; a temporary directory's
    // 0700 must not survive the rename into the checkpoint.
    var expected = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain")));
    Path p = trainedCheckpoint();
    assertEquals(expected, Files.getPosixFilePermissions(p));
  }

  @Test
  void roundTripKeepsParametersUpdaterAndStep() {
    LocalTrainer t = LocalTrainer.create(RUN);
    t.step(TrainingVolumes.of(TrainTestSupport.blobs(2, 8, 1)));
    Path p = Checkpoints.save(dir, t.graph(), RUN, t.step());
    assertEquals("step-00000001", p.getFileName().toString());
    assertFalse(hasTempSiblings(), "temporary directories left behind");
    Checkpoints.Loaded l = Checkpoints.load(p, RUN);
    assertEquals(1, l.step());
    assertEquals(3, l.seed());
    ComputationGraph g = l.graph();
    assertArrayEquals(t.graph().params().data().asFloat(), g.params().data().asFloat(), 0f);
    assertArrayEquals(
        t.graph().getUpdater().getStateViewArray().data().asFloat(),
        g.getUpdater().getStateViewArray().data().asFloat(),
        0f);
    Properties state = new Properties();
    try (var in = Files.newInputStream(p.resolve(Checkpoints.STATE))) {
      state.load(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(state.getProperty("rng").contains("StepSeeds.mix(3, k)"));
  }

  @Test
  void extraEntriesRoundTripAndAreCoveredByTheManifest() throws IOException {
    LocalTrainer t = LocalTrainer.create(RUN);
    Path p =
        Checkpoints.save(
            dir, t.graph(), RUN, 5, java.util.Map.of("round", "7", "best-dice", "0.25"));
    Checkpoints.Loaded l = Checkpoints.load(p, RUN);
    assertEquals(java.util.Map.of("round", "7", "best-dice", "0.25"), l.extra());
    assertEquals(
        java.util.Map.of(),
        Checkpoints.load(Checkpoints.save(dir, t.graph(), RUN, 6), RUN).extra());
    // editing an extra entry by hand breaks the state file's checksum
    Path state = p.resolve(Checkpoints.STATE);
    Files.writeString(state, Files.readString(state).replace("extra.round=7", "extra.round=8"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p, RUN));
    assertTrue(e.getMessage().contains(state.toString()), e.getMessage());
  }

  @Test
  void latestPicksTheMostStepsAndIgnoresIncompleteOnes() throws IOException {
    LocalTrainer t = LocalTrainer.create(RUN);
    Checkpoints.save(dir, t.graph(), RUN, 2);
    Checkpoints.save(dir, t.graph(), RUN, 10);
    Files.createDirectories(dir.resolve("step-00000020")); // no manifest: a crashed write
    assertEquals(dir.resolve("step-00000010"), Checkpoints.latest(dir).orElseThrow());
    // rewriting the same step replaces it
    Checkpoints.save(dir, t.graph(), RUN, 10);
    assertEquals(dir.resolve("step-00000010"), Checkpoints.latest(dir).orElseThrow());
    assertFalse(hasTempSiblings());
  }

  @Test
  void refusesOtherSettingsNamingTheKey() {
    Path p = trainedCheckpoint();
    RunSettings other =
        new RunSettings(
            RUN.model(),
            RUN.diffusion(),
            new TrainSettings(
                Optimizer.ADAMW,
                5e-4,
                0.0,
                1,
                0.0,
                List.of(4, 4, 4),
                3,
                4,
                0,
                1,
                TrainingMode.PATCH));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> Checkpoints.load(p, other));
    assertTrue(
        e.getMessage().contains("patchddm.train.learning-rate: expected 5.0E-4, found 0.001"),
        e.getMessage());
    // a longer run is a resumable change
    assertEquals(
        1,
        Checkpoints.load(
                p, new RunSettings(RUN.model(), RUN.diffusion(), RUN.train().withSteps(99)))
            .step());
  }

  @Test
  void detectsATruncatedModel() throws IOException {
    Path p = trainedCheckpoint();
    Path model = p.resolve(Checkpoints.MODEL);
    try (FileChannel ch = FileChannel.open(model, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p, RUN));
    assertTrue(
        e.getMessage().contains(model.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void detectsAFlippedByte() throws IOException {
    Path p = trainedCheckpoint();
    Path settings = p.resolve(Checkpoints.SETTINGS);
    byte[] b = Files.readAllBytes(settings);
    b[b.length / 2] ^= 1;
    Files.write(settings, b);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p, RUN));
    assertTrue(
        e.getMessage().contains(settings.toString()) && e.getMessage().contains("SHA-256"),
        e.getMessage());
  }

  @Test
  void reportsAnUnreadableModelEvenWithAMatchingManifest() throws IOException {
    Path p = trainedCheckpoint();
    Path model = p.resolve(Checkpoints.MODEL);
    Files.write(model, new byte[] {1, 2, 3, 4, 5});
    Properties m = new Properties();
    try (var in = Files.newInputStream(p.resolve(Checkpoints.MANIFEST))) {
      m.load(in);
    }
    m.setProperty("model.zip.sha256", Checkpoints.sha256(model));
    m.setProperty("model.zip.size", "5");
    try (var out = Files.newOutputStream(p.resolve(Checkpoints.MANIFEST))) {
      m.store(out, null);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p, RUN));
    assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
  }

  @Test
  void refusesADirectoryWithoutManifest() throws IOException {
    Path p = Files.createDirectories(dir.resolve("step-00000005"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p, RUN));
    assertTrue(
        e.getMessage().contains("incomplete") && e.getMessage().contains(p.toString()),
        e.getMessage());
  }

  private boolean hasTempSiblings() {
    try (var s = Files.list(dir)) {
      return s.anyMatch(x -> x.getFileName().toString().startsWith("."));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
