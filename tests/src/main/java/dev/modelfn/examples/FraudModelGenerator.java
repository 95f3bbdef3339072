package dev.modelfn.examples;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.Predictions;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the {@code fraud} example model and writes, byte for byte reproducibly from the seeds:
 *
 * <ul>
 *   <li>{@code models/fraud/fraud.onnx}: logistic regression, input {@code input} FP32 [N, 16],
 *       output {@code output} FP32 [N, 2] class probabilities; feature names and labels in the
 *       ONNX metadata;
 *   <li>{@code models/fraud/fraud.features.json}: the same names as a sidecar;
 *   <li>{@code batch/fraud-sample.csv}: 100 transactions with a header row;
 *   <li>{@code models/fraud/golden-predictions.json}: the model's predictions for that CSV.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl tests -am -P regenerate-models process-classes}, or this main with
 * the events folder as its argument.
 */
public final class FraudModelGenerator {
  public static final long TRAIN_SEED = 20261124L;
  public static final long SAMPLE_SEED = 7L;
  public static final int TRAIN_ROWS = 20_000;
  public static final int SAMPLE_ROWS = 100;

  private FraudModelGenerator() {}

  public static void main(String[] args) throws IOException {
    Path events = Path.of(args.length > 0 ? args[0] : "events");
    Map<String, byte[]> files = generate(true);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = events.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
      System.out.println("wrote " + p + " (" + f.getValue().length + " bytes)");
    }
  }

  /** Every generated file, keyed by its path under {@code events/}. */
  public static Map<String, byte[]> generate(boolean report) {
    LabelFactory labels = new LabelFactory();
    SimpleDataSourceProvenance provenance = new SimpleDataSourceProvenance("modelfn synthetic transactions",
        OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), labels);
    MutableDataset<Label> train = new MutableDataset<>(provenance, labels);
    List<SyntheticTransactions.Transaction> holdout = new ArrayList<>();
    SyntheticTransactions gen = new SyntheticTransactions(TRAIN_SEED);
    String[] names = SyntheticTransactions.FEATURES.toArray(String[]::new);
    int frauds = 0;
    for (int i = 0; i < TRAIN_ROWS + 5_000; i++) {
      SyntheticTransactions.Transaction t = gen.next();
      if (i >= TRAIN_ROWS) {
        holdout.add(t);
        continue;
      }
      frauds += t.fraud() ? 1 : 0;
      train.add(new ArrayExample<>(label(t.fraud()), names, t.values()));
    }
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.05, 0.1), 15, 1_000_000, 16,
        TRAIN_SEED);
    LinearSGDModel model = trainer.train(train);

    ImmutableFeatureMap fmap = model.getFeatureIDMap();
    List<String> featureOrder = new ArrayList<>();
    for (int id = 0; id < fmap.size(); id++) {
      featureOrder.add(fmap.get(id).getName());
    }
    ImmutableOutputInfo<Label> outInfo = model.getOutputIDInfo();
    List<String> labelOrder = new ArrayList<>();
    for (int id = 0; id < outInfo.size(); id++) {
      labelOrder.add(outInfo.getOutput(id).getLabel());
    }
    if (report) {
      int correct = 0;
      int positives = 0;
      double[] scores = new double[holdout.size()];
      boolean[] truth = new boolean[holdout.size()];
      for (int i = 0; i < holdout.size(); i++) {
        SyntheticTransactions.Transaction t = holdout.get(i);
        Prediction<Label> p = model.predict(new ArrayExample<>(label(t.fraud()), names, t.values()));
        correct += p.getOutput().getLabel().equals(label(t.fraud()).getLabel()) ? 1 : 0;
        scores[i] = p.getOutputScores().get("fraud").getScore();
        truth[i] = t.fraud();
        positives += t.fraud() ? 1 : 0;
      }
      System.out.printf("fraud model: %d training rows (%.1f%% fraud); hold-out accuracy %.4f (all-legit baseline"
          + " %.4f), ROC AUC %.4f%n", TRAIN_ROWS, 100.0 * frauds / TRAIN_ROWS, (double) correct / holdout.size(),
          1.0 - (double) positives / holdout.size(), auc(scores, truth));
    }

    OnnxMl.ModelProto exported = model.exportONNXModel("dev.modelfn.examples", 1);
    OnnxMl.ModelProto onnx = exported.toBuilder()
        .clearMetadataProps() // Tribuo's provenance carries timestamps and host details: not reproducible
        .addMetadataProps(prop("modelfn.feature_names", jsonArray(featureOrder)))
        .addMetadataProps(prop("modelfn.labels", jsonArray(labelOrder)))
        .addMetadataProps(prop("modelfn.description",
            "Card-transaction fraud classifier (logistic regression) trained on seeded synthetic data."))
        .setProducerName("modelfn")
        .setProducerVersion("1")
        .setDocString("modelfn example model 'fraud'")
        .build();
    byte[] onnxBytes = onnx.toByteArray();

    String sidecar = "{\n  \"features\": " + jsonArray(featureOrder) + ",\n  \"labels\": " + jsonArray(labelOrder)
        + "\n}\n";

    SyntheticTransactions sampleGen = new SyntheticTransactions(SAMPLE_SEED);
    StringBuilder csv = new StringBuilder(String.join(",", SyntheticTransactions.FEATURES)).append('\n');
    for (int i = 0; i < SAMPLE_ROWS; i++) {
      csv.append(SyntheticTransactions.csvLine(sampleGen.next().values())).append('\n');
    }
    byte[] csvBytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    byte[] golden = golden(onnxBytes, csvBytes, model, names);

    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("models/fraud/fraud.onnx", onnxBytes);
    files.put("models/fraud/fraud.features.json", sidecar.getBytes(StandardCharsets.UTF_8));
    files.put("batch/fraud-sample.csv", csvBytes);
    files.put("models/fraud/golden-predictions.json", golden);
    return files;
  }

  /** Scores the sample CSV with ONNX Runtime and checks the export against Tribuo's own predictions. */
  private static byte[] golden(byte[] onnxBytes, byte[] csv, LinearSGDModel model, String[] names) {
    try (OnnxPredictor predictor = OnnxPredictor.load(
        new dev.modelfn.model.ModelArtifact("memory:fraud.onnx", "fraud", Optional.empty(), Optional.of(onnxBytes),
            Optional.empty()),
        OnnxPredictor.Options.defaults())) {
      InferenceRequest req = CsvCodec.decode(csv, 0, csv.length, predictor.metadata().signature(), 10_000);
      InferenceResult res = predictor.infer(req);
      Predictions predictions = new Predictions(predictor.metadata().signature());
      Tensor scores = predictions.classScores(res).orElseThrow();
      Tensor input = req.inputs().get(0);
      int rows = (int) input.dim(0);
      int cols = (int) input.dim(1);
      List<String> labelOrder = predictor.metadata().signature().labels();
      List<String> featureOrder = predictor.metadata().signature().featureNames();
      for (int r = 0; r < rows; r++) {
        double[] values = new double[cols];
        String[] exampleNames = new String[cols];
        for (int c = 0; c < cols; c++) {
          values[c] = input.getDouble(r * cols + c);
          exampleNames[c] = featureOrder.get(c);
        }
        Prediction<Label> p = model.predict(new ArrayExample<>(label(false), exampleNames, values));
        for (int k = 0; k < labelOrder.size(); k++) {
          double tribuo = p.getOutputScores().get(labelOrder.get(k)).getScore();
          double ort = scores.getDouble(r * labelOrder.size() + k);
          if (Math.abs(tribuo - ort) > 1e-4) {
            throw new IllegalStateException("ONNX export disagrees with Tribuo on sample row " + r + ": " + tribuo
                + " vs " + ort);
          }
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("model", "fraud");
        g.writeStringField("source", "events/batch/fraud-sample.csv");
        g.writeStringField("note", "rows are numbered from 1 after the header; probabilities are FP32");
        g.writeArrayFieldStart("predictions");
        for (int r = 0; r < rows; r++) {
          g.writeRaw("\n    ");
          g.writeStartObject();
          g.writeNumberField("row", r + 1);
          g.writeFieldName("prediction");
          predictions.writeRow(g, res, Optional.of(scores), r);
          g.writeEndObject();
        }
        g.writeRaw("\n  ");
        g.writeEndArray();
        g.writeRaw("\n");
        g.writeEndObject();
        g.writeRaw("\n");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ROC AUC by the rank-sum formula. */
  static double auc(double[] scores, boolean[] truth) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSum = 0;
    long pos = 0;
    for (int r = 0; r < idx.length; r++) {
      if (truth[idx[r]]) {
        rankSum += r + 1;
        pos++;
      }
    }
    long neg = idx.length - pos;
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  private static Label label(boolean fraud) {
    return new Label(fraud ? "fraud" : "legit");
  }

  private static OnnxMl.StringStringEntryProto prop(String k, String v) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static String jsonArray(List<String> names) {
    try {
      return Json.mapper().writeValueAsString(names);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
