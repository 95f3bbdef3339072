package dev.modelfn.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A cursor over one protobuf message's bytes in the wire format
 * (https://protobuf.dev/programming-guides/encoding/): the few fields modelfn reads from an ONNX
 * model ({@link ZipMapClasses}, {@link ExternalData}) are found by walking it, every other field is
 * skipped by its length, so a model costs a scan of the fields on the way, not a parse. Shared has
 * no protobuf library (and ONNX Runtime's jar carries none), which a full parse would need.
 */
final class OnnxWire {
  private final ByteBuffer buf;

  OnnxWire(ByteBuffer buf) {
    this.buf = buf;
  }

  /** The model file mapped read-only (a protobuf message is under 2 GB: what is larger is external data). */
  static ByteBuffer map(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
  }

  static int field(int tag) {
    return tag >>> 3;
  }

  static int wire(int tag) {
    return tag & 7;
  }

  boolean more() {
    return buf.hasRemaining();
  }

  int tag() {
    return (int) varint();
  }

  long varint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!buf.hasRemaining()) {
        throw new IllegalArgumentException("truncated ONNX model: a varint runs past the end");
      }
      byte b = buf.get();
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("malformed varint in ONNX model");
  }

  /** The length-delimited field at the cursor, as a cursor of its own. */
  OnnxWire message() {
    int len = length();
    ByteBuffer slice = buf.slice();
    slice.limit(len);
    buf.position(buf.position() + len);
    return new OnnxWire(slice);
  }

  String string() {
    int len = length();
    byte[] b = new byte[len];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private int length() {
    long len = varint();
    if (len < 0 || len > buf.remaining()) {
      throw new IllegalArgumentException("truncated ONNX model: a field of " + len + " bytes, " + buf.remaining() + " left");
    }
    return (int) len;
  }

  void skip(int tag) {
    switch (wire(tag)) {
      case 0 -> varint();
      case 1 -> advance(8);
      case 2 -> advance(length()); // the length is read before the position is taken: its own bytes come first
      case 5 -> advance(4);
      default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire(tag) + " in ONNX model");
    }
  }

  private void advance(int n) {
    if (n > buf.remaining()) {
      throw new IllegalArgumentException("truncated ONNX model: a field of " + n + " bytes, " + buf.remaining() + " left");
    }
    buf.position(buf.position() + n);
  }
}
