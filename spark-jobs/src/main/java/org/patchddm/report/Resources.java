package org.patchddm.report;

/**
 * What the inference cost.
 *
 * @param device where the members ran, e.g. "CPU (16 cores)" or "NVIDIA H200"
 * @param members number of members sampled (subjects x ensemble size, over every steps value)
 * @param secondsPerMember wall-clock seconds per member (one DDIM sampling)
 * @param evaluationsPerSecond network evaluations per second (each DDIM step is one evaluation)
 * @param peakMemoryBytes the largest memory use seen, in bytes
 * @param peakMemoryWhat what that memory is, e.g. "executor RSS" or "GPU memory"
 */
public record Resources(
    String device,
    long members,
    double secondsPerMember,
    double evaluationsPerSecond,
    long peakMemoryBytes,
    String peakMemoryWhat) {}
