package org.patchddm.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the build version from the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"patchddm " + version()};
  }

  /** The build version ("dev" when run from classes). */
  static String version() {
    String v = PatchDdm.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
