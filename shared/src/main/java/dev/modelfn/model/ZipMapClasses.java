package dev.modelfn.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * <p>A wire-format walk ({@link OnnxWire}) of {@code ModelProto.graph.node} only: every other field,
 * initializers included, is skipped by its length, so a large model costs a scan of its top-level
 * fields, not a parse.
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
    try {
      return read(OnnxWire.map(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The classes of each ZipMap output of the serialized model {@code model}. */
  static Map<String, List<String>> read(ByteBuffer model) {
    Map<String, List<String>> out = new HashMap<>();
    OnnxWire r = new OnnxWire(model);
    while (r.more()) {
      int tag = r.tag();
      if (OnnxWire.field(tag) == MODEL_GRAPH && OnnxWire.wire(tag) == 2) {
        OnnxWire graph = r.message();
        while (graph.more()) {
          int gt = graph.tag();
          if (OnnxWire.field(gt) == GRAPH_NODE && OnnxWire.wire(gt) == 2) {
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

  private static void node(OnnxWire n, Map<String, List<String>> out) {
    List<String> outputs = new ArrayList<>();
    String op = "";
    List<String> classes = null;
    while (n.more()) {
      int t = n.tag();
      if (OnnxWire.field(t) == NODE_OUTPUT && OnnxWire.wire(t) == 2) {
        outputs.add(n.string());
      } else if (OnnxWire.field(t) == NODE_OP_TYPE && OnnxWire.wire(t) == 2) {
        op = n.string();
      } else if (OnnxWire.field(t) == NODE_ATTRIBUTE && OnnxWire.wire(t) == 2) {
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
  private static List<String> classLabels(OnnxWire a) {
    String name = "";
    List<String> ints = new ArrayList<>();
    List<String> strings = new ArrayList<>();
    while (a.more()) {
      int t = a.tag();
      if (OnnxWire.field(t) == ATTR_NAME && OnnxWire.wire(t) == 2) {
        name = a.string();
      } else if (OnnxWire.field(t) == ATTR_INTS && OnnxWire.wire(t) == 0) {
        ints.add(Long.toString(a.varint()));
      } else if (OnnxWire.field(t) == ATTR_INTS && OnnxWire.wire(t) == 2) { // packed
        OnnxWire packed = a.message();
        while (packed.more()) {
          ints.add(Long.toString(packed.varint()));
        }
      } else if (OnnxWire.field(t) == ATTR_STRINGS && OnnxWire.wire(t) == 2) {
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
}
