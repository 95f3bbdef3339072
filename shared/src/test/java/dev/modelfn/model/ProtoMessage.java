package dev.modelfn.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A protobuf message written field by field (https://protobuf.dev/programming-guides/encoding/), for the wire readers' tests. */
final class ProtoMessage {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtoMessage varint(int field, long v) {
    tag(field, 0);
    raw(v);
    return this;
  }

  ProtoMessage bytes(int field, byte[] b) {
    tag(field, 2);
    raw(b.length);
    out.writeBytes(b);
    return this;
  }

  ProtoMessage text(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  ProtoMessage message(int field, ProtoMessage m) {
    return bytes(field, m.out.toByteArray());
  }

  ProtoMessage fixed32(int field) {
    tag(field, 5);
    out.writeBytes(new byte[4]);
    return this;
  }

  ProtoMessage fixed64(int field) {
    tag(field, 1);
    out.writeBytes(new byte[8]);
    return this;
  }

  private void tag(int field, int wire) {
    raw((long) field << 3 | wire);
  }

  void raw(long v) {
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
