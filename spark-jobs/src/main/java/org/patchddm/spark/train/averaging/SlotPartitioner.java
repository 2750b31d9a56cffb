package org.patchddm.spark.train.averaging;

import org.apache.spark.Partitioner;

/** Sends key i (an int in 0..slots-1) to partition i. */
final class SlotPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int slots;

  SlotPartitioner(int slots) {
    this.slots = slots;
  }

  @Override
  public int numPartitions() {
    return slots;
  }

  @Override
  public int getPartition(Object key) {
    int k = (Integer) key;
    if (k < 0 || k >= slots) {
      throw new IllegalArgumentException("slot " + k + " outside 0.." + (slots - 1));
    }
    return k;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlotPartitioner p && p.slots == slots;
  }

  @Override
  public int hashCode() {
    return slots;
  }
}
