package dev.modelfn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks still run end to end (with tiny counts): they answer real events and print every
 * figure. Their timings are read by people from the benchmark run, never asserted here.
 */
class BenchmarksIT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();

  @Test
  void warmPathBenchmarkMeasuresBothModels() throws Exception {
    PrintStream sink = dev.modelfn.telemetry.Logs.sink();
    dev.modelfn.telemetry.Logs.setSink(new PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      measureBoth();
    } finally {
      dev.modelfn.telemetry.Logs.setSink(sink);
    }
  }

  private static void measureBoth() throws Exception {
    WarmPathBenchmark.Result fraud = WarmPathBenchmark.measure("fraud", HOME.resolve("events/models/fraud/fraud.onnx"),
        false, 2, 20, 50);
    WarmPathBenchmark.Result mlp = WarmPathBenchmark.measure("mlp", Path.of(System.getProperty("modelfn.mlp.path")),
        false, 2, 20, 50);
    WarmPathBenchmark.Result mlpBinary = WarmPathBenchmark.measure("mlp",
        Path.of(System.getProperty("modelfn.mlp.path")), true, 2, 20, 50);
    assertThat(fraud.rawP50()).isPositive();
    assertThat(fraud.handlerP50()).isPositive();
    assertThat(mlp.rawP50()).isPositive();
    assertThat(mlp.handlerP50()).isPositive();
    assertThat(mlpBinary.handlerP50()).isPositive();
  }

  @Test
  void batchBenchmarkMeasuresThroughputAndMemoryOnTheLocalCloud() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BatchBenchmark.Figures f = BatchBenchmark.run(HOME, 3_000, 2, java.util.List.of(1_000L, 3_000L),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(f.baselineRowsPerSecond()).isPositive();
    assertThat(f.endToEndRowsPerSecond()).isPositive();
    assertThat(f.memory()).hasSize(2).allSatisfy(m -> assertThat(m[2]).as("peak heap MiB").isPositive());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ratio").contains("peak heap");
  }

  @Test
  void streamBenchmarkComparesTheHandlerWithTheBaselineAndTimesTheSink() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream sink = dev.modelfn.telemetry.Logs.sink();
    try {
      StreamBenchmark.Figures f = StreamBenchmark.run(HOME, 50, 5, new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(f.baselineMs()).isPositive();
      assertThat(f.handlerMs()).isPositive();
      assertThat(f.sinkMs()).isPositive();
    } finally {
      dev.modelfn.telemetry.Logs.setSink(sink);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ratio").contains("sink round trip");
  }

  @Test
  void coldStartBenchmarkPrintsEveryConfigurationAndTheZipSize() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ColdStartBenchmark.main(new String[] {"home=" + HOME, "runs=1",
          "jdk=" + Path.of(System.getProperty("java.home"), "bin", "java")});
    } finally {
      System.setOut(previous);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("deployment zip:").contains("managed runtime").contains("managed, app-cp + ")
        .contains("custom runtime + ");
    assertThat(printed.lines().filter(l -> l.endsWith("x")).count()).isEqualTo(3);
  }
}
