package dev.modelfn.examples.corpus;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * One model of the corpus: its name (and file {@code <name>/<name>.onnx}), the exporter whose shape
 * it has, its FP32 input {@code [N, features]}, its outputs and how to build it.
 *
 * @param labelOutput the classifier's label output, null for a regressor
 * @param scoresOutput the classifier's {@code sequence<map<class, float>>} output (the regressor's
 *     value output)
 * @param classes the class labels in the ZipMap's order, empty for a regressor
 */
public record CorpusModel(String name, String exporter, String input, int features, String labelOutput,
    String scoresOutput, List<String> classes, Supplier<OnnxMl.ModelProto> builder) {

  public CorpusModel {
    classes = List.copyOf(classes);
  }

  public boolean classifier() {
    return labelOutput != null;
  }

  public Path file(Path corpusDir) {
    return corpusDir.resolve(name).resolve(name + ".onnx");
  }

  /** Every model of the corpus. */
  public static List<CorpusModel> all() {
    return List.of(
        new CorpusModel("sklearn-logreg", "skl2onnx", "float_input", SklearnLogisticRegression.FEATURES,
            "output_label", "output_probability", List.of("0", "1", "2"), SklearnLogisticRegression::multinomial),
        new CorpusModel("sklearn-logreg-strings", "skl2onnx", "float_input", SklearnLogisticRegression.FEATURES,
            "output_label", "output_probability", SklearnLogisticRegression.BINARY_CLASSES,
            SklearnLogisticRegression::binaryStrings),
        new CorpusModel("lightgbm-classifier", "onnxmltools", "input", LightGbmTrees.FEATURES, "label",
            "probabilities", List.of("0", "1", "2"), LightGbmTrees::classifier),
        new CorpusModel("lightgbm-regressor", "onnxmltools", "input", LightGbmTrees.FEATURES, null, "variable",
            List.of(), LightGbmTrees::regressor));
  }
}
