package dev.modelfn.edge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ClientPartsTest {
  @Test
  @SuppressWarnings("unchecked")
  void readsAndWritesJsonRoundTrip() {
    Map<String, Object> m = Json.object("{\"a\":1,\"b\":[1.5,true,null,\"x\\n\\u00e9\"],\"c\":{}}");
    assertThat(m.get("a")).isEqualTo(1L);
    assertThat((List<Object>) m.get("b")).containsExactly(1.5, true, null, "x\né");
    assertThat(Json.object(Json.write(m))).isEqualTo(m);
  }

  @Test
  void refusesMalformedJson() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate");
  }

  @Test
  void placesDevicesStablyAndEvenlyInTheRollout() {
    assertThat(ChannelPointer.rolloutBucket("device-1", "mlp")).isEqualTo(ChannelPointer.rolloutBucket("device-1",
        "mlp"));
    long under25 = java.util.stream.IntStream.range(0, 10_000)
        .filter(i -> ChannelPointer.rolloutBucket("device-" + i, "mlp") < 25).count();
    assertThat(under25).isBetween(2300L, 2700L);
  }

  @Test
  void comparesDottedVersionsNumerically() {
    assertThat(Manifest.compareVersions("1.10", "1.9")).isPositive();
    assertThat(Manifest.compareVersions("1.0", "1")).isZero();
    assertThat(Manifest.compareVersions("0.9", "1.0")).isNegative();
  }

  @Test
  void comparesGoldenOutputsWithARelativeTolerance() {
    assertThat(EdgeClient.compare(new float[][] {{0.5f, 0.5f}}, new float[][] {{0.5004f, 0.4996f}}, 1e-3)).isNull();
    assertThat(EdgeClient.compare(new float[][] {{0.5f, 0.5f}}, new float[][] {{0.6f, 0.4f}}, 1e-3))
        .contains("output [0][0]");
  }

  @Test
  void clientUsesOnlyTheJdkAndOnnxRuntime() throws Exception {
    Path src = Path.of("src/main/java/dev/modelfn/edge/client");
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.startsWith("import ")) {
            assertThat(line).as(f.getFileName() + ": " + line).matches("import (static )?(java\\.|ai\\.onnxruntime\\.).*");
          }
        }
      }
    }
  }
}
