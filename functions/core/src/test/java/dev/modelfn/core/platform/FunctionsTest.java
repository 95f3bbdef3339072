package dev.modelfn.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The composition root on a platform made of in-memory ports: what a new adapter implements, and
 * the asynchronous flow (submit through the HTTP function, work the queued message, read the
 * status) without any cloud.
 */
class FunctionsTest {
  private static Map<String, String> asyncEnv(String... more) {
    Map<String, String> env = new HashMap<>(Fixtures.fraudEnv(more));
    env.put("MODELFN_DATA_BUCKET", "data");
    env.put("MODELFN_JOBS_QUEUE_URL", "memory://jobs");
    return env;
  }

  private static HttpRequest request(String method, String path, byte[] body) {
    return new HttpRequest(method, path, Map.of("content-type", "application/json"), Map.of(), body, "req-1");
  }

  @Test
  void aJobSubmittedThroughTheHttpFunctionIsRunByTheWorkerOfTheSamePlatform() throws Exception {
    InMemoryPlatform platform = new InMemoryPlatform();
    Map<String, String> env = asyncEnv();
    PredictHttpFunction http = Functions.predictHttp(env, platform);
    AsyncJobWorker worker = Functions.asyncWorker(env, platform);

    byte[] body = Files.readAllBytes(Fixtures.path("async/request.json"));
    HttpResponse submitted = http.apply(request("POST", "/v2/models/fraud/infer-async", body));
    assertThat(submitted.status()).as(submitted.bodyText()).isEqualTo(202);
    String statusUrl = Json.parse(submitted.body()).path("status_url").asText();
    assertThat(platform.queued).hasSize(1);

    worker.handle(platform.queued.get(0));

    HttpResponse status = http.apply(request("GET", statusUrl, null));
    JsonNode job = Json.parse(status.body());
    assertThat(job.path("status").asText()).as(status.bodyText()).isEqualTo("succeeded");
    // the same answer the synchronous route gives for the same body
    JsonNode sync = Json.parse(http.apply(request("POST", "/v2/models/fraud/infer", body)).body());
    assertThat(job.toString()).contains(sync.path("outputs").get(0).path("data").toString());
  }

  @Test
  void withoutTheDataBucketAndJobQueueTheWorkerNamesBoth() {
    InMemoryPlatform platform = new InMemoryPlatform();
    assertThatThrownBy(() -> Functions.asyncWorker(Fixtures.fraudEnv(), platform))
        .isInstanceOfSatisfying(ModelfnException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CONFIGURATION_ERROR))
        .hasMessageContaining("MODELFN_DATA_BUCKET").hasMessageContaining("MODELFN_JOBS_QUEUE_URL");
    assertThat(platform.predictorsMade).hasValue(0);
  }

  @Test
  void aWorkerOnARemoteEndpointLoadsNoModel() {
    InMemoryPlatform platform = new InMemoryPlatform();
    platform.remote(new AsyncEndpoint() {
      @Override
      public String name() {
        return "remote-fraud";
      }

      @Override
      public Invocation invoke(String inputLocation, String contentType, String inferenceId) {
        throw new AssertionError("not called here");
      }
    });
    Map<String, String> env = asyncEnv();
    env.remove("MODELFN_MODEL_URI");
    assertThat(Functions.asyncWorker(env, platform)).isNotNull();
    assertThat(platform.predictorsMade).hasValue(0);
  }

  @Test
  void streamInferenceAsksForItsPortsBeforeLoadingTheModel() {
    InMemoryPlatform platform = new InMemoryPlatform();
    assertThatThrownBy(() -> Functions.scoreRecords(Fixtures.fraudEnv(), platform))
        .hasMessageContaining("no dead-letter place on the in-memory platform");
    assertThat(platform.predictorsMade).hasValue(0);
  }
}
