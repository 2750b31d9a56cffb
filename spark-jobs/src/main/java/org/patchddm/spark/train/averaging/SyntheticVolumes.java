package org.patchddm.spark.train.averaging;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.train.TrainingVolumes;

/**
 * Benchmark data without a dataset: each record is a subject seed, loaded as a cube of edge {@code
 * size} with MR channels uniform in [0, 1) and a ball-shaped label. Training cost does not depend
 * on the values.
 */
public final class SyntheticVolumes implements PartitionLoader<Long, TrainingVolumes> {
  private static final long serialVersionUID = 1L;
  private final int channels;
  private final int size;

  public SyntheticVolumes(int channels, int size) {
    this.channels = channels;
    this.size = size;
  }

  @Override
  public TrainingVolumes load(int partition, Iterator<Long> seeds) {
    List<TrainingVolumes.Volume> out = new ArrayList<>();
    while (seeds.hasNext()) {
      long seed = seeds.next();
      SplittableRandom rng = new SplittableRandom(seed);
      int n = size;
      float[] mr = new float[channels * n * n * n];
      for (int i = 0; i < mr.length; i++) {
        mr[i] = (float) rng.nextDouble();
      }
      float[] label = new float[n * n * n];
      double r = n / 5.0;
      int i = 0;
      for (int z = 0; z < n; z++) {
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            double dz = z - n / 2.0;
            double dy = y - n / 2.0;
            double dx = x - n / 2.0;
            label[i++] = dz * dz + dy * dy + dx * dx <= r * r ? 1f : 0f;
          }
        }
      }
      out.add(
          new TrainingVolumes.Volume(
              "synthetic-" + seed,
              Nd4j.create(mr, new long[] {channels, n, n, n}, 'c'),
              Nd4j.create(label, new long[] {1, n, n, n}, 'c')));
    }
    return TrainingVolumes.of(out);
  }
}
