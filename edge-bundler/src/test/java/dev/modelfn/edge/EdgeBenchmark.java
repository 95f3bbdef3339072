package dev.modelfn.edge;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.edge.bundle.Bundler;
import dev.modelfn.edge.bundle.SigningKey;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.ChannelPointer;
import dev.modelfn.edge.client.EdgeClient;
import dev.modelfn.edge.client.TrustedKeys;
import dev.modelfn.edge.quantize.Calibrator;
import dev.modelfn.edge.quantize.Drift;
import dev.modelfn.edge.quantize.DynamicQuantizer;
import dev.modelfn.edge.quantize.Optimizer;
import dev.modelfn.edge.quantize.Progress;
import dev.modelfn.edge.quantize.Rows;
import dev.modelfn.edge.quantize.StaticQdqQuantizer;
import dev.modelfn.examples.MlpModelGenerator;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The edge figures of docs/edge.md, side by side in one run: dynamic int8 and static QDQ against
 * fp32 on the {@code mlp} example (size, single-row p50, top-1 agreement on 10,000 hold-out rows),
 * and the client's verify + swap of a 4 MB bundle (time, allocation, the smallest heap it runs in).
 *
 * <p>{@code ./mvnw -q -pl edge-bundler verify -DskipTests -Pbenchmarks}
 */
public final class EdgeBenchmark {
  private EdgeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/benchmark"));
    int rows = Integer.getInteger("rows", 10_000);
    OnnxMl.ModelProto mlp = MlpModelGenerator.build();
    byte[] fp32 = mlp.toByteArray();
    Rows holdout = Rows.synthetic(rows, 256, 2026);
    Rows calibration = Rows.synthetic(1000, 256, 77);

    byte[] dynamic = optimized(dir, "dynamic", DynamicQuantizer.quantize(mlp).model());
    var ranges = Calibrator.calibrate(mlp, calibration.features(), Calibrator.Method.MINMAX, 0, Progress.NONE);
    byte[] qdq = optimized(dir, "qdq", StaticQdqQuantizer.quantize(mlp, ranges).model());
    var pct = Calibrator.calibrate(mlp, calibration.features(), Calibrator.Method.PERCENTILE, 99.99, Progress.NONE);
    byte[] qdqPct = optimized(dir, "qdq-pct", StaticQdqQuantizer.quantize(mlp, pct).model());

    Drift d = Drift.measure(fp32, dynamic, holdout, Progress.NONE);
    Drift s = Drift.measure(fp32, qdq, holdout, Progress.NONE);
    Drift sp = Drift.measure(fp32, qdqPct, holdout, Progress.NONE);
    System.out.printf("%nmlp (%d parameters), %d hold-out rows, one row per call, 1 intra-op thread, %s, %d cores%n",
        MlpModelGenerator.parameters(), rows, System.getProperty("java.vm.name") + " " + Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-26s %10s %7s %9s %8s %9s %10s%n", "model", "bytes", "size", "p50 us", "speed", "top-1",
        "max |dp|");
    System.out.printf("%-26s %10d %7s %9.1f %8s %9s %10s%n", "fp32", fp32.length, "1.00x", d.fp32P50Micros(), "1.00x",
        "-", "-");
    row("dynamic int8", dynamic.length, d);
    row("static QDQ int8 (min/max)", qdq.length, s);
    row("static QDQ int8 (p99.99)", qdqPct.length, sp);
    System.out.printf("(speed = fp32 p50 / p50, each against the fp32 run interleaved with it; fp32 p50 in the "
        + "static runs: %.1f, %.1f us)%n", s.fp32P50Micros(), sp.fp32P50Micros());

