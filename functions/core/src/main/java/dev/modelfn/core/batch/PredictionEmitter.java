package dev.modelfn.core.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.Predictions;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.Predictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scores each {@link MicroBatch} in one model call and writes its predictions (CSV or JSON Lines)
 * and its rejects in row order. Small methods, called once per batch, so that the JIT compiles the
 * per-batch path while the first object is scored rather than as one large method later.
 */
final class PredictionEmitter {
  private final Predictor predictor;
  private final Predictions predictions;
  private final TensorSpec spec;
  private final int width;
  private final InputFormat outFormat;
  private final PartWriter out;
  private final PartWriter rej;
  private final StringBuilder sb = new StringBuilder(128);
  private boolean csvHeaderWritten;

  PredictionEmitter(Predictor predictor, TensorSpec spec, int width, InputFormat outFormat, PartWriter out,
      PartWriter rej, boolean csvHeaderWritten) {
    this.predictor = predictor;
    this.predictions = new Predictions(predictor.metadata().signature());
    this.spec = spec;
    this.width = width;
    this.outFormat = outFormat;
    this.out = out;
    this.rej = rej;
    this.csvHeaderWritten = csvHeaderWritten;
  }

  /** Whether the CSV output's header line is written (it comes with the first prediction). */
  boolean csvHeaderWritten() {
    return csvHeaderWritten;
  }

  void scoreAndWrite(MicroBatch b) {
    InferenceResult result = null;
    if (b.n > 0) {
      Tensor input = new Tensor(spec.name(), ElementType.FP32, new long[] {b.n, width},
          b.n * width == b.x.length ? b.x : Arrays.copyOf(b.x, b.n * width));
      result = predictor.infer(InferenceRequest.of(input));
    }
    Optional<Tensor> scores = result == null ? Optional.empty() : predictions.classScores(result);
    int r = 0;
    int j = 0;
    while (r < b.n || j < b.rejects.size()) {
      long scoredRow = r < b.n ? b.rows[r] : Long.MAX_VALUE;
      long rejectRow = j < b.rejects.size() ? b.rejects.get(j).row() : Long.MAX_VALUE;
      if (scoredRow < rejectRow) {
        writePrediction(result, scores, r, scoredRow);
        r++;
      } else {
        byte[] bytes = b.rejects.get(j).jsonLine();
        rej.write(bytes, 0, bytes.length);
        j++;
      }
    }
  }

  /**
   * Writes the CSV header if no prediction did (an empty file): it still says what the columns would
   * be, from the labels or the output shapes.
   */
  void finishHeader() {
    if (outFormat != InputFormat.CSV || csvHeaderWritten) {
      return;
    }
    byte[] h = ("row," + String.join(",", headerWithoutResult()) + "\n").getBytes(StandardCharsets.UTF_8);
    out.write(h, 0, h.length);
    csvHeaderWritten = true;
  }

  /** The prediction columns when no row was scored (an empty file): from the labels or the output shapes. */
  private List<String> headerWithoutResult() {
    var sig = predictor.metadata().signature();
    List<String> h = new ArrayList<>();
    if (!sig.labels().isEmpty()) {
      h.add("label");
      sig.labels().forEach(l -> h.add("p_" + l));
      return h;
    }
    for (TensorSpec o : sig.outputs()) {
      long size = 1;
      for (int d = 1; d < o.shape().size(); d++) {
        size *= Math.max(1, o.shape().get(d));
      }
      for (int j = 0; j < size; j++) {
        h.add(size == 1 ? o.name() : o.name() + "_" + j);
      }
    }
    return h;
  }

  private void writePrediction(InferenceResult result, Optional<Tensor> scores, int r, long row) {
    if (outFormat == InputFormat.CSV && !csvHeaderWritten) {
      csvHeaderWritten = true;
      byte[] h = ("row," + String.join(",", predictions.csvHeader(result, predictions.classScores(result))) + "\n")
          .getBytes(StandardCharsets.UTF_8);
      out.write(h, 0, h.length);
    }
    sb.setLength(0);
    encodeRow(sb, r, row, result, scores);
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
  }

  private void encodeRow(StringBuilder sb, int i, long row, InferenceResult result, Optional<Tensor> scores) {
    if (outFormat == InputFormat.CSV) {
      sb.append(row).append(',');
      predictions.appendCsvRow(sb, result, scores, i);
      sb.append('\n');
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (JsonGenerator g = Json.FACTORY.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeNumberField("row", row);
      g.writeFieldName("prediction");
      predictions.writeRow(g, result, scores, i);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sb.append(bytes.toString(StandardCharsets.UTF_8)).append('\n');
  }
}
