package org.patchddm.spark.train;

/**
 * The averaged outcome of one round.
 *
 * @param state the averaged parameters and updater state, and the global step after the round
 * @param meanLoss the loss averaged over every local step of every worker
 * @param samples the training examples seen in the round, all workers together
 * @param computeSeconds the wall time of the slowest worker's local steps
 * @param syncSeconds broadcast, aggregation and averaging: round wall time minus {@code
 *     computeSeconds}
 */
public record RoundResult(
    TrainState state, double meanLoss, long samples, double computeSeconds, double syncSeconds) {}
