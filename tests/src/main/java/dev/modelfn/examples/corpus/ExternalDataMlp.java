package dev.modelfn.examples.corpus;

import static dev.modelfn.examples.corpus.Graphs.floatTensor;
import static dev.modelfn.examples.corpus.Graphs.integer;
import static dev.modelfn.examples.corpus.Graphs.namedTensorType;
import static dev.modelfn.examples.corpus.Graphs.node;
import static dev.modelfn.examples.corpus.Graphs.value;
import static dev.modelfn.examples.corpus.Graphs.weights;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multilayer perceptron as {@code torch.onnx.export} writes it, saved with its weights as
 * external data the way {@code onnx.save_model(m, path, save_as_external_data=True, ...)} writes a
 * model over 2 GB (https://onnx.ai/onnx/repo-docs/ExternalData.html): every initializer of 1024
 * bytes or more (onnx's {@code size_threshold}) leaves the model for a data file, its {@code
 * raw_data} little-endian at an {@code offset} with its {@code length}, {@code data_location =
 * EXTERNAL}; smaller ones (the biases) stay inline. Two layouts: all tensors in one {@code
 * <model>.onnx.data} ({@code all_tensors_to_one_file=True}, the default), or one file per tensor
 * named after it ({@code False}).
 *
 * <p>Graph: input {@code x} FP32 {@code [batch, 16]}, {@code Gemm} (weight {@code [64, 16]},
 * {@code transB}) → {@code Relu} → {@code Gemm} (weight {@code [4, 64]}) → {@code Softmax} into
 * {@code probabilities} FP32 {@code [batch, 4]}. Weights are a fixed sequence.
 */
public final class ExternalDataMlp {
  /** All external tensors in one file, {@code <name>.onnx.data}. */
  public static final String NAME = "pytorch-mlp-external-data";
  /** One file per external tensor, named after the tensor. */
  public static final String PER_TENSOR_NAME = "pytorch-mlp-external-data-per-tensor";
  public static final String INPUT = "x";
  public static final String OUTPUT = "probabilities";
  public static final int FEATURES = 16;
  public static final int HIDDEN = 64;
  public static final int CLASSES = 4;
  /** onnx's {@code size_threshold}: smaller tensors stay in the model. */
  private static final int SIZE_THRESHOLD = 1024;

  private ExternalDataMlp() {}

  /** The model with every tensor inline, as the exporter builds it before saving. */
  public static OnnxMl.ModelProto inline(long irVersion) {
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("main_graph")
        .addInput(value(INPUT, namedTensorType(DataType.FLOAT, "batch", FEATURES)))
        .addInitializer(floatTensor("fc1.weight", weights(HIDDEN * FEATURES, 29, 0.6f), HIDDEN, FEATURES))
        .addInitializer(floatTensor("fc1.bias", weights(HIDDEN, 31, 0.2f), HIDDEN))
        .addInitializer(floatTensor("fc2.weight", weights(CLASSES * HIDDEN, 37, 0.5f), CLASSES, HIDDEN))
        .addInitializer(floatTensor("fc2.bias", weights(CLASSES, 41, 0.2f), CLASSES))
        .addNode(node("Gemm", "/fc1/Gemm", false, List.of(INPUT, "fc1.weight", "fc1.bias"), List.of("/fc1/Gemm_output_0"))
            .addAttribute(integer("transB", 1)))
        .addNode(node("Relu", "/Relu", false, List.of("/fc1/Gemm_output_0"), List.of("/Relu_output_0")))
        .addNode(node("Gemm", "/fc2/Gemm", false, List.of("/Relu_output_0", "fc2.weight", "fc2.bias"),
            List.of("/fc2/Gemm_output_0"))
            .addAttribute(integer("transB", 1)))
        .addNode(node("Softmax", "/Softmax", false, List.of("/fc2/Gemm_output_0"), List.of(OUTPUT))
            .addAttribute(integer("axis", 1)))
        .addOutput(value(OUTPUT, namedTensorType(DataType.FLOAT, "batch", CLASSES)))
        .build();
    return Graphs.defaultDomainModel(graph, irVersion, 15, "pytorch", "2.1.0");
  }

  /**
   * The files of the model saved with external data: {@code <modelFile>} first, then each data file
   * by its location (relative to the model file).
   *
   * @param onePerTensor one file per tensor instead of all in {@code <modelFile>.data}
   */
  public static Map<String, byte[]> files(String modelFile, boolean onePerTensor, long irVersion) {
    OnnxMl.ModelProto model = inline(irVersion);
    OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
    Map<String, ByteArrayOutputStream> data = new LinkedHashMap<>();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      OnnxMl.TensorProto t = graph.getInitializer(i);
      byte[] raw = littleEndian(t.getFloatDataList());
      if (raw.length < SIZE_THRESHOLD) {
        continue;
      }
      String location = onePerTensor ? t.getName() : modelFile + ".data";
      ByteArrayOutputStream file = data.computeIfAbsent(location, l -> new ByteArrayOutputStream());
      long offset = file.size();
      file.writeBytes(raw);
      graph.setInitializer(i, t.toBuilder().clearFloatData()
          .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
          .addExternalData(entry("location", location))
          .addExternalData(entry("offset", Long.toString(offset)))
          .addExternalData(entry("length", Integer.toString(raw.length))));
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(modelFile, model.toBuilder().setGraph(graph).build().toByteArray());
    data.forEach((location, bytes) -> files.put(location, bytes.toByteArray()));
    return files;
  }

  /** The model file of the corpus layout {@code <corpusDir>/<name>/<name>.onnx}. */
  public static Path file(Path corpusDir, String name) {
    return corpusDir.resolve(name).resolve(name + ".onnx");
  }

  /** Both layouts, each as {@code <name>/<name>.onnx} with its data files beside it. */
  static Map<String, Map<String, byte[]>> corpus() {
    return Map.of(NAME, files(NAME + ".onnx", false, 8), PER_TENSOR_NAME, files(PER_TENSOR_NAME + ".onnx", true, 8));
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static byte[] littleEndian(List<Float> values) {
    ByteBuffer b = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(b::putFloat);
    return b.array();
  }
}
