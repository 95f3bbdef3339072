package dev.modelfn.codec;

import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a valid OIP v2 inference request with FP32 inputs straight from its bytes, without a tree:
 * {@code id}, {@code inputs} (each with {@code name}, {@code datatype}, {@code shape} and either a
 * {@code data} array of numbers (flat or nested) or {@code parameters.binary_data_size}) and {@code outputs}
 * (each a {@code name}). That is what clients send on every request; reading its tree and walking
 * it cost more than a third of the handler's own work for a binary tensor.
 *
 * <p>It answers null for anything else — another key, another element type, nested data, an
 * escape or a non-ASCII byte in a string, a number it does not read exactly, data nested very deep, and
 * every request the
 * decoder would refuse — and the caller decodes the tree as before, which gives the same request or
 * reports what is wrong. So it changes speed, never results; a differential test holds it to the
 * tree path.
 */
final class OipV2Scanner extends JsonScanner {
  private static final byte[] ID = ascii("id");
  private static final byte[] INPUTS = ascii("inputs");
  private static final byte[] OUTPUTS = ascii("outputs");
  private static final byte[] NAME = ascii("name");
  private static final byte[] DATATYPE = ascii("datatype");
  private static final byte[] SHAPE = ascii("shape");
  private static final byte[] DATA = ascii("data");
  private static final byte[] PARAMETERS = ascii("parameters");
  private static final byte[] BINARY_DATA_SIZE = ascii("binary_data_size");
  private static final double[] POW10 = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
      1e19, 1e20, 1e21, 1e22};
  /** Longer number tokens are left to the tree path, as its reader leaves them to Jackson. */
  private static final int MAX_NUMBER_LENGTH = 100;
  /** Deeper data is left to the tree path (whose reader allows a thousand levels). */
  private static final int MAX_NESTING = 32;

  private final ModelSignature sig;
  private final int maxRows;
  private final ByteBuffer binary;

  private OipV2Scanner(byte[] b, int from, int to, ModelSignature sig, int maxRows, ByteBuffer binary) {
    super(b, from, to);
    this.sig = sig;
    this.maxRows = maxRows;
    this.binary = binary == null ? null : binary.duplicate(); // the caller's position stays where it is
  }

  /**
   * The request in {@code [from, to)}, or null when the tree path should decode it.
   *
   * @param binary the bytes after the JSON header, or null when the body is all JSON
   */
  static OipV2Codec.Request scan(byte[] b, int from, int to, ModelSignature sig, int maxRows, ByteBuffer binary) {
    try {
      return new OipV2Scanner(b, from, to, sig, maxRows, binary).request();
    } catch (Unreadable | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private OipV2Codec.Request request() {
    String id = null;
    List<Tensor> tensors = null;
    List<String> outputs = null;
    boolean seenId = false;
    if (!object()) {
      throw UNREADABLE;
    }
    do {
      key();
      if (is(ID)) {
        once(seenId);
        seenId = true;
        ws();
        if (b[i] == 'n') {
          literal("null");
        } else {
          id = plainText();
        }
      } else if (is(INPUTS)) {
        once(tensors != null);
        tensors = inputs();
      } else if (is(OUTPUTS)) {
        once(outputs != null);
        outputs = outputs();
      } else {
        throw UNREADABLE;
      }
    } while (comma('}'));
    ws();
    // each input is one of the model's, each once: as many as the model has means all of them
    if (i != limit || tensors == null || tensors.size() != sig.inputs().size()
        || (binary != null && binary.hasRemaining())) {
      throw UNREADABLE;
    }
    return new OipV2Codec.Request(Optional.ofNullable(id),
        new InferenceRequest(tensors, outputs == null ? List.of() : outputs));
  }

  private static void once(boolean seen) {
    if (seen) {
      throw UNREADABLE; // a key given twice: the tree path refuses the request
    }
  }

  private List<Tensor> inputs() {
    ws();
    expect('[');
    if (close(']')) {
      throw UNREADABLE;
    }
    List<Tensor> out = new ArrayList<>(sig.inputs().size());
    do {
      out.add(tensor(out));
    } while (comma(']'));
    return out;
  }

  private Tensor tensor(List<Tensor> before) {
    if (!object()) {
      throw UNREADABLE;
    }
    String name = null;
    TensorSpec spec = null;
    boolean typed = false;
    long[] shape = null;
    long binarySize = -1;
    boolean seenParameters = false;
    float[] data = null;
    int dataAt = -1;
    do {
      key();
      if (is(NAME)) {
        once(name != null);
        name = plainText();
        spec = spec(name, before);
      } else if (is(DATATYPE)) {
        once(typed);
        typed = true;
        plainString();
        if (!ElementType.fromOip(text()).equals(Optional.of(ElementType.FP32))) {
          throw UNREADABLE;
        }
      } else if (is(SHAPE)) {
        once(shape != null);
        shape = shape();
      } else if (is(PARAMETERS)) {
        once(seenParameters);
        seenParameters = true;
        binarySize = parameters();
      } else if (is(DATA)) {
        once(dataAt >= 0);
        ws();
        dataAt = i;
        if (shape != null && spec != null) { // name and shape first, as clients write them: read the values now
          check(shape, spec);
          data = floats(elements(shape));
        } else {
          skipValue(0);
        }
      } else {
        throw UNREADABLE;
      }
    } while (comma('}'));
    if (spec == null || !typed || shape == null || spec.type() != ElementType.FP32) {
      throw UNREADABLE;
    }
    check(shape, spec);
    long count = elements(shape);
    if (binarySize >= 0) {
      if (dataAt >= 0) {
        throw UNREADABLE;
      }
      return new Tensor(spec.name(), ElementType.FP32, shape, binaryFloats(binarySize, count));
    }
    if (dataAt < 0) {
      throw UNREADABLE;
    }
    if (data == null) { // the values came before the shape: read them now
      int after = i;
      i = dataAt;
      data = floats(count);
      i = after;
    }
    return new Tensor(spec.name(), ElementType.FP32, shape, data);
  }

  private TensorSpec spec(String name, List<Tensor> before) {
    TensorSpec spec = sig.input(name).orElseThrow(() -> UNREADABLE);
    for (Tensor t : before) {
      if (t.name().equals(name)) {
        throw UNREADABLE;
      }
    }
    return spec;
  }

  /** The shape's dimensions: plain non-negative integers. */
  private long[] shape() {
    ws();
    expect('[');
    long[] dims = new long[4];
    int n = 0;
    if (!close(']')) {
      do {
        if (n == dims.length) {
          dims = java.util.Arrays.copyOf(dims, n * 2);
        }
        dims[n++] = count();
      } while (comma(']'));
    }
    return java.util.Arrays.copyOf(dims, n);
  }

  /** The checks the decoder makes of a shape, for the request it accepts. */
  private void check(long[] shape, TensorSpec spec) {
    if (shape.length != spec.rank()) {
      throw UNREADABLE;
    }
    for (int d = 0; d < shape.length; d++) {
      long declared = spec.shape().get(d);
      if (declared >= 0 && declared != shape[d]) {
        throw UNREADABLE;
      }
    }
    if (spec.batched() && (shape[0] == 0 || shape[0] > maxRows)) {
      throw UNREADABLE;
    }
  }

  /** Elements of a shape, as the decoder bounds them. */
  private static long elements(long[] shape) {
    long elements = 1;
    for (long d : shape) {
      elements = d > OipV2Codec.MAX_ELEMENTS ? OipV2Codec.MAX_ELEMENTS + 1 : elements * d;
      if (elements > OipV2Codec.MAX_ELEMENTS) {
        throw UNREADABLE;
      }
    }
    return elements;
  }

  /** {@code {"binary_data_size": n}} (the size) or {@code {}} (-1). */
  private long parameters() {
    long size = -1;
    if (object()) {
      do {
        key();
        if (!is(BINARY_DATA_SIZE) || size >= 0) {
          throw UNREADABLE;
        }
        size = count();
      } while (comma('}'));
    }
    return size;
  }

  /** A non-negative integer of at most 18 digits, written without sign, fraction or exponent. */
  private long count() {
    ws();
    int from = i;
    long v = 0;
    while (i < limit && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    int digits = i - from;
    if (digits == 0 || digits > 18 || (digits > 1 && b[from] == '0')
        || (i < limit && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
      throw UNREADABLE;
    }
    return v;
  }

  /** The next {@code bytes} of binary data as {@code count} finite little-endian floats. */
  private float[] binaryFloats(long bytes, long count) {
    if (binary == null || bytes > binary.remaining() || bytes != count * Float.BYTES) {
      throw UNREADABLE;
    }
    float[] f = new float[(int) count];
    binary.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    binary.position(binary.position() + (int) bytes);
    for (float v : f) {
      if (!Float.isFinite(v)) {
        throw UNREADABLE;
      }
    }
    return f;
  }

  /**
   * An array of exactly {@code count} numbers, each a finite FP32 value: flat, or nested in any way
   * (row-major), as the decoder flattens it.
   */
  private float[] floats(long count) {
    if (count > (limit - i) / 2 + 1) {
      throw UNREADABLE; // more values than the bytes left can hold (each takes a digit and a comma)
    }
    float[] f = new float[(int) count];
    if (fill(f, 0, 0) != f.length) {
      throw UNREADABLE;
    }
    return f;
  }

  /** Fills {@code f} from {@code n} with the array that starts here; returns the next free index. */
  private int fill(float[] f, int n, int depth) {
    if (depth > MAX_NESTING) {
      throw UNREADABLE;
    }
    expect('[');
    if (close(']')) {
      return n;
    }
    do {
      ws();
      if (b[i] == '[') {
        n = fill(f, n, depth + 1);
        continue;
      }
      if (n == f.length) {
        throw UNREADABLE;
      }
      float v = (float) decimal();
      if (!Float.isFinite(v)) {
        throw UNREADABLE;
      }
      f[n++] = v;
    } while (comma(']'));
    return n;
  }

  /**
   * A JSON number as the tree has it, converted to double: an integer token of up to 18 digits
   * exactly (so {@code -0} is zero), any other token correctly rounded (Clinger's fast path where
   * it is exact, else {@code Double.parseDouble}); not finite when it overflows.
   */
  private double decimal() {
    int from = i;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int significant = 0;
    int scale = 0;
    boolean truncated = false;
    int intDigits = 0;
    int c = i < limit ? b[i] : -1;
    if (c == '0') {
      i++;
      intDigits = 1;
    } else if (c >= '1' && c <= '9') {
      while (i < limit && (c = b[i]) >= '0' && c <= '9') {
        if (significant < 19) {
          mantissa = mantissa * 10 + (c - '0');
          significant++;
        } else {
          scale++;
          truncated = true;
        }
        intDigits++;
        i++;
      }
    } else {
      throw UNREADABLE;
    }
    boolean isFloat = false;
    if (i < limit && b[i] == '.') {
      isFloat = true;
      i++;
      int f0 = i;
      while (i < limit && (c = b[i]) >= '0' && c <= '9') {
        if (mantissa == 0 && c == '0') {
          scale--;
        } else if (significant < 19) {
          mantissa = mantissa * 10 + (c - '0');
          significant++;
          scale--;
        } else {
          truncated = true;
        }
        i++;
      }
      if (i == f0) {
        throw UNREADABLE;
      }
    }
    if (i < limit && (b[i] == 'e' || b[i] == 'E')) {
      isFloat = true;
      i++;
      boolean expNegative = false;
      if (i < limit && (b[i] == '+' || b[i] == '-')) {
        expNegative = b[i] == '-';
        i++;
      }
      int e0 = i;
      int exponent = 0;
      while (i < limit && (c = b[i]) >= '0' && c <= '9') {
        if (exponent < 100_000) {
          exponent = exponent * 10 + (c - '0');
        }
        i++;
      }
      if (i == e0) {
        throw UNREADABLE;
      }
      scale += expNegative ? -exponent : exponent;
    }
    if (i - from > MAX_NUMBER_LENGTH || (i < limit && b[i] >= '0' && b[i] <= '9')) {
      throw UNREADABLE; // too long for the tree's reader, or a leading zero
    }
    if (!isFloat) {
      if (intDigits > 18) {
        throw UNREADABLE;
      }
      return negative ? -mantissa : mantissa; // a long first: -0 is 0
    }
    if (!truncated && significant <= 15 && scale >= -22 && scale <= 22) {
      double v = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
      return negative ? -v : v;
    }
    return Double.parseDouble(new String(b, from, i - from, StandardCharsets.ISO_8859_1));
  }

  private List<String> outputs() {
    ws();
    if (b[i] == 'n') {
      literal("null");
      return null;
    }
    expect('[');
    List<String> names = new ArrayList<>();
    if (!close(']')) {
      do {
        if (!object()) {
          throw UNREADABLE;
        }
        key();
        if (!is(NAME)) {
          throw UNREADABLE;
        }
        String name = plainText();
        if (sig.output(name).isEmpty() || comma('}')) { // a name only, one of the model's outputs
          throw UNREADABLE;
        }
        names.add(name);
      } while (comma(']'));
    }
    return names;
  }
}
