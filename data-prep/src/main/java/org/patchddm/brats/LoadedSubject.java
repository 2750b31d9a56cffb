package org.patchddm.brats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patchddm.nifti.NiftiVolume;

/**
 * A subject's volumes in memory, checked to share one grid (same shape and affine).
 *
 * @param subject the listing entry it was loaded from
 * @param images one volume per {@link Sequence}
 * @param seg the segmentation, or {@code null} for a validation-style subject
 * @param checksums file name (last path component) -> SHA-256 hex of the file's bytes as stored
 */
public record LoadedSubject(
    BratsSubject subject,
    Map<Sequence, NiftiVolume> images,
    NiftiVolume seg,
    Map<String, String> checksums) {

  public LoadedSubject {
    EnumMap<Sequence, NiftiVolume> copy = new EnumMap<>(Sequence.class);
    copy.putAll(images);
    images = Collections.unmodifiableMap(copy);
    checksums = Collections.unmodifiableMap(new LinkedHashMap<>(checksums));
  }

  /** The volume of one sequence. */
  public NiftiVolume image(Sequence q) {
    return images.get(q);
  }

  public String id() {
    return subject.id();
  }
}
