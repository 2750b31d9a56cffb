package org.patchddm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.patchddm.synth.CohortWriter;
import org.patchddm.synth.SyntheticCohort;
import org.patchddm.synth.SyntheticSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patchddm synth}: writes a deterministic synthetic BraTS-layout cohort (see {@link
 * SyntheticCohort}), the embedded default data of the quickstart and the tests.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Writes a deterministic synthetic cohort in exactly the BraTS 2020 layout:",
      "  DIR/BraTS20_Training_NNN/BraTS20_Training_NNN_{t1,t1ce,t2,flair,seg}.nii.gz",
      "Each subject is a skull-stripped head phantom (CSF rim and ventricles, grey and white",
      "matter; shape, size and position vary per subject) with a lobulated tumour labelled like",
      "BraTS: 1 necrotic core, 4 enhancing rim, 2 edema. The four sequences have distinct",
      "contrasts, a smooth bias field and Rician noise; background is exactly 0 in all of them.",
      "Images are int16, labels uint8, with a BraTS-like 1 mm affine diag(-1,-1,1).",
      "",
      "Deterministic: the same --seed, subject number and --shape give byte-identical files;",
      "subject k does not depend on --subjects. Each subject directory is written under a",
      "hidden temporary name and renamed when complete.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  patchddm synth --out data/synth --subjects 10 --seed 42",
      "  patchddm synth --out data/brats-size --subjects 4 --shape 240,240,155",
      "  patchddm synth --out data/synth --subjects 8 --validation-subjects 2 --overwrite"
    })
public final class SynthCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Cohort root directory to write (created if missing).")
  Path out;

  @Option(
      names = "--subjects",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Number of training subjects (with seg), BraTS20_Training_001..N. "
              + "Default: ${DEFAULT-VALUE}.")
  int subjects;

  @Option(
      names = "--validation-subjects",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "Additional seg-less subjects BraTS20_Validation_001..K, drawn from their own "
              + "stream. Default: ${DEFAULT-VALUE}.")
  int validationSubjects;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "Cohort seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--shape",
      paramLabel = "X,Y,Z",
      split = ",",
      defaultValue = "64,64,48",
      description =
          "Volume shape in voxels (each 16..1024). The default 64,64,48 keeps a CPU "
              + "quickstart fast (~0.2 MB per subject); 240,240,155 is full BraTS size. The anatomy "
              + "scales with the shape; voxels are always 1 mm. Default: ${DEFAULT-VALUE}.")
  int[] shape;

  @Option(
      names = "--with-seg",
      arity = "1",
      paramLabel = "true|false",
      defaultValue = "true",
      description =
          "Write the _seg file of training subjects. --with-seg=false gives a cohort "
              + "of validation-style subjects. Default: ${DEFAULT-VALUE}.")
  boolean withSeg;

  @Option(
      names = "--overwrite",
      description =
          "Replace subject directories that already exist (otherwise they are an "
              + "error, reported before anything is written).")
  boolean overwrite;

  @Override
  public Integer call() {
    try {
      return generate();
    } catch (IOException e) {
      spec.commandLine().getErr().println("synth: " + e.getMessage());
      return 1;
    }
  }

  private int generate() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    if (subjects < 0 || validationSubjects < 0 || subjects + validationSubjects == 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--subjects and --validation-subjects must "
              + "be >= 0 and at least one subject must be requested, got "
              + subjects
              + " and "
              + validationSubjects);
    }
    SyntheticCohort cohort;
    try {
      cohort = new SyntheticCohort(seed, shape);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--shape: " + e.getMessage());
    }
    CohortWriter writer = new CohortWriter(out, overwrite);
    for (int k = 1; k <= subjects; k++) writer.checkWritable(SyntheticCohort.trainingId(k));
    for (int k = 1; k <= validationSubjects; k++) {
      writer.checkWritable(SyntheticCohort.validationId(k));
    }
    int total = subjects + validationSubjects;
    long start = System.nanoTime();
    long tumourVoxels = 0;
    for (int i = 1; i <= total; i++) {
      long t0 = System.nanoTime();
      boolean validation = i > subjects;
      SyntheticSubject s = validation ? cohort.validation(i - subjects) : cohort.training(i);
      boolean seg = withSeg && !validation;
      writer.write(s, seg);
      int[] counts = new int[5];
      for (byte l : s.labels()) counts[l]++;
      tumourVoxels += counts[1] + counts[2] + counts[4];
      o.printf(
          "[%d/%d] %s%s: tumour %d voxels (necrosis %d, edema %d, enhancing %d), %.2f s%n",
          i,
          total,
          s.id(),
          seg ? "" : " (no seg)",
          counts[1] + counts[2] + counts[4],
          counts[1],
          counts[2],
          counts[4],
          (System.nanoTime() - t0) / 1e9);
      o.flush();
    }
    o.printf(
        "wrote %d training%s and %d validation subjects of shape %s (seed %d, mean tumour %d"
            + " voxels) to %s in %.1f s%n",
        subjects,
        withSeg ? "" : " (without seg)",
        validationSubjects,
        Arrays.toString(shape).replace(" ", ""),
        seed,
        tumourVoxels / total,
        out.toAbsolutePath(),
        (System.nanoTime() - start) / 1e9);
    o.flush();
    return 0;
  }
}
