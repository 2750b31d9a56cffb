package org.patchddm.model.split;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.runtime.GraphWorkspaces;
import org.patchddm.model.runtime.InPlaceUpdater;

/** A tiny double-precision U-Net and seeded batches for the split tests. */
final class SplitTestSupport {

  /** Widths 4, 8, 8; 2 res blocks, so 9 decoder blocks; 3 input channels; 8^3 inputs. */
  static final UNetSettings NET =
      new UNetSettings(4, List.of(1, 2, 2), 2, 2, 3, 1, SkipMerge.AVERAGE, 6);

  static final int SIZE = 8;

  private SplitTestSupport() {}

  /**
   * The unsplit graph in float64 with Adam (lr 0.01), every parameter drawn from N(0, 0.3²) so that
   * the zero-initialised convolutions hide no path; with {@code decayAndClip} AdamW weight decay
   * 0.1 and per-layer L2 clipping at 0.05 on every layer (as the trainer sets them).
   */
  static ComputationGraph full(boolean decayAndClip) {
    UNetBuildOptions options =
        decayAndClip
            ? new UNetBuildOptions(
                DataType.DOUBLE, new Adam(1e-2), 11, List.of(new WeightDecay(0.1, true)), 0.05)
            : new UNetBuildOptions(DataType.DOUBLE, new Adam(1e-2), 11);
    ComputationGraphConfiguration conf = UNet.configuration(NET, options);
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    g.params().assign(gaussian(12, g.params().shape()).muli(0.3));
    GraphWorkspaces.settleEarly(g);
    return InPlaceUpdater.install(g);
  }

  /** Batch of two: x [2, 3, 8, 8, 8], temb of t = 417 and 33, label ε [2, 1, 8, 8, 8]. */
  static MultiDataSet batch(long seed) {
    INDArray x = gaussian(seed, 2, NET.inChannels(), SIZE, SIZE, SIZE);
    INDArray temb =
        TimestepEmbedding.sinusoidal(new int[] {417, 33}, NET.timeEmbedDim(), DataType.DOUBLE);
    INDArray eps = gaussian(seed + 1, 2, 1, SIZE, SIZE, SIZE);
    return new MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps});
  }

  static INDArray gaussian(long seed, long... shape) {
    return Nd4j.getRandomFactory()
        .getNewRandomInstance(seed)
        .nextGaussian(shape)
        .castTo(DataType.DOUBLE);
  }

  /** max |a − b| / max |a|. */
  static double relDiff(INDArray a, INDArray b) {
    double scale = a.amaxNumber().doubleValue();
    return a.sub(b).amaxNumber().doubleValue() / Math.max(scale, Double.MIN_NORMAL);
  }

  /** Double precision and one native thread for each test, restored afterwards. */
  static final class DoublePrecision implements BeforeEachCallback, AfterEachCallback {
    private DataType saved;
    private int threads;

    @Override
    public void beforeEach(ExtensionContext context) {
      saved = Nd4j.dataType();
      threads = Nd4j.getEnvironment().maxThreads();
      Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
      Nd4j.getEnvironment().setMaxThreads(1);
    }

    @Override
    public void afterEach(ExtensionContext context) {
      Nd4j.setDefaultDataTypes(saved, saved);
      Nd4j.getEnvironment().setMaxThreads(threads);
    }
  }
}
