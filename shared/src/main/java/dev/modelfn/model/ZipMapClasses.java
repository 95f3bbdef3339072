package dev.modelfn.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The class labels of the {@code ZipMap} nodes of an ONNX model, by the name of the value each one
 * writes. ONNX Runtime reports a {@code sequence<map<K, float>>} output by its key and value types
 * only; the keys (and their order, the order of the classifier's score columns) are the node's
 * {@code classlabels_int64s} or {@code classlabels_strings} attribute, which this reads from the
 * model's protobuf (https://github.com/onnx/onnx/blob/main/docs/Operators-ml.md#ai.onnx.ml.ZipMap).
 *
 * <p>A wire-format walk of {@code ModelProto.graph.node} only (https://protobuf.dev/programming-guides/encoding/):
 * every other field, initializers included, is skipped by its length, so a large model costs a
 * scan of its top-level fields, not a parse.
 */
final class ZipMapClasses {
  // onnx.proto field numbers
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTR_NAME = 1;
  private static final int ATTR_INTS = 8;
  private static final int ATTR_STRINGS = 9;

  private ZipMapClasses() {}

  /** The classes of each ZipMap output of the model at {@code file}. */
  static Map<String, List<String>> read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The classes of each ZipMap output of the serialized model {@code model}. */
  static Map<String, List<String>> read(ByteBuffer model) {
    Map<String, List<String>> out = new HashMap<>();
    Reader r = new Reader(model);
    while (r.more()) {
      int tag = r.tag();
      if (field(tag) == MODEL_GRAPH && wire(tag) == 2) {
        Reader graph = r.message();
        while (graph.more()) {
          int gt = graph.tag();
          if (field(gt) == GRAPH_NODE && wire(gt) == 2) {
            node(graph.message(), out);
          } else {
            graph.skip(gt);
          }
        }
      } else {
        r.skip(tag);
      }
    }
    return out;
  }

  private static void node(Reader n, Map<String, List<String>> out) {
    List<String> outputs = new ArrayList<>();
    String op = "";
    List<String> classes = null;
    while (n.more()) {
      int t = n.tag();
      if (field(t) == NODE_OUTPUT && wire(t) == 2) {
        outputs.add(n.string());
      } else if (field(t) == NODE_OP_TYPE && wire(t) == 2) {
        op = n.string();
      } else if (field(t) == NODE_ATTRIBUTE && wire(t) == 2) {
        List<String> c = classLabels(n.message());
        if (c != null) {
          classes = c;
        }
      } else {
        n.skip(t);
      }
    }
    if (op.equals("ZipMap") && classes != null && outputs.size() == 1) {
      out.put(outputs.get(0), List.copyOf(classes));
    }
  }

  /** The labels of a {@code classlabels_int64s} / {@code classlabels_strings} attribute, else null. */
  private static List<String> classLabels(Reader a) {
    String name = "";
    List<String> ints = new ArrayList<>();
    List<String> strings = new ArrayList<>();
    while (a.more()) {
      int t = a.tag();
      if (field(t) == ATTR_NAME && wire(t) == 2) {
        name = a.string();
      } else if (field(t) == ATTR_INTS && wire(t) == 0) {
        ints.add(Long.toString(a.varint()));
      } else if (field(t) == ATTR_INTS && wire(t) == 2) { // packed
        Reader packed = a.message();
        while (packed.more()) {
          ints.add(Long.toString(packed.varint()));
        }
      } else if (field(t) == ATTR_STRINGS && wire(t) == 2) {
        strings.add(a.string());
      } else {
        a.skip(t);
      }
    }
    return switch (name) {
      case "classlabels_int64s" -> ints;
      case "classlabels_strings" -> strings;
      default -> null;
    };
  }

  private static int field(int tag) {
    return tag >>> 3;
  }

  private static int wire(int tag) {
    return tag & 7;
  }

  /** A cursor over one message's bytes. */
  private static final class Reader {
    private final ByteBuffer buf;

    Reader(ByteBuffer buf) {
      this.buf = buf;
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
        byte b = buf.get();
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint in ONNX model");
    }

    Reader message() {
      int len = length();
      ByteBuffer slice = buf.slice();
      slice.limit(len);
      buf.position(buf.position() + len);
      return new Reader(slice);
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
        case 1 -> buf.position(buf.position() + 8);
        case 2 -> {
          int len = length(); // read before the position is taken: the length's own bytes come first
          buf.position(buf.position() + len);
        }
        case 5 -> buf.position(buf.position() + 4);
        default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire(tag) + " in ONNX model");
      }
    }
  }
}
