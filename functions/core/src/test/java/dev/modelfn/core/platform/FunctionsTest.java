package dev.modelfn.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.callback.CallbackSigner;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.async.AsyncConfig;
import dev.modelfn.core.async.AsyncEndpoint;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.async.JobQueue;
import dev.modelfn.core.batch.Continuations;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.core.stream.DeadLetters;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Predictor;
import dev.modelfn.telemetry.Metrics;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The composition root on a platform made of in-memory ports: what a new adapter implements, and
 * the asynchronous flow (submit through the HTTP function, work the queued message, read the
 * status) without any cloud.
 */
class FunctionsTest {
  /** A platform whose ports live in memory; counts what the functions ask for. */
  static final class InMemoryPlatform implements Platform {
    final InMemoryBlobStore blobs = new InMemoryBlobStore(0);
    final List<byte[]> queued = new ArrayList<>();
    final List<Metrics.Entry> metrics = new ArrayList<>();
    final AtomicInteger predictorsMade = new AtomicInteger();
    Optional<AsyncEndpoint> remote = Optional.empty();

    @Override
    public Predictor predictor(ModelfnConfig config) {
      predictorsMade.incrementAndGet();
      return OnnxPredictor.load(config, ModelLoader.local());
    }

    @Override
    public Metrics.Factory metrics(String namespace, boolean enabled) {
      return dimensions -> metrics::add;
    }

    @Override
    public BlobStore blobStore() {
      return blobs;
    }

    @Override
    public Continuations continuations() {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no continuations here");
    }

    @Override
    public PredictionSink predictionSink() {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no sink configured");
    }

    @Override
    public DeadLetters deadLetters() {
      throw new ModelfnException(Problem.CONFIGURATION_ERROR, "no dead-letter place configured");
    }

    @Override
    public JobQueue jobQueue(AsyncConfig config) {
      return new JobQueue() {
        @Override
        public void send(byte[] message, int delaySeconds) {
          queued.add(message);
        }

        @Override
        public void deadLetter(byte[] message) {}
      };
    }

    @Override
    public Supplier<CallbackSigner> callbackSigner() {
      return () -> null;
    }

    @Override
    public Optional<AsyncEndpoint> asyncEndpoint() {
      return remote;
    }
  }

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
    platform.remote = Optional.of(new AsyncEndpoint() {
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
        .hasMessageContaining("no dead-letter place configured");
    assertThat(platform.predictorsMade).hasValue(0);
  }
}
