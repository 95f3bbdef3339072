package dev.modelfn.local.cloud;

import dev.modelfn.local.lambda.LocalAccount;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Applies a {@link CloudConfig} to any AWS endpoint through the public APIs: LocalStack, or an
 * account. Buckets with their notification configurations, queues with redrive policies,
 * streams, functions (Java 21, the package uploaded as a zip) and event source mappings; the
 * embedded local cloud does the same internally. Resources that exist already are reused.
 */
public final class CloudProvisioner {
  private final URI endpoint;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final String account;
  private final Path home;
  private final Consumer<String> log;
  private final Map<String, String> queueUrls = new LinkedHashMap<>();

  public CloudProvisioner(URI endpoint, Region region, AwsCredentialsProvider credentials, String account, Path home,
      Consumer<String> log) {
    this.endpoint = endpoint;
    this.region = region;
    this.credentials = credentials;
    this.account = account;
    this.home = home;
    this.log = log;
  }

  public String queueUrl(String name) {
    return queueUrls.get(name);
  }

  private String queueArn(String name) {
    return "arn:aws:sqs:" + region + ":" + account + ":" + name;
  }

  private String functionArn(String name) {
    return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
  }

  private String streamArn(String name) {
    return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name;
  }

  /** Creates everything the description declares; functions get {@code extraEnvironment} too. */
  public void apply(CloudConfig config, Map<String, String> extraEnvironment) {
    try (SqsClient sqs = SqsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
        S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
            .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint).region(region)
            .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        LambdaClient lambda = LambdaClient.builder().endpointOverride(endpoint).region(region)
            .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build()) {
      queueUrls.putAll(createQueues(sqs, config, region.id(), account));
      createStreams(kinesis, config, Duration.ofSeconds(60));
      Map<String, String> resources = LocalCloud.resourceEnvironment(config, queueUrls::get);
      for (CloudConfig.Function f : config.functions()) {
        Map<String, String> env = new LinkedHashMap<>(resources);
        env.putAll(extraEnvironment);
        env.putAll(CloudConfig.resolve(f.environment(), queueUrls::get));
        byte[] zip = zip(home.resolve(f.code()));
        lambda.createFunction(r -> r.functionName(f.name()).runtime(Runtime.JAVA21).handler(f.handler())
            .role("arn:aws:iam::" + account + ":role/modelfn-local")
            .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
            .memorySize(f.memoryMb() == null ? 1024 : f.memoryMb())
            .timeout(f.timeoutSeconds() == null ? 30 : f.timeoutSeconds())
            .environment(e -> e.variables(env)));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (lambda.getFunction(g -> g.functionName(f.name())).configuration().state() != State.ACTIVE) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("function " + f.name() + " did not become Active in 120 s");
          }
          sleep(500);
        }
        log.accept("function " + f.name() + " created (" + zip.length + " bytes)");
      }
      createBuckets(s3, config);
      for (CloudConfig.Bucket b : config.buckets()) {
        List<QueueConfiguration> toQueues = new ArrayList<>();
        List<LambdaFunctionConfiguration> toFunctions = new ArrayList<>();
        for (CloudConfig.Notification n : b.notifications()) {
          List<FilterRule> rules = new ArrayList<>();
          if (n.prefix() != null) {
            rules.add(FilterRule.builder().name(FilterRuleName.PREFIX).value(n.prefix()).build());
          }
          if (n.suffix() != null) {
            rules.add(FilterRule.builder().name(FilterRuleName.SUFFIX).value(n.suffix()).build());
          }
          if (n.queue() != null) {
            toQueues.add(QueueConfiguration.builder().queueArn(queueArn(n.queue())).events(Event.S3_OBJECT_CREATED)
                .filter(x -> x.key(k -> k.filterRules(rules))).build());
          } else {
            toFunctions.add(LambdaFunctionConfiguration.builder().lambdaFunctionArn(functionArn(n.function()))
                .events(Event.S3_OBJECT_CREATED).filter(x -> x.key(k -> k.filterRules(rules))).build());
          }
        }
        if (!toQueues.isEmpty() || !toFunctions.isEmpty()) {
          s3.putBucketNotificationConfiguration(r -> r.bucket(b.name()).notificationConfiguration(c -> c
              .queueConfigurations(toQueues).lambdaFunctionConfigurations(toFunctions)));
        }
      }
      for (CloudConfig.Trigger t : config.triggers()) {
        String source = t.queue() != null ? queueArn(t.queue()) : streamArn(t.stream());
        var mapping = lambda.createEventSourceMapping(r -> {
          r.functionName(t.function()).eventSourceArn(source).enabled(true);
          if (t.batchSize() != null) {
            r.batchSize(t.batchSize());
          }
          if (t.maximumBatchingWindowSeconds() != null) {
            r.maximumBatchingWindowInSeconds(t.maximumBatchingWindowSeconds());
          }
          if (Boolean.TRUE.equals(t.reportBatchItemFailures())) {
            r.functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
          }
          if (t.stream() != null) {
            r.startingPosition(t.startingPosition() == null ? "TRIM_HORIZON" : t.startingPosition());
            if (t.maximumRetryAttempts() != null) {
              r.maximumRetryAttempts(t.maximumRetryAttempts());
            }
            if (t.bisectBatchOnFunctionError() != null) {
              r.bisectBatchOnFunctionError(t.bisectBatchOnFunctionError());
            }
            if (t.onFailureQueue() != null) {
              r.destinationConfig(d -> d.onFailure(o -> o.destination(queueArn(t.onFailureQueue()))));
            }
          }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"Enabled".equals(lambda.getEventSourceMapping(g -> g.uuid(mapping.uuid())).state())) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("event source mapping " + source + " -> " + t.function()
                + " was not Enabled in 60 s");
          }
          sleep(500);
        }
      }
    }
  }

  /**
   * Creates the queues, dead-letter queues first (a redrive policy names its target's ARN); an
   * existing queue with the same attributes is kept.
   *
   * @return queue name → URL
   */
  static Map<String, String> createQueues(SqsClient sqs, CloudConfig config, String region, String account) {
    List<CloudConfig.Queue> queues = new ArrayList<>(config.queues());
    queues.sort((a, b) -> Boolean.compare(a.deadLetter() != null, b.deadLetter() != null));
    Map<String, String> urls = new LinkedHashMap<>();
    for (CloudConfig.Queue q : queues) {
      Map<QueueAttributeName, String> attrs = new LinkedHashMap<>();
      if (q.fifo()) {
        attrs.put(QueueAttributeName.FIFO_QUEUE, "true");
        attrs.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
      }
      if (q.visibilityTimeoutSeconds() != null) {
        attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, q.visibilityTimeoutSeconds().toString());
      }
      if (q.deadLetter() != null) {
        attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"arn:aws:sqs:" + region + ":"
            + account + ":" + q.deadLetter().queue() + "\",\"maxReceiveCount\":\"" + q.deadLetter().maxReceiveCount()
            + "\"}");
      }
      urls.put(q.name(), sqs.createQueue(r -> r.queueName(q.name()).attributes(attrs)).queueUrl());
    }
    return urls;
  }

  /** Creates the streams (an existing one is kept) and waits until each is ACTIVE. */
  static void createStreams(KinesisClient kinesis, CloudConfig config, Duration limit) {
    for (CloudConfig.Stream st : config.streams()) {
      try {
        kinesis.createStream(r -> r.streamName(st.name()).shardCount(st.shards() == null ? 1 : st.shards()));
      } catch (ResourceInUseException e) {
        // kept from an earlier run
      }
      long deadline = System.nanoTime() + limit.toNanos();
      while (kinesis.describeStreamSummary(r -> r.streamName(st.name())).streamDescriptionSummary().streamStatus()
          != StreamStatus.ACTIVE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("stream " + st.name() + " did not become ACTIVE in " + limit.toSeconds()
              + " s");
        }
        sleep(50);
      }
    }
  }

  /** Creates the buckets; one that exists already is kept. */
  static void createBuckets(S3Client s3, CloudConfig config) {
    for (CloudConfig.Bucket b : config.buckets()) {
      try {
        s3.createBucket(r -> r.bucket(b.name()));
      } catch (BucketAlreadyOwnedByYouException e) {
        // kept from an earlier run
      }
    }
  }

  /** A deployment package as a zip: the file itself, or a task-root folder zipped. */
  static byte[] zip(Path code) {
    try {
      if (Files.isRegularFile(code)) {
        return Files.readAllBytes(code);
      }
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes); var walk = Files.walk(code)) {
        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
          zip.putNextEntry(new ZipEntry(code.relativize(p).toString().replace('\\', '/')));
          try (OutputStream out = new java.io.FilterOutputStream(zip) {
            @Override
            public void close() {
              // the entry, not the zip
            }
          }) {
            Files.copy(p, out);
          }
          zip.closeEntry();
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot package " + code + ": " + e.getMessage(), e);
    }
  }

  /** The region and account of the embedded local cloud (LocalStack uses the same defaults). */
  public static String defaultAccount() {
    return LocalAccount.ID;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
