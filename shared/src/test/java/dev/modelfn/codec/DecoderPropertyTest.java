package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelSignature;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Generated inputs against every request decoder: whatever the bytes, a decoder either succeeds or
 * throws {@link InvalidInputException} (never a NullPointerException, ClassCastException, ...).
 */
class DecoderPropertyTest {
  private static final String[] SEEDS = {
    "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[[1,2,3],[4,5,6]]}]}",
    "{\"id\":\"x\",\"inputs\":[{\"name\":\"ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[1,2]},"
        + "{\"name\":\"mask\",\"shape\":[1,2],\"datatype\":\"BOOL\",\"data\":[true,false]}],\"outputs\":[{\"name\":\"score\"}]}",
    "{\"instances\":[[1,2,3],{\"a\":1,\"b\":2,\"c\":3}]}",
    "[{\"ids\":[1,2],\"mask\":[true,false]}]",
    "a,b,c\n1,2,3\n\"4\",5,6\n",
    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":12}}]}",
    "{\"inputs\":[{\"name\":\"ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"parameters\":{\"binary_data_size\":16}},"
        + "{\"name\":\"mask\",\"shape\":[1,2],\"datatype\":\"BOOL\",\"parameters\":{\"binary_data_size\":2}}]}",
  };
  private static final String TOKENS = "{}[]\",:0123456789.-+eEaAbcnulltruefalse \n\r\\\"NaN\uFEFF";

  @Test
  void onlyInvalidInputEscapesTheDecoders() {
    SplittableRandom rng = new SplittableRandom(1234);
    ModelSignature[] sigs = {TestSignatures.tabular(), TestSignatures.multiInput()};
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input = mutate(SEEDS[rng.nextInt(SEEDS.length)], rng);
      for (ModelSignature sig : sigs) {
        for (int decoder = 0; decoder < 4; decoder++) {
          try {
            decode(decoder, input, sig, rng);
            accepted++;
          } catch (InvalidInputException e) {
            assertThat(e.pointer()).isNotNull();
            assertThat(e.expected()).isNotBlank();
            rejected++;
          } catch (RuntimeException e) {
            throw new AssertionError("decoder " + decoder + " threw " + e + " for input: "
                + new String(input, StandardCharsets.UTF_8), e);
          }
        }
      }
    }
    assertThat(accepted).isPositive();
    assertThat(rejected).isPositive();
  }

  private static void decode(int decoder, byte[] input, ModelSignature sig, SplittableRandom rng) {
    switch (decoder) {
      case 0 -> OipV2Codec.decode(Json.parse(input), sig, 8);
      case 3 -> {
        // binary tensor data: random bytes of a plausible length after the JSON header
        byte[] binary = new byte[rng.nextInt(4) == 0 ? rng.nextInt(40) : 12 + 6 * rng.nextInt(2)];
        for (int i = 0; i < binary.length; i++) {
          binary[i] = (byte) rng.nextInt(256);
        }
        OipV2Codec.decode(Json.parse(input), sig, 8, java.nio.ByteBuffer.wrap(binary));
      }
      case 1 -> {
        JsonNode root = Json.parse(input);
        InstancesCodec.decode(root.isObject() ? root.get("instances") : root, "/instances", sig, 8);
      }
      default -> CsvCodec.decode(input, 0, input.length, sig, 8);
    }
  }

  private static byte[] mutate(String seed, SplittableRandom rng) {
    StringBuilder sb = new StringBuilder(seed);
    int edits = 1 + rng.nextInt(6);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = rng.nextInt(sb.length());
      switch (rng.nextInt(4)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, TOKENS.charAt(rng.nextInt(TOKENS.length())));
        case 2 -> sb.setCharAt(at, TOKENS.charAt(rng.nextInt(TOKENS.length())));
        default -> {
          int len = Math.min(sb.length() - at, 1 + rng.nextInt(8));
          sb.insert(rng.nextInt(sb.length()), sb.substring(at, at + len));
        }
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
