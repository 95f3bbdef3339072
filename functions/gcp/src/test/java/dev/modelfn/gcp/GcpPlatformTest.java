package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.Predictor;
import dev.modelfn.testing.Fixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GcpPlatform}'s ports: {@code gs://} models, what is not supported yet, and the configuration errors. */
class GcpPlatformTest {
  @TempDir
  Path cache;

  @Test
  void theAsyncRoutesWithoutTheirSettingsNameGooglesVariables() {
    var http = dev.modelfn.core.platform.Functions.predictHttp(Fixtures.fraudEnv(), new GcpPlatform(Fixtures.fraudEnv()));
    var answer = http.apply(new dev.modelfn.core.http.HttpRequest("POST", "/v2/models/fraud/infer-async",
        Map.of("content-type", "application/json"), Map.of(), Fixtures.bytes("async/request.json"), "gcp-501"));
    assertThat(answer.status()).isEqualTo(501);
    assertThat(answer.bodyText()).contains("MODELFN_DATA_BUCKET and " + GcpEnvVars.JOBS_TOPIC)
        .doesNotContain("MODELFN_JOBS_QUEUE_URL");
  }

  @Test
  void loadsAModelFromCloudStorageByGeneration() throws Exception {
    try (FakeGcs gcs = new FakeGcs()) {
      gcs.put("models", "fraud/fraud.onnx", Fixtures.bytes("models/fraud/fraud.onnx"), "application/octet-stream");
      gcs.put("models", "fraud/fraud.features.json", Fixtures.bytes("models/fraud/fraud.features.json"),
          "application/json");
      Map<String, String> env = Fixtures.fraudEnv("MODELFN_MODEL_URI", "gs://models/fraud/fraud.onnx",
          "MODELFN_MODEL_CACHE_DIR", cache.toString(), GcpEnvVars.STORAGE_EMULATOR_HOST, gcs.host());
      Predictor p = new GcpPlatform(env).predictor(ModelfnConfig.from(env));
      assertThat(p.metadata().name()).isEqualTo("fraud");
      assertThat(p.metadata().signature().featureNames()).hasSize(16);
      long generation = gcs.object("models", "fraud/fraud.onnx").generation();
      // one folder per model object and generation, the model under its own name, the sidecar in a folder of its own
      assertThat(cache.toFile().list()).anyMatch(f -> f.endsWith("-" + generation)
          && cache.resolve(f).resolve("fraud.onnx").toFile().isFile());
      long sidecarGeneration = gcs.object("models", "fraud/fraud.features.json").generation();
      assertThat(cache.toFile().list()).anyMatch(f -> f.endsWith("-" + sidecarGeneration)
          && cache.resolve(f).resolve("fraud.features.json").toFile().isFile());
    }
  }

  @Test
  void saysWhatToSetForStreamsAndWhatIsNotSupportedYet() {
    GcpPlatform platform = new GcpPlatform(Fixtures.fraudEnv(GcpEnvVars.PROJECT, "p"));
    assertThatThrownBy(platform::deadLetters).isInstanceOf(ModelfnException.class)
        .hasMessageContaining(GcpEnvVars.DEAD_LETTER_TOPIC)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.CONFIGURATION_ERROR));
    assertThatThrownBy(platform::predictionSink).hasMessageContaining(GcpEnvVars.SINK_TOPIC)
        .hasMessageContaining("MODELFN_SINK_BUCKET");
    assertThatThrownBy(() -> platform.continuations().enqueue("{}")).hasMessageContaining(GcpEnvVars.CONTINUATION_TOPIC);
    AsyncConfig sqs = AsyncConfig.from(Fixtures.fraudEnv("MODELFN_DATA_BUCKET", "b", "MODELFN_JOBS_QUEUE_URL",
        "https://sqs.eu-west-1.amazonaws.com/123456789012/q")).orElseThrow();
    assertThatThrownBy(() -> platform.jobQueue(sqs)).hasMessageContaining(GcpEnvVars.JOBS_TOPIC)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.CONFIGURATION_ERROR));
    assertThatThrownBy(() -> new GcpPlatform(Fixtures.fraudEnv("MODELFN_PREDICTOR", "sagemaker"))
        .predictor(ModelfnConfig.from(Fixtures.fraudEnv("MODELFN_PREDICTOR", "sagemaker", "MODELFN_SAGEMAKER_ENDPOINT",
            "e")))).hasMessageContaining("not supported on Google Cloud Functions");
    assertThat(AsyncConfig.from(Fixtures.fraudEnv())).isEmpty();
  }

  @Test
  void namesTopicsInTheConfiguredProject() {
    GcpPlatform platform = new GcpPlatform(Map.of(GcpEnvVars.PROJECT, "modelfn-demo"));
    assertThat(platform.topicName("poison")).isEqualTo("projects/modelfn-demo/topics/poison");
    assertThat(platform.topicName("projects/other/topics/t")).isEqualTo("projects/other/topics/t");
  }

  /**
   * google-cloud-nio's {@code LocalStorageHelper}, the in-memory fake Google ships, takes plain
   * writes and ranged reads; it gives written objects no generation (and has no preconditions and
   * no compose), so the store refuses to hand out an entity tag there, saying why. All of that is
   * verified against {@link FakeGcs} in {@link GcsBlobStoreTest}.
   */
  @Test
  void writesAndReadsOnLocalStorageHelperAndRefusesAnObjectWithoutGeneration() throws Exception {
    GcsBlobStore store = new GcsBlobStore(LocalStorageHelper.getOptions().getService(), ".modelfn-uploads/");
    store.put("b", "incoming/a.csv", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8), "text/csv");
    try (InputStream in = store.open("b", "incoming/a.csv", 0, null)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x,y\n1,2\n");
    }
    assertThatThrownBy(() -> store.head("b", "incoming/a.csv")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no generation");
    store.delete("b", "incoming/a.csv");
    assertThat(store.head("b", "incoming/a.csv")).isEmpty();
    assertThat(store.get("b", "incoming/a.csv")).isEmpty();
  }
}
