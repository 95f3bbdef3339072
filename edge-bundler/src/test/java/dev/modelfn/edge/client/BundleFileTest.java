package dev.modelfn.edge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.edge.Bundles;
import dev.modelfn.edge.bundle.Bundler;
import dev.modelfn.edge.bundle.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFileTest {
  @TempDir
  static Path dir;
  static SigningKey key;
  static Path bundle;

  @BeforeAll
  static void bundle() throws Exception {
    key = SigningKey.read(SigningKey.generate(dir.resolve("keys"), "test").privateKey());
    bundle = Bundles.tiny(dir, "tiny", 3, key);
  }

  @Test
  void verifiesAnUntouchedBundleAndExtractsItsModel() throws Exception {
    Path model = dir.resolve("model.onnx");
    BundleFile.Verified v = BundleFile.verify(bundle, key.trust(), model);
    assertThat(v.manifest().name()).isEqualTo("tiny");
    assertThat(v.manifest().version()).isEqualTo(3);
    assertThat(v.manifest().golden()).hasSize(2);
    assertThat(BundleFile.sha256(model)).isEqualTo(v.manifest().modelSha256());
  }

  @Test
  void refusesEveryBundleWithAnyByteChanged() throws Exception {
    byte[] good = Files.readAllBytes(bundle);
    Path bad = dir.resolve("bad.bundle");
    Map<EdgeException.Reason, Integer> reasons = new EnumMap<>(EdgeException.Reason.class);
    for (int i = 0; i < good.length; i++) {
      byte[] b = good.clone();
      b[i] ^= 0x01;
      Files.write(bad, b);
      int at = i;
      assertThatThrownBy(() -> BundleFile.verify(bad, key.trust(), null)).as("byte %d changed", at)
          .isInstanceOf(EdgeException.class);
      try {
        BundleFile.verify(bad, key.trust(), null);
      } catch (EdgeException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
      }
    }
    assertThat(reasons).containsKeys(EdgeException.Reason.BUNDLE_FORMAT, EdgeException.Reason.MANIFEST_SIGNATURE,
        EdgeException.Reason.MODEL_HASH);
  }

  @Test
  void refusesTruncatedAndExtendedBundles() throws Exception {
    byte[] good = Files.readAllBytes(bundle);
    Path bad = dir.resolve("cut.bundle");
    Files.write(bad, java.util.Arrays.copyOf(good, good.length - 1));
    assertThatThrownBy(() -> BundleFile.verify(bad, key.trust(), null)).hasMessageContaining("ends inside model.onnx");
    Files.write(bad, java.util.Arrays.copyOf(good, good.length + 1));
    assertThatThrownBy(() -> BundleFile.verify(bad, key.trust(), null)).hasMessageContaining("bytes follow the model");
  }

  @Test
  void refusesABundleSignedByAnUntrustedKey() throws Exception {
    SigningKey other = SigningKey.read(SigningKey.generate(dir.resolve("other"), "other").privateKey());
    assertThatThrownBy(() -> BundleFile.verify(bundle, other.trust(), null)).isInstanceOf(EdgeException.class)
        .extracting(e -> ((EdgeException) e).reason()).isEqualTo(EdgeException.Reason.MANIFEST_SIGNATURE);
  }

  @Test
  void acceptsEitherKeyOfABundleSignedByOldAndNewKeys() throws Exception {
    SigningKey next = SigningKey.read(SigningKey.generate(dir.resolve("next"), "next").privateKey());
    Path copy = dir.resolve("rotating.bundle");
    Files.copy(bundle, copy);
    Bundler.resign(copy, List.of(key, next), key.trust());
    assertThat(BundleFile.verify(copy, key.trust(), null).manifest().version()).isEqualTo(3);
    assertThat(BundleFile.verify(copy, next.trust(), null).manifest().version()).isEqualTo(3);
  }
}
