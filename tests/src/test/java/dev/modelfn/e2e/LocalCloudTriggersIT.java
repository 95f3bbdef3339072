package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.e2e.cloud.TestCloudExtension;
import dev.modelfn.testfn.RecordingFunction;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Event wiring end to end: S3 notifications, SQS and Kinesis event source mappings and the Lambda
 * API, with a recording test function and the AWS SDK, against the embedded local cloud or (with
 * {@code MODELFN_TEST_BACKEND=localstack} and Docker) LocalStack.
 */
class LocalCloudTriggersIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Explicit hash keys that land on the first and the second of two shards. */
  private static final String SHARD_0 = "0";
  private static final String SHARD_1 = "340282366920938463463374607431768211455";
  private static Path taskRoot;
  private static final List<String[]> RECORDED = new ArrayList<>();

  @RegisterExtension
  static final TestCloudExtension CLOUD = new TestCloudExtension(LocalCloudTriggersIT::config);

  private static SqsClient sqs;

  static CloudConfig config() {
    try {
      Path tmp = Files.createTempDirectory("modelfn-triggers");
      taskRoot = taskRoot(tmp.resolve("task"));
      String json = """
          {
            "buckets": [ { "name": "e2e-data", "notifications": [ { "prefix": "incoming/", "function": "recorder" } ] } ],
            "queues": [
              { "name": "recorded.fifo" },
              { "name": "work-dlq" },
              { "name": "work", "visibilityTimeoutSeconds": 2, "deadLetter": { "queue": "work-dlq", "maxReceiveCount": 2 } },
              { "name": "stream-failures" }
            ],
            "streams": [ { "name": "events", "shards": 2 } ],
            "functions": [ { "name": "recorder", "handler": "dev.modelfn.testfn.RecordingFunction::handleRequest",
                             "code": "%s", "environment": { "RECORD_QUEUE": "recorded.fifo" },
                             "memoryMb": 512, "timeoutSeconds": 30 } ],
            "triggers": [
              { "function": "recorder", "queue": "work", "batchSize": 10, "maximumBatchingWindowSeconds": 1,
                "reportBatchItemFailures": true },
              { "function": "recorder", "stream": "events", "batchSize": 10, "startingPosition": "TRIM_HORIZON",
                "maximumRetryAttempts": 3, "bisectBatchOnFunctionError": true, "onFailureQueue": "stream-failures" }
            ]
          }""".formatted(taskRoot);
      return CloudConfig.parse(json, "LocalCloudTriggersIT");
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void clients() {
    sqs = CLOUD.cloud().sqs();
  }

  @AfterAll
  static void close() {
    if (sqs != null) {
      sqs.close();
    }
  }

  /**
   * The test function's task root: its classes and the jars it needs (Lambda's Java API, Jackson,
   * the AWS SDK's SQS client), as a deployment package holds them.
   */
  private static Path taskRoot(Path dir) throws IOException, URISyntaxException {
    Path classes = Path.of(RecordingFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = Path.of("dev/modelfn/testfn");
    Files.createDirectories(dir.resolve(pkg));
    try (var s = Files.list(classes.resolve(pkg))) {
      for (Path c : s.toList()) {
        Files.copy(c, dir.resolve(pkg).resolve(c.getFileName()));
      }
    }
    Path lib = Files.createDirectories(dir.resolve("lib"));
    List<String> wanted = List.of("/software/amazon/", "/com/amazonaws/aws-lambda-java-core/", "/org/reactivestreams/",
        "/org/slf4j/slf4j-api/", "/com/fasterxml/jackson/core/");
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String unix = entry.replace('\\', '/');
      if (unix.endsWith(".jar") && wanted.stream().anyMatch(unix::contains)) {
        Path jar = Path.of(entry);
        Files.copy(jar, lib.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  /** Everything the function recorded so far, in the order it recorded it. */
  private static synchronized List<String[]> recorded() {
    String url = CLOUD.cloud().queueUrl("recorded.fifo");
    while (true) {
      List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
          .messages();
      if (got.isEmpty()) {
        return new ArrayList<>(RECORDED);
      }
      for (Message m : got) {
        RECORDED.add(m.body().split("\t", 3));
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
  }

  private static List<String[]> await(Predicate<List<String[]>> done, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<String[]> r = recorded();
      if (done.test(r) || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(200);
    }
  }

  private static long count(List<String[]> r, String source, String payload) {
    return r.stream().filter(x -> x[0].equals(source) && x[2].equals(payload)).count();
  }

  @Test
  void sqsBatchWithAFailedItemRedeliversOnlyThatItemUntilTheDeadLetterQueue() throws Exception {
    String url = CLOUD.cloud().queueUrl("work");
    for (String body : List.of("sqs-ok-1", "sqs-fail-me", "sqs-ok-2")) {
      sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
    }
    List<Message> dead = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (dead.isEmpty() && System.nanoTime() < deadline) {
      dead.addAll(sqs.receiveMessage(r -> r.queueUrl(CLOUD.cloud().queueUrl("work-dlq")).waitTimeSeconds(1)).messages());
    }
    assertThat(dead).extracting(Message::body).containsExactly("sqs-fail-me");
    List<String[]> r = await(x -> count(x, "aws:sqs", "sqs-fail-me") >= 2, Duration.ofSeconds(5));
    assertThat(count(r, "aws:sqs", "sqs-ok-1")).as("delivered once, deleted").isEqualTo(1);
    assertThat(count(r, "aws:sqs", "sqs-ok-2")).isEqualTo(1);
    assertThat(count(r, "aws:sqs", "sqs-fail-me")).as("received twice (maxReceiveCount 2)").isEqualTo(2);
  }

  @Test
  void kinesisRecordsArriveInOrderAndAFailureBlocksOnlyItsShardUntilRetriesRunOut() throws Exception {
    try (KinesisClient kinesis = CLOUD.cloud().kinesis()) {
      for (String[] rec : List.of(new String[] {SHARD_0, "k-a0"}, new String[] {SHARD_0, "k-crash"},
          new String[] {SHARD_0, "k-a1"}, new String[] {SHARD_1, "k-b0"}, new String[] {SHARD_1, "k-b1"})) {
        kinesis.putRecord(p -> p.streamName("events").partitionKey("p").explicitHashKey(rec[0])
            .data(SdkBytes.fromUtf8String(rec[1])));
      }
    }
    List<String[]> r = await(x -> count(x, "aws:kinesis", "k-a1") == 1, Duration.ofSeconds(40));
    List<String> order = r.stream().filter(x -> x[0].equals("aws:kinesis")).map(x -> x[2]).toList();
    assertThat(order).containsSubsequence("k-a0", "k-a1").containsSubsequence("k-b0", "k-b1");
    assertThat(order.indexOf("k-b1")).as("shard 1 is not held up by shard 0's retries")
        .isLessThan(order.lastIndexOf("k-a1"));
    assertThat(count(r, "aws:kinesis", "k-a1")).isEqualTo(1);
    List<Message> failures = sqs.receiveMessage(m -> m.queueUrl(CLOUD.cloud().queueUrl("stream-failures")).waitTimeSeconds(5))
        .messages();
    assertThat(failures).hasSize(1);
    JsonNode info = JSON.readTree(failures.get(0).body());
    assertThat(info.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
    assertThat(info.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(1);
    String crashSeq = r.stream().filter(x -> x[0].equals("crash")).findFirst().orElseThrow()[1];
    assertThat(info.at("/KinesisBatchInfo/startSequenceNumber").asText()).isEqualTo(crashSeq);
  }

  @Test
  void newObjectsInvokeTheFunctionWithAnS3Event() throws Exception {
    try (S3Client s3 = CLOUD.cloud().s3()) {
      s3.putObject(p -> p.bucket("e2e-data").key("incoming/a b.csv"), RequestBody.fromString("x,y\n"));
      s3.putObject(p -> p.bucket("e2e-data").key("other/c.csv"), RequestBody.fromString("x,y\n"));
    }
    List<String[]> r = await(x -> x.stream().anyMatch(y -> y[0].equals("aws:s3")), Duration.ofSeconds(20));
    assertThat(r.stream().filter(x -> x[0].equals("aws:s3")).map(x -> x[1] + " " + x[2]))
        .containsExactly("incoming/a+b.csv ObjectCreated:Put 4");
  }

  @Test
  void lambdaApiInvokesListsAndDescribesFunctions() throws Exception {
    try (LambdaClient lambda = CLOUD.cloud().lambda()) {
      InvokeResponse sync = lambda.invoke(i -> i.functionName("recorder").logType(LogType.TAIL)
          .payload(SdkBytes.fromUtf8String("{\"hello\":\"sync\"}")));
      assertThat(sync.statusCode()).isEqualTo(200);
      assertThat(sync.functionError()).isNull();
      assertThat(JSON.readTree(sync.payload().asByteArray()).at("/echo/hello").asText()).isEqualTo("sync");
      assertThat(sync.executedVersion()).isEqualTo("$LATEST");

      InvokeResponse failed = lambda.invoke(i -> i.functionName("arn:aws:lambda:us-east-1:000000000000:function:recorder:live")
          .payload(SdkBytes.fromUtf8String("{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m\",\"body\":\"crash\"}]}")));
      assertThat(failed.functionError()).isEqualTo("Unhandled");
      assertThat(failed.payload().asUtf8String()).contains("crash requested by record m");

      InvokeResponse async = lambda.invoke(i -> i.functionName("recorder").invocationType(InvocationType.EVENT)
          .payload(SdkBytes.fromUtf8String("{\"hello\":\"async\"}")));
      assertThat(async.statusCode()).isEqualTo(202);
      assertThat(await(x -> x.stream().anyMatch(y -> y[2].contains("async")), Duration.ofSeconds(20)))
          .anyMatch(y -> y[0].equals("direct") && y[2].equals("{\"hello\":\"async\"}"));

      assertThat(lambda.listFunctions().functions()).extracting(f -> f.functionName()).contains("recorder");
      var got = lambda.getFunction(g -> g.functionName("recorder")).configuration();
      assertThat(got.handler()).isEqualTo("dev.modelfn.testfn.RecordingFunction::handleRequest");
      assertThat(got.memorySize()).isEqualTo(512);
      assertThat(got.environment().variables()).containsEntry("RECORD_QUEUE", "recorded.fifo");
      ResourceNotFoundException missing = catchThrowableOfType(ResourceNotFoundException.class,
          () -> lambda.invoke(i -> i.functionName("nope")));
      assertThat(missing.getMessage()).contains("Function not found");
    }
  }
}
