package org.patchddm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens report.html in Debian's headless chromium (through chromedriver and Selenium) and checks
 * that every image decodes and that the browser console shows no error. The browser comes from
 * {@code .ci/install-browser.sh}, which {@code .ci/run} calls before the tests; its absence fails
 * the test. Selenium Manager is never asked for anything: the driver and browser paths are given.
 */
class ReportBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir static Path profile;
  private static ChromeDriver driver;

  @BeforeAll
  static void startBrowser() {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the report's browser test needs Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "); install them with .ci/install-browser.sh (as root)");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile.resolve("chromium"),
        "--window-size=1400,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  /** Loads a page and lists what is wrong with it: images that did not decode, console errors. */
  private static List<String> problems(Path page) {
    driver.manage().logs().get(LogType.BROWSER); // drop what earlier pages logged
    driver.get(page.toUri().toString());
    List<String> out = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<List<Object>> images =
        (List<List<Object>>)
            ((JavascriptExecutor) driver)
                .executeScript(
                    "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight]);");
    for (List<Object> img : images) {
      if (!Boolean.TRUE.equals(img.get(1)) || ((Number) img.get(2)).longValue() <= 0) {
        out.add(
            "image '"
                + img.get(0)
                + "' did not decode: complete="
                + img.get(1)
                + ", naturalWidth="
                + img.get(2));
      }
    }
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add("console error: " + e.getMessage());
      }
    }
    out.add(0, "images=" + images.size());
    return out;
  }

  @Test
  void everyImageDecodesAndTheConsoleIsClean() throws Exception {
    Path dir = profile.resolve("out");
    ReportWriter.Written w = ReportWriter.write(ReportFixtures.sweep(), dir);
    List<String> problems = problems(w.report());
    assertEquals(List.of("images=5"), problems);
    assertEquals("PatchDDM inference <test>", driver.getTitle());
    // a picture of the whole page, for a person to look at (not an assertion)
    long height =
        (Long) ((JavascriptExecutor) driver).executeScript("return document.body.scrollHeight;");
    driver
        .manage()
        .window()
        .setSize(new org.openqa.selenium.Dimension(1400, (int) Math.min(height + 100, 8000)));
    File shot = driver.getScreenshotAs(org.openqa.selenium.OutputType.FILE);
    Path target = Path.of("target", "report-browser-test.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theCheckSeesBrokenImagesAndConsoleErrors() throws Exception {
    // negative control: a page with an undecodable image and a console error must be reported
    Path bad = profile.resolve("bad.html");
    Files.writeString(
        bad,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>bad</title>"
            + "<link rel=\"icon\" href=\"data:,\"></head><body>"
            + "<img alt=\"broken\" src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\">"
            + "<script>console.error('deliberate error');</script></body></html>");
    List<String> problems = problems(bad);
    assertEquals("images=1", problems.get(0));
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("image 'broken' did not decode")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("deliberate error")), problems.toString());
  }
}
