package dev.modelfn.core.predict;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes of the synchronous HTTP surface (see docs/http-api.md): the one route table, used by
 * the predict function, its 404 message and the deployment templates' API routes ({@link #table()}).
 */
public enum Route {
  V2_SERVER_METADATA("v2.server", "GET", "/v2"),
  V2_LIVE("v2.live", "GET", "/v2/health/live"),
  V2_READY("v2.ready", "GET", "/v2/health/ready"),
  V2_MODEL_METADATA("v2.model", "GET", "/v2/models/{name}", "/v2/models/{name}/versions/{version}"),
  V2_MODEL_READY("v2.model.ready", "GET", "/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready"),
  V2_INFER("v2.infer", "POST", "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer"),
  V2_INFER_ASYNC("v2.infer_async", "POST", "/v2/models/{name}/infer-async"),
  V2_JOB("v2.job", "GET", "/v2/jobs/{id}"),
  V2_EDGE_TELEMETRY("v2.edge_telemetry", "POST", "/v2/edge/telemetry"),
  // "{name}:predict" is not a whole path segment, which API Gateway route variables must be.
  V1_MODEL_STATUS("v1.model", "GET", "/v1/models/{model+}"),
  V1_PREDICT("v1.predict", "POST", "/v1/models/{model+}"),
  SAGEMAKER_PING("sagemaker.ping", "GET", "/ping"),
  SAGEMAKER_INVOCATIONS("sagemaker.invocations", "POST", "/invocations");

  private final String metricName;
  private final String method;
  private final List<String> paths;

  Route(String metricName, String method, String... paths) {
    this.metricName = metricName;
    this.method = method;
    this.paths = List.of(paths);
  }

  /** One line of the route table: a method and an API Gateway path template. */
  public record Entry(String method, String path) {}

  /** Every method and path template of the surface, in order, each once. */
  public static List<Entry> table() {
    Set<Entry> table = new LinkedHashSet<>();
    for (Route r : values()) {
      for (String p : r.paths) {
        table.add(new Entry(r.method, p));
      }
    }
    return List.copyOf(table);
  }

  /** The route's path templates, as API Gateway routes name them. */
  public List<String> paths() {
    return paths;
  }

  /** Name used in logs and metrics. */
  public String metricName() {
    return metricName;
  }

  /** The method the route answers ({@code GET} routes also answer {@code HEAD}). */
  public String method() {
    return method;
  }

  /**
   * A request matched to a route, with the model name and version from the path when present, and
   * for {@link #V2_JOB} the job id.
   */
  public record Match(Route route, String model, String version, String job) {
    public Match(Route route, String model, String version) {
      this(route, model, version, null);
    }
  }

  /**
   * Matches a path (without query) to a route, or returns null. The method is checked by the
   * caller, so that a known path with the wrong method gives 405 rather than 404.
   */
  public static Match match(String rawPath) {
    String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
    switch (path) {
      case "/v2":
        return new Match(V2_SERVER_METADATA, null, null);
      case "/v2/health/live":
        return new Match(V2_LIVE, null, null);
      case "/v2/health/ready":
        return new Match(V2_READY, null, null);
      case "/ping":
        return new Match(SAGEMAKER_PING, null, null);
      case "/invocations":
        return new Match(SAGEMAKER_INVOCATIONS, null, null);
      case "/v2/edge/telemetry":
        return new Match(V2_EDGE_TELEMETRY, null, null);
      default:
        break;
    }
    if (path.startsWith("/v2/models/")) {
      return v2Model(path, "/v2/models/".length());
    }
    if (path.startsWith("/v2/jobs/")) {
      String id = path.substring("/v2/jobs/".length());
      return id.isEmpty() || id.contains("/") ? null : new Match(V2_JOB, null, null, id);
    }
    if (path.startsWith("/v1/models/")) {
      String rest = path.substring("/v1/models/".length());
      String[] seg = rest.split("/", -1);
      if (seg.length == 1 && seg[0].endsWith(":predict")) {
        String name = seg[0].substring(0, seg[0].length() - ":predict".length());
        return name.isEmpty() ? null : new Match(V1_PREDICT, name, null);
      }
      if (seg.length == 1 && !seg[0].isEmpty()) {
        return new Match(V1_MODEL_STATUS, seg[0], null);
      }
      if (seg.length == 3 && seg[1].equals("versions") && !seg[2].isEmpty()) {
        if (seg[2].endsWith(":predict")) {
          String version = seg[2].substring(0, seg[2].length() - ":predict".length());
          return version.isEmpty() ? null : new Match(V1_PREDICT, seg[0], version);
        }
        return new Match(V1_MODEL_STATUS, seg[0], seg[2]);
      }
    }
    return null;
  }

  /**
   * {@code {name}[/versions/{v}][/ready|/infer|/infer-async]} from {@code at}: the segments found by
   * their slashes (every request comes this way; no split, no list).
   */
  private static Match v2Model(String path, int at) {
    int slash = path.indexOf('/', at);
    String name = slash < 0 ? path.substring(at) : path.substring(at, slash);
    if (name.isEmpty()) {
      return null;
    }
    if (slash < 0) {
      return new Match(V2_MODEL_METADATA, name, null);
    }
    String version = null;
    int rest = slash + 1; // the segment after the name
    if (path.startsWith("versions/", rest)) {
      int vStart = rest + "versions/".length();
      int vEnd = path.indexOf('/', vStart);
      String v = vEnd < 0 ? path.substring(vStart) : path.substring(vStart, vEnd);
      if (!v.isEmpty()) {
        version = v;
        if (vEnd < 0) {
          return new Match(V2_MODEL_METADATA, name, version);
        }
        rest = vEnd + 1;
      }
    }
    if (path.indexOf('/', rest) >= 0) {
      return null;
    }
    int len = path.length() - rest;
    if (len == 5 && path.startsWith("infer", rest)) {
      return new Match(V2_INFER, name, version);
    }
    if (len == 5 && path.startsWith("ready", rest)) {
      return new Match(V2_MODEL_READY, name, version);
    }
    if (len == 11 && path.startsWith("infer-async", rest)) {
      return new Match(V2_INFER_ASYNC, name, version);
    }
    return null;
  }
}
