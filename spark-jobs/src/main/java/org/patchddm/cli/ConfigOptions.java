package org.patchddm.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.patchddm.spark.config.ConfigLoader;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares ({@code @Mixin}): a profile and {@code --set}
 * overrides, layered over all modules' reference.conf by {@link ConfigLoader}.
 */
public final class ConfigOptions {
  @Option(names = "--conf", paramLabel = "FILE",
      description = "Profile file (HOCON), or a name under conf/ such as 'local' or 'paper'.")
  String profile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set patchddm.prep.target-shape=[64,64,64]. Repeatable; later wins.")
  List<String> sets = new ArrayList<>();

  /** The resolved, validated config; the command's own options are the top layer. */
  public Config load(Map<String, ?> commandOverrides) {
    return ConfigLoader.load(profile, sets, commandOverrides);
  }
}
