package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;
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
  }
}
