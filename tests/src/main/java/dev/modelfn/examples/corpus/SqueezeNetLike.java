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
 * An image classifier in SqueezeNet's shape (the ONNX model zoo's {@code squeezenet1.1}: input
 * {@code data} NCHW FP32, a first {@code Conv} → {@code Relu} → {@code MaxPool}, a final 1×1 {@code
 * Conv} with one channel per class → {@code Relu} → {@code GlobalAveragePool} → {@code Flatten} →
 * {@code Softmax}), shrunk to {@code [N, 3, 32, 32]} images, 8 filters and 4 classes so that tests
 * stay fast. Weights are a fixed sequence.
 */
public final class SqueezeNetLike {
  public static final String NAME = "squeezenet-like";
  public static final String INPUT = "data";
  public static final String OUTPUT = "softmaxout_1";
  public static final int CHANNELS = 3;
  public static final int SIZE = 32;
  public static final int FILTERS = 8;
  public static final int CLASSES = 4;

  private SqueezeNetLike() {}

  public static OnnxMl.ModelProto model() {
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("squeezenet-like")
        .addInput(value(INPUT, namedTensorType(DataType.FLOAT, "N", CHANNELS, SIZE, SIZE)))
        .addInitializer(floatTensor("conv1_w", weights(FILTERS * CHANNELS * 9, 31, 0.4f), FILTERS, CHANNELS, 3, 3))
        .addInitializer(floatTensor("conv1_b", weights(FILTERS, 37, 0.1f), FILTERS))
        .addInitializer(floatTensor("conv10_w", weights(CLASSES * FILTERS, 41, 0.8f), CLASSES, FILTERS, 1, 1))
        .addInitializer(floatTensor("conv10_b", weights(CLASSES, 43, 0.2f), CLASSES))
        .addNode(node("Conv", "conv1", false, List.of(INPUT, "conv1_w", "conv1_b"), List.of("conv1"))
            .addAttribute(ints("kernel_shape", 3, 3))
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(ints("strides", 1, 1)))
        .addNode(node("Relu", "relu_conv1", false, List.of("conv1"), List.of("relu_conv1")))
        .addNode(node("MaxPool", "pool1", false, List.of("relu_conv1"), List.of("pool1"))
            .addAttribute(ints("kernel_shape", 2, 2))
            .addAttribute(ints("strides", 2, 2)))
        .addNode(node("Conv", "conv10", false, List.of("pool1", "conv10_w", "conv10_b"), List.of("conv10"))
            .addAttribute(ints("kernel_shape", 1, 1)))
        .addNode(node("Relu", "relu_conv10", false, List.of("conv10"), List.of("relu_conv10")))
        .addNode(node("GlobalAveragePool", "pool10", false, List.of("relu_conv10"), List.of("pool10")))
        .addNode(node("Flatten", "flatten", false, List.of("pool10"), List.of("flatten"))
            .addAttribute(integer("axis", 1)))
        .addNode(node("Softmax", "softmax", false, List.of("flatten"), List.of(OUTPUT))
            .addAttribute(integer("axis", 1)))
        .addOutput(value(OUTPUT, namedTensorType(DataType.FLOAT, "N", CLASSES)))
        .build();
    return Graphs.defaultDomainModel(graph, 8, 15, "pytorch", "2.1.0");
  }
}
