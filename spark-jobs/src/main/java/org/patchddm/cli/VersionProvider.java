package org.patchddm.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the build version from the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = PatchDdm.class.getPackage().getImplementationVersion();
    return new String[] {"patchddm " + (v == null ? "dev" : v)};
  }
}
