package dev.modelfn.model;

import java.util.List;

/**
 * Declared name, element type and shape of a model input or output. A dimension of {@code -1} is
 * dynamic (for example the batch dimension).
 */
public record TensorSpec(String name, ElementType type, List<Long> shape) {
  public TensorSpec {
    shape = List.copyOf(shape);
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
