package dev.modelfn.examples;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Builds the {@code mlp} example model directly as ONNX protobuf from a fixed seed: input {@code
 * input} FP32 [N, 256] → MatMul/Add/Relu 1024 → MatMul/Add/Relu 768 → MatMul/Add 16 → Softmax,
 * output {@code probabilities} FP32 [N, 16]; 1,062,672 parameters (about 4 MB). Used for
 * performance work, where the model, not the serving path, should dominate.
 */
public final class MlpModelGenerator {
  public static final long SEED = 42L;
  public static final int[] LAYERS = {256, 1024, 768, 16};

  private MlpModelGenerator() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "target/models/mlp/mlp.onnx");
    byte[] bytes = build().toByteArray();
    if (Files.isRegularFile(out) && java.util.Arrays.equals(Files.readAllBytes(out), bytes)) {
      return; // up to date
    }
    Files.createDirectories(out.getParent());
    Path tmp = Files.createTempFile(out.getParent(), "mlp", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("wrote " + out + " (" + bytes.length + " bytes, " + parameters() + " parameters)");
  }

  public static long parameters() {
    long n = 0;
    for (int i = 0; i + 1 < LAYERS.length; i++) {
      n += (long) LAYERS[i] * LAYERS[i + 1] + LAYERS[i + 1];
    }
    return n;
  }

  public static OnnxMl.ModelProto build() {
    SplittableRandom rng = new SplittableRandom(SEED);
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("mlp");
    graph.addInput(valueInfo("input", LAYERS[0]));
    String x = "input";
    for (int l = 0; l + 1 < LAYERS.length; l++) {
      int in = LAYERS[l];
      int out = LAYERS[l + 1];
      String w = "W" + l;
      String b = "b" + l;
      graph.addInitializer(tensor(w, new long[] {in, out}, heInit(rng, in, out)));
      graph.addInitializer(tensor(b, new long[] {out}, new float[out]));
      String mm = "matmul" + l;
      String add = "add" + l;
      graph.addNode(node("MatMul", mm, x, w));
      graph.addNode(node("Add", add, mm, b));
      if (l + 2 < LAYERS.length) {
        String relu = "relu" + l;
        graph.addNode(node("Relu", relu, add));
        x = relu;
      } else {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(add)
            .addOutput("probabilities")
            .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(-1)
                .setType(OnnxMl.AttributeProto.AttributeType.INT))
            .build());
      }
    }
    graph.addOutput(valueInfo("probabilities", LAYERS[LAYERS.length - 1]));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setProducerName("modelfn")
        .setProducerVersion("1")
        .setModelVersion(1)
        .setDocString("modelfn example model 'mlp' (random weights, for performance work)")
        .setGraph(graph)
        .build();
  }

  private static float[] heInit(SplittableRandom rng, int in, int out) {
    float[] w = new float[in * out];
    double scale = StrictMath.sqrt(2.0 / in);
    for (int i = 0; i < w.length; i++) {
      double u1 = 1.0 - rng.nextDouble();
      double u2 = rng.nextDouble();
      w[i] = (float) (scale * StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2));
    }
    return w;
  }

  private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String i : inputs) {
      n.addInput(i);
    }
    return n.build();
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
    OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
        .build();
    return OnnxMl.ValueInfoProto.newBuilder().setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
        .build();
  }
}