    client(dir);
  }

  private static void row(String name, int bytes, Drift d) {
    System.out.printf("%-26s %10d %6.2fx %9.1f %7.2fx %8.2f%% %10.5f%n", name, bytes, d.sizeRatio(),
        d.candidateP50Micros(), 1 / d.p50LatencyRatio(), 100 * d.top1Agreement(), d.maxAbsProbabilityDiff());
  }

  private static byte[] optimized(Path dir, String name, OnnxMl.ModelProto m) throws Exception {
    Path q = dir.resolve(name + ".onnx");
    Files.write(q, m.toByteArray());
    Path o = dir.resolve(name + ".opt.onnx");
    Optimizer.optimize(q, o);
    return Files.readAllBytes(o);
  }

  /** A 4 MB bundle (fp32 mlp): verify + extract + fsync + rename, and a whole update over loopback. */
  private static void client(Path parent) throws Exception {
    Path dir = Files.createTempDirectory(parent, "client-");
    Path keys = dir.resolve("keys-" + System.nanoTime());
    SigningKey key = SigningKey.read(SigningKey.generate(keys, "bench").privateKey());
    Path model = dir.resolve("mlp.onnx");
    Files.write(model, MlpModelGenerator.build().toByteArray());
    Path cdn = Files.createDirectories(dir.resolve("cdn-" + System.nanoTime()));
    Path bundle = Bundler.bundle(new Bundler.Request(model, "mlp", 1, key, cdn, Bundler.Quantization.NONE, null,
        Calibrator.Method.MINMAX, 0, null, 200, true, "1.0", null, null, 3, null), st -> Progress.NONE).bundle();
    long size = Files.size(bundle);
    TrustedKeys trust = key.trust();

    int runs = 15;
    long[] nanos = new long[runs];
    long[] allocated = new long[runs];
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < runs; i++) {
      Path installDir = Files.createDirectories(dir.resolve("install-" + i));
      Path tmp = Files.createDirectories(installDir.resolve(".tmp-1"));
      System.gc();
      long a0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      BundleFile.verify(bundle, trust, tmp.resolve("model.onnx"));
      Files.move(tmp, installDir.resolve("1"), StandardCopyOption.ATOMIC_MOVE);
      nanos[i] = System.nanoTime() - t0;
      allocated[i] = threads.getCurrentThreadAllocatedBytes() - a0;
    }
    java.util.Arrays.sort(nanos);
    java.util.Arrays.sort(allocated);
    System.out.printf("%nclient, bundle of %.2f MB (fp32 mlp, %d golden cases)%n", size / 1048576.0, 3);
    System.out.printf("verify + swap (streamed SHA-256, Ed25519, extract, fsync, rename): median %.1f ms, "
        + "allocated %.0f kB per run (median of %d)%n", nanos[runs / 2] / 1e6, allocated[runs / 2] / 1024.0, runs);
    Path pub = keys.resolve("bench-public.key.json");
    for (int mb : new int[] {4, 6, 8, 12, 16, 32}) {
      Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + mb + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          "dev.modelfn.edge.cli.EdgeCli", "verify", "--bundle", bundle.toString(), "--public-key", pub.toString())
          .redirectErrorStream(true).start();
      proc.getInputStream().readAllBytes();
      if (proc.waitFor() == 0) {
        System.out.printf("the whole `modelfn-edge verify` of this bundle runs in a %d MB heap (-Xmx%dm, serial GC; "
            + "tried 4, 6, 8, 12, 16, 32)%n", mb, mb);
        break;
      }
    }

    // the whole update over loopback HTTP: pointer, download, hash, verify, install, ORT load, golden check
    String path = cdn.relativize(bundle).toString();
    ObjectMapper json = new ObjectMapper();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    ObjectNode p = json.createObjectNode().put("type", ChannelPointer.TYPE).put("name", "mlp").put("channel", "stable")
        .put("sequence", 1).put("created", now.toString()).put("expires", now.plus(1, ChronoUnit.DAYS).toString())
        .put("rollout_percent", 100);
    p.putObject("current").put("version", 1).put("path", path).put("sha256", BundleFile.sha256(bundle))
        .put("size", size).put("min_client_version", "1.0");
    p.putNull("previous");
    p.putArray("revoked");
    byte[] payload = json.writeValueAsBytes(p);
    Map<String, String> sig = key.sign(TrustedKeys.POINTER_TYPE, payload);
    ObjectNode env = json.createObjectNode().put("payloadType", TrustedKeys.POINTER_TYPE)
        .put("payload", Base64.getEncoder().encodeToString(payload));
    env.putArray("signatures").addObject().put("keyid", sig.get("keyid")).put("sig", sig.get("sig"));
    Files.createDirectories(cdn.resolve("channels/mlp"));
    Files.write(cdn.resolve("channels/mlp/stable.json"), json.writeValueAsBytes(env));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      try (ex) {
        Path f = cdn.resolve(ex.getRequestURI().getPath().substring(1));
        byte[] b = Files.readAllBytes(f);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
    });
    server.start();
    try {
      long[] update = new long[5];
      for (int i = 0; i < update.length; i++) {
        try (EdgeClient c = EdgeClient.builder().cdn(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .name("mlp").deviceId("bench").trustedKeys(trust).directory(dir.resolve("device-" + i)).open()) {
          long t0 = System.nanoTime();
          EdgeClient.UpdateResult r = c.update();
          update[i] = System.nanoTime() - t0;
          if (r.outcome() != EdgeClient.Outcome.UPDATED) {
            throw new IllegalStateException(r.toString());
          }
        }
      }
      java.util.Arrays.sort(update);
      System.out.printf("whole update over loopback (pointer, download, SHA-256, verify, install, ORT load, golden "
          + "check): median %.1f ms of %d%n", update[update.length / 2] / 1e6, update.length);
    } finally {
      server.stop(0);
    }
  }

}
