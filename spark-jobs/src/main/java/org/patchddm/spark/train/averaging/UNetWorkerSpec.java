package org.patchddm.spark.train.averaging;

import com.typesafe.config.ConfigFactory;
import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.Trainable;
import org.patchddm.model.train.TrainingVolumes;

/**
 * The diffusion U-Net of a run as a worker model, built per training mode:
 *
 * <ul>
 *   <li>PATCH: centre-biased, coordinate-encoded patches of {@code train.patch-size} ({@link
 *       LocalTrainer#batch});
 *   <li>HALF_RES: [::2] volumes without coordinates;
 *   <li>FULL_RES: whole padded volumes without coordinates. Its tasks ask for two GPUs, meant for
 *       the network split into an encoder (device 0) and a decoder (device 1); until that {@link
 *       Trainable} is plugged in at {@link #fullRes}, the whole graph runs on the first device.
 * </ul>
 *
 * Batches are drawn exactly as {@link LocalTrainer} draws them, from an rng seeded with the step's
 * seed.
 */
public final class UNetWorkerSpec implements WorkerSpec<TrainingVolumes> {
  private static final long serialVersionUID = 1L;

  /** The run as HOCON (RunSettings is not Serializable); parsed again on the executors. */
  private final String hocon;

  private transient RunSettings run;

  public UNetWorkerSpec(RunSettings run) {
    this.run = run;
    this.hocon = run.toHocon();
  }

  public RunSettings run() {
    if (run == null) {
      run = RunSettings.fromConfig(ConfigFactory.parseString(hocon));
    }
    return run;
  }

  @Override
  public String modelKey() {
    return "unet:" + hocon;
  }

  @Override
  public int devicesPerTask() {
    return switch (run().train().mode()) {
      case PATCH, PATCH_NO_COORDS, HALF_RES -> 1;
      case FULL_RES -> 2;
    };
  }

  @Override
  public long seed() {
    return run().train().seed();
  }

  @Override
  public Model<TrainingVolumes> create(int[] devices) {
    RunSettings r = run();
    LocalTrainer single = new LocalTrainer(r, NetworkFactory.create(r), 0);
    Trainable net =
        switch (r.train().mode()) {
          case PATCH, PATCH_NO_COORDS, HALF_RES -> single;
          case FULL_RES -> fullRes(single, devices);
        };
    return new Model<>() {
      @Override
      public Trainable trainable() {
        return net;
      }

      @Override
      public MultiDataSet batch(TrainingVolumes data, long seed) {
        return single.batch(data, new SplittableRandom(seed));
      }
    };
  }

  /**
   * The FullRes network on the task's devices. The seam for the encoder/decoder split over {@code
   * devices[0]} and {@code devices[1]}: for now the single graph on the thread's device.
   */
  static Trainable fullRes(LocalTrainer single, int[] devices) {
    return single;
  }
}
