package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import dev.modelfn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GcsModelArtifactFetcher} with the real client library against {@link FakeGcs}: a model
 * saved with external data (the example fraud model, its FP32 weights moved to data files as {@code
 * onnx.save_model(..., save_as_external_data=True)} writes them) is fetched with every data file
 * it names into a folder of its own per generation, and served answers what ONNX Runtime answers
 * on the same files; the same generation is not downloaded again; a missing data object and a
 * location outside the model's folder are refused, naming them.
 */
class GcsModelArtifactFetcherTest {
  private static final String BUCKET = "models";
  private static FakeGcs gcs;

  @BeforeAll
  static void start() throws Exception {
    gcs = new FakeGcs();
  }

  @AfterAll
  static void stop() {
    gcs.close();
  }

  @AfterEach
  void theFakeUnderstoodEveryRequest() {
    assertThat(gcs.failures).isEmpty();
  }

  /**
   * The fraud model saved with external data: each FP32 initializer's values leave the model for
   * {@code location.apply(tensor name)} (little-endian, at an offset, with its length), the tensor
   * marked {@code data_location = EXTERNAL} (onnx.proto: TensorProto fields 4 float_data, 9
   * raw_data, 13 external_data, 14 data_location; https://onnx.ai/onnx/repo-docs/ExternalData.html).
   * Rewritten with protobuf's schema-less {@link UnknownFieldSet}, field by field.
   *
   * @return the model file first ({@code model.onnx}), then each data file by its location
   */
  static Map<String, byte[]> externalized(UnaryOperator<String> location) throws Exception {
    UnknownFieldSet model = UnknownFieldSet.parseFrom(Files.readAllBytes(Fixtures.path("models/fraud/fraud.onnx")));
    UnknownFieldSet graph = UnknownFieldSet.parseFrom(model.getField(7).getLengthDelimitedList().get(0));
    Map<String, ByteArrayOutputStream> data = new LinkedHashMap<>();
    UnknownFieldSet.Field.Builder initializers = UnknownFieldSet.Field.newBuilder();
    for (ByteString raw : graph.getField(5).getLengthDelimitedList()) {
      UnknownFieldSet tensor = UnknownFieldSet.parseFrom(raw);
      boolean fp32 = tensor.hasField(2) && tensor.getField(2).getVarintList().equals(List.of(1L));
      byte[] values = fp32 ? littleEndianValues(tensor) : new byte[0];
      if (values.length == 0) {
        initializers.addLengthDelimited(raw);
        continue;
      }
      String name = tensor.getField(8).getLengthDelimitedList().get(0).toStringUtf8();
      String file = location.apply(name);
      ByteArrayOutputStream out = data.computeIfAbsent(file, f -> new ByteArrayOutputStream());
      long offset = out.size();
      out.writeBytes(values);
      UnknownFieldSet.Builder t = tensor.toBuilder().clearField(4).clearField(9);
      UnknownFieldSet.Field.Builder entries = UnknownFieldSet.Field.newBuilder()
          .addLengthDelimited(entry("location", file))
          .addLengthDelimited(entry("offset", Long.toString(offset)))
          .addLengthDelimited(entry("length", Integer.toString(values.length)));
      t.addField(13, entries.build()).addField(14, UnknownFieldSet.Field.newBuilder().addVarint(1).build());
      initializers.addLengthDelimited(t.build().toByteString());
    }
    assertThat(data).as("the fraud model has FP32 initializers to move out").isNotEmpty();
    UnknownFieldSet newGraph = graph.toBuilder().clearField(5).addField(5, initializers.build()).build();
    UnknownFieldSet newModel = model.toBuilder().clearField(7)
        .addField(7, UnknownFieldSet.Field.newBuilder().addLengthDelimited(newGraph.toByteString()).build()).build();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.onnx", newModel.toByteArray());
    data.forEach((f, out) -> files.put(f, out.toByteArray()));
    return files;
  }

