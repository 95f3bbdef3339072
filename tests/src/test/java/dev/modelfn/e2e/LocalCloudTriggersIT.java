package dev.modelfn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.testfn.RecordingFunction;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
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
 * Event wiring of the local cloud end to end: S3 notifications, SQS and Kinesis event source
 * mappings and the Lambda API, with a recording test function and the AWS SDK on the edge.
 */
class LocalCloudTriggersIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Explicit hash keys that land on the first and the second of two shards. */
  private static final String SHARD_0 = "0";
  private static final String SHARD_1 = "340282366920938463463374607431768211455";

  @TempDir
  static Path tmp;
  private static Path records;
  private static LocalCloud cloud;
  private static SqsClient sqs;

  @BeforeAll
  static void start() throws Exception {
    records = Files.createDirectories(tmp.resolve("records"));
    Path taskRoot = taskRoot(tmp.resolve("task"));
    String config = """
        {
          "buckets": [ { "name": "e2e-data", "notifications": [ { "prefix": "incoming/", "function": "recorder" } ] } ],
          "queues": [
            { "name": "work-dlq" },
            { "name": "work", "visibilityTimeoutSeconds": 2, "deadLetter": { "queue": "work-dlq", "maxReceiveCount": 2 } },
            { "name": "stream-failures" }
          ],
          "streams": [ { "name": "events", "shards": 2 } ],
          "functions": [ { "name": "recorder", "handler": "dev.modelfn.testfn.RecordingFunction::handleRequest",
                           "code": "%s", "environment": { "RECORD_DIR": "%s" }, "memoryMb": 256, "timeoutSeconds": 20 } ],
          "triggers": [
            { "function": "recorder", "queue": "work", "batchSize": 10, "maximumBatchingWindowSeconds": 1,
              "reportBatchItemFailures": true },
            { "function": "recorder", "stream": "events", "batchSize": 10, "startingPosition": "TRIM_HORIZON",
              "maximumRetryAttempts": 3, "bisectBatchOnFunctionError": true, "onFailureQueue": "stream-failures" }
          ]
        }""".formatted(taskRoot, records);
    Path file = tmp.resolve("cloud.json");
    Files.writeString(file, config);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, HOME, HOME.resolve("local-dev/.cache"),
        tmp.resolve("run"), null, Path.of(System.getProperty("java.home"), "bin", "java"), LocalCloud.SERVICES,
        System.out::println), CloudConfig.read(file));
    cloud.start();
    sqs = cloud.sqsClient();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  /** The test function's task root: its classes and the jars it needs, as a deployment package holds them. */
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
    for (Class<?> c : List.of(com.amazonaws.services.lambda.runtime.Context.class, ObjectMapper.class,
        com.fasterxml.jackson.core.JsonFactory.class, com.fasterxml.jackson.annotation.JsonProperty.class)) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      Files.copy(jar, lib.resolve(jar.getFileName()));
    }
    return dir;
  }

  private static List<String[]> recorded() throws IOException {
    Path log = records.resolve("events.log");
    List<String[]> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        out.add(line.split("\t", 3));
      }
    }
    return out;
  }

  private static List<String[]> await(Predicate<List<String[]>> done, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<String[]> r = recorded();
      if (done.test(r) || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(100);
    }
  }

  private static long count(List<String[]> r, String source, String payload) {
    return r.stream().filter(x -> x[0].equals(source) && x[2].equals(payload)).count();
  }

  @Test
  void sqsBatchWithAFailedItemRedeliversOnlyThatItemUntilTheDeadLetterQueue() throws Exception {
    String url = cloud.queueUrl("work");
    for (String body : List.of("sqs-ok-1", "sqs-fail-me", "sqs-ok-2")) {
      sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
    }
    List<Message> dead = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (dead.isEmpty() && System.nanoTime() < deadline) {
      dead.addAll(sqs.receiveMessage(r -> r.queueUrl(cloud.queueUrl("work-dlq")).waitTimeSeconds(1)).messages());
    }
    assertThat(dead).extracting(Message::body).containsExactly("sqs-fail-me");
    List<String[]> r = recorded();
    assertThat(count(r, "aws:sqs", "sqs-ok-1")).as("delivered once, deleted").isEqualTo(1);
    assertThat(count(r, "aws:sqs", "sqs-ok-2")).isEqualTo(1);
    assertThat(count(r, "aws:sqs", "sqs-fail-me")).as("received twice (maxReceiveCount 2)").isEqualTo(2);
  }

  @Test
  void kinesisRecordsArriveInOrderAndAFailureBlocksOnlyItsShardUntilRetriesRunOut() throws Exception {
    try (KinesisClient kinesis = cloud.kinesisClient()) {
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
    List<Message> failures = sqs.receiveMessage(m -> m.queueUrl(cloud.queueUrl("stream-failures")).waitTimeSeconds(5))
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
    try (S3Client s3 = cloud.s3Client()) {
      s3.putObject(p -> p.bucket("e2e-data").key("incoming/a b.csv"), RequestBody.fromString("x,y\n"));
      s3.putObject(p -> p.bucket("e2e-data").key("other/c.csv"), RequestBody.fromString("x,y\n"));
    }
    List<String[]> r = await(x -> x.stream().anyMatch(y -> y[0].equals("aws:s3")), Duration.ofSeconds(20));
    assertThat(r.stream().filter(x -> x[0].equals("aws:s3")).map(x -> x[1] + " " + x[2]))
        .containsExactly("incoming/a+b.csv ObjectCreated:Put 4");
  }

  @Test
  void lambdaApiInvokesListsAndDescribesFunctions() throws Exception {
    try (LambdaClient lambda = LambdaClient.builder().endpointOverride(cloud.endpoint())
        .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"))).build()) {
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
      assertThat(got.memorySize()).isEqualTo(256);
      assertThat(got.environment().variables()).containsEntry("RECORD_DIR", records.toString())
          .containsKey("AWS_ENDPOINT_URL");
      ResourceNotFoundException missing = catchThrowableOfType(ResourceNotFoundException.class,
          () -> lambda.invoke(i -> i.functionName("nope")));
      assertThat(missing.getMessage()).contains("Function not found");
    }
  }
}
