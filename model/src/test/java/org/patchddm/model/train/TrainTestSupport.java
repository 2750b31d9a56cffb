package org.patchddm.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;

/** Tiny networks and synthetic blob volumes for the trainer tests. */
final class TrainTestSupport {

  private TrainTestSupport() {}

  /** Widths 8-16 (mult 1, 2), 1 res block, 4 groups, embedding 8. */
  static UNetSettings tinyNet(int inChannels) {
    return new UNetSettings(8, List.of(1, 2), 1, 4, inChannels, 1, SkipMerge.AVERAGE, 8);
  }

  static TrainSettings train(
      TrainingMode mode, int batch, double lr, int steps, int patch, long seed) {
    return new TrainSettings(
        Optimizer.ADAMW,
        lr,
        0.0,
        batch,
        0.0,
        List.of(patch, patch, patch),
        seed,
        steps,
        0,
        1,
        mode);
  }

  static RunSettings run(TrainingMode mode, int mrChannels, TrainSettings train) {
    return new RunSettings(
        tinyNet(mode.inputChannels(mrChannels)),
        DiffusionSettings.paper().withSamplingSteps(10),
        train);
  }

  /**
   * A subject with one bright ball: MR channel = 0.8 inside + uniform noise in [0, 0.2), label =
   * the ball; the centre lies within [n/4, 3n/4) per axis and the radius in [3n/16, 5n/16].
   */
  static TrainingVolumes.Volume blob(String id, int n, SplittableRandom rng) {
    return blob(id, n, 3 * n / 16.0, 5 * n / 16.0, 0.2f, rng);
  }

  /**
   * As {@link #blob(String, int, SplittableRandom)}, with the radius drawn uniformly from [rMin,
   * rMax] voxels and the MR channel = 1 - noise inside + uniform noise in [0, noise).
   */
  static TrainingVolumes.Volume blob(
      String id, int n, double rMin, double rMax, float noise, SplittableRandom rng) {
    double cz = n / 4.0 + rng.nextDouble() * n / 2;
    double cy = n / 4.0 + rng.nextDouble() * n / 2;
    double cx = n / 4.0 + rng.nextDouble() * n / 2;
    double r = rMin + rng.nextDouble() * (rMax - rMin);
    float[] mr = new float[n * n * n];
    float[] label = new float[n * n * n];
    int i = 0;
    for (int z = 0; z < n; z++) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          boolean in = (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r;
          label[i] = in ? 1f : 0f;
          mr[i] = (in ? 1f - noise : 0f) + noise * (float) rng.nextDouble();
          i++;
        }
      }
    }
    INDArray m = Nd4j.create(mr, new long[] {1, n, n, n}, 'c');
    INDArray l = Nd4j.create(label, new long[] {1, n, n, n}, 'c');
    return new TrainingVolumes.Volume(id, m, l);
  }

  static List<TrainingVolumes.Volume> blobs(int count, int n, long seed) {
    return blobs(count, n, 3 * n / 16.0, 5 * n / 16.0, 0.2f, seed);
  }

  /**
   * {@code count} seeded balls with radii in [rMin, rMax] voxels and condition noise amplitude
   * {@code noise}.
   */
  static List<TrainingVolumes.Volume> blobs(
      int count, int n, double rMin, double rMax, float noise, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<TrainingVolumes.Volume> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      out.add(blob("blob" + k, n, rMin, rMax, noise, rng));
    }
    return out;
  }
}
