package dev.modelfn.codec;

import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CSV rows ({@code text/csv}) for tabular models: one row per instance. A first row that is not
 * numeric is a header and is mapped onto the model's feature names (columns the model does not use
 * are ignored; a missing feature is an error); without a header, columns are in feature order.
 */
public final class CsvCodec {
  private CsvCodec() {}

  /** How CSV columns map onto the model's feature columns. */
  public record ColumnMapping(int[] sourceColumn, int width, boolean header) {}

  public static InferenceRequest decode(byte[] body, int offset, int length, ModelSignature sig, int maxRows) {
    TensorSpec spec = sig.tabularInput().orElseThrow(() -> new InvalidInputException("",
        "JSON (v1 instances keyed by input name, or OIP v2 tensors): CSV rows fill a single [rows, features]"
            + " numeric input, and this model has " + sig.inputs().size() + " input(s): " + sig.describeInputs(), "text/csv"));
    List<List<String>> rows = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    ColumnMapping mapping;
    try (CsvRecords reader = CsvRecords.of(body, offset, length)) {
      List<String> first = reader.next();
      if (first == null) {
        throw new InvalidInputException("", "at least one CSV row", "an empty body");
      }
      mapping = mapping(first, sig, spec);
      if (!mapping.header()) {
        rows.add(first);
        lines.add(reader.recordLine());
      }
      for (List<String> rec = reader.next(); rec != null; rec = reader.next()) {
        if (rows.size() >= maxRows) {
          throw new InvalidInputException("/rows", "at most " + maxRows + " rows", "more");
        }
        rows.add(rec);
        lines.add(reader.recordLine());
      }
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException("/rows", "at least one data row after the header", "none");
    }
    int cols = mapping.sourceColumn().length;
    TensorBuilder b = new TensorBuilder(spec.name(), spec.type(), new long[] {rows.size(), cols});
    List<String> names = sig.featureNames();
    for (int r = 0; r < rows.size(); r++) {
      fillRow(b, rows.get(r), r, lines.get(r), mapping, names);
    }
    return InferenceRequest.of(b.build());
  }

  /** Fills row {@code r} of the tensor from one CSV record. */
  public static void fillRow(TensorBuilder b, List<String> rec, int r, long line, ColumnMapping mapping,
      List<String> names) {
    int cols = mapping.sourceColumn().length;
    if (rec.size() != mapping.width()) {
      throw new InvalidInputException("/rows/" + r, mapping.width() + " columns", rec.size()
          + " columns (line " + line + ")");
    }
    for (int c = 0; c < cols; c++) {
      String col = names.isEmpty() ? Integer.toString(c) : Json.pointerSegment(names.get(c));
      try {
        b.putText(r * cols + c, rec.get(mapping.sourceColumn()[c]), "/rows/" + r + "/" + col);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(e.pointer(), e.expected(), e.received() + " (line " + line + ")");
      }
    }
  }

  /** Works out the column mapping from the first record: a header if it is not numeric. */
  public static ColumnMapping mapping(List<String> first, ModelSignature sig, TensorSpec spec) {
    List<String> features = sig.featureNames();
    boolean header = first.stream().anyMatch(c -> !isNumber(c));
    long declared = spec.shape().get(1);
    if (!header) {
      int width = features.isEmpty() ? (declared >= 0 ? (int) declared : first.size()) : features.size();
      if (first.size() != width) {
        throw new InvalidInputException("/rows/0", width + " columns"
            + (features.isEmpty() ? "" : " in the order " + features), first.size() + " columns (line 1)");
      }
      int[] src = new int[width];
      for (int i = 0; i < width; i++) {
        src[i] = i;
      }
      return new ColumnMapping(src, width, false);
    }
    if (features.isEmpty()) {
      throw new InvalidInputException("/header", "numeric rows: this model carries no feature names to map a header"
          + " onto (add them to the model or set MODELFN_FEATURE_NAMES)", "header " + first);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < first.size(); i++) {
      String name = first.get(i).strip();
      if (index.put(name, i) != null) {
        throw new InvalidInputException("/header/" + i, "unique column names", "'" + name + "' twice");
      }
    }
    int[] src = new int[features.size()];
    List<String> missing = new ArrayList<>();
    for (int c = 0; c < features.size(); c++) {
      Integer i = index.get(features.get(c));
      if (i == null) {
        missing.add(features.get(c));
      } else {
        src[c] = i;
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException("/header", "columns for every feature " + features, "missing " + missing);
    }
    return new ColumnMapping(src, first.size(), true);
  }

  private static boolean isNumber(String cell) {
    String s = cell.strip();
    if (s.isEmpty()) {
      return true; // an empty cell is a missing value, not a header name
    }
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Writes one CSV line per row: {@code label,p_...} for classifiers, output values otherwise. */
  public static byte[] encode(ModelSignature sig, InferenceResult result, int rows, boolean header) {
    Predictions p = new Predictions(sig);
    Optional<Tensor> scores = p.classScores(result);
    StringBuilder sb = new StringBuilder(rows * 48);
    if (header) {
      sb.append(String.join(",", p.csvHeader(result, scores))).append('\n');
    }
    for (int r = 0; r < rows; r++) {
      p.appendCsvRow(sb, result, scores, r);
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
