package dev.modelfn.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.quantize.Rows;
import dev.modelfn.examples.MlpModelGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user types them, on the mlp example. */
class EdgeCliTest {
  @TempDir
  static Path dir;
  static Path model;
  static Path privateKey;
  static Path publicKey;

  @BeforeAll
  static void keysAndModel() throws Exception {
    model = dir.resolve("mlp.onnx");
    Files.write(model, MlpModelGenerator.build().toByteArray());
    assertThat(EdgeCli.run("keygen", "--out", dir.resolve("keys").toString())).isZero();
    privateKey = dir.resolve("keys/edge-signing-private.key.json");
    publicKey = dir.resolve("keys/edge-signing-public.key.json");
    assertThat(privateKey).exists();
    assertThat(publicKey).exists();
    assertThat(Files.readString(publicKey)).doesNotContain("private");
  }

  static JsonNode manifest(Path bundle) throws Exception {
    return new ObjectMapper().readTree(BundleFile.verify(bundle, TrustedKeys.read(List.of(publicKey)), null)
        .manifestBytes());
  }

  @Test
  void bundlesWithDynamicQuantizationAndRecordsTheDrift() throws Exception {
    Path out = dir.resolve("dynamic");
    assertThat(EdgeCli.run("bundle", "--model", model.toString(), "--name", "mlp", "--version", "7", "--key",
        privateKey.toString(), "--out", out.toString(), "--quantize", "dynamic", "--holdout-rows", "300")).isZero();
    Path bundle = out.resolve("mlp-7.bundle");
    assertThat(Files.size(bundle)).isLessThan(Files.size(model) * 3 / 10);
    JsonNode m = manifest(bundle);
    assertThat(m.path("version").asLong()).isEqualTo(7);
    assertThat(m.path("quantization").path("method").asText()).isEqualTo("dynamic-int8");
    JsonNode drift = m.path("quantization").path("drift");
    assertThat(drift.path("holdout_rows").asInt()).isEqualTo(300);
    assertThat(drift.path("size_ratio").asDouble()).isLessThan(0.3);
    assertThat(drift.path("top1_agreement").asDouble()).isGreaterThan(0.95);
    assertThat(drift.path("auc_delta").isNull()).isTrue(); // 16 classes: not a binary classifier
    assertThat(m.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,256]");
    assertThat(m.path("golden").path("cases")).hasSize(3);
    assertThat(m.path("model").path("opsets").path("ai.onnx").asInt()).isEqualTo(13);
    assertThat(m.path("optimization").path("level").asText()).isEqualTo("basic");
  }

  @Test
  void bundlesWithStaticQuantizationFromACalibrationCsv() throws Exception {
    Path csv = dir.resolve("calibration.csv");
    float[][] rows = Rows.synthetic(200, 256, 9).features();
    String header = IntStream.range(0, 256).mapToObj(i -> "f" + i).collect(Collectors.joining(","));
    StringBuilder b = new StringBuilder(header).append('\n');
    for (float[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i > 0 ? "," : "").append(r[i]);
      }
      b.append('\n');
    }
    Files.writeString(csv, b);
    Path out = dir.resolve("static");
    assertThat(EdgeCli.run("bundle", "--model", model.toString(), "--name", "mlp", "--version", "8", "--key",
        privateKey.toString(), "--out", out.toString(), "--quantize", "static", "--calibration", csv.toString(),
        "--calibration-method", "percentile", "--holdout-rows", "300")).isZero();
    JsonNode q = manifest(out.resolve("mlp-8.bundle")).path("quantization");
    assertThat(q.path("method").asText()).isEqualTo("static-qdq-int8");
    assertThat(q.path("calibration").path("method").asText()).isEqualTo("percentile");
    assertThat(q.path("calibration").path("rows").asInt()).isEqualTo(200);
    assertThat(q.path("calibration").path("ranges").has("input")).isTrue();
  }

  @Test
  void refusesStaticQuantizationWithoutCalibrationAndSaysWhy() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(EdgeCli.run("bundle", "--model", model.toString(), "--name", "mlp", "--version", "9", "--key",
          privateKey.toString(), "--out", dir.resolve("x").toString(), "--quantize", "static")).isOne();
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--calibration");
  }
}
