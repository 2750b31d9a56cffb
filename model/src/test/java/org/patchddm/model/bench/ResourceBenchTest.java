package org.patchddm.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.DeviceMemory;

/** The resource table's settings, JSON lines and ratios (the measuring itself: the CLI test). */
class ResourceBenchTest {

  private static ResourceBenchSettings settings(int volume, int patch, List<Integer> mult) {
    return new ResourceBenchSettings(
        volume,
        patch,
        4,
        mult,
        4,
        1,
        0,
        List.of(TrainingMode.FULL_RES, TrainingMode.HALF_RES, TrainingMode.PATCH),
        EnumSet.allOf(ResourceBenchSettings.Kind.class),
        true,
        60);
  }

  @Test
  void eachMethodSeesItsOwnInput() {
    ResourceBenchSettings s = settings(128, 64, List.of(1, 3, 4, 4, 4, 4, 4));
    assertEquals(128, s.inputEdge(TrainingMode.FULL_RES, ResourceBenchSettings.Kind.TRAIN));
    assertEquals(64, s.inputEdge(TrainingMode.HALF_RES, ResourceBenchSettings.Kind.INFER));
    assertEquals(64, s.inputEdge(TrainingMode.PATCH, ResourceBenchSettings.Kind.TRAIN));
    assertEquals(128, s.inputEdge(TrainingMode.PATCH, ResourceBenchSettings.Kind.INFER));
    assertEquals(8, s.network(TrainingMode.PATCH).inChannels());
    assertEquals(5, s.network(TrainingMode.HALF_RES).inChannels());
  }

  @Test
  void rejectsSizesTheNetworkCannotHalveEnoughTimes() {
    List<Integer> seven = List.of(1, 3, 4, 4, 4, 4, 4);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> settings(64, 64, seven));
    assertTrue(e.getMessage().contains("half volume (HalfRes) edge 32"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> settings(128, 96, seven));
    assertTrue(e.getMessage().contains("patch edge 96"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> settings(16, 32, List.of(1, 2)));
    assertTrue(e.getMessage().contains("patch 32 exceeds volume 16"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ResourceBenchSettings.mode("quarterres"));
  }

  @Test
  void jsonLineCarriesTheTableFieldsAndTheDevices() {
    ResourceBenchSettings s = settings(16, 8, List.of(1, 2));
    String line =
        ResourceBench.json(
            s,
            TrainingMode.FULL_RES,
            ResourceBenchSettings.Kind.TRAIN,
            16,
            s.network(TrainingMode.FULL_RES),
            1234,
            new double[] {3.0, 1.0, 2.0},
            new double[] {6.0, 5.0, 4.0},
            300L << 20,
            100L << 20,
            List.of(new DeviceMemory("encoder", 0, 1 << 20, 1 << 20, 2 << 20, 10 << 20, 1 << 20)));
    assertTrue(
        line.startsWith(
            "{\"what\":\"train\",\"mode\":\"fullres\",\"size\":16,"
                + "\"patch\":null,\"input\":16,"),
        line);
    assertTrue(
        line.contains(
            "\"peak_mb\":300.0,\"base_mb\":100.0,\"net_peak_mb\":200.0,"
                + "\"s_per_iter\":2.0000,\"min_s\":1.0000,\"max_s\":3.0000,\"cpu_s_per_iter\":5.0000,"
                + "\"reps\":3"),
        line);
    assertTrue(
        line.contains(
            "\"devices\":[{\"part\":\"encoder\",\"device\":0,\"params_mb\":4.0,"
                + "\"workspaces_mb\":10.0,\"boundary_mb\":1.0}]"),
        line);
    ResourceBenchRunner.Result r = ResourceBenchRunner.Result.parse(line);
    assertEquals(200.0, r.netPeakMb());
    assertEquals(2.0, r.secondsPerIter());
    assertEquals(5.0, r.cpuSecondsPerIter());
  }

  @Test
  void tableGivesEachMethodsRatiosToFullResOfTheSameKind() {
    List<ResourceBenchRunner.Result> rs =
        List.of(
            new ResourceBenchRunner.Result("train", "fullres", 128, 740, 900, 6.2, 12.0, "{}"),
            new ResourceBenchRunner.Result("train", "patchddm", 64, 100, 260, 1.0, 3.0, "{}"),
            new ResourceBenchRunner.Result("infer", "fullres", 128, 300, 400, 2.0, 4.0, "{}"),
            new ResourceBenchRunner.Result("infer", "halfres", 64, 60, 200, 0.5, 0.5, "{}"));
    List<String> out = new ArrayList<>();
    ResourceBenchRunner.table(rs, out::add);
    assertEquals(5, out.size());
    assertTrue(out.get(1).contains("1.00x") && out.get(1).startsWith("train  fullres"), out.get(1));
    assertTrue(
        out.get(2).contains("7.40x")
            && out.get(2).contains("6.20x")
            && out.get(2).contains("4.00x"),
        out.get(2));
    assertTrue(
        out.get(4).contains("5.00x")
            && out.get(4).contains("4.00x")
            && out.get(4).contains("8.00x"),
        out.get(4));
  }
}
