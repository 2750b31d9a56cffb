package org.patchddm.cli;

import com.google.gson.Gson;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.CoordinateEncoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench infer}: one ensemble member (a DDIM sampling with S steps) of the inference
 * job on a whole cubic volume, per size: seconds per member, network evaluations per second and the
 * JVM's peak RSS, one JSON line per size. The network is {@code patchddm.model} (the paper's by
 * default) with random weights; the condition is the coordinate channels of the whole volume over
 * zero MR channels, as the PatchDDM job feeds it.
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description =
        "Time inference members: seconds per member and network evaluations per second, per volume size.")
public final class BenchInferCommand implements Callable<Integer> {

  @Option(names = "--sizes", split = ",", description = "Cubic volume edges (default 64,128).")
  List<Integer> sizes = List.of(64, 128);

  @Option(
      names = "--steps",
      description = "DDIM steps S of the timed member (default ${DEFAULT-VALUE}).")
  int steps = 3;

  @Option(
      names = "--members",
      description =
          "Timed members per size, after one untimed evaluation (default" + " ${DEFAULT-VALUE}).")
  int members = 1;

  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    Config conf;
    UNetSettings net;
    try {
      conf = config.load(Map.of());
      net = UNetSettings.fromConfig(conf);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("bench infer: " + e.getMessage());
      return 1;
    }
    if (steps < 1
        || members < 1
        || sizes.stream().anyMatch(s -> s < 1 || s % net.sizeDivisor() != 0)) {
      System.err.println(
          "bench infer: --steps and --members must be >= 1 and every size a multiple of "
              + net.sizeDivisor()
              + "; got steps "
              + steps
              + ", members "
              + members
              + ", sizes "
              + sizes);
      return 1;
    }
    DiffusionSettings d = DiffusionSettings.fromConfig(conf).withSamplingSteps(steps);
    DiffusionSampler sampler = new DiffusionSampler(GaussianDiffusion.of(d), d);
    UNetDenoiser denoiser = UNetDenoiser.create(net, UNetBuildOptions.defaults(1));
    long params = denoiser.graph().numParams();
    for (int size : sizes) {
      INDArray mr =
          Nd4j.zeros(
              DataType.FLOAT, net.inChannels() - 1 - CoordinateEncoding.CHANNELS, size, size, size);
      INDArray c = CoordinateEncoding.append(mr);
      INDArray cond = c.reshape(1, c.size(0), size, size, size);
      denoiser.predictEps(
          Nd4j.zeros(DataType.FLOAT, 1, 1, size, size, size), new int[] {999}, cond); // warm-up
      long t0 = System.nanoTime();
      for (int m = 0; m < members; m++) {
        sampler.sample(denoiser, cond, m);
      }
      double perMember = (System.nanoTime() - t0) / 1e9 / members;
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("what", "bench_infer");
      j.put("size", size);
      j.put("channels", net.modelChannels());
      j.put("mult", net.channelMult());
      j.put("params", params);
      j.put("steps", steps);
      j.put("members", members);
      j.put("s_per_member", perMember);
      j.put("s_per_eval", perMember / steps);
      j.put("evals_per_s", steps / perMember);
      j.put("peak_rss_mb", peakRssMb());
      j.put("cores", Runtime.getRuntime().availableProcessors());
      System.out.println(new Gson().toJson(j));
    }
    return 0;
  }

  private static long peakRssMb() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
