package dev.modelfn.edge.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the client reads of a bundle's {@code manifest.json} (docs/edge.md lists every field): the
 * model's identity, its file's hash and size, the oldest client that can run it, and the golden
 * inputs with their expected outputs for the health check on load.
 */
public record Manifest(String name, long version, String minClientVersion, String modelSha256, long modelSize,
    String inputName, double goldenTolerance, List<Golden> golden) {

  /** The bundle format this client reads. */
  public static final String FORMAT = "modelfn-edge-bundle/1";
  /** The model file's name inside a bundle. */
  public static final String MODEL_FILE = "model.onnx";

  public Manifest {
    golden = List.copyOf(golden);
  }

  /** One golden case: a batch of input rows and the outputs the bundler's run gave. */
  public record Golden(float[][] input, float[][] output) {}

  public static Manifest parse(byte[] json) {
    Map<String, Object> m = Json.object(new String(json, StandardCharsets.UTF_8));
    if (!FORMAT.equals(m.get("format"))) {
      throw new IllegalArgumentException("manifest format '" + m.get("format") + "' is not " + FORMAT);
    }
    Map<String, Object> model = Json.obj(Json.obj(m, "files"), MODEL_FILE);
    List<?> inputs = Json.list(m, "inputs");
    String inputName = inputs.isEmpty() ? null : Json.str(cast(inputs.get(0)), "name");
    List<Golden> golden = new ArrayList<>();
    double tolerance = 1e-3;
    if (m.get("golden") instanceof Map<?, ?>) {
      Map<String, Object> g = Json.obj(m, "golden");
      tolerance = Json.dbl(g, "tolerance");
      for (Object c : Json.list(g, "cases")) {
        Map<String, Object> cm = cast(c);
        golden.add(new Golden(matrix(Json.list(cm, "input")), matrix(Json.list(cm, "output"))));
      }
    }
    return new Manifest(Json.str(m, "name"), Json.lng(m, "version"), Json.str(m, "min_client_version"),
        Json.str(model, "sha256"), Json.lng(model, "size"), inputName, tolerance, golden);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) o;
  }

  static float[][] matrix(List<?> rows) {
    float[][] out = new float[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      List<?> row = (List<?>) rows.get(r);
      out[r] = new float[row.size()];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = ((Number) row.get(c)).floatValue();
      }
    }
    return out;
  }

  /** Compares dotted version numbers ("1.10" after "1.9"). */
  public static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i].replaceAll("\\D.*", "0")) : 0;
      long q = i < y.length ? Long.parseLong(y[i].replaceAll("\\D.*", "0")) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }
}
