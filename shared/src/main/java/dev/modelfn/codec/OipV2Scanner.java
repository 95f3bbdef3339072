package dev.modelfn.codec;

import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
  /** Deeper data is left to the tree path (whose reader allows a thousand levels). */
  private static final int MAX_NESTING = 32;

  private final ModelSignature sig;
  private final int maxRows;
  private final ByteBuffer binary;
  private final JsonNumber num = new JsonNumber();

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
   * A JSON number as the tree has it, converted to double (see {@link JsonNumber}): an integer
   * token of up to 18 digits exactly (so {@code -0} is zero), a float token correctly rounded; not
   * finite when it overflows. Longer integers and longer tokens are left to the tree path.
   */
  private double decimal() {
    JsonNumber n = num;
    if (!n.read(b, i, limit) || n.end - n.start > JsonNumber.MAX_LENGTH || (!n.isFloat && !n.isSmallInteger())) {
      throw UNREADABLE;
    }
    i = n.end;
    return n.isFloat ? n.doubleValue(b) : n.longValue();
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
