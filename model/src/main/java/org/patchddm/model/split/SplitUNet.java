package org.patchddm.model.split;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.Denoiser;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.runtime.FlatLayout;
import org.patchddm.model.runtime.GraphWorkspaces;
import org.patchddm.model.runtime.InPlaceUpdater;

/**
 * The U-Net split over two devices ({@link UNetSplit}): the encoder part on device 0, the decoder
 * part on device 1, each a graph of its own on a thread bound to its device ({@link DevicePart}).
 *
 * <p>A training step: the encoder runs its training forward pass on [x, temb] and keeps its
 * activations; its outputs (the boundary tensors) are copied to device 1; the decoder computes the
 * loss and its own gradient, and its taps give dL/d(boundary tensor); those are copied back to
 * device 0 and the encoder backpropagates them. Then each part takes its optimiser step ({@link
 * InPlaceUpdater}). The two parts run one after the other, as in the authors' FullRes.
 *
 * <p>Parameters and optimiser state are those of the unsplit graph it was made from, parameter by
 * parameter; the flat vectors ({@link #params()}, {@link #updaterState()}) are the encoder's
 * followed by the decoder's (split order), and {@link #layout()} maps them to and from the unsplit
 * graph's order.
 */
public final class SplitUNet implements Denoiser, AutoCloseable {

  private final UNetSettings settings;
  private final UNetSplit.Parts parts;
  private final DevicePart enc;
  private final DevicePart dec;
  private final PartGraph encoder;
  private final PartGraph decoder;
  private final DataType type;
  private final SplitLayout layout;
  private long boundaryBytes;

  private SplitUNet(
      UNetSettings settings,
      UNetSplit.Parts parts,
      ComputationGraph full,
      int device0,
      int device1) {
    this.settings = settings;
    this.parts = parts;
    this.type = full.params().dataType();
    this.enc = new DevicePart("encoder", device0);
    this.dec = new DevicePart("decoder", device1);
    Map<String, INDArray> source = full.paramTable();
    this.encoder = enc.call(() -> create(parts.encoder(), source, device0));
    this.decoder = dec.call(() -> create(parts.decoder(), source, device1));
    this.layout =
        SplitLayout.of(
            FlatLayout.of(full),
            enc.call(() -> FlatLayout.of(encoder)),
            dec.call(() -> FlatLayout.of(decoder)));
  }

  /**
   * Splits an initialised unsplit U-Net (built by {@link org.patchddm.model.net.UNet} from {@code
   * settings}, with its layer settings: updater, regularisation, clipping) after {@code threshold}
   * decoder blocks, copying its parameters; Adam's state starts at zero.
   */
  public static SplitUNet of(
      ComputationGraph full, UNetSettings settings, int threshold, int device0, int device1) {
    UNetSplit.Parts parts = UNetSplit.split(full.getConfiguration(), settings, threshold);
    return new SplitUNet(settings, parts, full, device0, device1);
  }

