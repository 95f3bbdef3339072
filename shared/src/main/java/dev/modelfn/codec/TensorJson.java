package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.Tensor;
import java.io.IOException;

/**
 * Writes ranges of tensor data as JSON arrays: through a Jackson generator, or into {@link
 * JsonBytes} for the response written on every request (the same text).
 */
public final class TensorJson {
  private static final byte[] NAME = JsonBytes.ascii("{\"name\":");
  private static final byte[] DATATYPE = JsonBytes.ascii(",\"datatype\":\"");
  private static final byte[] SHAPE = JsonBytes.ascii("\",\"shape\":[");
  private static final byte[] DATA = JsonBytes.ascii("],\"data\":[");
  private static final byte[] END = JsonBytes.ascii("]}");
  private static final byte[][] TYPE_NAMES = new byte[ElementType.values().length][];

  static {
    for (ElementType e : ElementType.values()) {
      TYPE_NAMES[e.ordinal()] = JsonBytes.ascii(e.name());
    }
  }

  private TensorJson() {}

  /** {@link #writeTensor(JsonGenerator, Tensor)} into bytes. */
  public static void writeTensor(JsonBytes out, Tensor t) {
    out.raw(NAME).string(t.name()).raw(DATATYPE).raw(TYPE_NAMES[t.type().ordinal()]).raw(SHAPE);
    long[] shape = t.shape();
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        out.raw(',');
      }
      out.number(shape[i]);
    }
    out.raw(DATA);
    writeElements(out, t, 0, t.size());
    out.raw(END);
  }

  /** Elements {@code [from, to)} of {@code t} as comma-separated JSON values, without brackets. */
  public static void writeElements(JsonBytes out, Tensor t, int from, int to) {
    Object data = t.data();
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.raw(',');
      }
      switch (t.type()) {
        case FP32 -> out.number(((float[]) data)[i]);
        case FP64 -> out.number(((double[]) data)[i]);
        case INT64 -> out.number(((long[]) data)[i]);
        case INT32 -> out.number(((int[]) data)[i]);
        case BOOL -> out.bool(((boolean[]) data)[i]);
        case BYTES -> out.string(((String[]) data)[i]);
      }
    }
  }

  /** Writes an OIP v2 tensor object: {@code {"name", "datatype", "shape", "data"}} with flat data. */
  public static void writeTensor(JsonGenerator g, Tensor t) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeStringField("datatype", t.type().name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeFieldName("data");
    writeFlat(g, t, 0, t.size());
    g.writeEndObject();
  }

  /** Writes elements {@code [from, to)} of {@code t} as a flat JSON array. */
  public static void writeFlat(JsonGenerator g, Tensor t, int from, int to) throws IOException {
    g.writeStartArray();
    writeElements(g, t, from, to);
    g.writeEndArray();
  }

  /** Writes elements {@code [from, to)} of {@code t} as JSON values, without brackets. */
  public static void writeElements(JsonGenerator g, Tensor t, int from, int to) throws IOException {
    Object data = t.data();
    switch (t.type()) {
      case FP32 -> {
        float[] a = (float[]) data;
        for (int i = from; i < to; i++) {
          g.writeNumber(a[i]);
        }
      }
      case FP64 -> {
        double[] a = (double[]) data;
        for (int i = from; i < to; i++) {
          g.writeNumber(a[i]);
        }
      }
      case INT64 -> {
        long[] a = (long[]) data;
        for (int i = from; i < to; i++) {
          g.writeNumber(a[i]);
        }
      }
      case INT32 -> {
        int[] a = (int[]) data;
        for (int i = from; i < to; i++) {
          g.writeNumber(a[i]);
        }
      }
      case BOOL -> {
        boolean[] a = (boolean[]) data;
        for (int i = from; i < to; i++) {
          g.writeBoolean(a[i]);
        }
      }
      case BYTES -> {
        String[] a = (String[]) data;
        for (int i = from; i < to; i++) {
          g.writeString(a[i]);
        }
      }
    }
  }

  /**
   * Writes elements starting at {@code offset} as nested JSON arrays following {@code dims} (the
   * shape without leading dimensions already consumed); returns the next offset.
   */
  public static int writeNested(JsonGenerator g, Tensor t, int offset, long[] dims, int level) throws IOException {
    if (level == dims.length) {
      writeElements(g, t, offset, offset + 1);
      return offset + 1;
    }
    g.writeStartArray();
    if (level == dims.length - 1) {
      int end = offset + (int) dims[level];
      writeElements(g, t, offset, end);
      offset = end;
    } else {
      for (long k = 0; k < dims[level]; k++) {
        offset = writeNested(g, t, offset, dims, level + 1);
      }
    }
    g.writeEndArray();
    return offset;
  }
}
