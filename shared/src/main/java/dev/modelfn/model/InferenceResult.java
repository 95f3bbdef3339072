package dev.modelfn.model;

import java.util.List;
import java.util.Optional;

/** Output tensors of one inference call, in the model's output order. */
public record InferenceResult(List<Tensor> outputs) {
  public InferenceResult {
    outputs = List.copyOf(outputs);
  }

  public Optional<Tensor> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
