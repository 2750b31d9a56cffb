package org.patchddm.model.split;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.patchddm.model.net.UNetSettings;

/**
 * Cuts a {@link org.patchddm.model.net.UNet} configuration into an encoder part and a decoder part
 * that together compute the same function, for FullRes training over two devices.
 *
 * <p><b>Split point.</b> The decoder blocks are numbered k = 0, 1, ... in forward order, as the
 * authors' {@code output_blocks}: level L−1 first, {@code num-res-blocks + 1} blocks per level, k =
 * (L − 1 − level)·(num-res-blocks + 1) + b for vertex {@code dec<level>_<b>}. Block k owns its skip
 * merge, its ResBlock and, for the last block of a level above 0, the upsampling ({@code
 * up<level>_nn}, {@code up<level>_conv}). With threshold n (the authors' {@code
 * decoder_device_thresh}, 15 in the paper) blocks k < n stay in the encoder part with everything
 * before them; blocks k ≥ n and the output head ({@code out_norm}, {@code out_conv}, the loss layer
 * {@code out}) form the decoder part. (The authors move the head back to the first GPU; here it
 * stays with the last blocks, so the split needs no third graph.)
 *
 * <p><b>Boundary.</b> Every encoder vertex that a decoder vertex reads is a boundary tensor: the
 * running h, the skips of blocks k ≥ n, and the shared SiLU(emb) [N, 4·model-channels] when any
 * ResBlock is in the decoder. The encoder part outputs each through a port ({@code <name>_port});
 * the decoder part takes each as an input named like the tensor, behind a tap ({@code <name>_tap})
 * that captures its gradient ({@link BoundaryVertex}). Both lists are in {@link Parts#boundary()}
 * order. Activations keep the layout of the unsplit graph (channels-last [N, D, H, W, C] between
 * the oneDNN layers).
 *
 * <p>Vertex and parameter names are those of the unsplit graph, so parameters copy by name.
 */
public final class UNetSplit {

  public static final String PORT = "_port";
  public static final String TAP = "_tap";

  private static final Pattern DEC = Pattern.compile("dec(\\d+)_(\\d+)(_.*)?");
  private static final Pattern UP = Pattern.compile("up(\\d+)_(nn|conv)");
  private static final Set<String> HEAD = Set.of("out_norm", "out_conv", "out");

  private UNetSplit() {}

  /**
   * The two configurations.
   *
   * @param encoder inputs x, temb (as the unsplit graph); outputs the ports, boundary order
   * @param decoder inputs the boundary tensors; output the unsplit graph's loss layer
   * @param boundary the names of the boundary tensors
   * @param threshold the decoder blocks in the encoder part
   */
  public record Parts(
      ComputationGraphConfiguration encoder,
      ComputationGraphConfiguration decoder,
      List<String> boundary,
      int threshold) {}

  /** Decoder blocks of the network: levels x (num-res-blocks + 1) (paper: 21). */
  public static int decoderBlocks(UNetSettings s) {
    return s.levels() * (s.numResBlocks() + 1);
  }

  /**
   * The default threshold: the two highest-resolution levels' decoder blocks on the second device,
   * the rest on the first, 15 of 21 for the paper network (the authors' setting).
   */
  public static int defaultThreshold(UNetSettings s) {
    return Math.max(0, decoderBlocks(s) - 2 * (s.numResBlocks() + 1));
  }

