package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

  @Test
  void oneLinePerReport() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressPrinter p = new ProgressPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8));
    // 3725 s = 1 h 2 min 5 s
    p.onStep(new TrainingListener.StepReport(10, 100, 0.5, 2.0, 3725));
    assertEquals(
        "step 10/100 loss 0.500000 2.000 steps/s ETA 1:02:05\n",
        buf.toString(StandardCharsets.UTF_8));
    assertEquals("?", ProgressPrinter.formatSeconds(Double.POSITIVE_INFINITY));
  }
}
