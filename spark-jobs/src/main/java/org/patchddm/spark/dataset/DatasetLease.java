package org.patchddm.spark.dataset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * One writer at a time per dataset: a lease file {@code <dataset>/_lease.json} (owner, host, pid,
 * command, start time, heartbeat), written through Hadoop's FileSystem so that it works on HDFS.
 *
 * <ul>
 *   <li><b>Acquire:</b> create the file if absent (HDFS: {@code create(overwrite=false)}, atomic in
 *       the name node; local disks: {@code O_EXCL}). If another writer holds it, poll until {@code
 *       wait} has passed, then fail naming the holder.
 *   <li><b>Heartbeat:</b> the holder rewrites the file every {@code heartbeat} (temp file, then a
 *       rename over it) after checking it still holds it.
 *   <li><b>Expiry:</b> a lease whose heartbeat is older than {@code expiry} was abandoned (a killed
 *       job) and is taken over: renamed aside, then created afresh.
 *   <li><b>Release:</b> {@link #close} deletes the file if it is still ours.
 * </ul>
 *
 * Heartbeats are compared with the reader's clock, so {@code expiry} must exceed the clock skew
 * between hosts plus {@code heartbeat}. Taking over an expired lease can race with a second taker;
 * {@link #checkHeld} before the commit and the commit's own rename that refuses to overwrite keep
 * such a race from corrupting the dataset.
 */
public final class DatasetLease implements AutoCloseable {
  public static final String FILE = "_lease.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The lease file's content. Times are ISO-8601 UTC. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Holder(
      String token,
      String owner,
      String host,
      long pid,
      String command,
      String started,
      String heartbeat) {
    String describe(Instant now) {
      long age = Duration.between(Instant.parse(heartbeat), now).toSeconds();
      return owner
          + "@"
          + host
          + " (pid "
          + pid
          + ", "
          + command
          + ") since "
          + started
          + ", last heartbeat "
          + age
          + " s ago";
    }
  }

  /**
   * Settings, {@code patchddm.spark.lease}.
   *
   * @param maxWait how long a second writer waits for the lease before giving up (0: not at all)
   * @param heartbeat interval of the holder's heartbeat
   * @param expiry a lease whose heartbeat is older is abandoned and may be taken over
   */
  public record Settings(Duration maxWait, Duration heartbeat, Duration expiry) {
    public Settings {
      if (maxWait.isNegative()
          || heartbeat.isZero()
          || heartbeat.isNegative()
          || expiry.compareTo(heartbeat) <= 0) {
        throw new IllegalArgumentException(
            "patchddm.spark.lease: need wait >= 0, heartbeat > 0 and expiry > heartbeat,"
                + " got wait "
                + maxWait
                + ", heartbeat "
                + heartbeat
                + ", expiry "
                + expiry);
      }
    }

    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("patchddm.spark.lease");
      return new Settings(
          c.getDuration("wait"), c.getDuration("heartbeat"), c.getDuration("expiry"));
    }
  }

  /** Another writer holds the lease (and kept it for the whole wait). */
  public static final class LeaseHeldException extends IOException {
    private static final long serialVersionUID = 1L;

    LeaseHeldException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path file;
  private final Configuration conf;
  private final Holder mine;
  private final ScheduledExecutorService beat;
  private volatile String lost;
  private boolean closed;

  private DatasetLease(
      FileSystem fs, Path file, Configuration conf, Holder mine, Duration heartbeat) {
    this.fs = fs;
    this.file = file;
    this.conf = conf;
    this.mine = mine;
    this.beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "patchddm-lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long ms = heartbeat.toMillis();
    beat.scheduleWithFixedDelay(this::heartbeat, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lease of the dataset at {@code root} (created if missing).
   *
   * @param log where waiting and take-overs are reported
   * @throws LeaseHeldException naming the holder when it is still held after {@code wait}
   */
  public static DatasetLease acquire(
      Path root, Configuration conf, Settings s, String command, PrintStream log)
      throws IOException {
    FileSystem fs =
        FileSystem.newInstance(
            root.toUri(), conf); // not the cached instance: usable in shutdown hooks
    try {
      return acquire(fs, root, conf, s, command, log);
    } catch (IOException | RuntimeException e) {
      fs.close();
      throw e;
    }
  }

  private static DatasetLease acquire(
      FileSystem fs, Path root, Configuration conf, Settings s, String command, PrintStream log)
      throws IOException {
    Path file = new Path(fs.makeQualified(root), FILE);
    if (!fs.mkdirs(file.getParent())) {
      throw new IOException("cannot create the dataset directory " + file.getParent());
    }
    long deadline = System.nanoTime() + s.maxWait().toNanos();
    boolean waiting = false;
    while (true) {
      Instant now = Instant.now();
      Holder mine =
          new Holder(
              UUID.randomUUID().toString(),
              System.getProperty("user.name"),
              hostName(),
              ProcessHandle.current().pid(),
              command,
              now.toString(),
              now.toString());
      if (tryCreate(fs, file, mine)) {
        return new DatasetLease(fs, file, conf, mine, s.heartbeat());
      }
      Holder other = read(fs, file);
      if (other == null) {
        continue; // released between our create and our read
      }
      Duration age = Duration.between(Instant.parse(other.heartbeat()), now);
      if (age.compareTo(s.expiry()) > 0) {
        log.println(
            "taking over the abandoned lease of dataset "
                + file.getParent()
                + ": held by "
                + other.describe(now)
                + " (expiry "
                + s.expiry().toSeconds()
                + " s)");
        Path aside = new Path(file.getParent(), "." + FILE + ".expired-" + UUID.randomUUID());
        Holder again = read(fs, file);
        if (again != null && again.token().equals(other.token())) {
          fs.rename(file, aside);
          fs.delete(aside, false);
        }
        continue;
      }
      if (System.nanoTime() >= deadline) {
        throw new LeaseHeldException(
            "dataset "
                + file.getParent()
                + " is being written by another job: "
                + other.describe(now)
                + (s.maxWait().isZero() ? "" : "; waited " + s.maxWait().toSeconds() + " s")
                + " (lease "
                + file
                + ", patchddm.spark.lease.wait)");
      }
      if (!waiting) {
        log.println(
            "waiting up to "
                + s.maxWait().toSeconds()
                + " s for the lease of dataset "
                + file.getParent()
                + ", held by "
                + other.describe(now));
        waiting = true;
      }
      sleep(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** The lease's content as written by this holder. */
  public Holder holder() {
    return mine;
  }

  /**
   * Fails when the lease is no longer ours (expired and taken over by another writer).
   *
   * @throws IOException naming the new holder
   */
  public void checkHeld() throws IOException {
    Holder now = read(fs, file);
    if (lost != null || now == null || !now.token().equals(mine.token())) {
      throw new IOException(
          "lost the lease of dataset "
              + file.getParent()
              + (now == null ? "" : " to " + now.describe(Instant.now()))
              + (lost == null ? "" : " (" + lost + ")")
              + "; nothing committed");
    }
  }

  /** Stops the heartbeat and deletes the lease file if it is still ours. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    beat.shutdownNow();
    try {
      Holder now = read(fs, file);
      if (now != null && now.token().equals(mine.token())) {
        fs.delete(file, false);
      }
    } finally {
      fs.close();
    }
  }

  private synchronized void heartbeat() {
    try {
      Holder now = read(fs, file);
      if (now == null || !now.token().equals(mine.token())) {
        lost =
            now == null
                ? "the lease file disappeared"
                : "taken over by " + now.owner() + "@" + now.host();
        beat.shutdown();
        return;
      }
      Holder next =
          new Holder(
              mine.token(),
              mine.owner(),
              mine.host(),
              mine.pid(),
              mine.command(),
              mine.started(),
              Instant.now().toString());
      Path tmp = new Path(file.getParent(), "." + FILE + ".beat-" + mine.token());
      FileSystem target = raw(fs);
      try (OutputStream out = target.create(tmp, true)) {
        out.write(JSON.writeValueAsBytes(next));
      }
      if (target instanceof RawLocalFileSystem) {
        target.rename(tmp, file); // POSIX rename replaces atomically
      } else {
        FileContext.getFileContext(file.toUri(), conf).rename(tmp, file, Options.Rename.OVERWRITE);
      }
    } catch (IOException | RuntimeException e) {
      lost = "heartbeat failed: " + e.getMessage();
    }
  }

  private static boolean tryCreate(FileSystem fs, Path file, Holder h) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(h);
    FileSystem target = raw(fs);
    if (target instanceof RawLocalFileSystem local) {
      try {
        Files.write(
            local.pathToFile(file).toPath(),
            bytes,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = target.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (e.getClass().getSimpleName().equals("AlreadyBeingCreatedException") || fs.exists(file)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The lease's content, or null when there is none. A file that cannot be parsed (its writer died
   * between creating and writing it) reads as an unknown holder whose heartbeat is the file's
   * modification time, so that it expires like any other.
   */
  public static Holder read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = raw(fs).open(file)) {
      return JSON.readValue(in.readAllBytes(), Holder.class);
    } catch (FileNotFoundException e) {
      return null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      try {
        long mtime = raw(fs).getFileStatus(file).getModificationTime();
        String t = Instant.ofEpochMilli(mtime).toString();
        return new Holder(
            "unreadable-" + mtime, "unknown", "unknown-host", -1, "unreadable lease file", t, t);
      } catch (FileNotFoundException gone) {
        return null;
      }
    }
  }

  /** Hadoop's local file system without its .crc side files. */
  private static FileSystem raw(FileSystem fs) {
    return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the dataset lease");
    }
  }
}