  /**
   * The decoder block a vertex belongs to: −1 for the encoder side (input convolution, encoder
   * levels, middle block, time MLP), k for decoder block k, {@link #decoderBlocks} for the head.
   */
  static int blockOf(String vertex, UNetSettings s) {
    if (HEAD.contains(vertex)) {
      return decoderBlocks(s);
    }
    Matcher m = DEC.matcher(vertex);
    if (m.matches()) {
      return index(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), s);
    }
    m = UP.matcher(vertex);
    if (m.matches()) {
      return index(Integer.parseInt(m.group(1)), s.numResBlocks(), s);
    }
    return -1;
  }

  private static int index(int level, int block, UNetSettings s) {
    return (s.levels() - 1 - level) * (s.numResBlocks() + 1) + block;
  }

  /**
   * Splits the unsplit U-Net configuration {@code full} of network {@code s}.
   *
   * @param threshold decoder blocks kept in the encoder part, 0..{@link #decoderBlocks}
   */
  public static Parts split(ComputationGraphConfiguration full, UNetSettings s, int threshold) {
    int blocks = decoderBlocks(s);
    if (threshold < 0 || threshold > blocks) {
      throw new IllegalArgumentException(
          SplitSettings.KEY
              + " must be in 0.."
              + blocks
              + " (the "
              + "decoder blocks of a "
              + s.levels()
              + "-level network with "
              + s.numResBlocks()
              + " res blocks), got "
              + threshold);
    }
    Map<String, GraphVertex> vertices = full.getVertices();
    Map<String, List<String>> inputs = full.getVertexInputs();
    Set<String> decoderSide = new LinkedHashSet<>();
    for (String name : vertices.keySet()) {
      if (blockOf(name, s) >= threshold) {
        decoderSide.add(name);
      }
    }
    if (!decoderSide.containsAll(full.getNetworkOutputs())) {
      throw new IllegalArgumentException(
          "not a U-Net configuration: outputs "
              + full.getNetworkOutputs()
              + " are not in the head "
              + HEAD);
    }
    Set<String> crossing = new LinkedHashSet<>();
    for (String name : vertices.keySet()) {
      for (String in : inputs.get(name)) {
        boolean inDecoder = decoderSide.contains(in);
        if (decoderSide.contains(name) && !inDecoder) {
          if (full.getNetworkInputs().contains(in)) {
            throw new IllegalArgumentException(
                "decoder-side vertex " + name + " reads the network input " + in);
          }
          crossing.add(in);
        } else if (!decoderSide.contains(name) && inDecoder) {
          throw new IllegalArgumentException(
              "encoder-side vertex "
                  + name
                  + " reads decoder-side vertex "
                  + in
                  + " at threshold "
                  + threshold);
        }
      }
    }
    List<String> boundary = new ArrayList<>();
    for (String name : vertices.keySet()) {
      if (crossing.contains(name)) {
        boundary.add(name);
      }
    }
    return new Parts(
        encoder(full, decoderSide, boundary),
        decoder(full, decoderSide, boundary),
        List.copyOf(boundary),
        threshold);
  }

  private static ComputationGraphConfiguration encoder(
      ComputationGraphConfiguration full, Set<String> decoderSide, List<String> boundary) {
    Map<String, GraphVertex> v = new LinkedHashMap<>();
    Map<String, List<String>> in = new LinkedHashMap<>();
    full.getVertices()
        .forEach(
            (name, vertex) -> {
              if (!decoderSide.contains(name)) {
                v.put(name, vertex.clone());
                in.put(name, new ArrayList<>(full.getVertexInputs().get(name)));
              }
            });
    List<String> outputs = new ArrayList<>();
    for (String b : boundary) {
      v.put(b + PORT, new BoundaryVertex(false));
      in.put(b + PORT, new ArrayList<>(List.of(b)));
      outputs.add(b + PORT);
    }
    return part(full, v, in, new ArrayList<>(full.getNetworkInputs()), outputs);
  }

  private static ComputationGraphConfiguration decoder(
      ComputationGraphConfiguration full, Set<String> decoderSide, List<String> boundary) {
    Map<String, GraphVertex> v = new LinkedHashMap<>();
    Map<String, List<String>> in = new LinkedHashMap<>();
    for (String b : boundary) {
      v.put(b + TAP, new BoundaryVertex(true));
      in.put(b + TAP, new ArrayList<>(List.of(b)));
    }
    full.getVertices()
        .forEach(
            (name, vertex) -> {
              if (decoderSide.contains(name)) {
                v.put(name, vertex.clone());
                List<String> reads = new ArrayList<>();
                for (String i : full.getVertexInputs().get(name)) {
                  reads.add(boundary.contains(i) ? i + TAP : i);
                }
                in.put(name, reads);
              }
            });
    return part(full, v, in, new ArrayList<>(boundary), new ArrayList<>(full.getNetworkOutputs()));
  }

  private static ComputationGraphConfiguration part(
      ComputationGraphConfiguration full,
      Map<String, GraphVertex> vertices,
      Map<String, List<String>> inputs,
      List<String> netIn,
      List<String> netOut) {
    ComputationGraphConfiguration c = full.clone();
    c.setVertices(vertices);
    c.setVertexInputs(inputs);
    c.setNetworkInputs(netIn);
    c.setNetworkOutputs(netOut);
    c.setTopologicalOrder(null);
    c.setTopologicalOrderStr(null);
    c.setIterationCount(0);
    c.setEpochCount(0);
    c.validate(false, false);
    return c;
  }
}
