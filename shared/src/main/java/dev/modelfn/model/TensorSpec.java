package dev.modelfn.model;

import java.util.List;

/**
 * Declared name, element type and shape of a model input or output. A dimension of {@code -1} is
 * dynamic (for example the batch dimension).
 *
 * @param classes for an output the model returns as {@code sequence<map<K, float>>} (a {@code
 *     ZipMap}, as scikit-learn and LightGBM classifiers are exported): the map's keys in class
 *     order, written as text; such an output is served as an FP32 tensor {@code [rows, classes]}
 *     whose columns follow this order. Empty for tensors
 */
public record TensorSpec(String name, ElementType type, List<Long> shape, List<String> classes) {
  public TensorSpec {
    shape = List.copyOf(shape);
    classes = List.copyOf(classes);
  }

  /** A tensor input or output. */
  public TensorSpec(String name, ElementType type, List<Long> shape) {
    this(name, type, shape, List.of());
  }

  /** True for an output ONNX Runtime returns as a sequence of class-to-score maps. */
  public boolean classMap() {
    return !classes.isEmpty();
  }

  public int rank() {
    return shape.size();
  }

  /** True when the first dimension is dynamic, so requests can carry any number of rows. */
  public boolean batched() {
    return !shape.isEmpty() && shape.get(0) < 0;
  }

  /** Number of elements of one row (all dimensions after the first), or -1 when any is dynamic. */
  public long rowSize() {
    long n = 1;
    for (int i = 1; i < shape.size(); i++) {
      long d = shape.get(i);
      if (d < 0) {
        return -1;
      }
      n *= d;
    }
    return n;
  }
}
