package dev.modelfn.edge;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A binary classifier small enough to bundle in milliseconds: input FP32 [N, 4] → MatMul [4, 2] →
 * Add → Softmax → {@code probabilities} [N, 2]. {@code bias} shifts the scores, so two versions
 * give different outputs.
 */
public final class TinyModel {
  private TinyModel() {}

  public static Path write(Path file, float bias) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, build(bias).toByteArray());
    return file;
  }

  public static OnnxMl.ModelProto build(float bias) {
    float[] w = {0.5f, -0.5f, 1.0f, -1.0f, -0.25f, 0.25f, 0.75f, 0.1f};
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny")
        .addInput(valueInfo("input", 4)).addOutput(valueInfo("probabilities", 2))
        .addInitializer(tensor("W", new long[] {4, 2}, w))
        .addInitializer(tensor("b", new long[] {2}, new float[] {bias, -bias}))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("input").addInput("W")
            .addOutput("mm"))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").setName("add").addInput("mm").addInput("b")
            .addOutput("logits"))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput("logits")
            .addOutput("probabilities").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(-1)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)));
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("modelfn-test").setProducerVersion("1")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  private static OnnxMl.TensorProto tensor(String name, long[] dims, float[] data) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, int width) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setShape(OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))))).build();
  }
}
