package dev.modelfn.model;

import java.util.List;
import java.util.Optional;

/**
 * The inputs and outputs of a model, read when it loads, plus the ordered feature names of a
 * tabular input and the class labels of a classifier output when the model carries them.
 *
 * @param featureNames names of the columns of the single 2-D input, in tensor column order; empty
 *     when unknown
 * @param labels class labels in the order of the first output's last dimension; empty when unknown
 */
public record ModelSignature(
    List<TensorSpec> inputs, List<TensorSpec> outputs, List<String> featureNames, List<String> labels) {

  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    featureNames = List.copyOf(featureNames);
    labels = List.copyOf(labels);
  }

  public Optional<TensorSpec> input(String name) {
    return named(inputs, name);
  }

  public Optional<TensorSpec> output(String name) {
    return named(outputs, name);
  }

  /** A loop, not a stream: it runs for every tensor of every request. */
  private static Optional<TensorSpec> named(List<TensorSpec> specs, String name) {
    for (TensorSpec s : specs) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The single rank-2 numeric input {@code [rows, features]} of a tabular model, which rows of
   * numbers, named objects and CSV map onto; empty for other models.
   */
  public Optional<TensorSpec> tabularInput() {
    if (inputs.size() != 1) {
      return Optional.empty();
    }
    TensorSpec in = inputs.get(0);
    return in.rank() == 2 && in.type().isNumeric() ? Optional.of(in) : Optional.empty();
  }

  /** Number of feature columns of the tabular input, or -1 when unknown. */
  public int featureCount() {
    if (!featureNames.isEmpty()) {
      return featureNames.size();
    }
    return tabularInput().map(t -> (int) t.rowSize()).orElse(-1);
  }

  /** The inputs as errors name them: {@code num FP32 [-1, 2], country BYTES [-1, 1]}. */
  public String describeInputs() {
    StringBuilder sb = new StringBuilder();
    for (TensorSpec in : inputs) {
      sb.append(sb.isEmpty() ? "" : ", ").append(in.name()).append(' ').append(in.type()).append(' ').append(in.shape());
    }
    return sb.toString();
  }
}
