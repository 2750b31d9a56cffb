package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundSumsTest {

  private static RoundSums roundTrip(RoundSums s) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (RoundSums) in.readObject();
    }
  }

  private static TaskReport report(int partition, double seconds) {
    return new TaskReport(partition, 0, "1", 7L, List.of("0"), 0, List.of(0), true, false, seconds);
  }

  @Test
  void sumsSurviveSerialisationWithEveryField() throws Exception {
    RoundSums a =
        RoundSums.of(new float[] {1f, 2f, -3f}, new float[] {0.5f}, 1.5, 2, 8, report(0, 3.0));
    RoundSums b =
        RoundSums.of(new float[] {10f, 20f, 30f}, new float[] {0.25f}, 0.5, 2, 8, report(1, 4.0));
    RoundSums back = roundTrip(a.add(b));
    assertArrayEquals(new float[] {11f, 22f, 27f}, back.params, 0f);
    assertArrayEquals(new float[] {0.75f}, back.updater, 0f);
    assertEquals(2.0, back.lossSum);
    assertEquals(4, back.lossCount);
    assertEquals(16, back.samples);
    assertEquals(2, back.workers);
    assertEquals(4.0, back.maxComputeSeconds);
    assertEquals(List.of(report(0, 3.0), report(1, 4.0)), back.reports);

    RoundSums empty = roundTrip(RoundSums.zero());
    assertNull(empty.params);
    assertNull(empty.updater);
    RoundSums diverged = roundTrip(RoundSums.diverged(3, "NaN at step 2", report(3, 1.0)));
    assertEquals(new RoundSums.Divergence(3, "NaN at step 2"), diverged.divergence);
    assertNull(diverged.params);
  }
}
