package dev.modelfn.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The local cloud's servers through its one edge endpoint, with the AWS SDK and the AWS CLI. */
class LocalCloudIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static S3Client s3;
  private static SqsClient sqs;
  private static KinesisClient kinesis;

  @BeforeAll
  static void start() throws Exception {
    Path cache = HOME.resolve("local-dev/.cache");
    cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", Servers.freePort(), HOME, cache,
        Path.of("target/local-cloud-it"), null, Path.of(System.getProperty("java.home"), "bin", "java"),
        LocalCloud.SERVICES, line -> { }), CloudConfig.read(Path.of("src/test/resources/test-cloud.json")));
    cloud.start();
    s3 = cloud.s3Client();
    sqs = cloud.sqsClient();
    kinesis = cloud.kinesisClient();
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      Map<String, Long> pids = cloud.pids();
      for (AutoCloseable c : new AutoCloseable[] {s3, sqs, kinesis}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            // closing anyway
          }
        }
      }
      cloud.close();
      for (long pid : pids.values()) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("server pid %d", pid).isFalse();
      }
    }
  }

  @Test
  void s3ObjectsThroughTheEdgeIncludingMultipart() {
    s3.putObject(r -> r.bucket("test-data").key("notes/a b.txt"), RequestBody.fromString("hello"));
    assertThat(s3.getObjectAsBytes(r -> r.bucket("test-data").key("notes/a b.txt")).asUtf8String()).isEqualTo("hello");
    String upload = s3.createMultipartUpload(r -> r.bucket("test-data").key("big.bin")).uploadId();
    byte[] part1 = new byte[5 * 1024 * 1024];
    part1[0] = 1;
    String e1 = s3.uploadPart(r -> r.bucket("test-data").key("big.bin").uploadId(upload).partNumber(1),
        RequestBody.fromBytes(part1)).eTag();
    String e2 = s3.uploadPart(r -> r.bucket("test-data").key("big.bin").uploadId(upload).partNumber(2),
        RequestBody.fromString("tail")).eTag();
    s3.completeMultipartUpload(r -> r.bucket("test-data").key("big.bin").uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
    assertThat(s3.headObject(r -> r.bucket("test-data").key("big.bin")).contentLength()).isEqualTo(part1.length + 4);
    assertThat(s3.getObjectAsBytes(r -> r.bucket("test-data").key("big.bin").range("bytes=0-0")).asByteArray())
        .containsExactly(1);
  }

  @Test
  void newObjectsUnderThePrefixAreAnnouncedToTheQueue() throws Exception {
    String url = cloud.queueUrl("objects");
    s3.putObject(r -> r.bucket("test-data").key("elsewhere/x.csv"), RequestBody.fromString("a"));
    s3.putObject(r -> r.bucket("test-data").key("incoming/x.json"), RequestBody.fromString("a"));
    s3.putObject(r -> r.bucket("test-data").key("incoming/day 1.csv"), RequestBody.fromString("a,b\n1,2\n"));
    List<Message> got = receive(url, 1, 10);
    assertThat(got).hasSize(1);
    JsonNode rec = JSON.readTree(got.get(0).body()).get("Records").get(0);
    assertThat(rec.get("eventSource").asText()).isEqualTo("aws:s3");
    assertThat(rec.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
    assertThat(rec.at("/s3/bucket/name").asText()).isEqualTo("test-data");
    assertThat(rec.at("/s3/object/key").asText()).isEqualTo("incoming/day+1.csv");
    assertThat(rec.at("/s3/object/size").asLong()).isEqualTo(8);
    assertThat(rec.at("/s3/object/eTag").asText()).matches("[0-9a-f]{32}");
    sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
    assertThat(receive(url, 1, 2)).as("objects outside the prefix or suffix are not announced").isEmpty();
  }

  /**
   * A put from a client in the edge's own JVM, then no request for a while: its notification must
   * not wait for that client's idle connection (clients in one JVM share them), which the edge
   * only reads again once the write's exchange is over.
   */
  @Test
  void aPutIsAnnouncedPromptlyWhenItsClientGoesQuiet() throws Exception {
    String url = cloud.queueUrl("objects");
    long t0 = System.nanoTime();
    s3.putObject(r -> r.bucket("test-data").key("incoming/quiet.csv"), RequestBody.fromString("a,b\n1,2\n"));
    Thread.sleep(1_000);
    List<Message> got = receive(url, 1, 10);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(got).hasSize(1);
    assertThat(JSON.readTree(got.get(0).body()).at("/Records/0/s3/object/key").asText()).isEqualTo("incoming/quiet.csv");
    assertThat(seconds).as("seconds from the put to its notification").isLessThan(8);
    sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
  }

  @Test
  void messagesMoveToTheDeadLetterQueueAfterMaxReceives() throws Exception {
    String url = cloud.queueUrl("work");
    sqs.sendMessage(r -> r.queueUrl(url).messageBody("poison"));
    for (int i = 0; i < 2; i++) { // received twice, never deleted
      assertThat(receive(url, 1, 5)).hasSize(1);
      Thread.sleep(1200); // visibility timeout 1 s
    }
    assertThat(receive(url, 1, 2)).isEmpty();
    List<Message> dead = receive(cloud.queueUrl("work-dlq"), 1, 5);
    assertThat(dead).extracting(Message::body).containsExactly("poison");
  }

  @Test
  void fifoQueueKeepsGroupOrder() {
    String url = cloud.queueUrl("ordered.fifo");
    for (int i = 0; i < 5; i++) {
      int n = i;
      sqs.sendMessage(r -> r.queueUrl(url).messageBody("m" + n).messageGroupId("g"));
    }
    List<String> bodies = new ArrayList<>();
    while (bodies.size() < 5) {
      for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        bodies.add(m.body());
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    assertThat(bodies).containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  @Test
  void kinesisRecordsComeBackInOrderPerShard() {
    for (int i = 0; i < 20; i++) {
      int n = i;
      kinesis.putRecord(r -> r.streamName("records").partitionKey("key-" + (n % 3))
          .data(SdkBytes.fromUtf8String("r" + n)));
    }
    List<String> all = new ArrayList<>();
    for (Shard shard : kinesis.listShards(r -> r.streamName("records")).shards()) {
      String it = kinesis.getShardIterator(r -> r.streamName("records").shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<Record> records = kinesis.getRecords(r -> r.shardIterator(it).limit(100)).records();
      List<Integer> numbers = records.stream().map(r -> Integer.parseInt(r.data().asUtf8String().substring(1)))
          .toList();
      assertThat(numbers).as("shard %s in order", shard.shardId()).isSorted();
      records.forEach(r -> all.add(r.data().asUtf8String()));
    }
    assertThat(all).hasSize(20);
  }

  @Test
  void unknownServicesGetAnAwsStyleErrorAtOnce() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/"))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/dynamodb/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("X-Amz-Target", "DynamoDB_20120810.ListTables").header("Content-Type", "application/x-amz-json-1.0")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("__type").asText()).isEqualTo("UnknownService");
    assertThat(JSON.readTree(r.body()).get("message").asText()).contains("'dynamodb'");
    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/x")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(unsigned.body()).contains("<Code>UnknownService</Code>").contains("Signature Version 4");
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_modelfn/health"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(health.body()).get("services").toString())
        .isEqualTo("{\"s3\":\"running\",\"sqs\":\"running\",\"kinesis\":\"running\",\"lambda\":\"running\"}");
  }

  @Test
  void theAwsCliWorksAgainstTheEdge() throws Exception {
    String aws = Files.isExecutable(Path.of("/usr/bin/aws")) ? "/usr/bin/aws" : onPath("aws");
    Assumptions.assumeTrue(aws != null, "the AWS CLI is not installed (apt-get install awscli; .ci/run does)");
    assertThat(cli(aws, "s3", "ls")).contains("test-data");
    assertThat(cli(aws, "sqs", "list-queues")).contains(cloud.queueUrl("work"));
    assertThat(cli(aws, "kinesis", "list-streams")).contains("records");
    // above the CLI's 8 MB threshold: a multipart upload, each part sent after a 100 Continue and
    // with a CRC32 checksum, which the completion repeats
    Path big = Files.createTempFile("modelfn-cli", ".bin");
    try {
      byte[] bytes = new byte[12 * 1024 * 1024];
      new java.util.Random(3).nextBytes(bytes);
      Files.write(big, bytes);
      cli(aws, "s3", "cp", big.toString(), "s3://test-data/cli/big.bin", "--only-show-errors");
      assertThat(s3.getObjectAsBytes(r -> r.bucket("test-data").key("cli/big.bin")).asByteArray()).isEqualTo(bytes);
    } finally {
      Files.deleteIfExists(big);
    }
  }

  private static String cli(String aws, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(aws, "--endpoint-url", cloud.endpoint().toString(), "--region",
        "us-east-1", "--output", "json"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return Path.of(dir, command).toString();
      }
    }
    return null;
  }

  private static List<Message> receive(String url, int max, int waitSeconds) {
    return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)).messages();
  }
}
