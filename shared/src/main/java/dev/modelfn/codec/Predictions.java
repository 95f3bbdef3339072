package dev.modelfn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns batched output tensors into one prediction per row, the shape every row-oriented format
 * uses (v1 {@code predictions}, SageMaker JSON and CSV, batch and stream outputs).
 *
 * <p>For a classifier (the model carries labels and has a float output {@code [rows, labels]}), a
 * row is {@code {"label": "fraud", "probabilities": {"legit": 0.93, "fraud": 0.07}}}; in CSV, {@code
 * label,p_legit,p_fraud}. Otherwise a row is the row's slice of the single output (nested as the
 * output shape), or an object keyed by output name when there are several.
 *
 * <p>A classifier exported with a {@code ZipMap} (skl2onnx, onnxmltools) has its probabilities as a
 * class-map output ({@link TensorSpec#classMap()}) and its predicted class as a separate label
 * output (INT64 or BYTES, one per row): the row's {@code label} is then that output's value, as the
 * model decided it (a JSON number for INT64 labels), not the best score's class.
 */
public final class Predictions {
  private final List<String> labels;
  /** The model's own label output when it has one beside a ZipMap, else null. */
  private final String labelOutput;

  public Predictions(ModelSignature signature) {
    this.labels = signature.labels();
    this.labelOutput = labelOutput(signature);
  }

  /**
   * The single rank-1 INT64 or BYTES output beside a class-map output whose classes are the labels
   * served (skl2onnx's {@code output_label}, onnxmltools' {@code label}), or null.
   */
  private static String labelOutput(ModelSignature sig) {
    boolean zipMap = false;
    for (TensorSpec s : sig.outputs()) {
      zipMap |= s.classMap() && s.classes().equals(sig.labels());
    }
    if (!zipMap) {
      return null;
    }
    String found = null;
    for (TensorSpec s : sig.outputs()) {
      if (!s.classMap() && s.rank() == 1 && (s.type() == ElementType.INT64 || s.type() == ElementType.BYTES)) {
        if (found != null) {
          return null;
        }
        found = s.name();
      }
    }
    return found;
  }

  /** The model's label output in {@code r}, when it has one beside its class scores. */
  private Tensor labelTensor(InferenceResult r) {
    if (labelOutput == null) {
      return null;
    }
    for (Tensor t : r.outputs()) {
      if (t.name().equals(labelOutput)) {
        return t;
      }
    }
    return null;
  }

  /** The output holding class scores, when the model is a classifier with known labels. */
  public Optional<Tensor> classScores(InferenceResult r) {
    if (labels.isEmpty()) {
      return Optional.empty();
    }
    for (Tensor t : r.outputs()) {
      if ((t.type() == ElementType.FP32 || t.type() == ElementType.FP64) && t.rank() == 2
          && t.dim(1) == labels.size()) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Mean of each row's best class score over the first {@code rows} rows (the model's confidence,
   * a quality signal the canary release alarms on), or NaN without class scores.
   */
  public static double meanTopScore(Optional<Tensor> scores, int rows) {
    if (scores.isEmpty() || rows <= 0) {
      return Double.NaN;
    }
    Tensor t = scores.get();
    int n = (int) Math.min(rows, t.dim(0));
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += t.getDouble(r * (int) t.dim(1) + argmax(t, r));
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Index of the best class of {@code row}. */
  public static int argmax(Tensor scores, int row) {
    int k = (int) scores.dim(1);
    int base = row * k;
    int best = 0;
    double bestScore = scores.getDouble(base);
    for (int j = 1; j < k; j++) {
      double s = scores.getDouble(base + j);
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    return best;
  }

  /** Writes the prediction of {@code row} as one JSON value. */
  public void writeRow(JsonGenerator g, InferenceResult r, Optional<Tensor> scores, int row) throws IOException {
    if (scores.isPresent()) {
      Tensor s = scores.get();
      int k = labels.size();
      g.writeStartObject();
      Tensor label = labelTensor(r);
      if (label != null) {
        g.writeFieldName("label");
        TensorJson.writeElements(g, label, row, row + 1);
      } else {
        g.writeStringField("label", labels.get(argmax(s, row)));
      }
      g.writeObjectFieldStart("probabilities");
      for (int j = 0; j < k; j++) {
        g.writeFieldName(labels.get(j));
        TensorJson.writeElements(g, s, row * k + j, row * k + j + 1);
      }
      g.writeEndObject();
      g.writeEndObject();
      return;
    }
    List<Tensor> outs = r.outputs();
    if (outs.size() == 1) {
      writeSlice(g, outs.get(0), row);
      return;
    }
    g.writeStartObject();
    for (Tensor t : outs) {
      g.writeFieldName(t.name());
      writeSlice(g, t, row);
    }
    g.writeEndObject();
  }

  private static void writeSlice(JsonGenerator g, Tensor t, int row) throws IOException {
    if (t.rank() == 0) {
      TensorJson.writeElements(g, t, 0, 1);
      return;
    }
    long[] dims = Arrays.copyOfRange(t.shape(), 1, t.rank());
    int rowSize = (int) Tensor.elementCount(dims);
    TensorJson.writeNested(g, t, row * rowSize, dims, 0);
  }

  /** CSV header of the prediction columns. */
  public List<String> csvHeader(InferenceResult r, Optional<Tensor> scores) {
    List<String> h = new ArrayList<>();
    if (scores.isPresent()) {
      h.add("label");
      for (String l : labels) {
        h.add("p_" + l);
      }
      return h;
    }
    for (Tensor t : r.outputs()) {
      int rowSize = t.rank() == 0 ? 1 : t.size() / (int) Math.max(1, t.dim(0));
      for (int j = 0; j < rowSize; j++) {
        h.add(rowSize == 1 ? t.name() : t.name() + "_" + j);
      }
    }
    return h;
  }

  /** Appends the prediction of {@code row} as CSV cells (no line end). */
  public void appendCsvRow(StringBuilder sb, InferenceResult r, Optional<Tensor> scores, int row) {
    if (scores.isPresent()) {
      Tensor s = scores.get();
      int k = labels.size();
      Tensor label = labelTensor(r);
      if (label != null) {
        appendValue(sb, label, row);
      } else {
        sb.append(CsvWriter.escape(labels.get(argmax(s, row))));
      }
      for (int j = 0; j < k; j++) {
        sb.append(',');
        appendValue(sb, s, row * k + j);
      }
      return;
    }
    boolean first = true;
    for (Tensor t : r.outputs()) {
      int rowSize = t.rank() == 0 ? 1 : t.size() / (int) Math.max(1, t.dim(0));
      int base = t.rank() == 0 ? 0 : row * rowSize;
      for (int j = 0; j < rowSize; j++) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        appendValue(sb, t, base + j);
      }
    }
  }

  private static void appendValue(StringBuilder sb, Tensor t, int i) {
    Object d = t.data();
    switch (t.type()) {
      // Schubfach (as Jackson writes JSON numbers): the shortest digits that read back to the same
      // value, several times faster than Float.toString on Java 17
      case FP32 -> sb.append(com.fasterxml.jackson.core.io.NumberOutput.toString(((float[]) d)[i], true));
      case FP64 -> sb.append(com.fasterxml.jackson.core.io.NumberOutput.toString(((double[]) d)[i], true));
      case INT64 -> sb.append(((long[]) d)[i]);
      case INT32 -> sb.append(((int[]) d)[i]);
      case BOOL -> sb.append(((boolean[]) d)[i]);
      case BYTES -> sb.append(CsvWriter.escape(((String[]) d)[i]));
    }
  }
}
