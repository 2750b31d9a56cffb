package org.patchddm.spark.infer;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.patchddm.prep.SubjectOutputs;

/**
 * A subject's {@link SubjectResult} next to its outputs, at {@code OUT_DIR/.infer/<subject>.result}
 * (Java serialisation, written to a temporary sibling and renamed). It is written before the
 * subject's NIfTI directory, so a subject counts as complete ({@link #complete}) only when both
 * exist and the result was made with the same settings (fingerprint); anything else is redone.
 */
public final class ResultStore {

  public static final String DIR = ".infer";

  private final Path root;
  private final SubjectOutputs outputs;

  public ResultStore(Path outDir) {
    this.root = outDir.resolve(DIR);
    this.outputs = new SubjectOutputs(outDir);
  }

  public SubjectOutputs outputs() {
    return outputs;
  }

  /**
   * The stored result of a complete subject made with {@code fingerprint}, or empty when it must be
   * (re)done.
   */
  public Optional<SubjectResult> complete(String subject, String fingerprint) {
    Optional<SubjectResult> r = read(subject);
    if (r.isEmpty()
        || !r.get().ok()
        || !r.get().fingerprint().equals(fingerprint)
        || !outputs.isComplete(subject)) {
      return Optional.empty();
    }
    return r;
  }

  /** Stores a result atomically. */
  public void write(SubjectResult r) throws IOException {
    Files.createDirectories(root);
    Path target = file(r.subject());
    Path tmp = root.resolve(".tmp-" + r.subject() + "-" + System.nanoTime());
    try (OutputStream os = Files.newOutputStream(tmp);
        ObjectOutputStream out = new ObjectOutputStream(os)) {
      out.writeObject(r);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  Optional<SubjectResult> read(String subject) {
    Path f = file(subject);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (InputStream is = Files.newInputStream(f);
        ObjectInputStream in = new ObjectInputStream(is)) {
      return Optional.of((SubjectResult) in.readObject());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      return Optional.empty(); // unreadable (e.g. from an older build): redo the subject
    }
  }

  private Path file(String subject) {
    return root.resolve(subject + ".result");
  }
}
