package dev.modelfn.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.edge.bundle.Bundler;
import dev.modelfn.edge.bundle.SigningKey;
import dev.modelfn.edge.client.BundleFile;
import dev.modelfn.edge.client.Manifest;
import dev.modelfn.edge.quantize.Calibrator;
import dev.modelfn.edge.quantize.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Bundles of {@link TinyModel} for tests, and a way to make a validly signed bundle that lies about its golden outputs. */
public final class Bundles {
  private Bundles() {}

  public static Path tiny(Path dir, String name, long version, SigningKey key) throws Exception {
    Path model = TinyModel.write(dir.resolve("src-" + version + ".onnx"), version * 0.1f);
    return Bundler.bundle(new Bundler.Request(model, name, version, key, dir, Bundler.Quantization.NONE, null,
        Calibrator.Method.MINMAX, 99.99, null, 200, true, "1.0", List.of("a", "b", "c", "d"), List.of("no", "yes"),
        2, null), s -> Progress.NONE).bundle();
  }

  /** A properly signed bundle whose golden outputs are wrong: the device's health check must fail. */
  public static Path withWrongGolden(Path good, Path dir, SigningKey key) throws Exception {
    Path x = Files.createTempDirectory(dir, "x");
    BundleFile.Verified v = BundleFile.verify(good, key.trust(), x.resolve(Manifest.MODEL_FILE));
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(v.manifestBytes());
    for (var c : m.path("golden").path("cases")) {
      ArrayNode row = (ArrayNode) c.path("output").get(0);
      row.set(0, json.getNodeFactory().numberNode(row.get(0).asDouble() + 0.3));
    }
    Path out = dir.resolve("wrong-golden-" + v.manifest().version() + ".bundle");
    Bundler.write(json.writeValueAsBytes(m), x.resolve(Manifest.MODEL_FILE), List.of(key), out);
    return out;
  }
}
