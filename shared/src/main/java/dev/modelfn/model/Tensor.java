package dev.modelfn.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor with row-major flat data. {@code data} is the Java array of {@link
 * ElementType#javaArray()} ({@code float[]} for FP32, ...), of length equal to the product of the
 * shape.
 */
public final class Tensor {
  private final String name;
  private final ElementType type;
  private final long[] shape;
  private final Object data;

  public Tensor(String name, ElementType type, long[] shape, Object data) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data, "data");
    long expected = elementCount(shape);
    if (length(data) != expected) {
      throw new IllegalArgumentException(
          "tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + expected
              + " elements, data has " + length(data));
    }
  }

  public static Tensor ofFloats(String name, long[] shape, float[] data) {
    return new Tensor(name, ElementType.FP32, shape, data);
  }

  public String name() {
    return name;
  }

  public ElementType type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long dim(int i) {
    return shape[i];
  }

  public int rank() {
    return shape.length;
  }

  /** The flat data array; callers must not modify it. */
  public Object data() {
    return data;
  }

  public int size() {
    return length(data);
  }

  /** Element {@code i} as a double (numeric and boolean types). */
  public double getDouble(int i) {
    return switch (type) {
      case FP32 -> ((float[]) data)[i];
      case FP64 -> ((double[]) data)[i];
      case INT64 -> ((long[]) data)[i];
      case INT32 -> ((int[]) data)[i];
      case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
      case BYTES -> throw new IllegalStateException("tensor " + name + " holds strings");
    };
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  static int length(Object data) {
    if (data instanceof float[] a) {
      return a.length;
    } else if (data instanceof double[] a) {
      return a.length;
    } else if (data instanceof long[] a) {
      return a.length;
    } else if (data instanceof int[] a) {
      return a.length;
    } else if (data instanceof boolean[] a) {
      return a.length;
    } else if (data instanceof String[] a) {
      return a.length;
    }
    throw new IllegalArgumentException("unsupported tensor data " + data.getClass());
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + type + ", " + Arrays.toString(shape) + "]";
  }
}
