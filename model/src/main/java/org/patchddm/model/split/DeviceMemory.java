package org.patchddm.model.split;

/**
 * What one part of a split network holds on its device after a training step, in bytes.
 *
 * @param part "encoder" or "decoder"
 * @param device the device the part is bound to
 * @param params the flat parameter array
 * @param gradients the flat gradient array
 * @param updaterState the optimiser state (Adam: two moments per parameter)
 * @param workspaces the activation, activation-gradient and working-memory workspaces of the part's
 *     thread (DL4J keeps every activation of the training forward pass in them), as allocated now,
 *     i.e. the largest step's need after the first step
 * @param boundary the boundary tensors the part holds outside the workspaces during a step: its
 *     copies of the boundary activations and of their gradients
 */
public record DeviceMemory(
    String part,
    int device,
    long params,
    long gradients,
    long updaterState,
    long workspaces,
    long boundary) {

  /** Everything above. */
  public long total() {
    return params + gradients + updaterState + workspaces + boundary;
  }

  /** Parameter-related memory (parameters, gradients, optimiser state). */
  public long parameterMemory() {
    return params + gradients + updaterState;
  }

  /** Activation-related memory (workspaces and boundary copies). */
  public long activationMemory() {
    return workspaces + boundary;
  }
}
