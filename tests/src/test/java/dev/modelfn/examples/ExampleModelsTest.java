package dev.modelfn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example models are reproducible from their seeds, and the committed files are what the seed gives. */
class ExampleModelsTest {

  @Test
  void regeneratingTheFraudModelReproducesEveryCommittedFileByteForByte() {
    Map<String, byte[]> generated = FraudModelGenerator.generate(false);
    assertThat(generated.keySet()).containsExactlyInAnyOrder("models/fraud/fraud.onnx",
        "models/fraud/fraud.features.json", "models/fraud/golden-predictions.json", "batch/fraud-sample.csv");
    for (Map.Entry<String, byte[]> f : generated.entrySet()) {
      assertThat(f.getValue())
          .as("events/%s differs from what the seed generates; regenerate with"
              + " ./mvnw -q -pl tests -am -P regenerate-models process-classes", f.getKey())
          .isEqualTo(Fixtures.bytes(f.getKey()));
    }
  }

  @Test
  void theGeneratedMlpHasAboutAMillionParametersAndTheDocumentedSignature() throws Exception {
    Path mlp = Path.of(System.getProperty("modelfn.mlp.path", "target/models/mlp/mlp.onnx"));
    assertThat(mlp).exists();
    byte[] again = MlpModelGenerator.build().toByteArray();
    assertThat(again).as("the MLP is deterministic").isEqualTo(Files.readAllBytes(mlp));
    try (OnnxPredictor p = OnnxPredictor.load(ModelfnConfig.from(Map.of("MODELFN_MODEL_URI", mlp.toUri().toString(),
        "MODELFN_METRICS_ENABLED", "false")), ModelLoader.local())) {
      TensorSpec in = p.metadata().signature().inputs().get(0);
      assertThat(in.type()).isEqualTo(ElementType.FP32);
      assertThat(in.shape()).containsExactly(-1L, (long) MlpModelGenerator.LAYERS[0]);
      assertThat(p.metadata().signature().outputs()).anySatisfy(o -> assertThat(o.shape()).containsExactly(-1L,
          (long) MlpModelGenerator.LAYERS[MlpModelGenerator.LAYERS.length - 1]));
    }
    assertThat(MlpModelGenerator.parameters()).isBetween(900_000L, 1_200_000L);
  }
}
