package dev.modelfn.core.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two HTTP response events (status, headers, body as JSON where it is JSON): numbers
 * within a tolerance, everything else exactly, the model-version labels not at all (a deployment
 * may set them without changing behaviour).
 */
public final class ResponseDiff {
  /** Where two answers differ: a JSON pointer into the response, what was expected and what came. */
  public record Mismatch(String caseName, String pointer, String expected, String actual) {
    @Override
    public String toString() {
      return caseName + " " + pointer + ": expected " + expected + ", got " + actual;
    }
  }

  private static final Set<String> IGNORED = Set.of("/headers/x-modelfn-model-version", "/body/model_version");

  private final double tolerance;

  public ResponseDiff(double tolerance) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance: expected 0 or more, got " + tolerance);
    }
    this.tolerance = tolerance;
  }

  /** The response event with a JSON body parsed, as the expected files in {@code events/http/} hold it. */
  public static JsonNode readable(JsonNode response) throws IOException {
    if (!(response instanceof ObjectNode r)) {
      return response;
    }
    ObjectNode copy = r.deepCopy();
    String ct = copy.path("headers").path("content-type").asText("");
    String body = copy.path("body").asText("");
    if (ct.contains("json") && !body.isEmpty() && !copy.path("isBase64Encoded").asBoolean(false)) {
      copy.set("body", Json.mapper().readTree(body));
    }
    return copy;
  }

  /** Every difference between {@code expected} and {@code actual}, tagged with {@code caseName}. */
  public List<Mismatch> compare(String caseName, JsonNode expected, JsonNode actual) {
    List<Mismatch> out = new ArrayList<>();
    compare(caseName, "", expected, actual, out);
    return out;
  }

  /** The largest difference between numbers at the same place in both, 0 when none differ. */
  public static double maxNumericDelta(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Math.abs(a.asDouble() - b.asDouble());
    }
    double max = 0;
    if (a.isObject() && b.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode other = b.get(f.getKey());
        if (other != null) {
          max = Math.max(max, maxNumericDelta(f.getValue(), other));
        }
      }
    } else if (a.isArray() && b.isArray()) {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        max = Math.max(max, maxNumericDelta(a.get(i), b.get(i)));
      }
    }
    return max;
  }

  private void compare(String name, String pointer, JsonNode expected, JsonNode actual, List<Mismatch> out) {
    if (IGNORED.contains(pointer)) {
      return;
    }
    if (expected.isNumber() && actual.isNumber()) {
      if (Math.abs(expected.asDouble() - actual.asDouble()) > tolerance) {
        out.add(new Mismatch(name, pointer, expected.toString(), actual.toString()));
      }
    } else if (expected.isObject() && actual.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = pointer + "/" + escape(f.getKey());
        JsonNode a = actual.get(f.getKey());
        if (a != null) {
          compare(name, p, f.getValue(), a, out);
        } else if (!IGNORED.contains(p)) {
          out.add(new Mismatch(name, p, f.getValue().toString(), "nothing"));
        }
      }
      for (Iterator<String> it = actual.fieldNames(); it.hasNext();) {
        String k = it.next();
        String p = pointer + "/" + escape(k);
        if (!expected.has(k) && !IGNORED.contains(p)) {
          out.add(new Mismatch(name, p, "nothing", actual.get(k).toString()));
        }
      }
    } else if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        out.add(new Mismatch(name, pointer, expected.size() + " elements", actual.size() + " elements"));
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        compare(name, pointer + "/" + i, expected.get(i), actual.get(i), out);
      }
    } else if (!expected.equals(actual)) {
      out.add(new Mismatch(name, pointer, expected.toString(), actual.toString()));
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
