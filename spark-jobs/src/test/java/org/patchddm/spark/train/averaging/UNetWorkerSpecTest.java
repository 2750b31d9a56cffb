package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.RunSettings;

class UNetWorkerSpecTest {

  @Test
  void travelsToExecutorsWithItsRunSettings() throws Exception {
    RunSettings run = SparkRoundTrainerTest.run(TrainingMode.HALF_RES);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new UNetWorkerSpec(run));
    }
    UNetWorkerSpec back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (UNetWorkerSpec) in.readObject();
    }
    assertEquals(run, back.run());
    assertEquals(new UNetWorkerSpec(run).modelKey(), back.modelKey());
    assertNotEquals(
        back.modelKey(),
        new UNetWorkerSpec(SparkRoundTrainerTest.run(TrainingMode.PATCH)).modelKey());
  }

  @Test
  void fullResTasksAskForTwoDevices() {
    assertEquals(
        2, new UNetWorkerSpec(SparkRoundTrainerTest.run(TrainingMode.FULL_RES)).devicesPerTask());
    assertEquals(
        1, new UNetWorkerSpec(SparkRoundTrainerTest.run(TrainingMode.PATCH)).devicesPerTask());
    assertEquals(
        1, new UNetWorkerSpec(SparkRoundTrainerTest.run(TrainingMode.HALF_RES)).devicesPerTask());
    RunSettings fullRes = SparkRoundTrainerTest.run(TrainingMode.FULL_RES);
    assertEquals(1, UNetWorkerSpec.singleGraph(fullRes).devicesPerTask(), "one graph, one GPU");
    assertNotEquals(
        new UNetWorkerSpec(fullRes).modelKey(), UNetWorkerSpec.singleGraph(fullRes).modelKey());
  }

  @Test
  void aSplitPointBeyondTheDecoderBlocksFailsOnTheDriverNamingTheKey() {
    RunSettings fullRes = SparkRoundTrainerTest.run(TrainingMode.FULL_RES);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new UNetWorkerSpec(fullRes, new SplitSettings(5)));
    assertTrue(e.getMessage().contains(SplitSettings.KEY), e.getMessage());
  }
}
