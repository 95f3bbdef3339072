package dev.modelfn.edge.bundle;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.Manifest;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.quantize.Calibrator;
import dev.modelfn.edge.quantize.Drift;
import dev.modelfn.edge.quantize.DynamicQuantizer;
import dev.modelfn.edge.quantize.Optimizer;
import dev.modelfn.edge.quantize.Progress;
import dev.modelfn.edge.quantize.Rows;
import dev.modelfn.edge.quantize.StaticQdqQuantizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns an ONNX model into a signed bundle: quantize (optional), optimize (ORT basic level),
 * measure against the fp32 original on a hold-out set, record golden inputs and outputs, write the
 * manifest, sign it, and write {@code <name>-<version>.bundle}.
 */
public final class Bundler {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Relative tolerance of the golden check: ORT builds and CPUs differ in the last bits. */
  public static final double GOLDEN_TOLERANCE = 1e-3;

  private Bundler() {}

  /** How the model is quantized. */
  public enum Quantization { NONE, DYNAMIC, STATIC }

  /** What {@code modelfn-edge bundle} was asked for; see its options for each field. */
  public record Request(Path model, String name, long version, SigningKey key, Path outDir,
      Quantization quantization, Path calibration, Calibrator.Method calibrationMethod, double percentile,
      Path holdout, int holdoutRows, boolean optimize, String minClientVersion, List<String> featureNames,
      List<String> labels, int goldenCases, Clock clock) {
    public Request {
      Objects.requireNonNull(model, "model");
      if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException("--name '" + name + "': use 1-64 of a-z 0-9 . _ - (it becomes a URL path)");
      }
      if (version < 1) {
        throw new IllegalArgumentException("--version must be a positive integer (versions only grow)");
      }
      if (quantization == Quantization.STATIC && calibration == null) {
        throw new IllegalArgumentException("--quantize static needs --calibration FILE (CSV or .npy of inputs)");
      }
      featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
      labels = labels == null ? List.of() : List.copyOf(labels);
      clock = clock == null ? Clock.systemUTC() : clock;
    }
  }

  /** The bundle written and its manifest. */
  public record Result(Path bundle, ObjectNode manifest) {}

  /**
   * @param stages gives the progress reporter of each long stage ("calibrate", "evaluate")
   */
  public static Result bundle(Request r, Function<String, Progress> stages) throws IOException, OrtException {
    byte[] fp32 = Files.readAllBytes(r.model());
    OnnxMl.ModelProto original = OnnxMl.ModelProto.parseFrom(fp32);
    Files.createDirectories(r.outDir());
    Path work = Files.createTempDirectory(r.outDir(), ".bundle-");
    try {
      ObjectNode quant = JSON.createObjectNode();
      OnnxMl.ModelProto candidate = original;
      int width = inputWidth(fp32);
      switch (r.quantization()) {
        case NONE -> quant.put("method", "none");
        case DYNAMIC -> {
          DynamicQuantizer.Result q = DynamicQuantizer.quantize(original);
          candidate = q.model();
          quant.put("method", "dynamic-int8").put("weights", "int8, symmetric, one scale per output column")
              .put("activations", "uint8, scale and zero point computed per call (DynamicQuantizeLinear)")
              .put("quantized_nodes", q.quantizedNodes());
        }
        case STATIC -> {
          Rows cal = Rows.read(r.calibration());
          var ranges = Calibrator.calibrate(original, cal.features(), r.calibrationMethod(), r.percentile(),
              stages.apply("calibrate"));
          StaticQdqQuantizer.Result q = StaticQdqQuantizer.quantize(original, ranges);
          candidate = q.model();
          ObjectNode c = quant.put("method", "static-qdq-int8").put("weights", "int8, symmetric, per tensor")
              .put("activations", "uint8, calibrated scale and zero point (QuantizeLinear/DequantizeLinear)")
              .put("quantized_nodes", q.quantizedNodes()).putObject("calibration");
          c.put("method", r.calibrationMethod().name().toLowerCase(java.util.Locale.ROOT));
          if (r.calibrationMethod() == Calibrator.Method.PERCENTILE) {
            c.put("percentile", r.percentile());
          }
          c.put("rows", cal.size()).put("source", r.calibration().getFileName().toString());
          ObjectNode rs = c.putObject("ranges");
          ranges.forEach((k, v) -> rs.putArray(k).add(v.min()).add(v.max()));
        }
      }
      Path quantized = work.resolve("quantized.onnx");
      Files.write(quantized, candidate.toByteArray());
      Path model = work.resolve(Manifest.MODEL_FILE);
      if (r.optimize()) {
        Optimizer.optimize(quantized, model);
      } else {
        Files.copy(quantized, model, StandardCopyOption.REPLACE_EXISTING);
      }
      byte[] candidateBytes = Files.readAllBytes(model);
      Rows holdout = r.holdout() != null ? Rows.read(r.holdout()) : Rows.synthetic(r.holdoutRows(), width, 2026L);
      Drift drift = Drift.measure(fp32, candidateBytes, holdout,
          stages.apply("evaluate"));
      ObjectNode d = quant.putObject("drift");
      d.put("holdout_rows", drift.rows()).put("holdout", holdout.source())
          .put("size_ratio", round(drift.sizeRatio())).put("fp32_p50_us", round(drift.fp32P50Micros()))
          .put("p50_us", round(drift.candidateP50Micros())).put("p50_latency_ratio", round(drift.p50LatencyRatio()))
          .put("top1_agreement", round(drift.top1Agreement()))
          .put("max_abs_probability_diff", round(drift.maxAbsProbabilityDiff()));
      if (drift.aucDelta() == null || drift.aucDelta().isNaN()) {
        d.putNull("auc_delta");
      } else {
        d.put("auc_delta", round(drift.aucDelta()));
      }
      ObjectNode manifest = manifest(r, original, candidateBytes, model, quant, holdout);
      byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
      Path out = r.outDir().resolve(r.name() + "-" + r.version() + ".bundle");
      write(manifestBytes, model, List.of(r.key()), out);
      return new Result(out, manifest);
    } finally {
      deleteTree(work);
    }
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
  }

  /** Writes a bundle: the manifest signed by each key, and the model (atomically: temp file, then rename). */
  public static void write(byte[] manifestBytes, Path model, List<SigningKey> keys, Path out) throws IOException {
    ObjectNode sig = JSON.createObjectNode();
    ArrayNode sigs = sig.putArray("signatures");
    for (SigningKey k : keys) {
      Map<String, String> s = k.sign(TrustedKeys.MANIFEST_TYPE, manifestBytes);
      sigs.addObject().put("keyid", s.get("keyid")).put("sig", s.get("sig"));
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (OutputStream o = Files.newOutputStream(tmp)) {
      BundleFile.write(o, manifestBytes, JSON.writeValueAsBytes(sig), model);
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static ObjectNode manifest(Request r, OnnxMl.ModelProto original, byte[] candidate, Path model,
      ObjectNode quant, Rows holdout) throws IOException, OrtException {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", Manifest.FORMAT).put("name", r.name()).put("version", r.version())
        .put("created", r.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("min_client_version", r.minClientVersion());
    m.putObject("files").putObject(Manifest.MODEL_FILE).put("sha256", BundleFile.sha256(model))
        .put("size", Files.size(model));
    OnnxMl.ModelProto optimized = OnnxMl.ModelProto.parseFrom(candidate);
    ObjectNode info = m.putObject("model");
    info.put("ir_version", optimized.getIrVersion());
    ObjectNode opsets = info.putObject("opsets");
    optimized.getOpsetImportList().forEach(o -> opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(),
        o.getVersion()));
    info.put("producer", original.getProducerName() + " " + original.getProducerVersion()).put("source_sha256",
        sha256(Files.readAllBytes(r.model())));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession s = env.createSession(candidate, o)) {
        signature(m.putArray("inputs"), s.getInputInfo());
        signature(m.putArray("outputs"), s.getOutputInfo());
        ArrayNode f = m.putArray("feature_names");
        r.featureNames().forEach(f::add);
        ArrayNode l = m.putArray("labels");
        r.labels().forEach(l::add);
        m.putObject("optimization").put("level", r.optimize() ? Optimizer.LEVEL : "none").put("runtime",
            "onnxruntime");
        m.set("quantization", quant);
        ObjectNode g = m.putObject("golden").put("tolerance", GOLDEN_TOLERANCE);
        ArrayNode cases = g.putArray("cases");
        String in = s.getInputNames().iterator().next();
        for (int i = 0; i < Math.min(r.goldenCases(), holdout.size()); i++) {
          float[][] x = {holdout.features()[i]};
          float[][] y;
          try (var t = ai.onnxruntime.OnnxTensor.createTensor(env, x); var res = s.run(Map.of(in, t))) {
            y = (float[][]) res.get(0).getValue();
          }
          ObjectNode c = cases.addObject();
          matrix(c.putArray("input"), x);
          matrix(c.putArray("output"), y);
        }
      }
    }
    return m;
  }

  private static void matrix(ArrayNode a, float[][] x) {
    for (float[] row : x) {
      ArrayNode r = a.addArray();
      for (float v : row) {
        r.add(v);
      }
    }
  }

  private static void signature(ArrayNode a, Map<String, NodeInfo> infos) {
    infos.forEach((name, ni) -> {
      ObjectNode n = a.addObject().put("name", name);
      if (ni.getInfo() instanceof TensorInfo t) {
        n.put("type", t.type.toString().toLowerCase(java.util.Locale.ROOT));
        ArrayNode shape = n.putArray("shape");
        Arrays.stream(t.getShape()).forEach(shape::add);
      } else {
        n.put("type", ni.getInfo().toString());
      }
    });
  }

  /** The width of the model's first input ([N, width]); -1 when it is not a fixed 2-D shape. */
  static int inputWidth(byte[] model) throws OrtException {
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model)) {
      NodeInfo ni = s.getInputInfo().values().iterator().next();
      if (ni.getInfo() instanceof TensorInfo t && t.getShape().length == 2 && t.getShape()[1] > 0) {
        return (int) t.getShape()[1];
      }
      return -1;
    }
  }

  static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var w = Files.walk(p)) {
      for (Path x : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  /**
   * Re-signs a bundle's manifest with {@code keys} (e.g. the old and the new key while devices
   * rotate); the manifest and model bytes stay as they are.
   */
  public static void resign(Path bundle, List<SigningKey> keys, TrustedKeys current) throws IOException,
      dev.modelfn.edge.client.EdgeException {
    Path dir = Files.createTempDirectory(bundle.toAbsolutePath().getParent(), ".resign-");
    try {
      Path model = dir.resolve(Manifest.MODEL_FILE);
      BundleFile.Verified v = BundleFile.verify(bundle, current, model);
      write(v.manifestBytes(), model, keys, bundle);
    } finally {
      deleteTree(dir);
    }
  }
}
