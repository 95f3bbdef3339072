package dev.modelfn.examples.corpus;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Protobuf building blocks of the corpus graphs: nodes, attributes, typed inputs and outputs. */
final class Graphs {
  static final String ML = "ai.onnx.ml";

  private Graphs() {}

  /** A node of the default domain ({@code ml} false) or of {@code ai.onnx.ml}. */
  static OnnxMl.NodeProto.Builder node(String op, String name, boolean ml, List<String> inputs, List<String> outputs) {
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name)
        .addAllInput(inputs).addAllOutput(outputs);
    if (ml) {
      n.setDomain(ML);
    }
    return n;
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto floats(String name, float... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  static AttributeProto strings(String name, String... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
    }
    return a.build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
  }

  static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  /** A tensor type; a null dimension is unknown (as exporters write {@code None}). */
  static OnnxMl.TypeProto tensorType(DataType type, Long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Long d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d != null) {
        dim.setDimValue(d);
      }
      shape.addDim(dim);
    }
    return OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)).build();
  }

  /**
   * A tensor type with named dimensions, as PyTorch writes {@code dynamic_axes}: a {@code String}
   * is a {@code dim_param} ({@code "batch"}), a number a fixed size.
   */
  static OnnxMl.TypeProto namedTensorType(DataType type, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String param) {
        dim.setDimParam(param);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)).build();
  }

  /** An FP32 initializer (weights) of the given shape, its values row-major. */
  static OnnxMl.TensorProto floatTensor(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  /** Deterministic weights in [-scale, scale): a fixed linear congruential sequence, as a seed fixes a fit. */
  static float[] weights(int n, long seed, float scale) {
    float[] w = new float[n];
    long s = seed;
    for (int i = 0; i < n; i++) {
      s = s * 6364136223846793005L + 1442695040888963407L;
      w[i] = ((s >>> 40) / (float) (1L << 24) * 2 - 1) * scale;
    }
    return w;
  }

  /** A model of the default domain only, as PyTorch's exporter writes it. */
  static OnnxMl.ModelProto defaultDomainModel(OnnxMl.GraphProto graph, long irVersion, long opset, String producer,
      String producerVersion) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(irVersion)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setProducerName(producer)
        .setProducerVersion(producerVersion)
        .setGraph(graph)
        .build();
  }

  /** {@code sequence<map<key, tensor(float)>>}: what ZipMap writes. */
  static OnnxMl.TypeProto sequenceOfMaps(DataType key) {
    OnnxMl.TypeProto value = OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT.getNumber())).build();
    OnnxMl.TypeProto map = OnnxMl.TypeProto.newBuilder()
        .setMapType(OnnxMl.TypeProto.Map.newBuilder().setKeyType(key.getNumber()).setValueType(value)).build();
    return OnnxMl.TypeProto.newBuilder().setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder().setElemType(map)).build();
  }

  static OnnxMl.ValueInfoProto value(String name, OnnxMl.TypeProto type) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  /** A model with the exporter's IR version, opset imports and producer. */
  static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, long irVersion, long opset, long mlOpset, String producer,
      String producerVersion) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(irVersion)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(mlOpset))
        .setProducerName(producer)
        .setProducerVersion(producerVersion)
        .setDomain("ai.onnx")
        .setModelVersion(0)
        .setGraph(graph)
        .build();
  }
}