  /** A tensor's FP32 values as raw little-endian bytes, from raw_data or float_data (packed or not). */
  private static byte[] littleEndianValues(UnknownFieldSet tensor) {
    if (tensor.hasField(9)) {
      return tensor.getField(9).getLengthDelimitedList().get(0).toByteArray();
    }
    if (!tensor.hasField(4)) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tensor.getField(4).getLengthDelimitedList().forEach(packed -> out.writeBytes(packed.toByteArray()));
    for (int bits : tensor.getField(4).getFixed32List()) {
      out.writeBytes(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
    }
    return out.toByteArray();
  }

  private static ByteString entry(String key, String value) {
    return UnknownFieldSet.newBuilder()
        .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(key)).build())
        .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(value)).build())
        .build().toByteString();
  }

  private static String upload(String prefix, Map<String, byte[]> files) {
    files.forEach((name, bytes) -> gcs.put(BUCKET, prefix + name, bytes, "application/octet-stream"));
    return "gs://" + BUCKET + "/" + prefix + "model.onnx";
  }

  private static Map<String, byte[]> layout(String kind) throws Exception {
    return externalized(kind.equals("one-file") ? name -> "model.onnx.data" : name -> "weights/" + name + ".bin");
  }

  private static float[][] rows(int n) {
    SplittableRandom rng = new SplittableRandom(3);
    float[][] x = new float[n][16];
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (rng.nextDouble() * 10);
      }
    }
    return x;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"one-file", "per-tensor-in-a-subfolder"})
  void servesAnExternalDataModelFromCloudStorageAsOnnxRuntimeDoes(String kind, @TempDir Path cache,
      @TempDir Path local) throws Exception {
    Map<String, byte[]> files = layout(kind);
    String uri = upload(kind + "/", files);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.createDirectories(local.resolve(f.getKey()).getParent());
      Files.write(local.resolve(f.getKey()), f.getValue());
    }
    float[][] x = rows(8);
    float[][] ort;
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(local.resolve("model.onnx").toString(), so);
        OnnxTensor in = OnnxTensor.createTensor(env, x);
        OrtSession.Result r = s.run(Map.of("input", in))) {
      ort = (float[][]) ((OnnxTensor) r.get("output").orElseThrow()).getValue();
    }

    ModelfnConfig config = ModelfnConfig.from(Map.of("MODELFN_MODEL_URI", uri, "MODELFN_MODEL_NAME", "fraud",
        "MODELFN_MODEL_CACHE_DIR", cache.toString(), "MODELFN_METRICS_ENABLED", "false", "MODELFN_LOG_LEVEL", "ERROR"));
    ModelLoader loader = new ModelLoader(List.of(new GcsModelArtifactFetcher(gcs::client)), config.modelCacheDir());
    try (OnnxPredictor predictor = OnnxPredictor.load(config, loader)) {
      PredictHttpFunction fn = new PredictHttpFunction(new PredictFunction(predictor), config);
      String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + x.length + ",16],\"datatype\":\"FP32\",\"data\":"
          + Json.mapper().writeValueAsString(x) + "}]}";
      HttpResponse r = fn.apply(new HttpRequest("POST", "/v2/models/fraud/infer",
          Map.of("content-type", "application/json"), Map.of(), body.getBytes(StandardCharsets.UTF_8), "gcs-test"));
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
      JsonNode data = Json.parse(r.body()).at("/outputs/0/data");
      int k = ort[0].length;
      assertThat(data).hasSize(x.length * k);
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < k; j++) {
          assertThat(data.get(i * k + j).doubleValue()).as("row %d column %d", i, j)
              .isCloseTo(ort[i][j], within(1e-6));
        }
      }
    }
    // the model and its data files in one folder, where the model names them
    try (var dirs = Files.list(cache)) {
      Path dir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
      for (String f : files.keySet()) {
        assertThat(dir.resolve(f)).as(f).hasBinaryContent(files.get(f));
      }
    }
  }

  @Test
  void theSameGenerationIsNotDownloadedAgainAndANewOneGoesToANewFolder(@TempDir Path cache) throws Exception {
    GcsModelArtifactFetcher fetcher = new GcsModelArtifactFetcher(gcs::client);
    Map<String, byte[]> files = layout("one-file");
    URI uri = URI.create(upload("cache/", files));
    int downloads = gcs.calls("download");

    Path first = fetcher.fetch(uri, cache).orElseThrow();
    assertThat(gcs.calls("download") - downloads).isEqualTo(2); // the model and model.onnx.data
    assertThat(first.getFileName().toString()).isEqualTo("model.onnx");
    assertThat(first.resolveSibling("model.onnx.data")).hasBinaryContent(files.get("model.onnx.data"));

    assertThat(fetcher.fetch(uri, cache)).contains(first);
    assertThat(gcs.calls("download") - downloads).isEqualTo(2);

    // the weights uploaded again (a new generation) beside the same model generation: downloaded again
    byte[] retrained = files.get("model.onnx.data").clone();
    retrained[retrained.length - 1] ^= 1;
    upload("cache/", Map.of("model.onnx.data", retrained));
    assertThat(fetcher.fetch(uri, cache)).contains(first);
    assertThat(gcs.calls("download") - downloads).isEqualTo(3);
    assertThat(first.resolveSibling("model.onnx.data")).hasBinaryContent(retrained);
    upload("cache/", Map.of("model.onnx.data", files.get("model.onnx.data")));

    upload("cache/", Map.of("model.onnx", files.get("model.onnx"))); // a new generation of the model alone
    Path second = fetcher.fetch(uri, cache).orElseThrow();
    assertThat(second.getParent()).isNotEqualTo(first.getParent());
    assertThat(second.getParent().getParent()).isEqualTo(cache);
    assertThat(gcs.calls("download") - downloads).isEqualTo(5); // a new folder: the model and its data again
    assertThat(second.resolveSibling("model.onnx.data")).hasBinaryContent(files.get("model.onnx.data"));
    try (var left = Files.walk(cache)) {
      assertThat(left.map(Path::toString)).noneMatch(p -> p.endsWith(".part"));
    }
  }

  @Test
  void aMissingDataObjectIsRefusedNamingTheUriItLookedFor(@TempDir Path cache) throws Exception {
    URI uri = URI.create(upload("missing/", Map.of("model.onnx", layout("one-file").get("model.onnx"))));
    assertThatThrownBy(() -> new GcsModelArtifactFetcher(gcs::client).fetch(uri, cache))
        .isInstanceOfSatisfying(ModelfnException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("gs://" + BUCKET + "/missing/model.onnx.data")
        .hasMessageContaining("'model.onnx.data'");
  }

  @Test
  void aLocationOutsideTheModelsFolderIsRefusedNamingIt(@TempDir Path cache) throws Exception {
    URI uri = URI.create(upload("escape/", Map.of("model.onnx",
        externalized(name -> "../shared/weights.bin").get("model.onnx"))));
    int downloads = gcs.calls("download");
    assertThatThrownBy(() -> new GcsModelArtifactFetcher(gcs::client).fetch(uri, cache))
        .isInstanceOfSatisfying(ModelfnException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining(uri.toString())
        .hasMessageContaining("'../shared/weights.bin'");
    assertThat(gcs.calls("download") - downloads).isEqualTo(1); // the model only
  }
}
