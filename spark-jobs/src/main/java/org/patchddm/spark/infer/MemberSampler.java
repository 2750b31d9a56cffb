package org.patchddm.spark.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.GaussianNoise;
import org.patchddm.model.diffusion.Sample;
import org.patchddm.model.diffusion.SamplerKind;
import org.patchddm.model.patch.HalfRes;
import org.patchddm.model.patch.ModelInputs;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.RunSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.dataset.SubjectRows;
import org.patchddm.spark.gpu.DeviceBinding;
import scala.Tuple2;

/**
 * The sampling stage, on an executor: members [from, to) of one subject, each one DDIM (or DDPM)
 * sampling with S steps on the whole padded volume at once, on the task's GPU (FULL_RES: its two
 * GPUs, the network split into encoder and decoder part, {@link ModelCache}). The condition is
 * {@link ModelInputs#condition}: for PATCH the MR channels with the coordinate channels of the
 * whole volume, for FULL_RES the MR channels, for HALF_RES the MR channels at [::2] (the sample is
 * then upsampled to the padded grid by nearest neighbour).
 *
 * <p>Member m starts from x_T drawn from {@code new SplittableRandom(MemberSeeds.of(seed, subject,
 * m))}, exactly the draw {@link DiffusionSampler#sample(org.patchddm.model.diffusion.Denoiser,
 * INDArray, long)} makes for one member. With a deterministic sampler (DDIM, η = 0) the members of
 * an item run as one batch [B, C, D, H, W]; otherwise one after the other, each with its own RNG
 * for the step noise.
 */
final class MemberSampler {

  private MemberSampler() {}

  /**
   * Samples one work item; a subject that cannot be sampled gives one failure piece naming the
   * reason.
   */
  static List<Tuple2<Pieces.Key, Pieces.Piece>> run(
      Pieces.WorkItem item,
      ModelSource source,
      SplitSettings split,
      long seed,
      Configuration hconf) {
    List<Tuple2<Pieces.Key, Pieces.Piece>> out = new ArrayList<>();
    if (item.withInfo()) {
      out.add(
          new Tuple2<>(
              new Pieces.Key(item.subject(), -1, Pieces.INFO), Pieces.Piece.info(item.row())));
    }
    try {
      DeviceBinding.Bound bound = DeviceBinding.bindTask(ModelCache.devicesPerTask(source.run()));
      ModelCache.Entry model = ModelCache.get(source, bound.devices(), split, hconf);
      PreprocessedSubject s = SubjectRows.decode(item.row());
      INDArray cond = condition(s, model.run());
      int[] padded = s.geometry().paddedShape();
      long t0 = System.nanoTime();
      List<float[]> softs;
      synchronized (model.lock()) {
        softs = sample(model, cond, item, seed, padded);
      }
      double perMember = (System.nanoTime() - t0) / 1e9 / softs.size();
      long rss = peakRssBytes();
      for (int i = 0; i < softs.size(); i++) {
        out.add(
            new Tuple2<>(
                new Pieces.Key(item.subject(), item.steps(), item.from() + i),
                Pieces.Piece.member(softs.get(i), perMember, item.steps(), rss)));
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      out.add(
          new Tuple2<>(
              new Pieces.Key(item.subject(), -1, Pieces.FAILURE),
              Pieces.Piece.failed(
                  "sampling members "
                      + item.from()
                      + ".."
                      + (item.to() - 1)
                      + " at "
                      + item.steps()
                      + " steps failed: "
                      + e)));
    }
    return out;
  }

  /**
   * The condition [1, C, D', H', W'] of the subject for the model's mode; fails naming a channel
   * mismatch.
   */
  static INDArray condition(PreprocessedSubject s, RunSettings run) {
    int[] p = s.geometry().paddedShape();
    float[][] ch = s.channels();
    int voxels = p[0] * p[1] * p[2];
    float[] mr = new float[ch.length * voxels];
    for (int c = 0; c < ch.length; c++) {
      if (ch[c].length != voxels) {
        throw new IllegalArgumentException(
            "channel "
                + c
                + " has "
                + ch[c].length
                + " voxels, the padded grid "
                + Arrays.toString(p)
                + " has "
                + voxels);
      }
      System.arraycopy(ch[c], 0, mr, c * voxels, voxels);
    }
    INDArray volume = Nd4j.create(mr, new long[] {ch.length, p[2], p[1], p[0]}, 'c');
    TrainingMode mode = run.train().mode();
    INDArray c = ModelInputs.condition(mode, volume);
    if (c.size(0) + 1 != run.model().inChannels()) {
      throw new IllegalArgumentException(
          "the "
              + mode
              + " condition has "
              + c.size(0)
              + " channels from "
              + ch.length
              + " MR channels, but the network takes "
              + run.model().inChannels()
              + " inputs with x_t");
    }
    return c.reshape(1, c.size(0), c.size(1), c.size(2), c.size(3));
  }

  private static List<float[]> sample(
      ModelCache.Entry model, INDArray cond, Pieces.WorkItem item, long seed, int[] padded) {
    RunSettings run = model.run();
    DiffusionSettings d = run.diffusion().withSamplingSteps(item.steps());
    DiffusionSampler sampler = new DiffusionSampler(GaussianDiffusion.of(d), d);
    int n = item.to() - item.from();
    List<INDArray> samples = new ArrayList<>();
    if (d.sampler() == SamplerKind.DDIM && d.eta() == 0 && n > 1) {
      INDArray[] noise = new INDArray[n];
      for (int i = 0; i < n; i++) {
        noise[i] =
            GaussianNoise.sample(
                new SplittableRandom(MemberSeeds.of(seed, item.subject(), item.from() + i)),
                cond.dataType(),
                1,
                1,
                cond.size(2),
                cond.size(3),
                cond.size(4));
      }
      INDArray condB =
          Nd4j.concat(0, java.util.Collections.nCopies(n, cond).toArray(INDArray[]::new));
      Sample s =
          sampler.sample(
              model.denoiser(), condB, Nd4j.concat(0, noise), new SplittableRandom(seed));
      for (int i = 0; i < n; i++) {
        samples.add(s.soft().slice(i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        Sample s =
            sampler.sample(
                model.denoiser(), cond, MemberSeeds.of(seed, item.subject(), item.from() + i));
        samples.add(s.soft().slice(0));
      }
    }
    List<float[]> out = new ArrayList<>();
    for (INDArray soft : samples) { // [1, D', H', W']
      INDArray full =
          run.train().mode() == TrainingMode.HALF_RES
              ? HalfRes.upsampleNearest(soft, new int[] {padded[2], padded[1], padded[0]})
              : soft;
      out.add(full.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }
    return out;
  }

  /** VmHWM of this JVM from /proc (0 where unavailable). */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
