package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.Tensor;
import java.io.IOException;

/** Writes tensors and ranges of tensor data as JSON arrays through a Jackson generator. */
public final class TensorJson {
  private TensorJson() {}

  /** Writes an OIP v2 tensor object: {@code {"name", "datatype", "shape", "data"}} with flat data. */
  public static void writeTensor(JsonGenerator g, Tensor t) throws IOException {
    writeTensor(g, t, java.util.List.of());
  }

  /**
   * Writes an OIP v2 tensor object; a non-empty {@code classes} (the columns of class scores served
   * from a ZipMap) is written as {@code "parameters": {"classes": [...]}}.
   */
  public static void writeTensor(JsonGenerator g, Tensor t, java.util.List<String> classes) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeStringField("datatype", t.type().name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    if (!classes.isEmpty()) {
      g.writeObjectFieldStart("parameters");
      g.writeArrayFieldStart("classes");
      for (String c : classes) {
        g.writeString(c);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
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
