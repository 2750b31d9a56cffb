package org.patchddm.spark.train;

import java.io.Serializable;

/**
 * What every worker starts a round from: the flat parameters, the flat updater state (empty when
 * the updater has none) and the global step. Plain float arrays so that it broadcasts without ND4J
 * on the wire.
 */
public record TrainState(float[] params, float[] updaterState, long step) implements Serializable {}
