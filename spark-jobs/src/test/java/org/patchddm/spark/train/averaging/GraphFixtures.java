package org.patchddm.spark.train.averaging;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.patchddm.model.train.GraphTrainable;
import org.patchddm.model.train.Trainable;

/**
 * A small standard-layer graph (4 -> dense 8 tanh -> dense 3 identity, MSE) and minibatches for
 * engine tests.
 */
final class GraphFixtures {
  static final int IN = 4;
  static final int OUT = 3;

  private GraphFixtures() {}

  static ComputationGraphConfiguration conf(IUpdater updater, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater)
        .dataType(DataType.FLOAT)
        .graphBuilder()
        .addInputs("in")
        .addLayer(
            "h", new DenseLayer.Builder().nIn(IN).nOut(8).activation(Activation.TANH).build(), "in")
        .addLayer(
            "out",
            new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .nIn(8)
                .nOut(OUT)
                .activation(Activation.IDENTITY)
                .build(),
            "h")
        .setOutputs("out")
        .build();
  }

  static ComputationGraph graph(IUpdater updater, long seed) {
    ComputationGraph g = new ComputationGraph(conf(updater, seed));
    g.init();
    return g;
  }

  /**
   * A minibatch of {@code n} examples with features and labels uniform in [-1, 1), drawn from
   * {@code seed}.
   */
  static MultiDataSet minibatch(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * IN];
    float[] y = new float[n * OUT];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * rng.nextDouble() - 1);
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (2 * rng.nextDouble() - 1);
    }
    INDArray f = Nd4j.create(x, new long[] {n, IN}, 'c');
    INDArray l = Nd4j.create(y, new long[] {n, OUT}, 'c');
    return new org.nd4j.linalg.dataset.MultiDataSet(f, l);
  }

  /** Loads a partition's minibatches as a list. */
  static final class ListLoader implements PartitionLoader<MultiDataSet, List<MultiDataSet>> {
    private static final long serialVersionUID = 1L;

    @Override
    public List<MultiDataSet> load(int partition, Iterator<MultiDataSet> records) {
      List<MultiDataSet> out = new ArrayList<>();
      records.forEachRemaining(out::add);
      return out;
    }
  }

  /**
   * The fixture graph as a worker model; a step's batch is minibatch nextInt(size) of the
   * partition, chosen by an rng seeded with the step's seed. With {@code partitionBlind} the seed
   * ignores the partition, so that partitions with the same data get the same batches.
   */
  static final class Spec implements WorkerSpec<List<MultiDataSet>> {
    private static final long serialVersionUID = 1L;
    private final String json;
    private final long seed;
    private final int devices;
    private final boolean partitionBlind;

    Spec(IUpdater updater, long seed, int devices, boolean partitionBlind) {
      this.json = conf(updater, seed).toJson();
      this.seed = seed;
      this.devices = devices;
      this.partitionBlind = partitionBlind;
    }

    @Override
    public String modelKey() {
      return "fixture:" + json.hashCode() + ":" + devices;
    }

    @Override
    public int devicesPerTask() {
      return devices;
    }

    @Override
    public long seed() {
      return seed;
    }

    @Override
    public long batchSeed(long round, int partition, int step) {
      return WorkerSpec.super.batchSeed(round, partitionBlind ? 0 : partition, step);
    }

    @Override
    public Model<List<MultiDataSet>> create(int[] deviceIds) {
      ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
      g.init();
      Trainable t = new GraphTrainable(g);
      return new Model<>() {
        @Override
        public Trainable trainable() {
          return t;
        }

        @Override
        public MultiDataSet batch(List<MultiDataSet> data, long s) {
          return data.get(new SplittableRandom(s).nextInt(data.size()));
        }
      };
    }
  }
}
