package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.testing.Fixtures;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/** The SageMaker backend through the real SDK client against a local SageMaker Runtime endpoint. */
class SageMakerPredictorTest {
  private static OnnxPredictor local;
  private static LocalSageMakerRuntime runtime;
  private static SageMakerPredictor remote;

  @BeforeAll
  static void start() throws Exception {
    local = OnnxPredictor.load(ModelLoader.local().locate(Fixtures.fraudModelUri()), OnnxPredictor.Options.defaults());
    PredictHttpFunction container = new PredictHttpFunction(new PredictFunction(local),
        ModelfnConfig.from(Fixtures.fraudEnv()));
    runtime = new LocalSageMakerRuntime("fraud-endpoint", container);
    SageMakerRuntimeClient client = SageMakerRuntimeClient.builder()
        .endpointOverride(URI.create(runtime.url()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    Map<String, String> env = Map.of("MODELFN_PREDICTOR", "sagemaker",
        "MODELFN_SAGEMAKER_ENDPOINT", "fraud-endpoint",
        "MODELFN_FEATURE_NAMES", String.join(",", local.metadata().signature().featureNames()),
        "MODELFN_LABELS", String.join(",", local.metadata().signature().labels()));
    remote = new SageMakerPredictor(client, "fraud-endpoint",
        SageMakerPredictor.metadata(ModelfnConfig.from(env), SageMakerSettings.from(env)));
  }

  @AfterAll
  static void stop() {
    runtime.close();
    local.close();
  }

  private static InferenceRequest sample(int rows) {
    byte[] csv = Fixtures.bytes("batch/fraud-sample.csv");
    InferenceRequest all = dev.modelfn.codec.CsvCodec.decode(csv, 0, csv.length, local.metadata().signature(), 1000);
    float[] data = java.util.Arrays.copyOf((float[]) all.inputs().get(0).data(), rows * 16);
    return InferenceRequest.of(Tensor.ofFloats("input", new long[] {rows, 16}, data));
  }

  @Test
  void remoteEndpointAnswersLikeTheInProcessModel() {
    InferenceRequest req = sample(5);
    float[] expected = (float[]) local.infer(req).outputs().get(0).data();
    Tensor out = remote.infer(req).outputs().get(0);
    assertThat(out.name()).isEqualTo("output");
    assertThat(out.shape()).containsExactly(5, 2);
    assertThat((float[]) out.data()).containsExactly(expected);
    assertThat(remote.metadata().name()).isEqualTo("fraud-endpoint");
    assertThat(remote.metadata().signature().featureNames()).hasSize(16);
  }

  @Test
  void containerClientErrorBecomesInvalidInput() {
    InferenceRequest bad = InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 3}, new float[] {1, 2, 3}));
    assertThatThrownBy(() -> remote.infer(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("status 400")
        .hasMessageContaining("/inputs/0/shape/1");
  }

  @Test
  void unavailableEndpointIsRetryableNotReady() {
    runtime.unavailable(true);
    try {
      assertThatThrownBy(() -> remote.infer(sample(1)))
          .isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_NOT_READY))
          .satisfies(e -> assertThat(((ModelfnException) e).retryable()).isTrue());
    } finally {
      runtime.unavailable(false);
    }
  }

  @Test
  void handlerServesThroughTheSageMakerBackendFromConfiguration() throws Exception {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("aws.region", "eu-west-1");
    PredictHttpHandler onnx = new PredictHttpHandler(Fixtures.fraudEnv());
    PredictHttpHandler viaSageMaker = new PredictHttpHandler(Fixtures.fraudEnv(
        "MODELFN_PREDICTOR", "sagemaker",
        "MODELFN_SAGEMAKER_ENDPOINT", "fraud-endpoint",
        "MODELFN_MODEL_NAME", "fraud",
        "MODELFN_MODEL_VERSION", "1",
        "MODELFN_FEATURE_NAMES", String.join(",", local.metadata().signature().featureNames()),
        "MODELFN_LABELS", String.join(",", local.metadata().signature().labels()),
        "AWS_ENDPOINT_URL", runtime.url()));
    byte[] event = Fixtures.bytes("http/api-v2/predict-named-instances.json");
    int before = runtime.calls();
    JsonNode a = Json.mapper().readTree(Json.mapper().readTree(onnx.handle(event, "x")).get("body").asText());
    JsonNode b = Json.mapper().readTree(Json.mapper().readTree(viaSageMaker.handle(event, "x")).get("body").asText());
    assertThat(runtime.calls()).isEqualTo(before + 1);
    assertThat(b.get("predictions")).isEqualTo(a.get("predictions"));
  }
}
