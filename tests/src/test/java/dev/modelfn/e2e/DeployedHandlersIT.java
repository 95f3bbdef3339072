package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.cdk.FunctionPackage;
import dev.modelfn.cdk.ModelfnApp;
import dev.modelfn.core.release.ResponseDiff;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.testing.Fixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The contract between the deployment templates and the deployment package: every Lambda handler
 * the CDK app names (for every release strategy) is a class in the package with Lambda's stream
 * handler method, every modelfn function ships that package, and each handler answers its sample
 * event from {@code events/} when run from the package as Lambda runs it (here: the local cloud's
 * Lambda API, with the resources its environment names).
 */
class DeployedHandlersIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "\"code\": \"local-dev/target/functions/modelfn-aws-lambda.zip\", "
      + "\"memoryMb\": 1024, \"timeoutSeconds\": 60";
  private static final String MODEL = "\"MODELFN_MODEL_URI\": \"classpath:models/fraud/fraud.onnx\", "
      + "\"MODELFN_MODEL_NAME\": \"fraud\", \"MODELFN_METRICS_ENABLED\": \"false\"";

  /** The local function that stands for each handler the templates name. */
  private static final Map<String, String> FUNCTION_OF = Map.of(
      "dev.modelfn.aws.PredictHttpHandler::handleRequest", "predict",
      "dev.modelfn.aws.BatchScoringHandler::handleRequest", "batch",
      "dev.modelfn.aws.StreamInferenceHandler::handleRequest", "stream",
      "dev.modelfn.aws.AsyncJobHandler::handleRequest", "async",
      "dev.modelfn.aws.GoldenReplayHandler::handleRequest", "golden",
      "dev.modelfn.aws.ShadowCompareHandler::handleRequest", "shadow");

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(DeployedHandlersIT::config);

  static CloudConfig config() {
    String json = """
        {
          "buckets": [ { "name": "modelfn-data" } ],
          "queues": [ { "name": "c-batch" }, { "name": "c-predictions" }, { "name": "c-poison" },
                      { "name": "c-jobs", "visibilityTimeoutSeconds": 70 }, { "name": "c-callbacks-dlq" } ],
          "functions": [
            { "name": "predict", "handler": "dev.modelfn.aws.PredictHttpHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_DATA_BUCKET": "modelfn-data", "MODELFN_JOBS_QUEUE_URL": "${queue:c-jobs}",
                               "MODELFN_CALLBACK_ALLOW_CIDRS": "127.0.0.0/8" } },
            { "name": "batch", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_DATA_BUCKET": "modelfn-data", "MODELFN_INPUT_PREFIX": "incoming/",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:c-batch}" } },
            { "name": "stream", "handler": "dev.modelfn.aws.StreamInferenceHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_SINK_QUEUE_URL": "${queue:c-predictions}",
                               "MODELFN_POISON_QUEUE_URL": "${queue:c-poison}" } },
            { "name": "async", "handler": "dev.modelfn.aws.AsyncJobHandler::handleRequest", %1$s,
              "environment": { %2$s, "MODELFN_DATA_BUCKET": "modelfn-data", "MODELFN_JOBS_QUEUE_URL": "${queue:c-jobs}",
                               "MODELFN_CALLBACK_DLQ_URL": "${queue:c-callbacks-dlq}",
                               "MODELFN_CALLBACK_SECRET": "contract-test-secret-0123456789",
                               "MODELFN_CALLBACK_ALLOW_CIDRS": "127.0.0.0/8", "MODELFN_CALLBACK_MAX_ATTEMPTS": "1" } },
            { "name": "golden", "handler": "dev.modelfn.aws.GoldenReplayHandler::handleRequest", %1$s,
              "environment": { "MODELFN_GOLDEN_TARGET": "predict" } },
            { "name": "shadow", "handler": "dev.modelfn.aws.ShadowCompareHandler::handleRequest", %1$s,
              "environment": { %2$s } }
          ]
        }""".formatted(PKG, MODEL);
    return CloudConfig.parse(json, "DeployedHandlersIT");
  }

  /** Handler → the environment variable names its functions get, over every release strategy. */
  private static final Map<String, Set<String>> handlers = new TreeMap<>();
  private static final Set<String> packagesUsed = new TreeSet<>();
  private static LambdaClient lambda;
  private static HttpServer receiver;
  private static final AtomicInteger callbacks = new AtomicInteger();

  @BeforeAll
  static void synthesize(@TempDir Path out) throws Exception {
    for (String release : List.of("canary", "shadow", "bluegreen")) {
      Map<String, Object> context = new HashMap<>();
      context.put("release", release);
      context.put("aws:cdk:disable-asset-staging", true);
      App app = new App(AppProps.builder().outdir(out.resolve(release).toString()).context(context)
          .analyticsReporting(false).build());
      Template t = Template.fromStack(ModelfnApp.build(app));
      t.findResources("AWS::Lambda::Function", Map.of()).values().forEach(r -> {
        JsonNode props = JSON.valueToTree(r.get("Properties"));
        String handler = props.path("Handler").asText();
        if (handler.startsWith("dev.modelfn.")) {
          Set<String> names = handlers.computeIfAbsent(handler, h -> new TreeSet<>());
          props.path("Environment").path("Variables").fieldNames().forEachRemaining(names::add);
          packagesUsed.add(props.path("Code").path("S3Key").asText());
        }
      });
    }
    lambda = CLOUD.cloud().lambda();
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      callbacks.incrementAndGet();
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (lambda != null) {
      lambda.close();
    }
  }

  @Test
  void everyHandlerTheTemplatesNameIsAStreamHandlerInThePackage(@TempDir Path tmp) throws Exception {
    assertThat(handlers).as("modelfn functions in the templates").isNotEmpty();
    Path zip = FunctionPackage.fromContext(new App()).path();
    Path jar = tmp.resolve("modelfn-aws-lambda.jar");
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry e = z.getEntry("lib/modelfn-aws-lambda.jar");
      assertThat(e).as("the function jar in " + zip).isNotNull();
      try (InputStream in = z.getInputStream(e)) {
        Files.copy(in, jar);
      }
      assertThat(z.getEntry("golden/infer-oip.expected.json")).as("the golden requests in the package").isNotNull();
    }
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> context = cl.loadClass("com.amazonaws.services.lambda.runtime.Context");
      for (String handler : handlers.keySet()) {
        String[] parts = handler.split("::");
        Method m = cl.loadClass(parts[0]).getMethod(parts[1], InputStream.class, OutputStream.class, context);
        assertThat(m.getReturnType()).as(handler).isEqualTo(void.class);
      }
    }
    // Every modelfn function ships the one package (one asset), the same bytes the local cloud runs.
    assertThat(packagesUsed).hasSize(1);
    assertThat(sha256(zip)).isEqualTo(sha256(Path.of(System.getProperty("modelfn.home"),
        "local-dev/target/functions/modelfn-aws-lambda.zip")));
  }

  @Test
  void everyHandlerHasItsSampleEventHere() {
    assertThat(FUNCTION_OF.keySet()).containsExactlyInAnyOrderElementsOf(handlers.keySet());
  }

  @Test
  void predictAnswersItsEventAsExpected() throws Exception {
    JsonNode answer = invoke("predict", Fixtures.bytes("http/api-v2/infer-oip.json"));
    JsonNode expected = JSON.readTree(Fixtures.path("http/api-v2/infer-oip.expected.json").toFile());
    assertThat(new ResponseDiff(1e-6).compare("infer-oip", expected, ResponseDiff.readable(answer))).isEmpty();
  }

  @Test
  void batchScoresTheObjectItsEventAnnounces() throws Exception {
    var s3 = CLOUD.cloud().s3();
    s3.putObject(p -> p.bucket("modelfn-data").key("incoming/fraud-sample.csv"),
        software.amazon.awssdk.core.sync.RequestBody.fromFile(Fixtures.path("batch/fraud-sample.csv")));
    JsonNode answer = invoke("batch", Fixtures.bytes("batch/sqs-object-created.json"));
    assertThat(answer.path("batchItemFailures").size()).as(answer.toString()).isZero();
    JsonNode manifest = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket("modelfn-data")
        .key("manifests/fraud-sample.csv.json")).asByteArray());
    assertThat(manifest.path("status").asText()).isEqualTo("completed");
    assertThat(manifest.at("/rows/out").asInt()).isEqualTo(100);
  }

  @Test
  void streamScoresTheValidRecordsAndSendsThePoisonToItsQueue() throws Exception {
    JsonNode answer = invoke("stream", Fixtures.bytes("stream/kinesis-records.json"));
    assertThat(answer.path("batchItemFailures").size()).as(answer.toString()).isZero();
    assertThat(drain("c-predictions", 2)).hasSize(2);
    List<Message> poison = drain("c-poison", 1);
    assertThat(poison).hasSize(1);
    assertThat(poison.get(0).body()).contains("49590123456789012345678901234567890123456789012345678902");
  }

  @Test
  void asyncWorkerRunsTheJobItsEventCarries() throws Exception {
    ObjectNode submit = (ObjectNode) JSON.readTree(Fixtures.bytes("async/infer-async.json"));
    ObjectNode body = (ObjectNode) JSON.readTree(submit.get("body").asText());
    ((ObjectNode) body.get("parameters")).put("callback_url", "http://127.0.0.1:" + receiver.getAddress().getPort()
        + "/hooks/contract");
    submit.put("body", body.toString());
    ((ObjectNode) submit.get("headers")).remove("content-length");
    JsonNode accepted = invoke("predict", JSON.writeValueAsBytes(submit));
    assertThat(accepted.path("statusCode").asInt()).as(accepted.toString()).isEqualTo(202);
    String id = JSON.readTree(accepted.path("body").asText()).path("id").asText();

    List<Message> jobs = drain("c-jobs", 1);
    assertThat(jobs).hasSize(1);
    ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.bytes("async/sqs-job.json"));
    ((ObjectNode) event.get("Records").get(0)).put("body", jobs.get(0).body());
    JsonNode answer = invoke("async", JSON.writeValueAsBytes(event));
    assertThat(answer.path("batchItemFailures").size()).as(answer.toString()).isZero();
    assertThat(callbacks.get()).isEqualTo(1);
    JsonNode job = JSON.readTree(CLOUD.cloud().s3().getObjectAsBytes(g -> g.bucket("modelfn-data")
        .key("jobs/" + id + "/job.json")).asByteArray());
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void goldenReplayChecksTheTargetItsEnvironmentNames() throws Exception {
    JsonNode answer = invoke("golden", Fixtures.bytes("release/golden-replay-trigger.json"));
    assertThat(answer.path("passed").asBoolean()).as(answer.toString()).isTrue();
    assertThat(answer.path("cases").asInt()).isEqualTo(11);
  }

  @Test
  void shadowAgreesWithTheLiveAnswerItsEventCarries() throws Exception {
    JsonNode answer = invoke("shadow", Fixtures.bytes("release/shadow-copy.json"));
    assertThat(answer.path("agreed").asBoolean()).as(answer.toString()).isTrue();
  }

  private static JsonNode invoke(String function, byte[] event) throws Exception {
    var r = lambda.invoke(i -> i.functionName(function).payload(SdkBytes.fromByteArray(event)));
    assertThat(r.functionError()).as(function + ": " + r.payload().asUtf8String()).isNull();
    return JSON.readTree(r.payload().asByteArray());
  }

  private static List<Message> drain(String queue, int expected) {
    var sqs = CLOUD.cloud().sqs();
    String url = CLOUD.cloud().queueUrl(queue);
    List<Message> got = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (got.size() < expected && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        got.add(m);
        sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    return got;
  }

  private static String sha256(Path p) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
