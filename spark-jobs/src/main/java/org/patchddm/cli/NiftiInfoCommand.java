package org.patchddm.cli;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patchddm.nifti.NiftiSummary;
import org.patchddm.nifti.ReadLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patchddm nifti-info FILE... [--json]}: header facts, affine and value statistics of local
 * NIfTI/Analyze files. A file that cannot be read is reported on stderr (and, with --json, as a
 * {@code {"path", "error"}} line on stdout); the others are still reported and the exit code is 1.
 * A header that declares more voxel data than {@code patchddm.nifti.max-data-bytes} or the free
 * heap is rejected before anything is allocated. Field documentation: docs/nifti-info.md.
 */
@Command(
    name = "nifti-info",
    mixinStandardHelpOptions = true,
    description =
        "Print format, shape, datatype, pixdim, scaling, qform/sform codes, affine and "
            + "min/max/mean/sum/NaN count of NIfTI-1/NIfTI-2/Analyze files (.nii, .nii.gz, .hdr/.img).")
public final class NiftiInfoCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files to inspect.")
  List<Path> files;

  @Option(
      names = "--json",
      description = "One JSON object per line per file (NaN/Infinity written as null).")
  boolean json;

  @Spec CommandSpec spec;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ReadLimits limits;
    try {
      limits = ReadLimits.fromConfig(configOptions.load(Map.of()));
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("patchddm nifti-info: configuration error: " + e.getMessage());
      err.flush();
      return 1;
    }
    int failures = 0;
    for (Path file : files) {
      try {
        NiftiSummary s = NiftiSummary.of(file, limits);
        out.print(json ? s.toJson() + System.lineSeparator() : s.toText());
      } catch (IOException | RuntimeException e) {
        failures++;
        String message =
            e.getMessage() != null && e.getMessage().contains(file.toString())
                ? e.getMessage()
                : file + ": " + e;
        err.println(message);
        if (json) {
          out.println(NiftiSummary.errorJson(file.toString(), message));
        }
      }
      out.flush();
    }
    err.flush();
    return failures == 0 ? 0 : 1;
  }
}
