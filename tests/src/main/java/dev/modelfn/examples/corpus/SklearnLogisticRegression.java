package dev.modelfn.examples.corpus;

import static dev.modelfn.examples.corpus.Graphs.floats;
import static dev.modelfn.examples.corpus.Graphs.integer;
import static dev.modelfn.examples.corpus.Graphs.ints;
import static dev.modelfn.examples.corpus.Graphs.node;
import static dev.modelfn.examples.corpus.Graphs.string;
import static dev.modelfn.examples.corpus.Graphs.strings;
import static dev.modelfn.examples.corpus.Graphs.tensorType;
import static dev.modelfn.examples.corpus.Graphs.value;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * {@code LogisticRegression} as skl2onnx converts it ({@code convert_sklearn(model, initial_types=[("float_input",
 * FloatTensorType([None, 4]))])}, target opset 15): a {@code LinearClassifier} (scores of every
 * class), a {@code Normalizer} (L1) after it for more than two classes, the label cast to INT64 (or
 * passed through an {@code Identity} for string classes) as {@code output_label}, and the
 * probabilities zipped with the class labels by {@code ZipMap} into {@code output_probability},
 * a {@code sequence<map<class, float>>}. Coefficients are fixed numbers, as a fitted model's are.
 */
public final class SklearnLogisticRegression {
  public static final int FEATURES = 4;
  static final long IR_VERSION = 8;
  static final long OPSET = 15;
  static final long ML_OPSET = 1;

  /** Coefficients of the three classes (rows) over the four features, and their intercepts. */
  static final float[][] MULTINOMIAL_COEF = {
      {-0.4236f, 0.9667f, -2.5170f, -1.0796f},
      {0.5346f, -0.3215f, -0.2064f, -0.9441f},
      {-0.1110f, -0.6452f, 2.7234f, 2.0237f}};
  static final float[] MULTINOMIAL_INTERCEPT = {9.8497f, 2.2378f, -12.0875f};

  /** The binary model's coefficients and intercept (sklearn's {@code coef_[0]}, {@code intercept_[0]}). */
  static final float[] BINARY_COEF = {1.3125f, -0.8750f, 0.4375f, -2.0625f};
  static final float BINARY_INTERCEPT = 0.3125f;
  public static final List<String> BINARY_CLASSES = List.of("approved", "declined");

  private SklearnLogisticRegression() {}

  /** Three integer classes 0, 1, 2 (multinomial: softmax, then L1 normalisation as skl2onnx writes it). */
  public static OnnxMl.ModelProto multinomial() {
    float[] coefficients = new float[3 * FEATURES];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(MULTINOMIAL_COEF[c], 0, coefficients, c * FEATURES, FEATURES);
    }
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("ONNX(LogisticRegression)")
        .addInput(value("float_input", tensorType(DataType.FLOAT, null, (long) FEATURES)))
        .addNode(node("LinearClassifier", "LinearClassifier", true, List.of("float_input"),
            List.of("label", "probability_tensor"))
            .addAttribute(ints("classlabels_ints", 0, 1, 2))
            .addAttribute(floats("coefficients", coefficients))
            .addAttribute(floats("intercepts", MULTINOMIAL_INTERCEPT))
            .addAttribute(integer("multi_class", 1))
            .addAttribute(string("post_transform", "SOFTMAX")))
        .addNode(node("Normalizer", "Normalizer", true, List.of("probability_tensor"), List.of("probabilities"))
            .addAttribute(string("norm", "L1")))
        .addNode(node("Cast", "Cast", false, List.of("label"), List.of("output_label"))
            .addAttribute(integer("to", DataType.INT64.getNumber())))
        .addNode(node("ZipMap", "ZipMap", true, List.of("probabilities"), List.of("output_probability"))
            .addAttribute(ints("classlabels_int64s", 0, 1, 2)))
        .addOutput(value("output_label", tensorType(DataType.INT64, (Long) null)))
        .addOutput(value("output_probability", Graphs.sequenceOfMaps(DataType.INT64)))
        .build();
    return Graphs.model(graph, IR_VERSION, OPSET, ML_OPSET, "skl2onnx", "1.17.0");
  }

  /**
   * Two string classes: skl2onnx writes the binary model as two rows of coefficients, {@code -coef}
   * and {@code coef} (and {@code -intercept}, {@code intercept}), with the logistic function and no
   * normalizer, and passes the string label through an {@code Identity}.
   */
  public static OnnxMl.ModelProto binaryStrings() {
    float[] coefficients = new float[2 * FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      coefficients[j] = -BINARY_COEF[j];
      coefficients[FEATURES + j] = BINARY_COEF[j];
    }
    String[] classes = BINARY_CLASSES.toArray(String[]::new);
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("ONNX(LogisticRegression)")
        .addInput(value("float_input", tensorType(DataType.FLOAT, null, (long) FEATURES)))
        .addNode(node("LinearClassifier", "LinearClassifier", true, List.of("float_input"),
            List.of("label", "probabilities"))
            .addAttribute(strings("classlabels_strings", classes))
            .addAttribute(floats("coefficients", coefficients))
            .addAttribute(floats("intercepts", -BINARY_INTERCEPT, BINARY_INTERCEPT))
            .addAttribute(integer("multi_class", 0))
            .addAttribute(string("post_transform", "LOGISTIC")))
        .addNode(node("Identity", "Identity", false, List.of("label"), List.of("output_label")))
        .addNode(node("ZipMap", "ZipMap", true, List.of("probabilities"), List.of("output_probability"))
            .addAttribute(strings("classlabels_strings", classes)))
        .addOutput(value("output_label", tensorType(DataType.STRING, (Long) null)))
        .addOutput(value("output_probability", Graphs.sequenceOfMaps(DataType.STRING)))
        .build();
    return Graphs.model(graph, IR_VERSION, OPSET, ML_OPSET, "skl2onnx", "1.17.0");
  }
}
