package dev.modelfn.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.EmfMetrics;
import dev.modelfn.aws.StreamInferenceHandler;
import dev.modelfn.codec.InstancesCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.stream.PredictionSink;
import dev.modelfn.core.stream.ScoreRecordsFunction;
import dev.modelfn.examples.SyntheticTransactions;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Tensor;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A Kinesis batch of {@code records} transactions through stream inference, printed beside the
 * in-memory baseline in one run: the handler path (the event's bytes parsed, each record
 * base64-decoded and decoded, one model call, the predictions built) against decoding the same
 * rows and one batched {@code session.run}; the sink round trip (SendMessageBatch of the
 * predictions to the local cloud's SQS) measured on its own.
 *
 * <p>Arguments: {@code home=<project dir> records=<n> rounds=<n>}.
 */
public final class StreamBenchmark {
  private StreamBenchmark() {}

  public record Figures(double baselineMs, double handlerMs, double sinkMs) {}

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> a = Args.parse(args);
    Path home = Path.of(Args.one(a, "home", ".")).toAbsolutePath().normalize();
    run(home, Integer.parseInt(Args.one(a, "records", "500")), Integer.parseInt(Args.one(a, "rounds", "200")),
        System.out);
  }

  public static Figures run(Path home, int n, int rounds, PrintStream out) throws Exception {
    dev.modelfn.telemetry.Logs.setSink(new PrintStream(java.io.OutputStream.nullOutputStream()));
    try (OnnxPredictor p = OnnxPredictor.load(ModelfnConfig.from(Map.of("MODELFN_MODEL_URI",
        home.resolve("events/models/fraud/fraud.onnx").toUri().toString(), "MODELFN_MODEL_NAME", "fraud")),
        ModelLoader.local())) {
      List<String> features = p.metadata().signature().featureNames();
      SyntheticTransactions gen = new SyntheticTransactions(7);
      List<byte[]> payloads = new ArrayList<>();
      ObjectNode event = Json.mapper().createObjectNode();
      ArrayNode recs = event.putArray("Records");
      for (int i = 0; i < n; i++) {
        double[] v = gen.next().values();
        ObjectNode row = Json.mapper().createObjectNode();
        for (int j = 0; j < v.length; j++) {
          row.put(SyntheticTransactions.FEATURES.get(j), v[j]);
        }
        byte[] payload = row.toString().getBytes(StandardCharsets.UTF_8);
        payloads.add(payload);
        // the shape Lambda delivers (as events/stream/kinesis-records.json): arrival times in seconds
        // with milliseconds, the event id made of the shard and the sequence number, the ARNs
        ObjectNode r = recs.addObject();
        String sequence = String.format("4968051802193577488581423412120696%022d", i);
        r.putObject("kinesis").put("kinesisSchemaVersion", "1.0").put("partitionKey", "card-" + (4000 + i % 997))
            .put("sequenceNumber", sequence).put("data", Base64.getEncoder().encodeToString(payload))
            .put("approximateArrivalTimestamp", java.math.BigDecimal.valueOf(1_795_500_000_123L + i, 3));
        r.put("eventSource", "aws:kinesis").put("eventVersion", "1.0").put("eventID", "shardId-000000000000:" + sequence)
            .put("eventName", "aws:kinesis:record").put("invokeIdentityArn", "arn:aws:iam::123456789012:role/modelfn-stream")
            .put("awsRegion", "us-east-1")
            .put("eventSourceARN", "arn:aws:kinesis:us-east-1:123456789012:stream/modelfn-input-stream");
      }
      byte[] eventBytes = event.toString().getBytes(StandardCharsets.UTF_8);
      List<PredictionSink.Item> captured = new ArrayList<>();
      ScoreRecordsFunction fn = new ScoreRecordsFunction(p, items -> {
        captured.clear();
        captured.addAll(items);
        return Set.of();
      }, letters -> Set.of(), new EmfMetrics("modelfn", true, Map.of("Model", "fraud", "ModelVersion", "1")));
      int width = features.size();
      long[] base = new long[rounds];
      long[] handler = new long[rounds];
      for (int r = -rounds; r < rounds; r++) { // the first half warms both paths up
        long t0 = System.nanoTime();
        float[] x = new float[n * width];
        for (int i = 0; i < n; i++) {
          ArrayNode one = Json.mapper().createArrayNode().add(Json.parse(payloads.get(i)));
          float[] v = (float[]) InstancesCodec.decode(one, "", p.metadata().signature(), 1).inputs().get(0).data();
          System.arraycopy(v, 0, x, i * width, width);
        }
        p.infer(InferenceRequest.of(Tensor.ofFloats("input", new long[] {n, width}, x)));
        long t1 = System.nanoTime();
        var batch = StreamInferenceHandler.records(eventBytes);
        ScoreRecordsFunction.Result res = fn.apply(batch.records(), batch.ordering());
        long t2 = System.nanoTime();
        if (res.scored() != n) {
          throw new IllegalStateException("scored " + res.scored() + " of " + n);
        }
        if (r >= 0) {
          base[r] = t1 - t0;
          handler[r] = t2 - t1;
        }
      }
      double baseMs = median(base) / 1e6;
      double handlerMs = median(handler) / 1e6;
      double sinkMs = sinkRoundTrip(home, captured);
      out.printf("stream: a Kinesis batch of %d records, median of %d rounds%n", n, rounds);
      out.printf("  in-memory baseline (decode + one session.run): %7.2f ms%n", baseMs);
      out.printf("  handler without the sink (event -> predictions): %5.2f ms  ratio %.2f%n", handlerMs,
          handlerMs / baseMs);
      out.printf("  sink round trip (SendMessageBatch x%d to the local cloud's SQS): %.2f ms%n", (n + 9) / 10, sinkMs);
      return new Figures(baseMs, handlerMs, sinkMs);
    }
  }

  /** Median time to send the predictions to an SQS queue of the local cloud, in batches of ten. */
  private static double sinkRoundTrip(Path home, List<PredictionSink.Item> items) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (LocalCloud cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, home,
        home.resolve("local-dev/.cache"), Files.createTempDirectory("modelfn-stream-bench"), null,
        Path.of(System.getProperty("java.home"), "bin", "java"), Set.of("sqs"), line -> { }), CloudConfig.parse("{\"queues\":[{\"name\":\"predictions\"}]}", "StreamBenchmark"))) {
      cloud.start();
      try (SqsClient sqs = cloud.sqsClient()) {
        String url = cloud.queueUrl("predictions");
        long[] t = new long[30];
        for (int r = -10; r < t.length; r++) {
          long t0 = System.nanoTime();
          for (int from = 0; from < items.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(items.size(), from + 10); i++) {
              entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                  .messageBody(new String(items.get(i).json(), StandardCharsets.UTF_8)).build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
          }
          if (r >= 0) {
            t[r] = System.nanoTime() - t0;
          }
        }
        sqs.purgeQueue(q -> q.queueUrl(url));
        return median(t) / 1e6;
      }
    }
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
