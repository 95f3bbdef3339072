package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZipMapClassesTest {
  /** A protobuf message written field by field (https://protobuf.dev/programming-guides/encoding/). */
  private static final class Message {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Message bytes(int field, byte[] b) {
      tag(field, 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Message text(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message m) {
      return bytes(field, m.out.toByteArray());
    }

    Message fixed32(int field) {
      tag(field, 5);
      out.writeBytes(new byte[4]);
      return this;
    }

    Message fixed64(int field) {
      tag(field, 1);
      out.writeBytes(new byte[8]);
      return this;
    }

    private void tag(int field, int wire) {
      raw((long) field << 3 | wire);
    }

    private void raw(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) (v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
    }

    ByteBuffer buffer() {
      return ByteBuffer.wrap(out.toByteArray());
    }
  }

  private static Message node(String op, String output, Message... attributes) {
    Message n = new Message().text(1, "x").text(2, output).text(3, op + "_node").text(4, op).text(7, "ai.onnx.ml");
    for (Message a : attributes) {
      n.message(5, a);
    }
    return n;
  }

  @Test
  void readsTheClassesOfEachZipMapOutputAndSkipsEverythingElse() {
    Message packed = new Message();
    for (long v : new long[] {-1, 0, 7, 300}) {
      packed.raw(v);
    }
    Message graph = new Message()
        .message(5, new Message().text(8, "weights").bytes(9, new byte[100_000])) // an initializer, skipped
        .message(1, node("LinearClassifier", "scores", new Message().text(1, "classlabels_ints").varint(8, 4).varint(8, 5)))
        .message(1, node("ZipMap", "by_int", new Message().text(1, "classlabels_int64s").varint(20, 7)
            .bytes(8, packed.out.toByteArray())))
        .message(1, node("ZipMap", "by_name", new Message().text(1, "classlabels_strings").varint(20, 8)
            .text(9, "cat").text(9, "d\u00f6g").fixed32(2)));
    Message model = new Message().varint(1, 8).fixed64(99).text(2, "skl2onnx").message(7, graph)
        .message(8, new Message().text(1, "").varint(2, 15));

    Map<String, List<String>> classes = ZipMapClasses.read(model.buffer());

    assertThat(classes).containsOnlyKeys("by_int", "by_name");
    assertThat(classes.get("by_int")).containsExactly("-1", "0", "7", "300");
    assertThat(classes.get("by_name")).containsExactly("cat", "d\u00f6g");
  }

  @Test
  void readsUnpackedInts() {
    Message graph = new Message().message(1, node("ZipMap", "p",
        new Message().text(1, "classlabels_int64s").varint(8, 2).varint(8, 1)));
    assertThat(ZipMapClasses.read(new Message().message(7, graph).buffer())).isEqualTo(Map.of("p", List.of("2", "1")));
  }

  @Test
  void refusesATruncatedModel() {
    byte[] whole = new Message().message(7, new Message().message(1, node("ZipMap", "p"))).out.toByteArray();
    ByteBuffer cut = ByteBuffer.wrap(whole, 0, whole.length - 3).slice();
    assertThatThrownBy(() -> ZipMapClasses.read(cut)).hasMessageContaining("truncated");
  }
}
