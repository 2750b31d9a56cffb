package org.patchddm.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @TempDir Path dir;

  private static List<byte[]> embeddedPngs(String html) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    while (m.find()) {
      out.add(Base64.getDecoder().decode(m.group(1)));
    }
    return out;
  }

  @Test
  void selfContainedPageWithEveryPicture() throws Exception {
    ReportWriter.Written w = ReportWriter.write(ReportFixtures.sweep(), dir);
    String html = Files.readString(w.report());
    // 2 charts against ensemble size, 2 heat maps, 1 qualitative figure; nothing loaded from
    // elsewhere
    List<byte[]> pngs = embeddedPngs(html);
    assertEquals(5, pngs.size());
    assertEquals(5, html.split("<img ", -1).length - 1);
    assertFalse(
        html.contains("http://") || html.contains("https://") || html.contains("<script"),
        "self-contained");
    for (byte[] png : pngs) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 50);
    }
    // the heat maps are also separate files, identical to the embedded pictures
    assertEquals(
        List.of(dir.resolve("heatmap_dice.png"), dir.resolve("heatmap_hd95.png")), w.heatMaps());
    assertArrayEquals(Files.readAllBytes(w.heatMaps().get(0)), pngs.get(2));
    assertArrayEquals(Files.readAllBytes(w.heatMaps().get(1)), pngs.get(3));
    // text is escaped
    assertTrue(html.contains("PatchDDM inference &lt;test&gt;"));
    assertTrue(html.contains("a &lt; b &amp; &quot;c&quot;"));
    assertFalse(html.contains("a < b"));
    // no temporary files are left
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(3, s.count());
    }
  }

  @Test
  void reportHonoursTheUmask() throws Exception {
    // A file created without explicit permissions gets 0666 & ~umask; a temporary file's 0600 must
    // not survive the rename into report.html.
    var expected = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.bin")));
    ReportWriter.Written w = ReportWriter.write(ReportFixtures.sweep(), dir);
    assertEquals(expected, Files.getPosixFilePermissions(w.report()));
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(
          files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")),
          "temporary files left behind");
    }
  }

  @Test
  void tablesShowTheCohortSummary() throws Exception {
    String html = Files.readString(ReportWriter.write(ReportFixtures.sweep(), dir).report());
    // 20 steps, size 5: Dice 0.75 + 0.02 s for s = 0, 1, 2 -> mean 0.77, sd 0.02; HD95 4, 5, 6 ->
    // 5.00 ± 1.00
    assertTrue(
        html.contains("<tr><td>5</td><td>3</td><td>0.770 ± 0.020</td><td>5.00 ± 1.00</td></tr>"),
        html);
    // per subject, 1 and 5 members: subject 2 has Dice 0.71 + 0.04 = 0.75 / 0.79, HD95 11 - 3 + 2 =
    // 10 / 6
    assertTrue(
        html.contains(
            "<td class=\"k\">BraTS20_Training_003</td><td>0.750</td><td>10.00</td><td>0.790</td>"
                + "<td>6.00</td>"),
        html);
    assertTrue(html.contains("<th class=\"k\">seconds per member</th><td class=\"k\">1.250</td>"));
    assertTrue(html.contains("3.00 GiB"));
    assertTrue(html.contains("<th class=\"k\">steps</th><td class=\"k\">20</td>"));
  }

  @Test
  void withoutSweepOrLabelsThereAreFewerPictures() throws Exception {
    ReportData one = ReportFixtures.sweep();
    List<ScoreRow> only20 = one.scores().stream().filter(r -> r.steps() == 20).toList();
    ReportData d = new ReportData("t", one.provenance(), 20, only20, List.of(), null);
    String html = Files.readString(ReportWriter.write(d, dir).report());
    assertEquals(2, embeddedPngs(html).size());
    assertFalse(Files.exists(dir.resolve("heatmap_dice.png")));
    ReportData none = new ReportData("t", one.provenance(), 20, List.of(), List.of(), null);
    html = Files.readString(ReportWriter.write(none, dir).report());
    assertEquals(0, embeddedPngs(html).size());
    assertTrue(html.contains("No scores with 20 sampling steps"));
  }
}
