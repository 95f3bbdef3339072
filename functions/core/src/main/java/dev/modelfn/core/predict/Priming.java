package dev.modelfn.core.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Logs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Priming: synthetic requests through every serving route of the model, run enough times that the
 * JIT compiles the request path before a snapshot is taken (Lambda SnapStart, CRaC, used by the
 * Lambda handler and Spring Cloud Function's predict bean); a platform without snapshots may run it
 * before its first real request. An adapter passes its own whole path (its event decoding
 * and encoding around {@link PredictHttpFunction}) as {@code answer}, so that its code is primed too.
 */
public final class Priming {
  /** Rounds over the requests: enough for C2 to compile the per-request path. */
  public static final int ROUNDS = 25;
  public static final String REQUEST_ID = "priming";

  private Priming() {}

  /**
   * One request per serving route for {@code md}: OIP v2 infer, v1 predict, SageMaker CSV
   * invocations (rows of zeros), and readiness. A model without a tabular input gets readiness and
   * metadata only.
   */
  public static List<HttpRequest> requests(ModelMetadata md) {
    String base = "/v2/models/" + md.name();
    var tab = md.signature().tabularInput();
    int cols = md.signature().featureCount();
    HttpRequest ready = request("GET", "/v2/health/ready", null, null);
    if (tab.isEmpty() || cols <= 0) {
      return List.of(ready, request("GET", base, null, null));
    }
    ObjectNode v2 = Json.mapper().createObjectNode();
    ObjectNode in = v2.putArray("inputs").addObject();
    in.put("name", tab.get().name()).put("datatype", tab.get().type().name());
    in.putArray("shape").add(1).add(cols);
    ArrayNode data = in.putArray("data");
    StringBuilder csv = new StringBuilder();
    ObjectNode v1 = Json.mapper().createObjectNode();
    ArrayNode row = v1.putArray("instances").addArray();
    for (int c = 0; c < cols; c++) {
      data.add(0);
      row.add(0);
      csv.append(c == 0 ? "0" : ",0");
    }
    return List.of(
        request("POST", base + "/infer", v2.toString(), "application/json"),
        request("POST", "/v1/models/" + md.name() + ":predict", v1.toString(), "application/json"),
        request("POST", "/invocations", csv.toString(), "text/csv"),
        ready);
  }

  /**
   * Answers each request {@link #ROUNDS} times through {@code answer} (which returns the HTTP
   * status), with the log and metric lines this produces discarded, and logs the outcome.
   *
   * @return the number of requests answered 200
   */
  public static int run(List<HttpRequest> requests, ToIntFunction<HttpRequest> answer, JsonLogger log) {
    PrintStream previous = Logs.sink();
    Logs.setSink(new PrintStream(OutputStream.nullOutputStream()));
    int ok = 0;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        for (HttpRequest r : requests) {
          if (answer.applyAsInt(r) == 200) {
            ok++;
          }
        }
      }
    } finally {
      Logs.setSink(previous);
    }
    log.info("primed", "requests_ok", ok, "requests", ROUNDS * requests.size());
    return ok;
  }

  private static HttpRequest request(String method, String path, String body, String contentType) {
    return new HttpRequest(method, path, contentType == null ? Map.of() : Map.of("content-type", contentType),
        Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8), REQUEST_ID);
  }
}
