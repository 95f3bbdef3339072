package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scanner against the tree path: the same request whenever it reads one, null for the rest. */
class OipV2ScannerTest {
  /** Two FP32 inputs (one batched, one fixed), an INT64 input the scanner leaves to the tree, two outputs. */
  private static final ModelSignature FLOATS = new ModelSignature(
      List.of(new TensorSpec("x", ElementType.FP32, List.of(-1L, 3L)),
          new TensorSpec("w", ElementType.FP32, List.of(2L, 2L))),
      List.of(new TensorSpec("prob", ElementType.FP32, List.of(-1L, 2L)),
          new TensorSpec("logit", ElementType.FP32, List.of(-1L, 2L))),
      List.of(), List.of());
  private static final ModelSignature ONE = TestSignatures.tabular();
  private static final ModelSignature INTS = new ModelSignature(
      List.of(new TensorSpec("ids", ElementType.INT64, List.of(-1L, 2L))),
      List.of(new TensorSpec("score", ElementType.FP32, List.of(-1L, 1L))), List.of(), List.of());
  private static final int MAX_ROWS = 4;

  private static String describe(OipV2Codec.Request r) {
    StringBuilder sb = new StringBuilder(r.id().map(s -> "id=" + s).orElse("no id"));
    for (Tensor t : r.inference().inputs()) {
      sb.append(" | ").append(t.name()).append(' ').append(t.type()).append(Arrays.toString(t.shape()));
      for (float f : (float[]) t.data()) {
        sb.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
      }
    }
    return sb.append(" | outputs ").append(r.inference().outputs()).toString();
  }

  /** The tree path's request, or its error. */
  private static String tree(byte[] body, int headerEnd, ModelSignature sig, ByteBuffer binary) {
    try {
      OipV2Codec.Request r = OipV2Codec.decode(Json.parse(body, 0, headerEnd), sig, MAX_ROWS,
          binary == null ? null : binary.duplicate());
      return r.inference().inputs().stream().allMatch(t -> t.type() == ElementType.FP32) ? describe(r)
          : "not FP32";
    } catch (InvalidInputException e) {
      return "error " + e.getMessage();
    }
  }

  /** True when the scanner read the request; then it gave what the tree path gives. */
  private static boolean sameAsTree(byte[] body, int headerEnd, ModelSignature sig, ByteBuffer binary) {
    int position = binary == null ? 0 : binary.position();
    OipV2Codec.Request scanned = OipV2Scanner.scan(body, 0, headerEnd, sig, MAX_ROWS, binary);
    if (binary != null) {
      assertThat(binary.position()).as("the caller's binary data is left where it was").isEqualTo(position);
    }
    if (scanned == null) {
      return false;
    }
    assertThat(describe(scanned)).as(new String(body, 0, headerEnd, StandardCharsets.UTF_8))
        .isEqualTo(tree(body, headerEnd, sig, binary));
    return true;
  }

