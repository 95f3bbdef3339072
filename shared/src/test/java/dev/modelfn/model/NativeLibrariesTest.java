package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

  /** Run in a fresh JVM: the natives preloaded from the folder, then ONNX Runtime loading and serving. */
  public static void main(String[] args) {
    Path dir = NativeLibraries.configure(System.getenv()).orElseThrow();
    NativeLibraries.preload(dir);
    try (OnnxPredictor p = OnnxPredictor.load(ModelLoader.local().locate(args[0]), OnnxPredictor.Options.defaults())) {
      Tensor row = Tensor.ofFloats("input", new long[] {1, 16}, new float[16]);
      InferenceResult r = p.infer(new InferenceRequest(List.of(row), List.of()));
      System.out.println("served " + r.outputs().size() + " outputs");
    }
  }

  @Test
  void onnxRuntimeLoadsAndServesAfterItsNativesArePreloaded() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        NativeLibrariesTest.class.getName(), Fixtures.fraudModelUri()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as(out).contains("served ").doesNotContain("Exception");
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void leavesAFolderWithoutTheLibrariesToOnnxRuntime() {
    NativeLibraries.preload(Path.of("does-not-exist")); // nothing to load, nothing thrown
    assertThat(OnnxRuntimeEnvironment.get(Map.of())).isNotNull();
  }
}
