package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZipMapClassesTest {
  private static ProtoMessage node(String op, String output, ProtoMessage... attributes) {
    ProtoMessage n = new ProtoMessage().text(1, "x").text(2, output).text(3, op + "_node").text(4, op).text(7, "ai.onnx.ml");
    for (ProtoMessage a : attributes) {
      n.message(5, a);
    }
    return n;
  }

  @Test
  void readsTheClassesOfEachZipMapOutputAndSkipsEverythingElse() {
    ProtoMessage packed = new ProtoMessage();
    for (long v : new long[] {-1, 0, 7, 300}) {
      packed.raw(v);
    }
    ProtoMessage graph = new ProtoMessage()
        .message(5, new ProtoMessage().text(8, "weights").bytes(9, new byte[100_000])) // an initializer, skipped
        .message(1, node("LinearClassifier", "scores", new ProtoMessage().text(1, "classlabels_ints").varint(8, 4).varint(8, 5)))
        .message(1, node("ZipMap", "by_int", new ProtoMessage().text(1, "classlabels_int64s").varint(20, 7)
            .bytes(8, packed.out.toByteArray())))
        .message(1, node("ZipMap", "by_name", new ProtoMessage().text(1, "classlabels_strings").varint(20, 8)
            .text(9, "cat").text(9, "d\u00f6g").fixed32(2)));
    ProtoMessage model = new ProtoMessage().varint(1, 8).fixed64(99).text(2, "skl2onnx").message(7, graph)
        .message(8, new ProtoMessage().text(1, "").varint(2, 15));

    Map<String, List<String>> classes = ZipMapClasses.read(model.buffer());

    assertThat(classes).containsOnlyKeys("by_int", "by_name");
    assertThat(classes.get("by_int")).containsExactly("-1", "0", "7", "300");
    assertThat(classes.get("by_name")).containsExactly("cat", "d\u00f6g");
  }

  @Test
  void readsUnpackedInts() {
    ProtoMessage graph = new ProtoMessage().message(1, node("ZipMap", "p",
        new ProtoMessage().text(1, "classlabels_int64s").varint(8, 2).varint(8, 1)));
    assertThat(ZipMapClasses.read(new ProtoMessage().message(7, graph).buffer())).isEqualTo(Map.of("p", List.of("2", "1")));
  }

  @Test
  void refusesATruncatedModel() {
    byte[] whole = new ProtoMessage().message(7, new ProtoMessage().message(1, node("ZipMap", "p"))).out.toByteArray();
    ByteBuffer cut = ByteBuffer.wrap(whole, 0, whole.length - 3).slice();
    assertThatThrownBy(() -> ZipMapClasses.read(cut)).hasMessageContaining("truncated");
  }
}
