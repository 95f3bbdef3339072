package dev.modelfn.model;

import java.util.List;

/**
 * Decoded, validated inputs for one inference call: one tensor per model input, all with the same
 * number of rows. {@code outputs} lists the outputs wanted; empty means all.
 */
public record InferenceRequest(List<Tensor> inputs, List<String> outputs) {
  public InferenceRequest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public static InferenceRequest of(Tensor... inputs) {
    return new InferenceRequest(List.of(inputs), List.of());
  }

  /** Number of rows: the first dimension of the first input (1 for a scalar input). */
  public int rows() {
    Tensor first = inputs.get(0);
    return first.rank() == 0 ? 1 : (int) first.dim(0);
  }
}
