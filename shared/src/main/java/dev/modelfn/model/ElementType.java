package dev.modelfn.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Tensor element types modelfn serves, named as in the Open Inference Protocol v2 ({@code FP32},
 * {@code INT64}, ...). Each type has one flat Java array representation used by {@link Tensor}.
 */
public enum ElementType {
  FP32("float[]"),
  FP64("double[]"),
  INT64("long[]"),
  INT32("int[]"),
  BOOL("boolean[]"),
  BYTES("String[]");

  private final String javaArray;

  ElementType(String javaArray) {
    this.javaArray = javaArray;
  }

  /** The Java array type holding a tensor's flat data. */
  public String javaArray() {
    return javaArray;
  }

  public boolean isNumeric() {
    return this != BOOL && this != BYTES;
  }

  /** The OIP v2 datatype with this name (case-insensitive), if modelfn supports it. */
  public static Optional<ElementType> fromOip(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
