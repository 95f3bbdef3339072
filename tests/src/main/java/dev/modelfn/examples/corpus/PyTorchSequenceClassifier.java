package dev.modelfn.examples.corpus;

import static dev.modelfn.examples.corpus.Graphs.floatTensor;
import static dev.modelfn.examples.corpus.Graphs.integer;
import static dev.modelfn.examples.corpus.Graphs.ints;
import static dev.modelfn.examples.corpus.Graphs.namedTensorType;
import static dev.modelfn.examples.corpus.Graphs.node;
import static dev.modelfn.examples.corpus.Graphs.value;
import static dev.modelfn.examples.corpus.Graphs.weights;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * A sequence classifier as {@code torch.onnx.export} writes it with {@code dynamic_axes={"x": {0:
 * "batch", 1: "seq"}}} (opset 15): input {@code x} FP32 {@code [batch, seq, 8]}, the mean over the
 * sequence ({@code ReduceMean}, axes 1), a linear layer ({@code Gemm}, weight {@code [3, 8]}
 * transposed) and {@code Softmax} into {@code probabilities} FP32 {@code [batch, 3]}. Weights are a
 * fixed sequence.
 */
public final class PyTorchSequenceClassifier {
  public static final String NAME = "pytorch-sequence-classifier";
  public static final String INPUT = "x";
  public static final String OUTPUT = "probabilities";
  public static final int FEATURES = 8;
  public static final int CLASSES = 3;

  private PyTorchSequenceClassifier() {}

  public static OnnxMl.ModelProto model() {
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("main_graph")
        .addInput(value(INPUT, namedTensorType(DataType.FLOAT, "batch", "seq", FEATURES)))
        .addInitializer(floatTensor("fc.weight", weights(CLASSES * FEATURES, 19, 1.5f), CLASSES, FEATURES))
        .addInitializer(floatTensor("fc.bias", weights(CLASSES, 23, 0.5f), CLASSES))
        .addNode(node("ReduceMean", "/ReduceMean", false, List.of(INPUT), List.of("/ReduceMean_output_0"))
            .addAttribute(ints("axes", 1))
            .addAttribute(integer("keepdims", 0)))
        .addNode(node("Gemm", "/fc/Gemm", false, List.of("/ReduceMean_output_0", "fc.weight", "fc.bias"),
            List.of("/fc/Gemm_output_0"))
            .addAttribute(Graphs.floatAttribute("alpha", 1f))
            .addAttribute(Graphs.floatAttribute("beta", 1f))
            .addAttribute(integer("transB", 1)))
        .addNode(node("Softmax", "/Softmax", false, List.of("/fc/Gemm_output_0"), List.of(OUTPUT))
            .addAttribute(integer("axis", 1)))
        .addOutput(value(OUTPUT, namedTensorType(DataType.FLOAT, "batch", CLASSES)))
        .build();
    return Graphs.defaultDomainModel(graph, 8, 15, "pytorch", "2.1.0");
  }
}
