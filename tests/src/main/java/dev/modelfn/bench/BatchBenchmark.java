package dev.modelfn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.examples.SyntheticTransactions;
import dev.modelfn.local.FileTrees;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Batch scoring on the local cloud, printed beside its baselines in one run:
 *
 * <ul>
 *   <li>throughput: a CSV of {@code rows} transactions (16 features) dropped into the bucket, from
 *       the end of the upload to the completed manifest, through S3 notification, SQS, the batch
 *       function (the deployment zip in its own JVM) and multipart upload; against the in-memory
 *       baseline: the same bytes split into rows, parsed and scored in batches of 512 with
 *       {@code session.run}, in this JVM. After a first file of the same size (reported on its own),
 *       {@code rounds} rounds each measure the baseline and the end-to-end run back to back; the
 *       figure is the median ratio;
 *   <li>memory: the same function with 301 MB of memory (a 255 MiB heap) scoring {@code memRows}
 *       files of different sizes; the manifests report the peak heap, which must not grow with the
 *       file.
 * </ul>
 *
 * <p>Arguments: {@code home=<project dir> rows=<n> rounds=<n> memRows=<n>,<n>...}.
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> a = Args.parse(args);
    Path home = Path.of(Args.one(a, "home", ".")).toAbsolutePath().normalize();
    long rows = Long.parseLong(Args.one(a, "rows", "1000000"));
    List<Long> memRows = a.getOrDefault("memRows", List.of("100000", "10000000")).stream()
        .flatMap(s -> java.util.Arrays.stream(s.split(","))).map(Long::parseLong).toList();
    int rounds = Integer.parseInt(Args.one(a, "rounds", "5"));
    run(home, rows, rounds, memRows, System.out);
  }

  public record Figures(double baselineRowsPerSecond, double endToEndRowsPerSecond, List<long[]> memory) {}

  public static Figures run(Path home, long rows, List<Long> memRows, PrintStream out) throws Exception {
    return run(home, rows, 5, memRows, out);
  }

  /** The index of the median of {@code xs} (the lower middle one for an even count). */
  static int median(double[] xs) {
    Integer[] idx = new Integer[xs.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, java.util.Comparator.comparingDouble(i -> xs[i]));
    return idx[(idx.length - 1) / 2];
  }

  public static Figures run(Path home, long rows, int rounds, List<Long> memRows, PrintStream out) throws Exception {
    Path dir = Files.createDirectories(home.resolve("tests/target/bench"));
    Path csv = generate(dir, rows);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CloudConfig cfg = CloudConfig.parse("""
        {
          "buckets": [
            { "name": "bench", "notifications": [ { "prefix": "incoming/", "queue": "bench-objects" } ] },
            { "name": "bench-small", "notifications": [ { "prefix": "incoming/", "queue": "small-objects" } ] },
            { "name": "bench-jdk", "notifications": [ { "prefix": "incoming/", "queue": "jdk-objects" } ] }
          ],
          "queues": [ { "name": "bench-objects", "visibilityTimeoutSeconds": 960 },
                      { "name": "small-objects", "visibilityTimeoutSeconds": 960 },
                      { "name": "jdk-objects", "visibilityTimeoutSeconds": 960 } ],
          "functions": [
            { "name": "batch", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest",
              "code": "local-dev/target/functions/modelfn-aws-lambda.zip",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:bench-objects}",
                               "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=4" },
              "memoryMb": 2048, "timeoutSeconds": 900 },
            { "name": "batch-small", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest",
              "code": "local-dev/target/functions/modelfn-aws-lambda.zip",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:small-objects}",
                               "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=4" },
              "memoryMb": 301, "timeoutSeconds": 900 },
            { "name": "batch-jdk", "handler": "dev.modelfn.aws.BatchScoringHandler::handleRequest",
              "code": "local-dev/target/functions/modelfn-aws-lambda.zip",
              "environment": { "MODELFN_MODEL_URI": "classpath:models/fraud/fraud.onnx", "MODELFN_MODEL_NAME": "fraud",
                               "MODELFN_BATCH_QUEUE_URL": "${queue:jdk-objects}",
                               "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=4 -Dmodelfn.batch.onePassDecimals=false" },
              "memoryMb": 2048, "timeoutSeconds": 900 }
          ],
          "triggers": [
            { "function": "batch", "queue": "bench-objects", "batchSize": 1, "reportBatchItemFailures": true },
            { "function": "batch-small", "queue": "small-objects", "batchSize": 1, "reportBatchItemFailures": true },
            { "function": "batch-jdk", "queue": "jdk-objects", "batchSize": 1, "reportBatchItemFailures": true }
          ]
        }""", "BatchBenchmark");
    // every input stays in the bucket with its predictions (about as large) and, while it is
    // uploaded, S3Mock's staging copy: room for three times the inputs, and a GB to spare
    long perRow = Files.size(csv) / Math.max(1, rows) + 1;
    long inputs = perRow * (rows * (3 + 2 * rounds) + memRows.stream().mapToLong(Long::longValue).sum());
    Path runDir = runDir(3 * inputs + (1L << 30));
    out.printf("local cloud data under %s%n", runDir);
    try (LocalCloud cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, home,
        home.resolve("local-dev/.cache"), runDir, null,
        Path.of(System.getProperty("java.home"), "bin", "java"), java.util.Set.of("s3", "sqs"), line -> { }),
        cfg); S3Client s3 = startAndConnect(cloud)) {
      // The first file starts the function's JVM and finds every JVM on the machine (the function's,
      // S3Mock's) still compiling; a running service has scored files before. So: one file of the
      // same size first (reported as the first file), then rounds that each time the in-memory
      // baseline and the end-to-end run back to back, since this machine's speed drifts; the
      // figure is the median of the rounds' ratios.
      double first = score(s3, "bench", "incoming/first.csv", csv, rows);
      out.printf("batch throughput: %,d rows (%d MB), 16 features%n", rows, Files.size(csv) / 1_000_000);
      out.printf("  first file after the function's start: %.2f s from upload to manifest (%,.0f rows/s)%n", first,
          rows / first);
      baseline(home, csv, rows); // the baseline's own warm-up in this JVM, as the first file is the function's
      double[] ratios = new double[rounds];
      double[] e2es = new double[rounds];
      double[] baselines = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        baselines[round] = baseline(home, csv, rows);
        String key = "incoming/run-" + round + ".csv";
        double seconds = score(s3, "bench", key, csv, rows);
        e2es[round] = rows / seconds;
        ratios[round] = e2es[round] / baselines[round];
        JsonNode m = manifest(s3, "bench", "manifests/run-" + round + ".csv.json");
        out.printf("  round %d: in-memory baseline (parse + session.run, batches of 512) %,10.0f rows/s;"
            + " end to end (S3 -> SQS -> function -> S3) %,9.0f rows/s; ratio %.2f%n", round + 1, baselines[round],
            e2es[round], ratios[round]);
        out.printf("           %.2f s from upload to manifest, %.2f s of it inside the function: %.2f s waiting"
            + " for input, %.2f s for part uploads%n", seconds, m.at("/timings/lastInvocationSeconds").asDouble(),
            m.at("/timings/waitingForInputSeconds").asDouble(), m.at("/timings/waitingForUploadsSeconds").asDouble());
      }
      int mid = median(ratios);
      double baseline = baselines[mid];
      double e2e = e2es[mid];
      out.printf("  median of %d rounds: end to end %,.0f rows/s against %,.0f rows/s in memory, ratio %.2f%n", rounds,
          e2e, baseline, ratios[mid]);
      // The one kept hand-written piece of the batch reader, measured where a user sees it: the same
      // file end to end through the same function with the one-pass decimals off (every field then
      // goes through the JDK's parser), alternating, after each function's first file.
      score(s3, "bench-jdk", "incoming/first.csv", csv, rows);
      double[] onePass = new double[rounds];
      double[] jdk = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        onePass[round] = rows / score(s3, "bench", "incoming/decimals-" + round + ".csv", csv, rows);
        jdk[round] = rows / score(s3, "bench-jdk", "incoming/decimals-" + round + ".csv", csv, rows);
      }
      double[] gains = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        gains[round] = onePass[round] / jdk[round];
      }
      int g = median(gains);
      out.printf("batch decimals, end to end, %d alternating rounds: one-pass %,.0f rows/s, JDK parser %,.0f rows/s;"
          + " one-pass/JDK median %.2f (rounds:", rounds, onePass[g], jdk[g], gains[g]);
      for (double x : gains) {
        out.printf(" %.2f", x);
      }
      out.printf(")%n");
      List<long[]> memory = new java.util.ArrayList<>();
      out.printf("batch memory: function with 301 MB (255 MiB heap)%n");
      for (long n : memRows) {
        Path f = generate(dir, n);
        double s = score(s3, "bench-small", "incoming/mem-" + n + ".csv", f, n);
        JsonNode m = manifest(s3, "bench-small", "manifests/mem-" + n + ".csv.json");
        long peak = m.at("/jvm/peakHeapMiB").asLong();
        long old = m.at("/jvm/peakOldGenMiB").asLong();
        memory.add(new long[] {n, Files.size(f), peak, old});
        out.printf("  %,12d rows %,7d MB: completed in %6.1f s, peak heap %3d MiB (old generation %3d MiB) of %d%n", n,
            Files.size(f) / 1_000_000, s, peak, old, m.at("/jvm/maxHeapMiB").asLong());
      }
      return new Figures(baseline, e2e, memory);
    } finally {
      FileTrees.deleteTree(runDir);
    }
  }

  /**
   * The local cloud's data for this run: in memory (/dev/shm) where the machine has it, so that the
   * figures measure the function and the emulators rather than this disk's write-back of a few
   * hundred MB of objects; the system's temporary directory otherwise.
   */
  private static Path runDir(long bytesNeeded) throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > bytesNeeded) {
      return Files.createTempDirectory(shm, "modelfn-bench");
    }
    return Files.createTempDirectory("modelfn-bench");
  }


  private static S3Client startAndConnect(LocalCloud cloud) throws IOException {
    cloud.start();
    return cloud.s3Client();
  }

  /**
   * Seconds from the end of the upload to the completed manifest: to the {@code finishedAt} the
   * function wrote into it (the same machine's clock), so that the figure does not depend on how
   * often this loop looks, and looking seldom leaves the machine to the run.
   */
  private static double score(S3Client s3, String bucket, String key, Path file, long rows) throws Exception {
    s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromFile(file));
    java.time.Instant uploaded = java.time.Instant.now();
    String manifestKey = "manifests/" + key.substring("incoming/".length()) + ".json";
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      try {
        JsonNode m = manifest(s3, bucket, manifestKey);
        String status = m.path("status").asText();
        if (status.equals("completed")) {
          if (m.at("/rows/out").asLong() != rows) {
            throw new IllegalStateException("scored " + m.at("/rows/out") + " rows of " + rows + ": " + m);
          }
          java.time.Instant finished = java.time.Instant.parse(m.at("/timings/finishedAt").asText());
          return Duration.between(uploaded, finished).toNanos() / 1e9;
        }
        if (status.equals("failed")) {
          throw new IllegalStateException("batch scoring failed: " + m);
        }
      } catch (NoSuchKeyException e) {
        // not claimed yet
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // read while S3Mock rewrote it (S3 replaces objects atomically, S3Mock's files do not): look again
      }
    }
    throw new IllegalStateException(key + " was not scored within an hour");
  }

  private static JsonNode manifest(S3Client s3, String bucket, String key) throws IOException {
    return dev.modelfn.codec.Json.mapper().readTree(s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray());
  }

  /** A CSV of synthetic transactions (header + rows), made once per size and kept under tests/target. */
  static Path generate(Path dir, long rows) throws IOException {
    Path f = dir.resolve("transactions-" + rows + ".csv");
    if (Files.exists(f)) {
      return f;
    }
    Path tmp = dir.resolve(f.getFileName() + ".tmp");
    SyntheticTransactions gen = new SyntheticTransactions(20261124L);
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(String.join(",", SyntheticTransactions.FEATURES));
      w.write('\n');
      StringBuilder sb = new StringBuilder(160);
      for (long i = 0; i < rows; i++) {
        double[] v = gen.next().values();
        sb.setLength(0);
        for (int j = 0; j < v.length; j++) {
          if (j > 0) {
            sb.append(',');
          }
          double x = v[j];
          if (x == Math.rint(x)) {
            sb.append((long) x);
          } else {
            sb.append(x);
          }
        }
        sb.append('\n');
        w.write(sb.toString());
      }
    }
    Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return f;
  }

  /** The same bytes from memory: split lines, parse cells, score batches of 512 in this JVM. */
  static double baseline(Path home, Path csv, long rows) throws IOException {
    byte[] bytes = Files.readAllBytes(csv);
    try (OnnxPredictor p = OnnxPredictor.load(ModelfnConfig.from(Map.of("MODELFN_MODEL_URI",
        home.resolve("events/models/fraud/fraud.onnx").toUri().toString())), ModelLoader.local())) {
      String input = p.metadata().signature().inputs().get(0).name();
      List<String> features = p.metadata().signature().featureNames();
      String[] header = new String(bytes, 0, indexOf(bytes, 0), StandardCharsets.UTF_8).split(",");
      int[] column = new int[features.size()];
      for (int c = 0; c < column.length; c++) {
        column[c] = java.util.Arrays.asList(header).indexOf(features.get(c));
      }
      int width = features.size();
      long best = Long.MAX_VALUE;
      for (int round = 0; round < 2; round++) { // the second pass runs compiled
        long t0 = System.nanoTime();
        int pos = indexOf(bytes, 0) + 1;
        float[] x = new float[512 * width];
        int n = 0;
        long scored = 0;
        String[] cells = new String[header.length];
        while (pos < bytes.length) {
          int end = indexOf(bytes, pos);
          int start = pos;
          int cell = 0;
          for (int i = pos; i <= end; i++) {
            if (i == end || bytes[i] == ',') {
              cells[cell++] = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
              start = i + 1;
            }
          }
          for (int c = 0; c < width; c++) {
            x[n * width + c] = (float) Double.parseDouble(cells[column[c]]);
          }
          n++;
          pos = end + 1;
          if (n == 512 || pos >= bytes.length) {
            float[] batch = n == 512 ? x : java.util.Arrays.copyOf(x, n * width);
            scored += p.infer(InferenceRequest.of(Tensor.ofFloats(input, new long[] {n, width}, batch)))
                .outputs().size() > 0 ? n : 0;
            n = 0;
          }
        }
        if (scored != rows) {
          throw new IllegalStateException("baseline scored " + scored + " of " + rows);
        }
        best = Math.min(best, System.nanoTime() - t0);
      }
      return rows / (best / 1e9);
    }
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return b.length;
  }
}
