package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link JsonBytes} writes what Jackson's generator writes for the same values. */
class JsonBytesTest {

  interface Writes {
    void to(JsonGenerator g) throws IOException;
  }

  /** A value written by the project's generator configuration, as one top-level value. */
  private static String jackson(Writes w) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      w.to(g);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String ours(JsonBytes b) {
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  /** Strings mixing plain ASCII runs with every kind of byte that is escaped or passed through. */
  private static String randomString(SplittableRandom rng) {
    int len = rng.nextInt(40);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int kind = rng.nextInt(10);
      if (kind < 5) {
        sb.append((char) (0x20 + rng.nextInt(0x5f))); // printable ASCII, quote and backslash among them
      } else if (kind == 5) {
        sb.append((char) rng.nextInt(0x20)); // control characters
      } else if (kind == 6) {
        sb.append(rng.nextBoolean() ? '"' : '\\');
      } else if (kind == 7) {
        sb.append((char) (0x80 + rng.nextInt(0x700))); // two-byte UTF-8
      } else if (kind == 8) {
        sb.append((char) (0x800 + rng.nextInt(0xd000))); // three-byte UTF-8, below the surrogates
      } else {
        sb.appendCodePoint(0x10000 + rng.nextInt(0xfffff)); // a surrogate pair, four bytes
      }
    }
    return sb.toString();
  }

  @Test
  void writesStringsAsJacksonDoes() throws IOException {
    SplittableRandom rng = new SplittableRandom(11);
    for (int k = 0; k < 20_000; k++) {
      String s = randomString(rng);
      assertThat(ours(new JsonBytes(4).string(s))).as("%s", s).isEqualTo(jackson(g -> g.writeString(s)));
    }
    for (char c = 0; c < 0x80; c++) {
      String s = "a" + c + "b";
      assertThat(ours(new JsonBytes(4).string(s))).isEqualTo(jackson(g -> g.writeString(s)));
    }
  }

  @Test
  void writesUtf8BytesAsJacksonDoes() throws IOException {
    SplittableRandom rng = new SplittableRandom(12);
    for (int k = 0; k < 20_000; k++) {
      byte[] u = (randomString(rng) + randomString(rng)).getBytes(StandardCharsets.UTF_8);
      int from = u.length == 0 ? 0 : rng.nextInt(u.length);
      // a cut inside a multi-byte sequence is fine: both copy bytes above 0x7f as they are
      int to = from + rng.nextInt(u.length - from + 1);
      String expected = jackson(g -> g.writeUTF8String(u, from, to - from));
      assertThat(ours(new JsonBytes(1).utf8String(u, from, to))).isEqualTo(expected);
    }
  }

  @Test
  void writesNumbersAsJacksonDoes() throws IOException {
    SplittableRandom rng = new SplittableRandom(13);
    long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_000_000_000_000L};
    for (long v : edges) {
      assertThat(ours(new JsonBytes(1).number(v))).isEqualTo(jackson(g -> g.writeNumber(v)));
    }
    for (int k = 0; k < 20_000; k++) {
      long v = rng.nextLong() >> rng.nextInt(64);
      assertThat(ours(new JsonBytes(1).number(v))).isEqualTo(jackson(g -> g.writeNumber(v)));
      float f = Float.intBitsToFloat(rng.nextInt());
      assertThat(ours(new JsonBytes(1).number(f))).as("%s", f).isEqualTo(jackson(g -> g.writeNumber(f)));
      double d = Double.longBitsToDouble(rng.nextLong());
      assertThat(ours(new JsonBytes(1).number(d))).as("%s", d).isEqualTo(jackson(g -> g.writeNumber(d)));
    }
    for (float f : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-45f}) {
      assertThat(ours(new JsonBytes(1).number(f))).isEqualTo(jackson(g -> g.writeNumber(f)));
    }
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0d, -0d, 4.9e-324}) {
      assertThat(ours(new JsonBytes(1).number(d))).isEqualTo(jackson(g -> g.writeNumber(d)));
    }
  }

  @Test
  void writesBinaryAndBooleansAsJacksonDoes() throws IOException {
    SplittableRandom rng = new SplittableRandom(14);
    for (int len = 0; len < 300; len++) {
      byte[] data = new byte[len];
      for (int i = 0; i < len; i++) {
        data[i] = (byte) rng.nextInt();
      }
      assertThat(ours(new JsonBytes(1).base64(data))).isEqualTo(jackson(g -> g.writeBinary(data)));
    }
    assertThat(ours(new JsonBytes(1).bool(true).raw(',').bool(false))).isEqualTo("true,false");
  }

  @Test
  void growsPastItsFirstCapacityAndKeepsEveryByte() {
    JsonBytes b = new JsonBytes(1);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      b.raw('[').number(i).raw(',').string("x" + i).raw(']');
      expected.append('[').append(i).append(",\"x").append(i).append("\"]");
    }
    assertThat(ours(b)).isEqualTo(expected.toString());
    assertThat(b.length()).isEqualTo(expected.length());
  }
}
