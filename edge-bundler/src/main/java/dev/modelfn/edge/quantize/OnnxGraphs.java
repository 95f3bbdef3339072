package dev.modelfn.edge.quantize;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/** Small helpers over the ONNX protobuf classes: initializers, tensors, nodes. */
final class OnnxGraphs {
  private OnnxGraphs() {}

  static Map<String, OnnxMl.TensorProto> initializers(OnnxMl.GraphProto g) {
    Map<String, OnnxMl.TensorProto> m = new HashMap<>();
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      m.put(t.getName(), t);
    }
    return m;
  }

  /** A 2-D FLOAT initializer (a MatMul weight), or null. */
  static OnnxMl.TensorProto floatMatrix(Map<String, OnnxMl.TensorProto> inits, String name) {
    OnnxMl.TensorProto t = inits.get(name);
    if (t == null || t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber() || t.getDimsCount() != 2
        || t.hasDataLocation() && t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
      return null;
    }
    return t;
  }

  static float[] floats(OnnxMl.TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[b.remaining() / 4];
      b.asFloatBuffer().get(f);
      return f;
    }
    float[] f = new float[t.getFloatDataCount()];
    for (int i = 0; i < f.length; i++) {
      f[i] = t.getFloatData(i);
    }
    return f;
  }

  static OnnxMl.TensorProto int8(String name, long[] dims, byte[] data) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.INT8.getNumber()).setRawData(ByteString.copyFrom(data));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static OnnxMl.TensorProto scalarInt8(String name, byte v) {
    return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.INT8.getNumber())
        .setRawData(ByteString.copyFrom(new byte[] {v})).build();
  }

  static OnnxMl.TensorProto scalarUint8(String name, int v) {
    return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.UINT8.getNumber())
        .setRawData(ByteString.copyFrom(new byte[] {(byte) v})).build();
  }

  static OnnxMl.TensorProto scalarFloat(String name, float v) {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v);
    return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
        .setRawData(ByteString.copyFrom(b.array())).build();
  }

  static OnnxMl.NodeProto node(String op, String name, String[] inputs, String... outputs) {
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    return n.build();
  }

  static String[] in(String... names) {
    return names;
  }

  /** Weights quantized symmetrically to int8 (zero point 0), one scale for the tensor. */
  record SymmetricInt8(byte[] data, float scale) {}

  static SymmetricInt8 symmetricInt8(float[] w) {
    float max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    float scale = max == 0 ? 1f : max / 127f;
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
    }
    return new SymmetricInt8(q, scale);
  }

  /** Per-column (per output channel) int8 symmetric weights of a [K, N] matrix: one scale per column. */
  record PerColumnInt8(byte[] data, float[] scales) {}

  static PerColumnInt8 perColumnInt8(float[] w, int k, int n) {
    float[] max = new float[n];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        max[c] = Math.max(max[c], Math.abs(w[r * n + c]));
      }
    }
    float[] scales = new float[n];
    for (int c = 0; c < n; c++) {
      scales[c] = max[c] == 0 ? 1f : max[c] / 127f;
    }
    byte[] q = new byte[w.length];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        q[r * n + c] = (byte) Math.max(-127, Math.min(127, Math.round(w[r * n + c] / scales[c])));
      }
    }
    return new PerColumnInt8(q, scales);
  }

  static OnnxMl.TensorProto floatVector(String name, float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
        .addDims(v.length).setRawData(ByteString.copyFrom(b.array())).build();
  }

  static OnnxMl.TensorProto int8Zeros(String name, int n) {
    return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.INT8.getNumber())
        .addDims(n).setRawData(ByteString.copyFrom(new byte[n])).build();
  }

  /** The default-domain opset of a model, raised to at least {@code min}. */
  static OnnxMl.ModelProto.Builder requireOpset(OnnxMl.ModelProto.Builder m, int min) {
    for (int i = 0; i < m.getOpsetImportCount(); i++) {
      OnnxMl.OperatorSetIdProto o = m.getOpsetImport(i);
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        if (o.getVersion() < min) {
          m.setOpsetImport(i, o.toBuilder().setVersion(min));
        }
        return m;
      }
    }
    m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(min));
    return m;
  }

  /** Removes initializers no node reads (the fp32 weights a quantizer replaced). */
  static void dropUnused(OnnxMl.GraphProto.Builder g) {
    java.util.Set<String> used = new java.util.HashSet<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      used.addAll(n.getInputList());
    }
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      used.add(o.getName());
    }
    java.util.List<OnnxMl.TensorProto> keep = new java.util.ArrayList<>();
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      if (used.contains(t.getName())) {
        keep.add(t);
      }
    }
    g.clearInitializer().addAllInitializer(keep);
  }
}
