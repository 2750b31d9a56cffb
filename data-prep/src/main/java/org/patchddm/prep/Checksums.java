package org.patchddm.prep;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of input files, recorded as provenance beside every preprocessed dataset. */
public final class Checksums {

  private Checksums() {}

  /** Reads {@code in} to its end (without closing it) and returns its SHA-256 as lower-case hex. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    return HexFormat.of().formatHex(md.digest());
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Lower-case hex of a digest. */
  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
