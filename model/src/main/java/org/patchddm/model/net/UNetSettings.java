package org.patchddm.model.net;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * Shape of the diffusion U-Net (no spatial size: the network is fully convolutional).
 *
 * @param modelChannels base width (paper: 29)
 * @param channelMult width multiplier per level (paper: 1,3,4,4,4,4,4, i.e. 7 levels)
 * @param numResBlocks residual blocks per encoder level; the decoder has one more per level
 * @param groupNormGroups GroupNorm groups; must divide every width of the network
 * @param inChannels network input channels C_in (condition channels + 1 for x_t)
 * @param outChannels output channels (1: the predicted noise ε̂ of the label channel)
 * @param skipMerge how decoder blocks merge their skip
 * @param timeEmbedDim dimension of the sinusoidal timestep embedding (paper: 29 = model channels)
 * @param convImpl layer used for the convolutions (same function and parameters either way)
 */
public record UNetSettings(
    int modelChannels,
    List<Integer> channelMult,
    int numResBlocks,
    int groupNormGroups,
    int inChannels,
    int outChannels,
    SkipMerge skipMerge,
    int timeEmbedDim,
    ConvImpl convImpl) {

  /** The configuration namespace read by {@link #fromConfig(Config)}. */
  public static final String PATH = "patchddm.model";

  public UNetSettings {
    channelMult = List.copyOf(channelMult);
    require(modelChannels > 0, "model-channels must be positive, got " + modelChannels);
    require(!channelMult.isEmpty(), "channel-mult must have at least one level");
    for (int m : channelMult) {
      require(m > 0, "channel-mult entries must be positive, got " + channelMult);
    }
    require(numResBlocks > 0, "num-res-blocks must be positive, got " + numResBlocks);
    require(groupNormGroups > 0, "groupnorm-groups must be positive, got " + groupNormGroups);
    require(inChannels > 0, "in-channels must be positive, got " + inChannels);
    require(outChannels > 0, "out-channels must be positive, got " + outChannels);
    require(timeEmbedDim > 1, "time-embed-dim must be at least 2, got " + timeEmbedDim);
    if (convImpl == null) {
      throw new IllegalArgumentException(
          PATH + ".conv-impl must be AUTO, ONEDNN or DL4J, got null");
    }
    if (skipMerge == null) {
      throw new IllegalArgumentException("skip-merge must be AVERAGE or CONCAT, got null");
    }
    require(
        modelChannels % groupNormGroups == 0,
        "groupnorm-groups=" + groupNormGroups + " must divide model-channels=" + modelChannels);
    for (int m : channelMult) {
      int width = m * modelChannels;
      require(
          width % groupNormGroups == 0,
          "groupnorm-groups="
              + groupNormGroups
              + " must divide every width, but not "
              + width
              + " (= "
              + m
              + " x "
              + modelChannels
              + ")");
    }
  }

  /**
   * Same shape with the convolution implementation chosen for the loaded backend ({@link
   * ConvImpl#AUTO}).
   */
  public UNetSettings(
      int modelChannels,
      List<Integer> channelMult,
      int numResBlocks,
      int groupNormGroups,
      int inChannels,
      int outChannels,
      SkipMerge skipMerge,
      int timeEmbedDim) {
    this(
        modelChannels,
        channelMult,
        numResBlocks,
        groupNormGroups,
        inChannels,
        outChannels,
        skipMerge,
        timeEmbedDim,
        ConvImpl.AUTO);
  }

  /** The paper's network (PatchDDM input: 4 MR + 3 coordinate + 1 noisy label channels). */
  public static UNetSettings paper() {
    return new UNetSettings(29, List.of(1, 3, 4, 4, 4, 4, 4), 2, 29, 8, 1, SkipMerge.AVERAGE, 29);
  }

  /**
   * Reads every key of {@code patchddm.model} eagerly.
   *
   * @param c the root configuration (with {@code patchddm.model} in it)
   * @throws IllegalArgumentException naming the key when a value is missing, mistyped or invalid
   */
  public static UNetSettings fromConfig(Config c) {
    try {
      Config m = c.getConfig(PATH);
      String merge = m.getString("skip-merge");
      SkipMerge skip;
      try {
        skip = SkipMerge.valueOf(merge.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            PATH + ".skip-merge: expected AVERAGE or CONCAT, got '" + merge + "'", e);
      }
      String impl = m.getString("conv-impl");
      ConvImpl conv;
      try {
        conv = ConvImpl.valueOf(impl.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            PATH + ".conv-impl: expected AUTO, ONEDNN or DL4J, got '" + impl + "'", e);
      }
      return new UNetSettings(
          m.getInt("model-channels"),
          m.getIntList("channel-mult"),
          m.getInt("num-res-blocks"),
          m.getInt("groupnorm-groups"),
          m.getInt("in-channels"),
          m.getInt("out-channels"),
          skip,
          m.getInt("time-embed-dim"),
          conv);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "invalid " + PATH + " configuration: " + e.getMessage(), e);
    }
  }

  /** Same network with another number of input channels (e.g. 5 for FullRes/HalfRes). */
  public UNetSettings withInChannels(int channels) {
    return new UNetSettings(
        modelChannels,
        channelMult,
        numResBlocks,
        groupNormGroups,
        channels,
        outChannels,
        skipMerge,
        timeEmbedDim,
        convImpl);
  }

  /** Same network with another skip merge. */
  public UNetSettings withSkipMerge(SkipMerge merge) {
    return new UNetSettings(
        modelChannels,
        channelMult,
        numResBlocks,
        groupNormGroups,
        inChannels,
        outChannels,
        merge,
        timeEmbedDim,
        convImpl);
  }

  /** Same network with another convolution implementation. */
  public UNetSettings withConvImpl(ConvImpl impl) {
    return new UNetSettings(
        modelChannels,
        channelMult,
        numResBlocks,
        groupNormGroups,
        inChannels,
        outChannels,
        skipMerge,
        timeEmbedDim,
        impl);
  }

  /** Number of resolution levels (channel-mult entries). */
  public int levels() {
    return channelMult.size();
  }

  /** Every spatial size must be a multiple of this: 2^(levels - 1). */
  public int sizeDivisor() {
    return 1 << (levels() - 1);
  }

  /** Width of the time MLP and of the shared embedding: 4 x model channels (paper: 116). */
  public int embedWidth() {
    return 4 * modelChannels;
  }

  /** Width of level {@code level} (0 = full resolution). */
  public int width(int level) {
    return channelMult.get(level) * modelChannels;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PATH + ": " + message);
    }
  }
}
