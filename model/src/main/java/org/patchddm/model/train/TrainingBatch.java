package org.patchddm.model.train;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.GaussianNoise;
import org.patchddm.model.diffusion.Prediction;
import org.patchddm.model.patch.CenterBiasedPatchSampler;
import org.patchddm.model.patch.ModelInputs;

/**
 * One training step's inputs, before they are turned into network features: condition c [B, C_c, d,
 * h, w], the noised label x_t [B, 1, d, h, w], timesteps t [B] and the network's regression target
 * [B, 1, d, h, w]: ε, x0 or v by the model's {@link Prediction}.
 */
public record TrainingBatch(INDArray cond, INDArray xt, int[] t, INDArray target) {

  /**
   * Draws a batch: per example a subject index (uniform, with replacement), a patch (PATCH mode,
   * centre-biased), then t ~ U{0..T-1} and ε ~ N(0, I) for the whole batch, and x_t = q_sample(x0,
   * t, ε). Every draw comes from {@code rng} in that order, so a seeded rng fixes the batch.
   *
   * @param prediction the target the network is trained on
   */
  public static TrainingBatch draw(
      TrainingVolumes data,
      TrainSettings settings,
      Prediction prediction,
      GaussianDiffusion diffusion,
      SplittableRandom rng) {
    int b = settings.batchSize();
    INDArray[] conds = new INDArray[b];
    INDArray[] labels = new INDArray[b];
    for (int i = 0; i < b; i++) {
      TrainingVolumes.Volume v = data.get(rng.nextInt(data.size()));
      CenterBiasedPatchSampler sampler = null;
      if (settings.mode().usesPatches()) {
        int[] dims = {(int) v.mr().size(1), (int) v.mr().size(2), (int) v.mr().size(3)};
        try {
          sampler = new CenterBiasedPatchSampler(dims, settings.patchSizeArray());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("subject " + v.id() + ": " + e.getMessage(), e);
        }
      }
      ModelInputs.Pair p =
          ModelInputs.trainingExample(settings.mode(), v.mr(), v.label(), sampler, rng);
      conds[i] = p.cond().castTo(DataType.FLOAT);
      labels[i] = p.label().castTo(DataType.FLOAT);
    }
    INDArray cond = Nd4j.stack(0, conds);
    INDArray x0 = Nd4j.stack(0, labels);
    int[] t = diffusion.sampleTimesteps(b, rng);
    INDArray eps = GaussianNoise.sample(rng, DataType.FLOAT, x0.shape());
    INDArray xt = diffusion.qSample(x0, t, eps);
    return new TrainingBatch(cond, xt, t, prediction.target(diffusion, x0, eps, t));
  }
}
