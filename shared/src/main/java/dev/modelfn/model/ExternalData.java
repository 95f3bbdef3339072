package dev.modelfn.model;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The external-data files an ONNX model names: exporters write a model over 2 GB as {@code
 * model.onnx} plus its tensors in other files ({@code TensorProto.data_location = EXTERNAL}, with
 * {@code external_data} entries {@code location}, {@code offset}, {@code length};
 * https://onnx.ai/onnx/repo-docs/ExternalData.html). A location is relative to the model file, and
 * ONNX Runtime reads it from the model's folder, so whoever fetches a model from a store fetches
 * these files beside it: {@link #locations} lists them, {@link #objectKey} names each one's object.
 *
 * <p>Initializers and sparse initializers of the main graph and of every subgraph (an {@code If}'s
 * or {@code Loop}'s body), and tensors held in node attributes, are read; a wire-format walk
 * ({@link OnnxWire}) that skips every other field.
 */
public final class ExternalData {
  // onnx.proto field numbers
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTR_T = 5;
  private static final int ATTR_G = 6;
  private static final int ATTR_TENSORS = 10;
  private static final int ATTR_GRAPHS = 11;
  private static final int ATTR_SPARSE_TENSOR = 22;
  private static final int ATTR_SPARSE_TENSORS = 23;
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private ExternalData() {}

  /**
   * The external-data locations the model at {@code file} names, each once, in the order the model
   * first names them, as clean relative paths ({@code ./w.bin} becomes {@code w.bin}); empty for a
   * model that holds all its tensors.
   *
   * @param modelUri where the model came from, for the messages
   * @throws ModelfnException {@link Problem#MODEL_LOAD_FAILED} when a location is absolute, climbs
   *     out of the model's folder ({@code ..}) or is not a file name, or the model cannot be read
   */
  public static List<String> locations(Path file, String modelUri) {
    ByteBuffer model;
    try {
      model = OnnxWire.map(file);
    } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: over 2 GB, no protobuf message
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read ONNX model " + modelUri + " at " + file
          + ": " + e.getMessage(), e);
    }
    if (isOrtFormat(model)) {
      return List.of(); // ONNX Runtime's own format holds all its tensors
    }
    return locations(model, modelUri);
  }

  /**
   * Whether the file is in ONNX Runtime's own format ({@code .ort}, a FlatBuffer whose file
   * identifier {@code ORTM} follows the root offset), which ONNX Runtime loads as it does a
   * protobuf model.
   */
  static boolean isOrtFormat(ByteBuffer model) {
    return model.remaining() >= 8 && model.get(model.position() + 4) == 'O' && model.get(model.position() + 5) == 'R'
        && model.get(model.position() + 6) == 'T' && model.get(model.position() + 7) == 'M';
  }

  /** {@link #locations(Path, String)} of a serialized model. */
  public static List<String> locations(ByteBuffer model, String modelUri) {
    Set<String> raw = new LinkedHashSet<>();
    try {
      OnnxWire r = new OnnxWire(model.duplicate());
      while (r.more()) {
        int tag = r.tag();
        if (OnnxWire.field(tag) == MODEL_GRAPH && OnnxWire.wire(tag) == 2) {
          graph(r.message(), raw);
        } else {
          r.skip(tag);
        }
      }
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read the external data locations of ONNX model "
          + modelUri + ": " + e.getMessage(), e);
    }
    Set<String> clean = new LinkedHashSet<>();
    for (String location : raw) {
      clean.add(relative(location, modelUri));
    }
    return List.copyOf(clean);
  }

  /**
   * The store key of an external-data file: {@code location} (as {@link #locations} returns it)
   * beside the model's key, as ONNX Runtime resolves it beside the model file.
   * {@code objectKey("models/v3/model.onnx", "model.onnx.data")} is {@code models/v3/model.onnx.data}.
   */
  public static String objectKey(String modelKey, String location) {
    int slash = modelKey.lastIndexOf('/');
    return (slash < 0 ? "" : modelKey.substring(0, slash + 1)) + location;
  }

  /**
   * A location as a clean relative path below the model's folder.
   *
   * @throws ModelfnException {@link Problem#MODEL_LOAD_FAILED} naming the location otherwise
   */
  static String relative(String location, String modelUri) {
    String why = null;
    if (location.isEmpty()) {
      why = "it is empty";
    } else if (location.startsWith("/") || WINDOWS_DRIVE.matcher(location).matches()) {
      why = "it is an absolute path";
    } else if (location.indexOf('\\') >= 0) {
      why = "it contains '\\' (locations are relative paths with '/')";
    } else if (location.indexOf('\0') >= 0) {
      why = "it contains a NUL character";
    }
    List<String> parts = new ArrayList<>();
    if (why == null) {
      for (String part : location.split("/")) {
        if (part.equals("..")) {
          why = "it climbs out of the model's folder ('..')";
          break;
        }
        if (!part.isEmpty() && !part.equals(".")) {
          parts.add(part);
        }
      }
      if (why == null && parts.isEmpty()) {
        why = "it names no file";
      }
    }
    if (why != null) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + modelUri
          + ": its external data location '" + location + "' is refused: " + why + ". Keep external data files"
          + " in the model's folder or below it, named relative to the model file (onnx.save_model(m, 'model.onnx',"
          + " save_as_external_data=True, location='model.onnx.data'))");
    }
    return String.join("/", parts);
  }

  private static void graph(OnnxWire g, Set<String> out) {
    while (g.more()) {
      int t = g.tag();
      int f = OnnxWire.field(t);
      if (OnnxWire.wire(t) != 2) {
        g.skip(t);
      } else if (f == GRAPH_INITIALIZER) {
        tensor(g.message(), out);
      } else if (f == GRAPH_SPARSE_INITIALIZER) {
        sparse(g.message(), out);
      } else if (f == GRAPH_NODE) {
        node(g.message(), out);
      } else {
        g.skip(t);
      }
    }
  }

  private static void node(OnnxWire n, Set<String> out) {
    while (n.more()) {
      int t = n.tag();
      if (OnnxWire.field(t) == NODE_ATTRIBUTE && OnnxWire.wire(t) == 2) {
        attribute(n.message(), out);
      } else {
        n.skip(t);
      }
    }
  }

  private static void attribute(OnnxWire a, Set<String> out) {
    while (a.more()) {
      int t = a.tag();
      int f = OnnxWire.field(t);
      if (OnnxWire.wire(t) != 2) {
        a.skip(t);
      } else if (f == ATTR_T || f == ATTR_TENSORS) {
        tensor(a.message(), out);
      } else if (f == ATTR_G || f == ATTR_GRAPHS) {
        graph(a.message(), out);
      } else if (f == ATTR_SPARSE_TENSOR || f == ATTR_SPARSE_TENSORS) {
        sparse(a.message(), out);
      } else {
        a.skip(t);
      }
    }
  }

  private static void sparse(OnnxWire s, Set<String> out) {
    while (s.more()) {
      int t = s.tag();
      if ((OnnxWire.field(t) == SPARSE_VALUES || OnnxWire.field(t) == SPARSE_INDICES) && OnnxWire.wire(t) == 2) {
        tensor(s.message(), out);
      } else {
        s.skip(t);
      }
    }
  }

  private static void tensor(OnnxWire tensor, Set<String> out) {
    boolean external = false;
    String location = null;
    String name = "";
    while (tensor.more()) {
      int t = tensor.tag();
      int f = OnnxWire.field(t);
      if (f == TENSOR_DATA_LOCATION && OnnxWire.wire(t) == 0) {
        external = tensor.varint() == DATA_LOCATION_EXTERNAL;
      } else if (f == TENSOR_NAME && OnnxWire.wire(t) == 2) {
        name = tensor.string();
      } else if (f == TENSOR_EXTERNAL_DATA && OnnxWire.wire(t) == 2) {
        OnnxWire entry = tensor.message();
        String key = null;
        String value = null;
        while (entry.more()) {
          int et = entry.tag();
          if (OnnxWire.field(et) == ENTRY_KEY && OnnxWire.wire(et) == 2) {
            key = entry.string();
          } else if (OnnxWire.field(et) == ENTRY_VALUE && OnnxWire.wire(et) == 2) {
            value = entry.string();
          } else {
            entry.skip(et);
          }
        }
        if ("location".equals(key)) {
          location = value == null ? "" : value;
        }
      } else {
        tensor.skip(t);
      }
    }
    if (external) {
      if (location == null) {
        throw new IllegalArgumentException("tensor '" + name + "' keeps its data externally but names no location");
      }
      out.add(location);
    }
  }
}
