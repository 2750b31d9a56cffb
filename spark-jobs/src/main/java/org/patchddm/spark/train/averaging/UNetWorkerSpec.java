package org.patchddm.spark.train.averaging;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.FullResTrainer;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.split.UNetSplit;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.Trainable;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.spark.gpu.DeviceBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The diffusion U-Net of a run as a worker model, built per training mode:
 *
 * <ul>
 *   <li>PATCH: centre-biased, coordinate-encoded patches of {@code train.patch-size} ({@link
 *       LocalTrainer#batch});
 *   <li>HALF_RES: [::2] volumes without coordinates;
 *   <li>FULL_RES: whole padded volumes without coordinates, on the network split into an encoder
 *       part on the task's first GPU and a decoder part on its second ({@link FullResTrainer},
 *       split point {@value SplitSettings#KEY}); its tasks ask for two GPUs. Without GPUs (the CPU
 *       backend, or no GPU scheduling) both parts run where the task thread runs.
 * </ul>
 *
 * Batches are drawn exactly as {@link LocalTrainer} draws them, from an rng seeded with the step's
 * seed. Every mode's states are in the unsplit graph's layout ({@link Trainable#layout()}), so that
 * a FullRes run averages, checkpoints and resumes like the others, and its checkpoints load into
 * the unsplit network.
 */
public final class UNetWorkerSpec implements WorkerSpec<TrainingVolumes> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(UNetWorkerSpec.class);

  /** The run as HOCON (RunSettings is not Serializable); parsed again on the executors. */
  private final String hocon;

  /** Whether FULL_RES runs split over two devices. */
  private final boolean split;

  /** {@link SplitSettings#decoderDeviceThresh()}. */
  private final int decoderDeviceThresh;

  private transient RunSettings run;

  /** FullRes split at the automatic threshold ({@link UNetSplit#defaultThreshold}). */
  public UNetWorkerSpec(RunSettings run) {
    this(run, new SplitSettings(-1));
  }

  /** FullRes split where {@code split} says ({@value SplitSettings#KEY}). */
  public UNetWorkerSpec(RunSettings run, SplitSettings split) {
    this(run, true, split.decoderDeviceThresh());
    if (run.train().mode() == TrainingMode.FULL_RES) {
      split.threshold(run.model()); // fails on the driver, naming the key, when out of range
    }
  }

  private UNetWorkerSpec(RunSettings run, boolean split, int decoderDeviceThresh) {
    this.run = run;
    this.hocon = run.toHocon();
    this.split = split;
    this.decoderDeviceThresh = decoderDeviceThresh;
  }

  /**
   * Every mode as one graph on the task's first device, FullRes included (one device per task): the
   * reference the split FullRes network is checked against, or FullRes on a device that holds the
   * whole network.
   */
  public static UNetWorkerSpec singleGraph(RunSettings run) {
    return new UNetWorkerSpec(run, false, -1);
  }

  public RunSettings run() {
    if (run == null) {
      run = RunSettings.fromConfig(ConfigFactory.parseString(hocon));
    }
    return run;
  }

  private boolean splitFullRes() {
    return split && run().train().mode() == TrainingMode.FULL_RES;
  }

  @Override
  public String modelKey() {
    return "unet:" + (splitFullRes() ? "split" + decoderDeviceThresh : "single") + ":" + hocon;
  }

  @Override
  public int devicesPerTask() {
    return splitFullRes() ? 2 : 1;
  }

  @Override
  public long seed() {
    return run().train().seed();
  }

  @Override
  public Model<TrainingVolumes> create(int[] devices) {
    RunSettings r = run();
    if (splitFullRes()) {
      return fullRes(r, new SplitSettings(decoderDeviceThresh), devices);
    }
    LocalTrainer single = new LocalTrainer(r, NetworkFactory.create(r), 0);
    List<Integer> where = devices.length > 0 ? List.of(devices[0]) : List.of();
    return model(single, single::batch, where, () -> {});
  }

  /** A worker model: its trainable, how it draws a batch from a seeded RNG, its devices. */
  private static Model<TrainingVolumes> model(
      Trainable t,
      BiFunction<TrainingVolumes, SplittableRandom, MultiDataSet> batch,
      List<Integer> where,
      Runnable close) {
    return new Model<>() {
      @Override
      public Trainable trainable() {
        return t;
      }

      @Override
      public MultiDataSet batch(TrainingVolumes data, long seed) {
        return batch.apply(data, new SplittableRandom(seed));
      }

      @Override
      public List<Integer> devices() {
        return where;
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }

  /**
   * The FullRes network split over the task's devices: encoder part on {@code devices[0]}, decoder
   * part on {@code devices[1]}; with no devices, both on the calling thread's device.
   */
  static Model<TrainingVolumes> fullRes(RunSettings r, SplitSettings split, int[] devices) {
    boolean assigned = devices.length >= 2;
    int here = Nd4j.getAffinityManager().getDeviceForCurrentThread();
    int d0 = assigned ? devices[0] : here;
    int d1 = assigned ? devices[1] : here;
    FullResTrainer t = FullResTrainer.create(r, split, d0, d1);
    int threshold = t.network().threshold();
    if (DeviceBinding.isCpuBackend()) {
      LOG.info(
          "FullRes split after {} of {} decoder blocks: CPU backend, both parts run on the CPU"
              + " (encoder part recorded for device {}, decoder part for device {})",
          threshold,
          UNetSplit.decoderBlocks(r.model()),
          d0,
          d1);
    } else {
      LOG.info(
          "FullRes split after {} of {} decoder blocks: encoder part on device {}, decoder part on"
              + " device {}{}",
          threshold,
          UNetSplit.decoderBlocks(r.model()),
          d0,
          d1,
          assigned ? "" : " (the task has no GPUs assigned: both on the task thread's device)");
    }
    return model(t, t::batch, List.of(d0, d1), t::close);
  }
}
