package dev.modelfn.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local execution environment runs handlers under the real Lambda runtime client, as Lambda does. */
class LocalLambdaFunctionIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path RUNTIME = Path.of(System.getProperty("modelfn.local.lambdaRuntimeDir",
      "lambda-runtime/target/lib"));
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir
  static Path taskRoot;

  @TempDir
  Path cache;

  /** A task root holding the compiled test handlers, like an unpacked deployment package. */
  @BeforeAll
  static void packageTestFunctions() throws IOException {
    Path classes = Path.of("target/test-classes/dev/modelfn/local/testfn");
    Path into = Files.createDirectories(taskRoot.resolve("dev/modelfn/local/testfn"));
    try (var s = Files.list(classes)) {
      for (Path c : s.toList()) {
        Files.copy(c, into.resolve(c.getFileName()));
      }
    }
  }

  private LocalLambdaFunction function(String handlerClass, Duration timeout, List<String> logs) {
    FunctionSpec spec = new FunctionSpec("test-fn", "dev.modelfn.local.testfn.TestFunctions$" + handlerClass
        + "::handleRequest", taskRoot, Map.of("GREETING", "hello"), 256, timeout, List.of());
    return new LocalLambdaFunction(spec, RUNTIME, cache, JAVA, LocalAccount.REGION, logs::add);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void passesEventContextAndEnvironmentAndKeepsTheEnvironmentWarm() throws Exception {
    try (LocalLambdaFunction fn = function("Echo", Duration.ofSeconds(10), new CopyOnWriteArrayList<>())) {
      InvocationResult first = fn.invoke(bytes("{\"n\":1}"));
      InvocationResult second = fn.invoke(bytes("{\"n\":2}"));
      assertThat(first.failed()).as(first.payloadText()).isFalse();
      JsonNode a = MAPPER.readTree(first.payload());
      JsonNode b = MAPPER.readTree(second.payload());
      assertThat(a.at("/event/n").asInt()).isEqualTo(1);
      assertThat(a.at("/requestId").asText()).isEqualTo(first.requestId());
      assertThat(a.at("/function").asText()).isEqualTo("test-fn");
      assertThat(a.at("/arn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:test-fn");
      assertThat(a.at("/memory").asInt()).isEqualTo(256);
      assertThat(a.at("/remainingMs").asLong()).isBetween(1L, 10_000L);
      assertThat(a.at("/greeting").asText()).isEqualTo("hello");
      assertThat(b.at("/invocations").asInt()).as("same warm environment").isEqualTo(2);
      assertThat(b.at("/pid").asLong()).isEqualTo(a.at("/pid").asLong());
    }
  }

  @Test
  void reportsAHandlerExceptionAsAnUnhandledFunctionError() throws Exception {
    try (LocalLambdaFunction fn = function("Fail", Duration.ofSeconds(10), new CopyOnWriteArrayList<>())) {
      InvocationResult r = fn.invoke(bytes("{}"));
      assertThat(r.functionError()).isEqualTo("Unhandled");
      JsonNode err = MAPPER.readTree(r.payload());
      assertThat(err.at("/errorMessage").asText()).isEqualTo("the model exploded");
      assertThat(err.at("/errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    }
  }

  @Test
  void timesOutAndReplacesTheEnvironment() throws Exception {
    try (LocalLambdaFunction fn = function("Sleep", Duration.ofSeconds(1), new CopyOnWriteArrayList<>())) {
      long pid = MAPPER.readTree(fn.invoke(bytes("1")).payload()).at("/pid").asLong();
      InvocationResult slow = fn.invoke(bytes("5000"));
      assertThat(slow.functionError()).isEqualTo("Unhandled");
      assertThat(slow.payloadText()).contains("Task timed out after 1.00 seconds").contains("Sandbox.Timedout");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      InvocationResult after = fn.invoke(bytes("1"));
      assertThat(after.failed()).isFalse();
      assertThat(MAPPER.readTree(after.payload()).at("/pid").asLong()).isNotEqualTo(pid);
    }
  }

  @Test
  void reportsARuntimeExitAndRecovers() throws Exception {
    try (LocalLambdaFunction fn = function("Exit", Duration.ofSeconds(10), new CopyOnWriteArrayList<>())) {
      InvocationResult r = fn.invoke(bytes("{}"));
      assertThat(r.functionError()).isEqualTo("Unhandled");
      assertThat(r.payloadText()).contains("Runtime exited with error: exit status 3");
      InvocationResult again = fn.invoke(bytes("{}"));
      assertThat(again.payloadText()).contains("exit status 3");
    }
  }

  @Test
  void failsStartWithTheInitErrorAndTheFunctionsOutput() {
    try (LocalLambdaFunction fn = function("BrokenInit", Duration.ofSeconds(10), new CopyOnWriteArrayList<>())) {
      assertThatThrownBy(fn::start).isInstanceOf(FunctionInitException.class)
          .hasMessageContaining("failed to initialise").hasMessageContaining("MODELFN_MODEL_URI is not set");
      assertThat(fn.pid()).isEmpty();
    }
  }

  /** The deployment package under a custom runtime: its bootstrap and modelfn's runtime client. */
  @Test
  void servesTheDeploymentPackageAsACustomRuntime() throws Exception {
    Path zip = Path.of(System.getProperty("modelfn.local.functionsDir", "target/functions"), "modelfn-aws-lambda.zip");
    byte[] event = dev.modelfn.testing.Fixtures.bytes("http/api-v2/infer-oip.json");
    JsonNode expected = MAPPER.readTree(dev.modelfn.testing.Fixtures.bytes("http/api-v2/infer-oip.expected.json"));
    FunctionSpec spec = new FunctionSpec("predict", "dev.modelfn.aws.PredictHttpHandler::handleRequest", zip,
        Map.of("MODELFN_MODEL_URI", "classpath:models/fraud/fraud.onnx", "MODELFN_METRICS_ENABLED", "false"), 512,
        Duration.ofSeconds(30), List.of());
    List<String> logs = new CopyOnWriteArrayList<>();
    try (LocalLambdaFunction managed = new LocalLambdaFunction(spec, RUNTIME, cache, JAVA, LocalAccount.REGION,
        logs::add, LocalLambdaFunction.Launch.MANAGED);
        LocalLambdaFunction custom = new LocalLambdaFunction(spec, RUNTIME, cache, JAVA, LocalAccount.REGION,
            logs::add, LocalLambdaFunction.Launch.CUSTOM)) {
      InvocationResult a = managed.invoke(event);
      InvocationResult b = custom.invoke(event);
      assertThat(b.failed()).as(b.payloadText()).isFalse();
      JsonNode fromCustom = MAPPER.readTree(b.payload());
      assertThat(fromCustom.get("statusCode").asInt()).isEqualTo(200);
      assertThat(MAPPER.readTree(fromCustom.get("body").asText())).isEqualTo(expected.get("body"));
      assertThat(MAPPER.readTree(MAPPER.readTree(a.payload()).get("body").asText()))
          .isEqualTo(MAPPER.readTree(fromCustom.get("body").asText()));
      assertThat(custom.runningCommand().orElseThrow()).contains("dev.modelfn.aws.runtime.LambdaRuntimeClient");
    }
  }

  @Test
  void reportsACustomRuntimeInitErrorWithTheCause() throws Exception {
    Path zip = Path.of(System.getProperty("modelfn.local.functionsDir", "target/functions"), "modelfn-aws-lambda.zip");
    FunctionSpec spec = new FunctionSpec("predict", "dev.modelfn.aws.PredictHttpHandler", zip,
        Map.of("MODELFN_MODEL_URI", "classpath:models/missing.onnx"), 512, Duration.ofSeconds(30), List.of());
    try (LocalLambdaFunction fn = new LocalLambdaFunction(spec, RUNTIME, cache, JAVA, LocalAccount.REGION,
        new CopyOnWriteArrayList<String>()::add, LocalLambdaFunction.Launch.CUSTOM)) {
      assertThatThrownBy(fn::start).isInstanceOf(FunctionInitException.class)
          .hasMessageContaining("dev.modelfn.errors.ModelfnException").hasMessageContaining("models/missing.onnx");
    }
  }

  /**
   * Environments that start together: each loads the runtime client's native library from the one
   * copy unpacked for the process, none unpacks it into /tmp under the others (where starting
   * together once failed with a SIGBUS or "file too short").
   */
  @Test
  void environmentsStartingTogetherShareTheRuntimeClientsNativeLibrary() throws Exception {
    List<LocalLambdaFunction> fns = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        fns.add(function("Echo", Duration.ofSeconds(30), new CopyOnWriteArrayList<>()));
      }
      List<java.util.concurrent.CompletableFuture<InvocationResult>> answers = new java.util.ArrayList<>();
      for (LocalLambdaFunction fn : fns) {
        answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return fn.invoke(bytes("{\"n\":1}"));
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }));
      }
      for (var a : answers) {
        InvocationResult r = a.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.failed()).as(r.payloadText()).isFalse();
      }
      Path jni = LocalLambdaFunction.runtimeJni(LocalLambdaFunction.jars(RUNTIME)).orElseThrow();
      assertThat(jni).isRegularFile();
      for (LocalLambdaFunction fn : fns) {
        assertThat(fn.runningCommand().orElseThrow()).contains("-D" + LocalLambdaFunction.JNI_PROPERTY + "=" + jni);
      }
    } finally {
      fns.forEach(LocalLambdaFunction::close);
    }
  }
}
