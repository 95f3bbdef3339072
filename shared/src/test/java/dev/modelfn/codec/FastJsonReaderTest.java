package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast reader builds exactly Jackson's tree, and never accepts what Jackson rejects: checked
 * on fixed cases and on generated documents and their byte-level mutations.
 */
class FastJsonReaderTest {

  private static JsonNode jackson(byte[] b) {
    try {
      return Json.mapper().readTree(b);
    } catch (Exception e) {
      return null;
    }
  }

  private static void sameAsJackson(byte[] doc) {
    JsonNode fast = FastJsonReader.read(doc, 0, doc.length);
    if (fast != null) {
      JsonNode expected = jackson(doc);
      assertThat(expected).as("Jackson accepts what the fast reader accepted: %s",
          new String(doc, StandardCharsets.UTF_8)).isNotNull();
      assertThat(fast).as(new String(doc, StandardCharsets.UTF_8)).isEqualTo(expected);
      assertThat(fast.toString()).isEqualTo(expected.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0", "-0.0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649",
      "9223372036854775807", "9223372036854775808", "-9223372036854775808", "123456789012345678901234567890",
      "1.5", "0.1", "0.000123", "10.05", "1e5", "1E-5", "1.7976931348623157e308", "4.9e-324", "1e400", "-1e400",
      "123456789012345678.25", "0.30000000000000004", "3.4028235e38", "1.0000000000000002", "9007199254740993.0",
      "\"a\\u00e9\\ud83d\\ude00\\n\\\"\"", "\"héllo ✓\"", "true", "false", "null", "[]", "{}",
      "{\"a\":[1,2.5,{\"b\":null}],\"c\":\"d\"}", " [ 1 , 2 ] "})
  void readsValidDocumentsAsJacksonDoes(String doc) {
    byte[] b = doc.getBytes(StandardCharsets.UTF_8);
    JsonNode fast = FastJsonReader.read(b, 0, b.length);
    assertThat(fast).as("the fast path takes ordinary documents: %s", doc).isNotNull();
    sameAsJackson(b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "01", "-", "1.", ".5", "+1", "1e", "1e+", "NaN", "Infinity", "tru", "truex",
      "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1,\"a\":2}", "\"\\x\"", "\"\\u12g4\"",
      "[1] 2", "\"unterminated", "\"tab\there\"", "{\"a\":1}}", "\u00ef\u00bb\u00bf{}"})
  void leavesEverythingElseToJackson(String doc) {
    byte[] b = doc.getBytes(StandardCharsets.UTF_8);
    assertThat(FastJsonReader.read(b, 0, b.length)).as(doc).isNull();
  }

  @Test
  void wordScanAgreesWithTheByteScan() {
    SplittableRandom rng = new SplittableRandom(8);
    byte[] interesting = {'"', '\\', 0x1f, 0x20, 0x21, 0x7e, 0x7f, (byte) 0x80, (byte) 0xff, 0, 'a', '!', '#', '[', ']'};
    for (int n = 0; n < 200_000; n++) {
      long w = 0;
      boolean plain = true;
      for (int k = 0; k < 8; k++) {
        byte c = rng.nextInt(3) == 0 ? interesting[rng.nextInt(interesting.length)] : (byte) rng.nextInt(256);
        plain &= c >= 0x20 && c != '"' && c != '\\';
        w |= (c & 0xffL) << (8 * k);
      }
      assertThat(PlainAscii.special(w) == 0).as(Long.toHexString(w)).isEqualTo(plain);
    }
  }

  @Test
  void rejectsInvalidUtf8InStrings() {
    byte[] b = {'"', 'a', (byte) 0xc3, '"'};
    assertThat(FastJsonReader.read(b, 0, b.length)).isNull();
  }

  @Test
  void agreesWithJacksonOnGeneratedDocumentsAndTheirMutations() {
    SplittableRandom rng = new SplittableRandom(20261124);
    byte[] alphabet = "{}[],:\"\\-+.eE0123456789 truefalsn\n\t".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      generate(sb, rng, 0);
      byte[] doc = sb.toString().getBytes(StandardCharsets.UTF_8);
      JsonNode fast = FastJsonReader.read(doc, 0, doc.length);
      assertThat(fast).as(sb.toString()).isNotNull();
      sameAsJackson(doc);
      // the same document inside a larger array (a JSON header followed by binary data)
      byte[] framed = new byte[doc.length + 7];
      framed[0] = '[';
      framed[1] = '"';
      System.arraycopy(doc, 0, framed, 3, doc.length);
      framed[doc.length + 3] = '{';
      framed[doc.length + 4] = (byte) 0xff;
      assertThat(FastJsonReader.read(framed, 3, doc.length)).as(sb.toString()).isEqualTo(fast);
      for (int m = 0; m < 5; m++) {
        byte[] mutated = doc.clone();
        int at = rng.nextInt(mutated.length);
        mutated[at] = alphabet[rng.nextInt(alphabet.length)];
        sameAsJackson(mutated);
      }
    }
  }

  private static void generate(StringBuilder sb, SplittableRandom rng, int depth) {
    int kind = depth > 3 ? rng.nextInt(4) : rng.nextInt(6);
    switch (kind) {
      case 0 -> number(sb, rng);
      case 1 -> string(sb, rng);
      case 2 -> sb.append(rng.nextBoolean() ? "true" : rng.nextBoolean() ? "false" : "null");
      case 3 -> number(sb, rng);
      case 4 -> {
        sb.append('[');
        int n = rng.nextInt(6);
        for (int i = 0; i < n; i++) {
          sb.append(i > 0 ? "," : "").append(rng.nextInt(4) == 0 ? " " : "");
          generate(sb, rng, depth + 1);
        }
        sb.append(']');
      }
      default -> {
        sb.append('{');
        int n = rng.nextInt(5);
        for (int i = 0; i < n; i++) {
          sb.append(i > 0 ? "," : "").append("\"k").append(i).append("\":");
          generate(sb, rng, depth + 1);
        }
        sb.append('}');
      }
    }
  }

  private static void number(StringBuilder sb, SplittableRandom rng) {
    switch (rng.nextInt(6)) {
      case 0 -> sb.append(rng.nextInt());
      case 1 -> sb.append(rng.nextLong());
      case 2 -> sb.append((float) (rng.nextDouble() * Math.pow(10, rng.nextInt(-12, 12))));
      case 3 -> sb.append(rng.nextDouble() * Math.pow(10, rng.nextInt(-300, 300)));
      case 4 -> sb.append(rng.nextInt(1000)).append('.').append(String.format("%0" + rng.nextInt(1, 25) + "d",
          rng.nextInt(1_000_000))).append(rng.nextBoolean() ? "e" + rng.nextInt(-40, 40) : "");
      default -> sb.append(rng.nextBoolean() ? "-" : "").append("0.").append("0".repeat(rng.nextInt(0, 8)))
          .append(rng.nextInt(1, 999_999));
    }
  }

  private static void string(StringBuilder sb, SplittableRandom rng) {
    String[] parts = {"a", "Z", " ", "\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", "é", "✓", "😀", "\\/", "\\t"};
    sb.append('"');
    int n = rng.nextInt(8);
    for (int i = 0; i < n; i++) {
      sb.append(parts[rng.nextInt(parts.length)]);
    }
    sb.append('"');
  }
}
