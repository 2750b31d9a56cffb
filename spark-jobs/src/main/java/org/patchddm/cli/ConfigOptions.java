package org.patchddm.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.patchddm.model.runtime.RuntimeSettings;
import org.patchddm.spark.config.ConfigLoader;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares ({@code @Mixin}): a profile and {@code --set}
 * overrides, layered over all modules' reference.conf by {@link ConfigLoader}.
 */
public final class ConfigOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "Profile file (HOCON), or a name under conf/ such as 'local' or 'paper'.")
  String profile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one config key, e.g. --set patchddm.prep.target-shape=[64,64,64]. Repeatable; later wins.")
  List<String> sets = new ArrayList<>();

  /**
   * The resolved, validated config; the command's own options are the top layer. Also applies its
   * process-wide kernel switches ({@code patchddm.runtime}) to this JVM.
   */
  public Config load(Map<String, ?> commandOverrides) {
    Config config = ConfigLoader.load(profile, sets, commandOverrides);
    RuntimeSettings.fromConfig(config).apply();
    return config;
  }
}
