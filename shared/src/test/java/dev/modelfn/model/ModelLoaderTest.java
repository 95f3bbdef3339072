package dev.modelfn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

  @Test
  void findsClasspathModelsUnderThePackageRootWhenTheClassPathHoldsOnlyJars(@TempDir Path root) throws Exception {
    Path models = Files.createDirectories(root.resolve("packaged/fraud"));
    Files.copy(Fixtures.path("models/fraud/fraud.onnx"), models.resolve("fraud.onnx"));
    Files.copy(Fixtures.path("models/fraud/fraud.features.json"), models.resolve("fraud.features.json"));
    ModelLoader loader = new ModelLoader(List.of(), root.resolve("cache"), Optional.of(root));
    ModelArtifact a = loader.locate("classpath:packaged/fraud/fraud.onnx");
    assertThat(a.file()).contains(models.resolve("fraud.onnx"));
    assertThat(a.sidecar()).isPresent();
  }

  @Test
  void namesBothPlacesWhenAPackagedModelIsMissing(@TempDir Path root) {
    ModelLoader loader = new ModelLoader(List.of(), root.resolve("cache"), Optional.of(root));
    assertThatThrownBy(() -> loader.locate("classpath:nope/m.onnx")).isInstanceOf(ModelfnException.class)
        .satisfies(e -> assertThat(((ModelfnException) e).problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("on the classpath or under " + root).hasMessageContaining("nope/m.onnx");
  }
}
