package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.platform.InMemoryPlatform;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code scoreObject} and {@code asyncWorker} beans on in-memory ports: an S3 notification
 * wrapped in SQS ({@code events/batch/sqs-object-created.json}) scores the object it names; a job
 * submitted through the HTTP function and delivered in an SQS event ({@code events/async/sqs-job.json})
 * is run by the worker and its status says so.
 */
class BatchAndAsyncFunctionsTest {

  @Test
  void scoresTheObjectAnSqsWrappedS3NotificationNames() throws Exception {
    Map<String, String> env = Fixtures.fraudEnv();
    InMemoryPlatform platform = new InMemoryPlatform();
    platform.blobs.put("modelfn-data", "incoming/fraud-sample.csv", Fixtures.bytes("batch/fraud-sample.csv"), "text/csv");
    ScoreObjectEventFunction function = new ScoreObjectEventFunction(env, platform);

    JsonNode answer = function.handle(Json.parse(Fixtures.bytes("batch/sqs-object-created.json")), () -> 300_000);

    assertThat(answer.path("batchItemFailures")).isEmpty();
    JsonNode result = answer.path("results").get(0);
    assertThat(result.path("outcome").asText()).as(answer.toString()).isEqualTo("COMPLETED");
    assertThat(result.path("rowsOut").asLong()).isEqualTo(100);
    String predictions = new String(platform.blobs.get("modelfn-data", "predictions/fraud-sample.csv").orElseThrow().bytes(),
        StandardCharsets.UTF_8);
    assertThat(predictions.lines().count()).isEqualTo(101); // a header and a row per input row
  }

  @Test
  void runsAJobDeliveredInAnSqsEvent() throws Exception {
    Map<String, String> env = new HashMap<>(Fixtures.fraudEnv());
    env.put("MODELFN_DATA_BUCKET", "data");
    env.put("MODELFN_JOBS_QUEUE_URL", "memory://jobs");
    InMemoryPlatform platform = new InMemoryPlatform();
    PredictHttpFunction http = Functions.predictHttp(env, platform);
    AsyncJobEventFunction worker = new AsyncJobEventFunction(env, platform);

    HttpResponse submitted = http.apply(new HttpRequest("POST", "/v2/models/fraud/infer-async",
        Map.of("content-type", "application/json"), Map.of(), Fixtures.bytes("async/request.json"), "req-1"));
    assertThat(submitted.status()).as(submitted.bodyText()).isEqualTo(202);
    assertThat(platform.queued).hasSize(1);

    ObjectNode event = (ObjectNode) Json.parse(Fixtures.bytes("async/sqs-job.json"));
    ((ObjectNode) event.path("Records").get(0)).put("body", new String(platform.queued.get(0), StandardCharsets.UTF_8));
    JsonNode answer = Json.parse(worker.handle(event.toString().getBytes(StandardCharsets.UTF_8)));

    assertThat(answer.path("batchItemFailures")).isEmpty();
    String statusUrl = Json.parse(submitted.body()).path("status_url").asText();
    HttpResponse status = http.apply(new HttpRequest("GET", statusUrl, Map.of(), Map.of(), null, "req-2"));
    assertThat(Json.parse(status.body()).path("status").asText()).as(status.bodyText()).isEqualTo("succeeded");
  }

  @Test
  void dropsAMessageThatIsNoJobWithoutAskingForItAgain() {
    Map<String, String> env = new HashMap<>(Fixtures.fraudEnv());
    env.put("MODELFN_DATA_BUCKET", "data");
    env.put("MODELFN_JOBS_QUEUE_URL", "memory://jobs");
    AsyncJobEventFunction worker = new AsyncJobEventFunction(env, new InMemoryPlatform());

    JsonNode answer = Json.parse(worker.handle(Fixtures.bytes("async/sqs-job.json"))); // body "<the job message>"

    assertThat(answer.path("batchItemFailures")).isEmpty();
  }
}
