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
 * A sequence classifier with a second input, as {@code torch.onnx.export} writes a module {@code
 * forward(seq, context)} with {@code dynamic_axes={"seq": {0: "batch", 1: "steps"}, "context": {0:
 * "batch"}}} (opset 15): {@code seq} FP32 {@code [batch, steps, 8]} (a dynamic inner dimension)
 * beside {@code context} FP32 {@code [batch, 3]}; the mean over the steps ({@code ReduceMean}, axes
 * 1) concatenated with the context ({@code Concat}, axis 1), a linear layer ({@code Gemm}, weight
 * {@code [3, 11]} transposed) and {@code Softmax} into {@code probabilities} FP32 {@code [batch, 3]}.
 */
public final class PyTorchSequenceWithContext {
  public static final String NAME = "pytorch-sequence-with-context";
  public static final String SEQ = "seq";
  public static final String CONTEXT = "context";
  public static final String OUTPUT = "probabilities";
  public static final int FEATURES = 8;
  public static final int CONTEXT_FEATURES = 3;
  public static final int CLASSES = 3;

  private PyTorchSequenceWithContext() {}

  public static OnnxMl.ModelProto model() {
    int in = FEATURES + CONTEXT_FEATURES;
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("main_graph")
        .addInput(value(SEQ, namedTensorType(DataType.FLOAT, "batch", "steps", FEATURES)))
        .addInput(value(CONTEXT, namedTensorType(DataType.FLOAT, "batch", CONTEXT_FEATURES)))
        .addInitializer(floatTensor("fc.weight", weights(CLASSES * in, 43, 1.2f), CLASSES, in))
        .addInitializer(floatTensor("fc.bias", weights(CLASSES, 47, 0.5f), CLASSES))
        .addNode(node("ReduceMean", "/ReduceMean", false, List.of(SEQ), List.of("/ReduceMean_output_0"))
            .addAttribute(ints("axes", 1))
            .addAttribute(integer("keepdims", 0)))
        .addNode(node("Concat", "/Concat", false, List.of("/ReduceMean_output_0", CONTEXT), List.of("/Concat_output_0"))
            .addAttribute(integer("axis", 1)))
        .addNode(node("Gemm", "/fc/Gemm", false, List.of("/Concat_output_0", "fc.weight", "fc.bias"),
            List.of("/fc/Gemm_output_0"))
            .addAttribute(integer("transB", 1)))
        .addNode(node("Softmax", "/Softmax", false, List.of("/fc/Gemm_output_0"), List.of(OUTPUT))
            .addAttribute(integer("axis", 1)))
        .addOutput(value(OUTPUT, namedTensorType(DataType.FLOAT, "batch", CLASSES)))
        .build();
    return Graphs.defaultDomainModel(graph, 8, 15, "pytorch", "2.1.0");
  }
}
