package dev.modelfn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads tensors of the OIP v2 binary data extension: raw little-endian values after the JSON header. */
final class BinaryTensors {
  private BinaryTensors() {}

  /**
   * Takes the next {@code size} bytes of {@code binary} as the tensor's values.
   *
   * @param pointer the JSON pointer of the {@code binary_data_size} parameter, for errors
   */
  static Tensor read(String name, ElementType type, long[] shape, JsonNode size, ByteBuffer binary, String pointer) {
    if (!size.isIntegralNumber() || size.longValue() < 0) {
      throw new InvalidInputException(pointer, "a byte count", Json.describe(size));
    }
    long bytes = size.longValue();
    if (binary == null) {
      throw new InvalidInputException(pointer, "binary data after the JSON header (send the header's length in"
          + " Inference-Header-Content-Length)", "a body that is all JSON");
    }
    if (bytes > binary.remaining()) {
      throw new InvalidInputException(pointer, "at most the " + binary.remaining() + " binary bytes left", bytes
          + " bytes");
    }
    long count = Tensor.elementCount(shape);
    ByteBuffer b = binary.slice().order(ByteOrder.LITTLE_ENDIAN);
    b.limit((int) bytes);
    binary.position(binary.position() + (int) bytes);
    if (type == ElementType.BYTES) {
      if (count > bytes / 4) {
        throw new InvalidInputException(pointer, "at least " + count + " x 4 bytes for " + count
            + " length-prefixed BYTES elements", bytes + " bytes");
      }
      return new Tensor(name, type, shape, strings(b, count, pointer));
    }
    int width = switch (type) {
      case FP64, INT64 -> 8;
      case FP32, INT32 -> 4;
      default -> 1;
    };
    if (bytes != count * width) {
      throw new InvalidInputException(pointer, count * width + " bytes (" + count + " " + type + " values of "
          + width + " bytes)", bytes + " bytes");
    }
    int n = (int) count;
    Object data = switch (type) {
      case FP32 -> {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        for (int i = 0; i < n; i++) {
          if (!Float.isFinite(f[i])) {
            throw new InvalidInputException(pointer, "finite values", f[i] + " at element " + i);
          }
        }
        yield f;
      }
      case FP64 -> {
        double[] d = new double[n];
        b.asDoubleBuffer().get(d);
        for (int i = 0; i < n; i++) {
          if (!Double.isFinite(d[i])) {
            throw new InvalidInputException(pointer, "finite values", d[i] + " at element " + i);
          }
        }
        yield d;
      }
      case INT64 -> {
        long[] l = new long[n];
        b.asLongBuffer().get(l);
        yield l;
      }
      case INT32 -> {
        int[] v = new int[n];
        b.asIntBuffer().get(v);
        yield v;
      }
      case BOOL -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i) != 0;
        }
        yield v;
      }
      case BYTES -> throw new IllegalStateException("handled above");
    };
    return new Tensor(name, type, shape, data);
  }

  private static String[] strings(ByteBuffer b, long count, String pointer) {
    String[] out = new String[(int) count];
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < out.length; i++) {
      if (b.remaining() < 4) {
        throw new InvalidInputException(pointer, count + " length-prefixed BYTES elements", i + " elements");
      }
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        throw new InvalidInputException(pointer, "element " + i + " of at most " + b.remaining() + " bytes",
            len + " bytes");
      }
      ByteBuffer s = b.slice();
      s.limit(len);
      b.position(b.position() + len);
      try {
        out[i] = decoder.decode(s).toString();
      } catch (CharacterCodingException e) {
        throw new InvalidInputException(pointer, "UTF-8 text in element " + i, "invalid UTF-8");
      }
    }
    if (b.hasRemaining()) {
      throw new InvalidInputException(pointer, count + " BYTES elements", b.remaining() + " bytes more");
    }
    return out;
  }
}
