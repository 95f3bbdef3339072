package dev.modelfn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OIP v2 binary tensor data extension: values after the JSON header instead of in {@code data}. */
class OipV2BinaryTest {
  private static final String FP32_HEADER = """
      {"id":"b1","inputs":[{"name":"input","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":%d}}]}""";

  private static ByteBuffer floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.flip();
  }

  private static OipV2Codec.Request decode(String json, ModelSignature sig, ByteBuffer binary) {
    return OipV2Codec.decode(Json.parse(json.getBytes(StandardCharsets.UTF_8)), sig, 4, binary);
  }

  private static InvalidInputException reject(String json, ModelSignature sig, ByteBuffer binary) {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> decode(json, sig, binary));
    assertThat(e).as("expected an invalid-input error").isNotNull();
    return e;
  }

  @Test
  void readsLittleEndianFp32Values() {
    OipV2Codec.Request r = decode(FP32_HEADER.formatted(24), TestSignatures.tabular(), floats(1, 2, 3, 4, 5, 6.5f));
    assertThat(r.id()).contains("b1");
    assertThat((float[]) r.inference().inputs().get(0).data()).containsExactly(1, 2, 3, 4, 5, 6.5f);
    assertThat(r.inference().inputs().get(0).shape()).containsExactly(2, 3);
  }

  @Test
  void sameTensorAsTheJsonForm() {
    OipV2Codec.Request json = OipV2Codec.decode(Json.parse("""
        {"inputs":[{"name":"input","shape":[2,3],"datatype":"FP32","data":[0.1,2,3,4,5,6]}]}""".getBytes()),
        TestSignatures.tabular(), 4);
    OipV2Codec.Request bin = decode(FP32_HEADER.formatted(24), TestSignatures.tabular(), floats(0.1f, 2, 3, 4, 5, 6));
    assertThat((float[]) bin.inference().inputs().get(0).data())
        .containsExactly((float[]) json.inference().inputs().get(0).data());
  }

  @Test
  void mixesBinaryAndJsonInputsInOrder() {
    ByteBuffer ids = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-9).flip();
    OipV2Codec.Request r = decode("""
        {"inputs":[{"name":"ids","shape":[1,2],"datatype":"INT64","parameters":{"binary_data_size":16}},
         {"name":"mask","shape":[1,2],"datatype":"BOOL","data":[true,false]}]}""", TestSignatures.multiInput(), ids);
    assertThat((long[]) r.inference().inputs().get(0).data()).containsExactly(7, -9);
    assertThat((boolean[]) r.inference().inputs().get(1).data()).containsExactly(true, false);
  }

  @Test
  void readsBoolsAsBytes() {
    ByteBuffer ids = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(2)
        .put((byte) 0).put((byte) 1).flip();
    OipV2Codec.Request r = decode("""
        {"inputs":[{"name":"ids","shape":[1,2],"datatype":"INT64","parameters":{"binary_data_size":16}},
         {"name":"mask","shape":[1,2],"datatype":"BOOL","parameters":{"binary_data_size":2}}]}""",
        TestSignatures.multiInput(), ids);
    assertThat((boolean[]) r.inference().inputs().get(1).data()).containsExactly(false, true);
  }

  @Test
  void readsLengthPrefixedUtf8Strings() {
    ModelSignature text = new ModelSignature(List.of(new TensorSpec("text", ElementType.BYTES, List.of(-1L, 1L))),
        List.of(new TensorSpec("score", ElementType.FP32, List.of(-1L, 1L))), List.of(), List.of());
    byte[] a = "héllo".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + a.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(a.length).put(a).putInt(0).flip();
    String header = """
        {"inputs":[{"name":"text","shape":[2,1],"datatype":"BYTES","parameters":{"binary_data_size":%d}}]}""";
    OipV2Codec.Request r = decode(header.formatted(b.remaining()), text, b);
    assertThat((String[]) r.inference().inputs().get(0).data()).containsExactly("héllo", "");

    ByteBuffer bad = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putInt(2).put((byte) 0xC3)
        .put((byte) 0x28).putInt(0).flip();
    assertThat(reject(header.formatted(10), text, bad).expected()).isEqualTo("UTF-8 text in element 0");
    ByteBuffer overlong = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(99).putInt(0).flip();
    assertThat(reject(header.formatted(8), text, overlong).received()).isEqualTo("99 bytes");
    ByteBuffer tooShort = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0).flip();
    assertThat(reject(header.formatted(4), text, tooShort).pointer())
        .isEqualTo("/inputs/0/parameters/binary_data_size");
  }

  @Test
  void rejectsSizeThatDoesNotMatchTheShape() {
    InvalidInputException e = reject(FP32_HEADER.formatted(20), TestSignatures.tabular(), floats(1, 2, 3, 4, 5));
    assertThat(e.pointer()).isEqualTo("/inputs/0/parameters/binary_data_size");
    assertThat(e.expected()).startsWith("24 bytes (6 FP32 values");
    assertThat(e.received()).isEqualTo("20 bytes");
  }

  @Test
  void rejectsSizeBeyondTheBodyAndBytesLeftOver() {
    assertThat(reject(FP32_HEADER.formatted(24), TestSignatures.tabular(), floats(1, 2, 3)).expected())
        .isEqualTo("at most the 12 binary bytes left");
    InvalidInputException extra = reject(FP32_HEADER.formatted(24), TestSignatures.tabular(),
        floats(1, 2, 3, 4, 5, 6, 7));
    assertThat(extra.pointer()).isEqualTo("/inputs");
    assertThat(extra.received()).isEqualTo("4 bytes more");
  }

  @Test
  void rejectsNonFiniteValues() {
    InvalidInputException e = reject(FP32_HEADER.formatted(24), TestSignatures.tabular(),
        floats(1, 2, Float.NaN, 4, 5, 6));
    assertThat(e.expected()).isEqualTo("finite values");
    assertThat(e.received()).isEqualTo("NaN at element 2");
  }

  @Test
  void rejectsMissingBinaryBadSizesAndDataBesideBinary() {
    assertThat(reject(FP32_HEADER.formatted(24), TestSignatures.tabular(), null).expected())
        .startsWith("binary data after the JSON header");
    assertThat(reject(FP32_HEADER.replace("%d", "\"24\""), TestSignatures.tabular(), floats(1, 2, 3, 4, 5, 6))
        .expected()).isEqualTo("a byte count");
    assertThat(reject(FP32_HEADER.replace("%d", "-4"), TestSignatures.tabular(), floats(1, 2, 3, 4, 5, 6))
        .expected()).isEqualTo("a byte count");
    InvalidInputException both = reject("""
        {"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3],
          "parameters":{"binary_data_size":12}}]}""", TestSignatures.tabular(), floats(1, 2, 3));
    assertThat(both.pointer()).isEqualTo("/inputs/0/data");
  }

  @Test
  void rejectsShapesTooLargeToAllocate() {
    ModelSignature open = new ModelSignature(List.of(new TensorSpec("x", ElementType.FP32, List.of(-1L, -1L))),
        List.of(new TensorSpec("y", ElementType.FP32, List.of(-1L, 1L))), List.of(), List.of());
    InvalidInputException e = reject("""
        {"inputs":[{"name":"x","shape":[1,4611686018427387904],"datatype":"FP32",
          "parameters":{"binary_data_size":0}}]}""", open, ByteBuffer.allocate(0));
    assertThat(e.pointer()).isEqualTo("/inputs/0/shape");
    assertThat(e.expected()).isEqualTo("at most " + OipV2Codec.MAX_ELEMENTS + " elements in all");
    assertThat(reject("""
        {"inputs":[{"name":"x","shape":[2,99999999],"datatype":"FP32","data":[]}]}""", open, null).pointer())
        .isEqualTo("/inputs/0/shape");
  }
}