  private static PartGraph create(
      org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf,
      Map<String, INDArray> source,
      int device) {
    PartGraph g = new PartGraph(conf);
    g.init();
    GraphWorkspaces.settleEarly(g);
    for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
      INDArray src = source.get(e.getKey());
      if (src == null || !Arrays.equals(src.shape(), e.getValue().shape())) {
        throw new IllegalStateException(
            "parameter "
                + e.getKey()
                + " of the split part has no"
                + " counterpart of shape "
                + Arrays.toString(e.getValue().shape())
                + " in the unsplit"
                + " graph");
      }
      e.getValue().assign(DevicePart.toDevice(src, device));
    }
    InPlaceUpdater.install(g);
    return g;
  }

  public UNetSettings settings() {
    return settings;
  }

  /**
   * The map between this network's flat vectors (split order: encoder part, then decoder part) and
   * those of the unsplit graph it was made from.
   */
  public SplitLayout layout() {
    return layout;
  }

  /** The devices of the encoder and the decoder part. */
  public int[] devices() {
    return new int[] {enc.device(), dec.device()};
  }

  /** The decoder blocks kept with the encoder. */
  public int threshold() {
    return parts.threshold();
  }

  /** The boundary tensors, in the order the encoder outputs them and the decoder takes them. */
  public List<String> boundary() {
    return parts.boundary();
  }

  ComputationGraph encoder() {
    return encoder;
  }

  ComputationGraph decoder() {
    return decoder;
  }

  /**
   * Forward and backward pass on a batch {features [x, temb], label ε}; the gradients stay in the
   * parts' gradient views ({@link #gradients()}). Returns DL4J's score: the loss layer's MSE summed
   * over voxels and averaged over examples, plus both parts' regularisation terms ({@link
   * #regularizationScore()}), as the unsplit graph's score.
   */
  public double computeGradients(MultiDataSet batch) {
    INDArray[] features = batch.getFeatures();
    INDArray[] labels = batch.getLabels();
    CompletableFuture<INDArray[]> outputs = new CompletableFuture<>();
    CompletableFuture<INDArray[]> errors = new CompletableFuture<>();
    Future<Double> encoderDone =
        enc.submit(
            () -> {
              try {
                encoder.gradientFromExternalErrors(
                    DevicePart.toDevice(features, enc.device()),
                    outs -> {
                      outputs.complete(outs);
                      return errors.join();
                    });
              } catch (RuntimeException | Error e) {
                outputs.completeExceptionally(e);
                throw e;
              }
              return encoder.calcRegularizationScore(true);
            });
    INDArray[] outs = outputs.handle((v, e) -> v).join();
    if (outs == null) {
      DevicePart.await(encoderDone); // rethrows the encoder's failure
      throw new IllegalStateException("the encoder part produced no outputs");
    }
    DecoderStep d;
    try {
      d = dec.call(() -> decoderStep(outs, labels));
    } catch (RuntimeException | Error e) {
      errors.completeExceptionally(e);
      throw e;
    }
    long b = 0;
    for (INDArray o : outs) {
      b += DevicePart.bytes(o);
    }
    boundaryBytes = b;
    errors.complete(DevicePart.toDevice(d.errors(), enc.device()));
    return d.score() + DevicePart.await(encoderDone);
  }

  /** The decoder's loss (with its regularisation term) and dL/d(boundary tensor) per input. */
  private record DecoderStep(INDArray[] errors, double score) {}

  /** On the decoder's thread: receive the boundary tensors, compute loss and gradients. */
  private DecoderStep decoderStep(INDArray[] outs, INDArray[] labels) {
    INDArray[] in = new INDArray[outs.length];
    for (int i = 0; i < outs.length; i++) {
      in[i] = dec.receive(outs[i]);
    }
    decoder.setInputs(in);
    decoder.setLabels(DevicePart.toDevice(labels, dec.device()));
    decoder.computeGradientAndScore();
    INDArray[] g = new INDArray[in.length];
    for (int i = 0; i < in.length; i++) {
      String tap = parts.boundary().get(i) + UNetSplit.TAP;
      g[i] = ((BoundaryVertexImpl) decoder.getVertex(tap)).takeGradient();
    }
    decoder.setInputs((INDArray[]) null);
    decoder.setLabels((INDArray[]) null);
    return new DecoderStep(g, decoder.score());
  }

  /** Both parts' optimiser steps on the gradients of {@link #computeGradients}. */
  public void applyGradients(int batchSize) {
    Future<Object> a =
        enc.submit(
            () -> {
              encoder.applyGradient(batchSize);
              return null;
            });
    Future<Object> b =
        dec.submit(
            () -> {
              decoder.applyGradient(batchSize);
              return null;
            });
    DevicePart.await(a);
    DevicePart.await(b);
  }

  /** One training step; returns DL4J's score before the update (see {@link #computeGradients}). */
  public double fit(MultiDataSet batch) {
    double score = computeGradients(batch);
    applyGradients((int) batch.getFeatures(0).size(0));
    return score;
  }

  /** Both parts' regularisation score (DL4J's, of the current parameters). */
  public double regularizationScore() {
    return enc.call(() -> encoder.calcRegularizationScore(true))
        + dec.call(() -> decoder.calcRegularizationScore(true));
  }

  /** Every parameter's gradient by name (vertex_param), views of both parts' gradient arrays. */
  public Map<String, INDArray> gradients() {
    Map<String, INDArray> m = new java.util.LinkedHashMap<>();
    m.putAll(encoder.gradient().gradientForVariable());
    m.putAll(decoder.gradient().gradientForVariable());
    return m;
  }

  /** Every parameter by name (vertex_param), views of both parts' parameter arrays. */
  public Map<String, INDArray> paramTable() {
    Map<String, INDArray> m = new java.util.LinkedHashMap<>(encoder.paramTable());
    m.putAll(decoder.paramTable());
    return m;
  }

  /**
   * Copies every parameter, by name, into an unsplit graph of the same network (for example to save
   * it as a single-graph checkpoint, or to sample with one graph on one device, which needs less
   * memory than the two parts: BENCHMARKS.md). The optimiser state is not copied.
   */
  public void copyParamsTo(ComputationGraph full) {
    Map<String, INDArray> target = full.paramTable();
    Map<String, INDArray> source = paramTable();
    if (!target.keySet().equals(source.keySet())) {
      throw new IllegalArgumentException(
          "the unsplit graph's parameters "
              + target.size()
              + " do not match the split network's "
              + source.size()
              + " by name");
    }
    for (Map.Entry<String, INDArray> e : target.entrySet()) {
      e.getValue().assign(DevicePart.toCurrentDevice(source.get(e.getKey())));
    }
  }

  /** The parameters, encoder then decoder, as one new array [1, P]. */
  public INDArray params() {
    return concat(encoder.params(), decoder.params());
  }

  /** The optimiser state, encoder then decoder, as one new array [1, S]. */
  public INDArray updaterState() {
    return concat(state(encoder), state(decoder));
  }

  private static INDArray state(PartGraph g) {
    INDArray s = g.getUpdater().getStateViewArray();
    return s == null ? Nd4j.create(g.params().dataType(), 1, 0) : s;
  }

  private INDArray concat(INDArray a, INDArray b) {
    INDArray out = Nd4j.create(type, 1, a.length() + b.length());
    if (a.length() > 0) {
      out.get(interval(0, a.length())).assign(DevicePart.toCurrentDevice(a.reshape(1, a.length())));
    }
    if (b.length() > 0) {
      out.get(interval(a.length(), a.length() + b.length()))
          .assign(DevicePart.toCurrentDevice(b.reshape(1, b.length())));
    }
    return out;
  }

  private static org.nd4j.linalg.indexing.INDArrayIndex[] interval(long from, long to) {
    return new org.nd4j.linalg.indexing.INDArrayIndex[] {
      org.nd4j.linalg.indexing.NDArrayIndex.point(0),
      org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)
    };
  }

  /** The optimiser steps taken (both parts count the same). */
  public long iteration() {
    return encoder.getConfiguration().getIterationCount();
  }

  /**
   * Replaces parameters and optimiser state (flat, encoder then decoder, as {@link #params()} and
   * {@link #updaterState()}) and sets both parts' iteration count.
   */
  public void load(INDArray params, INDArray state, long iteration) {
    long pe = encoder.numParams();
    long pd = decoder.numParams();
    long se = state(encoder).length();
    long sd = state(decoder).length();
    if (params.length() != pe + pd || state.length() != se + sd) {
      throw new IllegalArgumentException(
          "split U-Net: expected "
              + (pe + pd)
              + " parameters and "
              + (se + sd)
              + " state values, got "
              + params.length()
              + " and "
              + state.length());
    }
    if (iteration < 0 || iteration > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("iteration out of range: " + iteration);
    }
    INDArray p = params.reshape(1, params.length());
    INDArray s = state.reshape(1, state.length());
    enc.call(
        () ->
            loadPart(
                encoder, p.get(interval(0, pe)), s.get(interval(0, se)), iteration, enc.device()));
    dec.call(
        () ->
            loadPart(
                decoder,
                p.get(interval(pe, pe + pd)),
                s.get(interval(se, se + sd)),
                iteration,
                dec.device()));
  }

  private static Object loadPart(PartGraph g, INDArray p, INDArray s, long iteration, int device) {
    g.params().assign(DevicePart.toDevice(p, device).reshape(g.params().shape()));
    if (s.length() > 0) {
      INDArray view = g.getUpdater().getStateViewArray();
      view.assign(DevicePart.toDevice(s, device).reshape(view.shape()));
    }
    g.getConfiguration().setIterationCount((int) iteration);
    return null;
  }

  /** The graph inputs {x = concat(c, x_t), temb} for timesteps t ([N, C, D, H, W], [N, dim]). */
  public INDArray[] features(INDArray xt, int[] t, INDArray cond) {
    if (xt.rank() != 5
        || cond.rank() != 5
        || xt.size(1) + cond.size(1) != settings.inChannels()
        || t.length != xt.size(0)) {
      throw new IllegalArgumentException(
          "split U-Net: x_t "
              + Arrays.toString(xt.shape())
              + " and cond "
              + Arrays.toString(cond.shape())
              + " with "
              + t.length
              + " timesteps do"
              + " not make an input of "
              + settings.inChannels()
              + " channels");
    }
    INDArray x = Nd4j.concat(1, cond.castTo(type), xt.castTo(type));
    return new INDArray[] {x, TimestepEmbedding.sinusoidal(t, settings.timeEmbedDim(), type)};
  }

  /** A training batch {features, label ε} in the parameters' type. */
  public MultiDataSet trainingBatch(INDArray xt, int[] t, INDArray cond, INDArray eps) {
    return new org.nd4j.linalg.dataset.MultiDataSet(
        features(xt, t, cond), new INDArray[] {eps.castTo(type)});
  }

  /** ε̂ = ε_θ([c, x_t], emb(t)): the encoder's outputs, copied over, through the decoder. */
  @Override
  public INDArray predictEps(INDArray xt, int[] t, INDArray cond) {
    return output(features(xt, t, cond));
  }

  /** The network output for graph inputs {x, temb}. */
  public INDArray output(INDArray... features) {
    INDArray[] outs =
        enc.call(() -> encoder.output(false, DevicePart.toDevice(features, enc.device())));
    return dec.call(() -> decoder.output(false, DevicePart.toDevice(outs, dec.device()))[0]);
  }

  /**
   * What each device holds (see {@link DeviceMemory}); workspaces are measured on the parts'
   * threads, the rest computed from the array sizes.
   */
  public List<DeviceMemory> memory() {
    List<DeviceMemory> out = new ArrayList<>();
    out.add(memory("encoder", enc, encoder));
    out.add(memory("decoder", dec, decoder));
    return out;
  }

  private DeviceMemory memory(String name, DevicePart part, PartGraph g) {
    long params = DevicePart.bytes(g.numParams(), type);
    return new DeviceMemory(
        name,
        part.device(),
        params,
        params,
        DevicePart.bytes(state(g)),
        part.workspaceBytes(),
        2 * boundaryBytes);
  }

  @Override
  public void close() {
    try {
      enc.close();
    } finally {
      dec.close();
    }
  }
}