  private static boolean sameAsTree(String json, ModelSignature sig) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return sameAsTree(b, b.length, sig, null);
  }

  @Test
  void readsTheRequestsClientsSendStraightFromTheBytes() {
    assertThat(sameAsTree("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\","
        + "\"data\":[0.5,-2,3e-2]}]}", ONE)).isTrue();
    assertThat(sameAsTree(" { \"id\" : \"r-1\" , \"inputs\" : [ { \"data\" : [ 1 , 2 , 3 , 4 , 5 , 6 ] , "
        + "\"datatype\" : \"fp32\" , \"shape\" : [ 2 , 3 ] , \"name\" : \"input\" } ] ,"
        + " \"outputs\" : [ { \"name\" : \"output\" } ] } ", ONE)).isTrue();
    assertThat(sameAsTree("{\"inputs\":[{\"name\":\"w\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]},"
        + "{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1.25,1E3,-0.0]}],\"id\":null,"
        + "\"outputs\":[{\"name\":\"logit\"},{\"name\":\"prob\"}]}", FLOATS)).isTrue();

    String header = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":24}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(h.length + 24).order(ByteOrder.LITTLE_ENDIAN).put(h);
    for (int k = 0; k < 6; k++) {
      body.putFloat(k * 1.5f - 2);
    }
    assertThat(sameAsTree(body.array(), h.length, ONE, ByteBuffer.wrap(body.array(), h.length, 24))).isTrue();
  }

  @Test
  void readsNestedDataAsTheDecoderFlattensIt() {
    for (String data : List.of("[[1,2,3],[4,5,6]]", "[[1,2],[3,4,5,6]]", "[[[1]],2,[],[3,[4,[5]]],6]", "[1,2,3,[4,5,6]]")) {
      assertThat(sameAsTree("{\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":"
          + data + "}]}", ONE)).as(data).isTrue();
    }
    String deep = "[".repeat(40) + "1,2,3" + "]".repeat(40);
    assertThat(sameAsTree("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":"
        + deep + "}]}", ONE)).isFalse();
    assertThat(sameAsTree("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":"
        + "[[1,2],[3,4]]}]}", ONE)).isFalse();
  }

  @Test
  void leavesEverythingElseToTheTreePath() {
    List<String> others = List.of(
        "{\"inputs\":[{\"name\":\"ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[1,2]}]}", // INT64
        "{\"inputs\":[{\"name\":\"in\\u0070ut\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", // escape
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}],\"x\":1}",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}],"
            + "\"parameters\":{\"binary_data_output\":true}}",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3e39]}]}", // overflow
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,01]}]}", // leading 0
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2]}]}", // too few
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[5,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", // > max rows
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]} x",
        "{\"inputs\":[]}", "{}", "[]", "");
    for (String json : others) {
      ModelSignature sig = json.contains("ids") ? INTS : ONE;
      assertThat(sameAsTree(json, sig)).as(json).isFalse();
    }
  }

  /** Request headers of every shape the generator knows, right and wrong, with binary data for some. */
  private static final class Generator {
    private final SplittableRandom rng;
    final List<Float> binaryValues = new ArrayList<>();
    int binaryBytes;

    Generator(long seed) {
      rng = new SplittableRandom(seed);
    }

    private String ws() {
      return switch (rng.nextInt(8)) {
        case 0 -> " ";
        case 1 -> "\n  ";
        case 2 -> "\t";
        default -> "";
      };
    }

    private String number() {
      if (rng.nextInt(40) == 0) { // a token the scanner leaves to the tree, or one the decoder refuses
        return switch (rng.nextInt(5)) {
          case 0 -> "12345678901234567890123";
          case 1 -> "3.4028236e38"; // rounds to infinity as a float
          case 2 -> "01";
          case 3 -> "1.";
          default -> "\"1\"";
        };
      }
      return switch (rng.nextInt(10)) {
        case 0 -> Integer.toString(rng.nextInt(-1000, 1000));
        case 1 -> "-0";
        case 2 -> "-0.0";
        case 3 -> Float.toString((float) (rng.nextDouble() * 10 - 5));
        case 4 -> Double.toString(rng.nextDouble() * 1e-40);
        case 5 -> "1e" + rng.nextInt(-50, 50);
        case 6 -> rng.nextInt(10) + "." + "1234567890123456789012".substring(0, rng.nextInt(1, 22));
        case 7 -> "0.000" + rng.nextInt(1, 999999) + "E+" + rng.nextInt(0, 12);
        case 8 -> rng.nextBoolean() ? "9007199254740993" : "123456789012345678"; // beyond a double's digits
        default -> Double.toString(rng.nextGaussian());
      };
    }

    private String dims(long[] shape) {
      StringBuilder sb = new StringBuilder("[").append(ws());
      for (int d = 0; d < shape.length; d++) {
        sb.append(d > 0 ? "," + ws() : "").append(rng.nextInt(40) == 0 ? shape[d] + ".0" : Long.toString(shape[d]));
      }
      return sb.append(ws()).append(']').toString();
    }

    private String tensor(String name, long[] declared) {
      long rows = rng.nextInt(8) == 0 ? rng.nextInt(0, 6) : rng.nextInt(1, 3);
      long[] shape = declared.clone();
      if (shape[0] < 0) {
        shape[0] = rows;
      }
      if (rng.nextInt(20) == 0) {
        shape = Arrays.copyOf(shape, shape.length + (rng.nextBoolean() ? 1 : -1)); // a wrong rank
      }
      if (rng.nextInt(20) == 0) {
        shape[shape.length - 1] += 1; // a wrong fixed dimension
      }
      long count = 1;
      for (long d : shape) {
        count *= Math.max(d, 0);
      }
      if (rng.nextInt(25) == 0) {
        count += rng.nextBoolean() ? 1 : -1;
      }
      List<String> members = new ArrayList<>();
      members.add("\"name\":" + ws() + "\"" + name + "\"");
      String type = switch (rng.nextInt(12)) {
        case 0 -> "fp32";
        case 1 -> "FP64";
        case 2 -> "INT64";
        default -> "FP32";
      };
      members.add("\"datatype\":" + ws() + "\"" + type + "\"");
      members.add("\"shape\":" + ws() + dims(shape));
      if (rng.nextInt(3) == 0) {
        int bytes = (int) Math.max(count, 0) * 4 + (rng.nextInt(20) == 0 ? 4 : 0);
        members.add("\"parameters\":" + ws() + "{" + ws() + "\"binary_data_size\":" + ws() + bytes + ws() + "}");
        for (int k = 0; k < bytes / 4; k++) {
          binaryValues.add(rng.nextInt(60) == 0 ? Float.NaN : (float) rng.nextGaussian());
        }
        binaryBytes += bytes;
        if (rng.nextInt(20) == 0) {
          members.add("\"data\":[]");
        }
      } else {
        if (rng.nextInt(15) == 0) {
          members.add("\"parameters\":{}");
        }
        StringBuilder data = new StringBuilder("[").append(ws());
        boolean nested = rng.nextInt(3) == 0 && shape.length == 2 && shape[1] > 0;
        for (long k = 0; k < Math.max(count, 0); k++) {
          boolean rowStart = nested && k % shape[1] == 0;
          boolean rowEnd = nested && (k + 1) % shape[1] == 0;
          data.append(k > 0 ? "," + ws() : "").append(rowStart ? "[" : "").append(number()).append(rowEnd ? "]" : "");
        }
        if (nested && count > 0 && count % shape[1] != 0) {
          data.append(']'); // a short last row, as a count off by one leaves it
        }
        members.add("\"data\":" + ws() + data.append(ws()).append(']'));
      }
      if (rng.nextInt(30) == 0) {
        members.add("\"extra\":1");
      }
      if (rng.nextInt(30) == 0) {
        members.add(members.get(rng.nextInt(members.size()))); // a key twice
      }
      if (rng.nextInt(3) == 0) {
        Collections.shuffle(members, new java.util.Random(rng.nextLong()));
      }
      return "{" + ws() + String.join("," + ws(), members) + ws() + "}";
    }

    String request(ModelSignature sig) {
      List<String> top = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      List<TensorSpec> specs = new ArrayList<>(sig.inputs());
      if (rng.nextInt(4) == 0) {
        Collections.shuffle(specs, new java.util.Random(rng.nextLong()));
      }
      for (TensorSpec s : specs) {
        if (rng.nextInt(25) != 0) { // sometimes one is missing
          String name = rng.nextInt(30) == 0 ? "nope" : s.name();
          inputs.add(tensor(name, s.shape().stream().mapToLong(Long::longValue).toArray()));
        }
      }
      if (rng.nextInt(30) == 0 && !inputs.isEmpty()) {
        inputs.add(inputs.get(0)); // an input twice
      }
      top.add("\"inputs\":" + ws() + "[" + ws() + String.join("," + ws(), inputs) + ws() + "]");
      switch (rng.nextInt(6)) {
        case 0 -> top.add("\"id\":" + ws() + "\"req-" + rng.nextInt(1000) + "\"");
        case 1 -> top.add("\"id\":null");
        case 2 -> top.add("\"id\":" + (rng.nextBoolean() ? "7" : "\"caf\u00e9\""));
        default -> { }
      }
      if (rng.nextInt(3) == 0) {
        List<String> outs = new ArrayList<>();
        for (TensorSpec o : sig.outputs()) {
          if (rng.nextBoolean()) {
            outs.add("{" + ws() + "\"name\":" + ws() + "\"" + (rng.nextInt(20) == 0 ? "zz" : o.name()) + "\""
                + (rng.nextInt(20) == 0 ? ",\"parameters\":{}" : "") + ws() + "}");
          }
        }
        top.add("\"outputs\":" + ws() + (rng.nextInt(10) == 0 ? "null" : "[" + String.join(",", outs) + "]"));
      }
      if (rng.nextInt(4) == 0) {
        Collections.shuffle(top, new java.util.Random(rng.nextLong()));
      }
      return ws() + "{" + ws() + String.join("," + ws(), top) + ws() + "}" + ws();
    }
  }

  @Test
  void agreesWithTheTreePathOnGeneratedRequests() {
    int scanned = 0;
    int accepted = 0;
    int total = 0;
    for (long seed = 0; seed < 6000; seed++) {
      Generator g = new Generator(seed);
      ModelSignature sig = seed % 3 == 0 ? ONE : FLOATS;
      byte[] header = g.request(sig).getBytes(StandardCharsets.UTF_8);
      ByteBuffer body = ByteBuffer.allocate(header.length + g.binaryBytes + 4).order(ByteOrder.LITTLE_ENDIAN)
          .put(header);
      for (float f : g.binaryValues) {
        body.putFloat(f);
      }
      boolean binary = g.binaryBytes > 0 || seed % 7 == 0;
      int end = header.length + g.binaryBytes + (seed % 11 == 0 ? 4 : 0); // sometimes bytes left over
      byte[] bytes = Arrays.copyOf(body.array(), binary ? end : header.length);
      ByteBuffer data = binary ? ByteBuffer.wrap(bytes, header.length, end - header.length) : null;
      if (!tree(bytes, header.length, sig, data).startsWith("error")) {
        accepted++;
      }
      if (sameAsTree(bytes, header.length, sig, data)) {
        scanned++;
      }
      total++;
    }
    // of the requests the decoder accepts, the scanner reads all but those with what it leaves to the
    // tree (an id that is not ASCII, an output with parameters, a tensor of another type, ...)
    assertThat(scanned).as("of %d requests, %d accepted", total, accepted).isGreaterThan(accepted * 3 / 4);
  }

  @Test
  void agreesWithTheTreePathOnDamagedRequests() {
    SplittableRandom rng = new SplittableRandom(99);
    byte[] base = ("{\"id\":\"a\",\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\","
        + "\"data\":[1,2.5,-3e1,4,5,6]}],\"outputs\":[{\"name\":\"output\"}]}").getBytes(StandardCharsets.UTF_8);
    byte[] alphabet = "{}[],:\" 0123456789.eE-+nul\\ax".getBytes(StandardCharsets.US_ASCII);
    for (int k = 0; k < 20_000; k++) {
      byte[] b = base.clone();
      int edits = 1 + rng.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = rng.nextInt(b.length);
        switch (rng.nextInt(3)) {
          case 0 -> b[at] = alphabet[rng.nextInt(alphabet.length)];
          case 1 -> b = cut(b, at);
          default -> b = insert(b, at, alphabet[rng.nextInt(alphabet.length)]);
        }
      }
      sameAsTree(b, b.length, ONE, null);
    }
  }

  private static byte[] cut(byte[] b, int at) {
    byte[] out = new byte[b.length - 1];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte c) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = c;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }
}
