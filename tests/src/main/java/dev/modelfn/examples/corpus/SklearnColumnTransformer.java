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
 * A {@code Pipeline(ColumnTransformer, LogisticRegression)} as skl2onnx converts it when each column
 * group is its own typed input ({@code initial_types=[("num", FloatTensorType([None, 2])),
 * ("age_bucket", Int64TensorType([None, 1])), ("country", StringTensorType([None, 1]))]}): the
 * string column through a {@code LabelEncoder} ({@code ai.onnx.ml} 2, {@code keys_strings} →
 * {@code values_int64s}, unknown countries → -1), every column group cast to float, a {@code
 * Concat} of the four columns, then the classifier as for a plain logistic regression: {@code
 * LinearClassifier} (softmax) → {@code Normalizer} (L1) → {@code ZipMap}, label → {@code Cast}.
 */
public final class SklearnColumnTransformer {
  public static final String NAME = "sklearn-column-transformer";
  public static final String NUM = "num";
  public static final String AGE_BUCKET = "age_bucket";
  public static final String COUNTRY = "country";
  public static final int NUM_COLUMNS = 2;
  public static final List<String> COUNTRIES = List.of("DE", "FR", "GB", "US");
  public static final List<String> CLASSES = List.of("0", "1", "2");
  static final long ML_OPSET = 2;

  /** Coefficients of the three classes over num[0], num[1], age_bucket, country code; intercepts. */
  static final float[][] COEF = {
      {0.8125f, -0.4375f, 0.1875f, -0.6250f},
      {-0.3125f, 0.9375f, -0.2500f, 0.3125f},
      {-0.5000f, -0.5000f, 0.0625f, 0.3125f}};
  static final float[] INTERCEPT = {0.25f, -0.125f, -0.125f};

  private SklearnColumnTransformer() {}

  public static OnnxMl.ModelProto pipeline() {
    float[] coefficients = new float[3 * 4];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(COEF[c], 0, coefficients, c * 4, 4);
    }
    long[] codes = new long[COUNTRIES.size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = i;
    }
    int toFloat = DataType.FLOAT.getNumber();
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
        .setName("ONNX(Pipeline)")
        .addInput(value(NUM, tensorType(DataType.FLOAT, null, (long) NUM_COLUMNS)))
        .addInput(value(AGE_BUCKET, tensorType(DataType.INT64, null, 1L)))
        .addInput(value(COUNTRY, tensorType(DataType.STRING, null, 1L)))
        .addNode(node("Cast", "Cast", false, List.of(NUM), List.of("num_float")).addAttribute(integer("to", toFloat)))
        .addNode(node("Cast", "Cast1", false, List.of(AGE_BUCKET), List.of("age_bucket_float"))
            .addAttribute(integer("to", toFloat)))
        .addNode(node("LabelEncoder", "LabelEncoder", true, List.of(COUNTRY), List.of("country_code"))
            .addAttribute(strings("keys_strings", COUNTRIES.toArray(String[]::new)))
            .addAttribute(ints("values_int64s", codes))
            .addAttribute(integer("default_int64", -1)))
        .addNode(node("Cast", "Cast2", false, List.of("country_code"), List.of("country_float"))
            .addAttribute(integer("to", toFloat)))
        .addNode(node("Concat", "Concat", false, List.of("num_float", "age_bucket_float", "country_float"),
            List.of("transformed_column")).addAttribute(integer("axis", 1)))
        .addNode(node("LinearClassifier", "LinearClassifier", true, List.of("transformed_column"),
            List.of("label", "probability_tensor"))
            .addAttribute(ints("classlabels_ints", 0, 1, 2))
            .addAttribute(floats("coefficients", coefficients))
            .addAttribute(floats("intercepts", INTERCEPT))
            .addAttribute(integer("multi_class", 1))
            .addAttribute(string("post_transform", "SOFTMAX")))
        .addNode(node("Normalizer", "Normalizer", true, List.of("probability_tensor"), List.of("probabilities"))
            .addAttribute(string("norm", "L1")))
        .addNode(node("Cast", "Cast3", false, List.of("label"), List.of("output_label"))
            .addAttribute(integer("to", DataType.INT64.getNumber())))
        .addNode(node("ZipMap", "ZipMap", true, List.of("probabilities"), List.of("output_probability"))
            .addAttribute(ints("classlabels_int64s", 0, 1, 2)))
        .addOutput(value("output_label", tensorType(DataType.INT64, (Long) null)))
        .addOutput(value("output_probability", Graphs.sequenceOfMaps(DataType.INT64)))
        .build();
    return Graphs.model(graph, SklearnLogisticRegression.IR_VERSION, SklearnLogisticRegression.OPSET, ML_OPSET,
        "skl2onnx", "1.17.0");
  }
}
