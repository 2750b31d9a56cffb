package org.patchddm.spark.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Which training subjects each slot trains on: the subjects sorted by id, subject i to slot {@code
 * i mod slots}. Depends only on the ids and the slot count, so every run and retry assigns them
 * alike.
 */
public final class TrainPartitions {

  private TrainPartitions() {}

  /**
   * @param sortedItems the training subjects (or anything per subject), sorted by subject id
   * @return one list per slot, in slot order
   * @throws IllegalArgumentException when a slot would get no subject
   */
  public static <T> List<List<T>> assign(List<T> sortedItems, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("need at least one training slot, got " + slots);
    }
    if (sortedItems.size() < slots) {
      throw new IllegalArgumentException(
          slots
              + " training slots but only "
              + sortedItems.size()
              + " training subjects: every slot needs at least one (lower patchddm.spark.train.slots)");
    }
    List<List<T>> out = new ArrayList<>();
    for (int p = 0; p < slots; p++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < sortedItems.size(); i++) {
      out.get(i % slots).add(sortedItems.get(i));
    }
    return out;
  }
}
