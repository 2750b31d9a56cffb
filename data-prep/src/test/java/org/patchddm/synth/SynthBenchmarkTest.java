package org.patchddm.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.brats.BratsCohort;
import org.patchddm.brats.BratsLoader;
import org.patchddm.brats.LoadedSubject;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.SubjectPreprocessor;

/**
 * Full BraTS-size timings, printed as JSON lines (no timing assertions). Run with {@code mvn -B -pl
 * data-prep test -Pslow -Dtest=SynthBenchmarkTest}.
 */
@Tag("slow")
class SynthBenchmarkTest {

  private static final int RUNS = 3;

  @Test
  void fullSizeSynthesisWriteAndPreprocess(@TempDir Path out) throws Exception {
    SyntheticCohort cohort = new SyntheticCohort(42, SyntheticCohort.BRATS_SHAPE);
    cohort.training(100); // warm-up
    double[] gen = new double[RUNS];
    double[] write = new double[RUNS];
    double[] prep = new double[RUNS];
    SubjectPreprocessor sp = new SubjectPreprocessor(PrepSettings.defaults());
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      SyntheticSubject s = cohort.training(r + 1);
      long t1 = System.nanoTime();
      new CohortWriter(out.resolve("run" + r), false).write(s, true);
      long t2 = System.nanoTime();
      gen[r] = (t1 - t0) / 1e9;
      write[r] = (t2 - t1) / 1e9;
      LoadedSubject l =
          BratsLoader.local().load(BratsCohort.scan(out.resolve("run" + r)).subjects().get(0));
      long t3 = System.nanoTime();
      PreprocessedSubject p = sp.process(l);
      prep[r] = (System.nanoTime() - t3) / 1e9;
      assertEquals(256 * 256 * 256, p.channels()[0].length);
    }
    System.out.println(json("synth_generate_240x240x155", gen));
    System.out.println(json("synth_write_nii_gz_240x240x155", write));
    System.out.println(json("preprocess_240x240x155_to_256cubed", prep));
  }

  private static String json(String name, double[] s) {
    double[] sorted = s.clone();
    Arrays.sort(sorted);
    return String.format(
        "{\"benchmark\":\"%s\",\"runs\":%d,\"median_s\":%.3f,\"all_s\":%s," + "\"cpus\":%d}",
        name,
        s.length,
        sorted[s.length / 2],
        Arrays.toString(s).replace(" ", ""),
        Runtime.getRuntime().availableProcessors());
  }
}
