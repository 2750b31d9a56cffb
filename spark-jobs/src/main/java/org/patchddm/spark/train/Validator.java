package org.patchddm.spark.train;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.Sample;
import org.patchddm.model.metrics.Dice;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.patch.HalfRes;
import org.patchddm.model.patch.ModelInputs;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainingVolumes;

/**
 * Mean Dice of one DDIM sample per validation subject, on the whole volume as at test time: the
 * condition is {@link ModelInputs#condition} ([C, D, H, W], with the coordinates of the whole
 * volume for PATCH, halved for HALF_RES), batched as [1, C, D, H, W]; the thresholded sample is
 * compared with the whole-tumour label, after nearest-neighbour upsampling for HALF_RES. Sample i's
 * noise is seeded by {@link RoundSeeds#validation}, the same in every validation.
 */
public final class Validator {

  private final List<TrainingVolumes.Volume> subjects;
  private final RunSettings run;
  private final DiffusionSampler sampler;

  /**
   * @param subjects the validation subjects, sorted by id
   * @param samplingSteps S; 0 for the diffusion settings' own
   */
  public Validator(List<TrainingVolumes.Volume> subjects, RunSettings run, int samplingSteps) {
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("no validation subjects");
    }
    this.subjects = List.copyOf(subjects);
    this.run = run;
    DiffusionSettings d =
        samplingSteps > 0 ? run.diffusion().withSamplingSteps(samplingSteps) : run.diffusion();
    this.sampler = new DiffusionSampler(GaussianDiffusion.of(d), d);
  }

  public int size() {
    return subjects.size();
  }

  /**
   * The mean Dice of the network in {@code graph} (used for inference only; its parameters are not
   * changed).
   */
  public double meanDice(ComputationGraph graph) {
    UNetDenoiser denoiser = new UNetDenoiser(graph, run.model());
    TrainingMode mode = run.train().mode();
    double sum = 0;
    for (int i = 0; i < subjects.size(); i++) {
      TrainingVolumes.Volume v = subjects.get(i);
      INDArray c = ModelInputs.condition(mode, v.mr());
      INDArray cond = c.reshape(1, c.size(0), c.size(1), c.size(2), c.size(3));
      Sample s = sampler.sample(denoiser, cond, RoundSeeds.validation(run.train().seed(), i));
      INDArray mask = s.mask();
      long[] full = v.label().shape();
      INDArray m = mask.reshape(1, mask.size(2), mask.size(3), mask.size(4));
      if (mode == TrainingMode.HALF_RES) {
        m = HalfRes.upsampleNearest(m, new int[] {(int) full[1], (int) full[2], (int) full[3]});
      }
      sum += Dice.of(m.castTo(v.label().dataType()), v.label());
    }
    return sum / subjects.size();
  }
}
