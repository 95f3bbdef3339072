package dev.modelfn.local.cloud;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local cloud's resources, declared in one file ({@code local-dev/cloud.json}): buckets,
 * queues with their dead-letter queues, streams, functions and the triggers between them. Names
 * and env vars are those the deployment templates use.
 */
public record CloudConfig(List<Bucket> buckets, List<Queue> queues, List<Stream> streams, List<Function> functions,
    List<Trigger> triggers) {

  public CloudConfig {
    buckets = buckets == null ? List.of() : List.copyOf(buckets);
    queues = queues == null ? List.of() : List.copyOf(queues);
    streams = streams == null ? List.of() : List.copyOf(streams);
    functions = functions == null ? List.of() : List.copyOf(functions);
    triggers = triggers == null ? List.of() : List.copyOf(triggers);
  }

  /**
   * A bucket; {@code notifications} send S3 events for new objects to a queue or a function.
   * {@code env}, on buckets, queues and streams, names the variable that hands the resource (a
   * bucket or stream name, a queue URL) to every function, as the deployment templates do.
   */
  public record Bucket(String name, String env, List<Notification> notifications) {
    public Bucket {
      notifications = notifications == null ? List.of() : List.copyOf(notifications);
    }
  }

  /** An S3 event notification for {@code s3:ObjectCreated:*} under a prefix (and suffix). */
  public record Notification(String prefix, String suffix, String queue, String function) {}

  /** A queue; names ending in {@code .fifo} are FIFO queues. */
  public record Queue(String name, String env, Integer visibilityTimeoutSeconds, DeadLetter deadLetter) {
    public boolean fifo() {
      return name.endsWith(".fifo");
    }
  }

  /** Redrive: after {@code maxReceiveCount} receives a message moves to {@code queue}. */
  public record DeadLetter(String queue, int maxReceiveCount) {}

  public record Stream(String name, String env, Integer shards) {}

  /**
   * A function run from a deployment package (relative to the project root).
   *
   * @param environment env vars beside the ones the local cloud sets (endpoint, region, credentials,
   *     resources); a value {@code ${queue:NAME}} becomes that queue's URL
   */
  public record Function(String name, String handler, String code, Map<String, String> environment,
      Integer memoryMb, Integer timeoutSeconds) {
    public Function {
      environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
  }

  /**
   * An event source mapping: an SQS queue or a Kinesis stream feeding a function, with Lambda's
   * settings and defaults.
   */
  public record Trigger(String function, String queue, String stream, Integer batchSize,
      Integer maximumBatchingWindowSeconds, Boolean reportBatchItemFailures, String startingPosition,
      Integer maximumRetryAttempts, Boolean bisectBatchOnFunctionError, String onFailureQueue) {}

  private static final java.util.regex.Pattern QUEUE_REF = java.util.regex.Pattern.compile("\\$\\{queue:([^}]+)}");

  /** A function's environment with {@code ${queue:NAME}} replaced by queue URLs. */
  public static Map<String, String> resolve(Map<String, String> env,
      java.util.function.Function<String, String> queueUrls) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, QUEUE_REF.matcher(v).replaceAll(m ->
        java.util.regex.Matcher.quoteReplacement(queueUrls.apply(m.group(1))))));
    return out;
  }

  /**
   * What of this description the given servers can host: buckets need {@code s3}, queues and the
   * notifications and triggers that use them {@code sqs}, streams and their triggers
   * {@code kinesis}; a function's {@code environment} entry that names a queue goes with the
   * queues. Functions always stay (they run on the local Lambda).
   */
  public CloudConfig onlyFor(Set<String> services) {
    boolean s3 = services.contains("s3");
    boolean sqs = services.contains("sqs");
    boolean kinesis = services.contains("kinesis");
    List<Bucket> bs = !s3 ? List.of() : buckets.stream().map(b -> new Bucket(b.name(), b.env(),
        b.notifications().stream().filter(n -> sqs || n.queue() == null).toList())).toList();
    List<Function> fs = functions.stream().map(f -> {
      Map<String, String> env = new java.util.LinkedHashMap<>(f.environment());
      if (!sqs) {
        env.values().removeIf(v -> QUEUE_REF.matcher(v).find());
      }
      return new Function(f.name(), f.handler(), f.code(), env, f.memoryMb(), f.timeoutSeconds());
    }).toList();
    List<Trigger> ts = triggers.stream().filter(t -> t.queue() != null ? sqs : kinesis)
        .map(t -> sqs || t.onFailureQueue() == null ? t : new Trigger(t.function(), t.queue(), t.stream(),
            t.batchSize(), t.maximumBatchingWindowSeconds(), t.reportBatchItemFailures(), t.startingPosition(),
            t.maximumRetryAttempts(), t.bisectBatchOnFunctionError(), null))
        .toList();
    return new CloudConfig(bs, sqs ? queues : List.of(), kinesis ? streams : List.of(), fs, ts);
  }

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Reads and checks a description; errors name the file and the field. */
  public static CloudConfig read(Path file) {
    try {
      return parse(java.nio.file.Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and checks a description given as text (tests, generated descriptions).
   *
   * @param source names the text in errors
   */
  public static CloudConfig parse(String json, String source) {
    CloudConfig c;
    try {
      c = MAPPER.readValue(json, CloudConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + e.getOriginalMessage()
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
    }
    c.check(source);
    return c;
  }


  /** Names that refer to nothing, duplicate names and impossible settings are errors. */
  void check(String source) {
    Set<String> envNames = new HashSet<>();
    List<String> declared = new java.util.ArrayList<>();
    buckets.forEach(b -> declared.add(b.env()));
    queues.forEach(q -> declared.add(q.env()));
    streams.forEach(s -> declared.add(s.env()));
    for (String e : declared) {
      if (e != null) {
        require(e.matches("MODELFN_[A-Z0-9_]+"), source, "env '" + e + "' is not a modelfn variable (MODELFN_...)");
        require(envNames.add(e), source, "env " + e + " is given to two resources");
      }
    }
    Set<String> queueNames = new HashSet<>();
    for (Queue q : queues) {
      require(q.name() != null && q.name().matches("[A-Za-z0-9_-]{1,75}(\\.fifo)?"), source,
          "queues: '" + q.name() + "' is not a valid queue name (1-80 of A-Z a-z 0-9 _ -, FIFO ending in .fifo)");
      require(queueNames.add(q.name()), source, "queues: '" + q.name() + "' is declared twice");
    }
    for (Queue q : queues) {
      if (q.deadLetter() != null) {
        require(queueNames.contains(q.deadLetter().queue()), source, "queues: " + q.name() + ".deadLetter.queue '"
            + q.deadLetter().queue() + "' is not a declared queue");
        require(q.deadLetter().maxReceiveCount() >= 1, source, "queues: " + q.name()
            + ".deadLetter.maxReceiveCount must be at least 1");
      }
    }
    Set<String> streamNames = new HashSet<>();
    for (Stream s : streams) {
      require(s.name() != null && s.name().matches("[A-Za-z0-9_.-]{1,128}"), source, "streams: '" + s.name()
          + "' is not a valid stream name");
      require(streamNames.add(s.name()), source, "streams: '" + s.name() + "' is declared twice");
      require(s.shards() == null || s.shards() >= 1, source, "streams: " + s.name() + ".shards must be at least 1");
    }
    Set<String> functionNames = new HashSet<>();
    for (Function f : functions) {
      require(f.name() != null && f.name().matches("[A-Za-z0-9_-]{1,64}"), source, "functions: '" + f.name()
          + "' is not a valid function name");
      require(functionNames.add(f.name()), source, "functions: '" + f.name() + "' is declared twice");
      require(f.handler() != null, source, "functions: " + f.name() + ".handler is required");
      require(f.code() != null, source, "functions: " + f.name() + ".code (the deployment package) is required");
      for (Map.Entry<String, String> e : f.environment().entrySet()) {
        java.util.regex.Matcher m = QUEUE_REF.matcher(e.getValue());
        while (m.find()) {
          require(queueNames.contains(m.group(1)), source, "functions: " + f.name() + ".environment." + e.getKey()
              + " names queue '" + m.group(1) + "', which is not declared");
        }
      }
    }
    for (Bucket b : buckets) {
      require(b.name() != null && b.name().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), source, "buckets: '"
          + b.name() + "' is not a valid bucket name");
      for (Notification n : b.notifications()) {
        require((n.queue() == null) != (n.function() == null), source, "buckets: " + b.name()
            + ".notifications: give exactly one of queue and function");
        require(n.queue() == null || queueNames.contains(n.queue()), source, "buckets: " + b.name()
            + ".notifications.queue '" + n.queue() + "' is not a declared queue");
        require(n.function() == null || functionNames.contains(n.function()), source, "buckets: " + b.name()
            + ".notifications.function '" + n.function() + "' is not a declared function");
      }
    }
    for (Trigger t : triggers) {
      require(functionNames.contains(t.function()), source, "triggers: function '" + t.function()
          + "' is not a declared function");
      require((t.queue() == null) != (t.stream() == null), source, "triggers: " + t.function()
          + ": give exactly one of queue and stream");
      require(t.queue() == null || queueNames.contains(t.queue()), source, "triggers: queue '" + t.queue()
          + "' is not a declared queue");
      require(t.stream() == null || streamNames.contains(t.stream()), source, "triggers: stream '" + t.stream()
          + "' is not a declared stream");
      require(t.onFailureQueue() == null || queueNames.contains(t.onFailureQueue()), source,
          "triggers: onFailureQueue '" + t.onFailureQueue() + "' is not a declared queue");
      require(t.batchSize() == null || (t.batchSize() >= 1 && t.batchSize() <= 10_000), source,
          "triggers: " + t.function() + ".batchSize must be 1 to 10000");
      require(t.startingPosition() == null || t.startingPosition().equals("TRIM_HORIZON")
          || t.startingPosition().equals("LATEST"), source, "triggers: startingPosition must be TRIM_HORIZON or LATEST");
    }
  }

  private static void require(boolean ok, String source, String message) {
    if (!ok) {
      throw new IllegalArgumentException(source + ": " + message);
    }
  }
}
