package dev.modelfn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.Tensor;

/**
 * Fills the flat data of one tensor from JSON values or CSV cells, checking each element against
 * the element type: numbers must be finite and fit the type, integers must be whole, booleans and
 * strings must be what the model expects. Errors name the element's JSON pointer.
 */
public final class TensorBuilder {
  private final String name;
  private final ElementType type;
  private final long[] shape;
  private final Object data;

  public TensorBuilder(String name, ElementType type, long[] shape) {
    this.name = name;
    this.type = type;
    this.shape = shape.clone();
    long count = Tensor.elementCount(shape);
    if (count > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("", "a tensor of at most 2^31 elements", count + " elements");
    }
    int n = (int) count;
    this.data = switch (type) {
      case FP32 -> new float[n];
      case FP64 -> new double[n];
      case INT64 -> new long[n];
      case INT32 -> new int[n];
      case BOOL -> new boolean[n];
      case BYTES -> new String[n];
    };
  }

  public ElementType type() {
    return type;
  }

  /** Stores a JSON value at flat index {@code i}; {@code pointer + "/" + suffix} names it in errors. */
  public void put(int i, JsonNode v, String pointer, int suffix) {
    put(i, v, pointer, suffix, null);
  }

  /**
   * Stores a JSON value at flat index {@code i}; {@code pointer + "/" + (name or suffix)} names it
   * in errors.
   */
  public void put(int i, JsonNode v, String pointer, int suffix, String name) {
    if (name != null) {
      try {
        put(i, v, pointer, suffix);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(pointer + "/" + name, e.expected(), e.received());
      }
      return;
    }
    switch (type) {
      case FP32 -> {
        double d = number(v, pointer, suffix);
        float f = (float) d;
        if (Float.isInfinite(f)) {
          throw new InvalidInputException(pointer + "/" + suffix, "a finite FP32 number", v.toString());
        }
        ((float[]) data)[i] = f;
      }
      case FP64 -> ((double[]) data)[i] = number(v, pointer, suffix);
      case INT64 -> ((long[]) data)[i] = integer(v, pointer, suffix, Long.MIN_VALUE, Long.MAX_VALUE);
      case INT32 -> ((int[]) data)[i] = (int) integer(v, pointer, suffix, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case BOOL -> {
        if (!v.isBoolean()) {
          throw new InvalidInputException(pointer + "/" + suffix, "true or false", Json.describe(v));
        }
        ((boolean[]) data)[i] = v.booleanValue();
      }
      case BYTES -> {
        if (!v.isTextual()) {
          throw new InvalidInputException(pointer + "/" + suffix, "a string", Json.describe(v));
        }
        ((String[]) data)[i] = v.textValue();
      }
    }
  }

  /** Stores a CSV cell at flat index {@code i}; {@code pointer} names it in errors. */
  public void putText(int i, String cell, String pointer) {
    String s = cell.strip();
    if (type == ElementType.BYTES) {
      ((String[]) data)[i] = cell;
      return;
    }
    if (s.isEmpty()) {
      throw new InvalidInputException(pointer, "a value", "an empty cell");
    }
    if (type == ElementType.BOOL) {
      switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1" -> ((boolean[]) data)[i] = true;
        case "false", "0" -> ((boolean[]) data)[i] = false;
        default -> throw new InvalidInputException(pointer, "true or false", quote(s));
      }
      return;
    }
    double d;
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(pointer, "a number", quote(s));
    }
    if (!Double.isFinite(d) || (type == ElementType.FP32 && Float.isInfinite((float) d))) {
      throw new InvalidInputException(pointer, "a finite number", quote(s));
    }
    switch (type) {
      case FP32 -> ((float[]) data)[i] = (float) d;
      case FP64 -> ((double[]) data)[i] = d;
      case INT64, INT32 -> {
        long max = type == ElementType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        long min = type == ElementType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        if (d != Math.rint(d) || d > max || d < min) {
          throw new InvalidInputException(pointer, "a whole number within " + type, quote(s));
        }
        if (type == ElementType.INT64) {
          ((long[]) data)[i] = (long) d;
        } else {
          ((int[]) data)[i] = (int) d;
        }
      }
      default -> throw new IllegalStateException(type.name());
    }
  }

  public Tensor build() {
    return new Tensor(name, type, shape, data);
  }

  private static double number(JsonNode v, String pointer, int suffix) {
    if (!v.isNumber()) {
      throw new InvalidInputException(pointer + "/" + suffix, "a number", Json.describe(v));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw new InvalidInputException(pointer + "/" + suffix, "a finite number", v.toString());
    }
    return d;
  }

  private static long integer(JsonNode v, String pointer, int suffix, long min, long max) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      long l = v.longValue();
      if (l >= min && l <= max) {
        return l;
      }
    } else if (v.isFloatingPointNumber()) {
      double d = v.doubleValue();
      if (d == Math.rint(d) && d >= min && d <= max) {
        return (long) d;
      }
    }
    throw new InvalidInputException(pointer + "/" + suffix, "a whole number within "
        + (max == Integer.MAX_VALUE ? "INT32" : "INT64"), Json.describe(v));
  }

  private static String quote(String s) {
    return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
  }
}
