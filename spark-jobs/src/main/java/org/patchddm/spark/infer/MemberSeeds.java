package org.patchddm.spark.infer;

import java.nio.charset.StandardCharsets;
import org.patchddm.model.train.StepSeeds;

/**
 * The seed of every ensemble member: {@code StepSeeds.mix(seed, fnv1a64(subject), member)}. It
 * depends on the root seed, the subject's id and the member's index only, not on the sampling
 * steps, the batching or the task that runs it, so a re-run (or a retried task) draws the same
 * initial noise, and members of the same index at different steps (sweep mode) start from the same
 * x_T.
 */
public final class MemberSeeds {

  private MemberSeeds() {}

  /** The seed of member {@code member} (0-based) of {@code subject}. */
  public static long of(long seed, String subject, int member) {
    return StepSeeds.mix(seed, fnv1a64(subject), member);
  }

  /**
   * 64-bit FNV-1a of the UTF-8 bytes: a stable hash of a subject id (String.hashCode is only 32
   * bits).
   */
  static long fnv1a64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
