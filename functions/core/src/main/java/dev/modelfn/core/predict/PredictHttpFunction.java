package dev.modelfn.core.predict;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.InstancesCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.OipV2Codec;
import dev.modelfn.codec.Predictions;
import dev.modelfn.config.EnvVars;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.edge.EdgeTelemetry;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.http.JobRoutes;
import dev.modelfn.core.http.Problems;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import dev.modelfn.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The synchronous HTTP surface of one model, independent of any platform. Routes: Open Inference
 * Protocol v2 ({@code /v2/...}), TF-Serving/KServe v1 ({@code /v1/models/{name}:predict}) and the
 * SageMaker container contract ({@code POST /invocations}, {@code GET /ping}). Every error is an
 * RFC 9457 problem with the request id; client errors are never 500s.
 */
public final class PredictHttpFunction implements Function<HttpRequest, HttpResponse> {
  private static final String SERVER_NAME = "modelfn";
  private static final String SERVER_VERSION = "0.1.0";


  private final PredictFunction predict;
  private final ModelMetadata md;
  private final int maxBodyBytes;
  private final int maxInstances;
  private final JsonLogger log;
  private final Metrics metrics;
  private final Metrics.Factory metricsFactory;
  private final Map<String, String> modelHeaders;
  private final JobRoutes jobs;
  private final String asyncSettings;
  private final Predictions predictions;

  /** Without asynchronous jobs and without metrics (tests, embedded use). */
  public PredictHttpFunction(PredictFunction predict, ModelfnConfig config) {
    this(predict, config, null, Metrics.Factory.NONE);
  }

  /**
   * @param jobs asynchronous jobs ({@code infer-async}, {@code /v2/jobs/{id}}), or null where they
   *     are not configured (those routes then answer 501)
   * @param metrics the platform's metrics, made here for the served model's dimensions
   */
  public PredictHttpFunction(PredictFunction predict, ModelfnConfig config, JobRoutes jobs, Metrics.Factory metrics) {
    this(predict, config, jobs, metrics, EnvVars.DATA_BUCKET + " and " + EnvVars.JOBS_QUEUE_URL);
  }

  /**
   * @param asyncSettings what turns the async routes on, for the 501 they answer without it (the
   *     platform's variables: {@link dev.modelfn.core.platform.Platform#asyncSettings()})
   */
  public PredictHttpFunction(PredictFunction predict, ModelfnConfig config, JobRoutes jobs, Metrics.Factory metrics,
      String asyncSettings) {
    this.asyncSettings = asyncSettings;
    this.jobs = jobs;
    this.predict = predict;
    this.md = predict.metadata();
    this.predictions = new Predictions(md.signature());
    this.maxBodyBytes = config.maxBodyBytes();
    this.maxInstances = config.maxInstances();
    this.log = new JsonLogger("dev.modelfn.predict", config.logLevel());
    this.metrics = metrics.forDimensions(Metrics.modelDimensions(md.name(), md.version()));
    this.metricsFactory = metrics;
    this.modelHeaders = Map.of("x-modelfn-model", md.name(), "x-modelfn-model-version", md.version());
  }

  public ModelMetadata metadata() {
    return md;
  }

  /**
   * Runs the request path's own code once on synthetic input, without a model: route matching, the
   * OIP v2 reader (JSON data, nested, and binary tensors), the response and metrics writers. A cold
   * start calls it while ONNX Runtime loads on another core, so that the first request does not
   * load and initialise these classes (the float writer computes its tables when it loads).
   */
  public static void warmUp() {
    Route.match("/v2/models/m/infer");
    Route.match("/v1/models/m:predict");
    Route.match("/invocations");
    ModelSignature sig = new ModelSignature(List.of(new TensorSpec("x", ElementType.FP32, List.of(-1L, 2L))),
        List.of(new TensorSpec("y", ElementType.FP32, List.of(-1L, 2L))), List.of(), List.of("a", "b"));
    byte[] json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[0.5,2]]}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OipV2Codec.read(json, json.length, sig, 1, null);
    byte[] header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] binary = java.util.Arrays.copyOf(header, header.length + 8);
    OipV2Codec.read(binary, header.length, sig, 1, ByteBuffer.wrap(binary, header.length, 8));
    ModelMetadata meta = new ModelMetadata("m", "1", "warm-up", sig);
    InferenceResult result = new InferenceResult(List.of(Tensor.ofFloats("y", new long[] {1, 2}, new float[] {0.25f, 0.75f})));
    Predictions.meanTopScore(new Predictions(sig).classScores(result), 1);
    HttpResponse.of(200, HttpResponse.JSON, OipV2Codec.encode(meta, "warm-up", result), Map.of("x-request-id", "w"));
  }

  @Override
  public HttpResponse apply(HttpRequest req) {
    long t0 = System.nanoTime();
    Route.Match match = null;
    HttpResponse resp;
    Served served = new Served();
    Map<String, String> headers = responseHeaders(req);
    try {
      match = Route.match(req.path());
      if (match == null) {
        throw new ModelfnException(Problem.ROUTE_NOT_FOUND, "no route for " + req.method() + " " + req.path()
            + "; routes: " + routeList());
      }
      checkMethod(req, match.route());
      resp = dispatch(req, match, headers, served);
    } catch (ModelfnException e) {
      resp = Problems.response(e, req.path(), req.requestId(), headers);
      if (e.status() >= 500 && e.retryable()) {
        log.warn("request deferred", "request_id", req.requestId(), "route", routeName(match), "status", e.status(),
            "problem", e.problemType(), "detail", e.getMessage());
      } else if (e.status() >= 500 && e.getCause() == null) {
        // the message says all there is (a function not configured for the route): no stack trace
        log.warn("request failed", "request_id", req.requestId(), "route", routeName(match), "status", e.status(),
            "problem", e.problemType(), "detail", e.getMessage());
      } else if (e.status() >= 500) {
        log.error("request failed", e, "request_id", req.requestId(), "route", routeName(match), "status", e.status());
      } else {
        log.info("request rejected", "request_id", req.requestId(), "route", routeName(match), "status", e.status(),
            "problem", e.problemType(), "detail", e.getMessage());
      }
    } catch (RuntimeException e) {
      resp = Problems.internalError(req.path(), req.requestId(), headers);
      log.error("unexpected failure", e, "request_id", req.requestId(), "route", routeName(match));
    }
    if (req.method().equals("HEAD")) {
      resp = new HttpResponse(resp.status(), resp.headers(), new byte[0]);
    }
    record(req, match, resp.status(), System.nanoTime() - t0, served);
    return resp;
  }

  private HttpResponse dispatch(HttpRequest req, Route.Match m, Map<String, String> headers, Served served) {
    return switch (m.route()) {
      case V2_LIVE -> json(200, "{\"live\":true}", headers);
      case V2_READY -> ready(predict.predictor().ready(), "{\"ready\":true}", "{\"ready\":false}", headers);
      case SAGEMAKER_PING -> {
        if (!predict.predictor().ready()) {
          throw new ModelfnException(Problem.MODEL_NOT_READY, "model " + md.name() + " is not ready", null);
        }
        yield HttpResponse.of(200, null, new byte[0], headers);
      }
      case V2_SERVER_METADATA -> json(200, "{\"name\":\"" + SERVER_NAME + "\",\"version\":\"" + SERVER_VERSION
          + "\",\"extensions\":[]}", headers);
      case V2_MODEL_METADATA -> {
        checkModel(m);
        yield HttpResponse.of(200, HttpResponse.JSON, modelMetadata(), headers);
      }
      case V2_MODEL_READY -> {
        checkModel(m);
        boolean ready = predict.predictor().ready();
        String body = "{\"name\":" + quote(md.name()) + ",\"ready\":" + ready + "}";
        yield ready ? json(200, body, headers) : json(503, body, headers);
      }
      case V1_MODEL_STATUS -> {
        checkModel(m);
        String state = predict.predictor().ready() ? "AVAILABLE" : "LOADING";
        yield json(200, "{\"model_version_status\":[{\"version\":" + quote(md.version()) + ",\"state\":\"" + state
            + "\",\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}", headers);
      }
      case V2_INFER -> {
        checkModel(m);
        String declared = jsonHeaderLength(req);
        if (declared == null) {
          requireJson(req);
        } else {
          checkSize(req);
        }
        byte[] b = req.body();
        int headerEnd = headerEnd(b, declared);
        OipV2Codec.Request decoded = OipV2Codec.read(b, headerEnd, md.signature(), maxInstances,
            declared == null ? null : ByteBuffer.wrap(b, headerEnd, b.length - headerEnd));
        PredictFunction.Result r = run(decoded.inference(), served);
        yield HttpResponse.of(200, HttpResponse.JSON,
            OipV2Codec.encode(md, decoded.id().orElse(req.requestId()), r.outputs()), headers);
      }
      case V2_INFER_ASYNC -> {
        checkModel(m);
        JobRoutes async = requireJobs();
        if (jsonHeaderLength(req) == null) {
          requireJson(req);
        } else {
          checkSize(req);
        }
        Body body = body(req);
        OipV2Codec.decode(body.json(), md.signature(), maxInstances, body.binary()); // refuse bad input now
        yield async.submit(req, md, callbackUrl(req, body.json()), headers);
      }
      case V2_JOB -> requireJobs().status(m.job(), headers);
      case V1_PREDICT -> {
        checkModel(m);
        requireJson(req);
        JsonNode body = parseBody(req);
        if (!body.isObject() || !body.has("instances")) {
          throw new InvalidInputException("/instances", "an object with an 'instances' array", Json.describe(body));
        }
        PredictFunction.Result r = run(InstancesCodec.decode(body.get("instances"), "/instances", md.signature(),
            maxInstances), served);
        yield HttpResponse.of(200, HttpResponse.JSON,
            InstancesCodec.encode(md, req.requestId(), r.outputs(), r.rows()), headers);
      }
      case SAGEMAKER_INVOCATIONS -> invocations(req, headers, served);
      case V2_EDGE_TELEMETRY -> edgeTelemetry(req, headers);
    };
  }

  /**
   * {@code POST /v2/edge/telemetry}: a device's report on the served model (docs/edge.md), recorded
   * as metrics by model version beside the endpoint's own.
   */
  private HttpResponse edgeTelemetry(HttpRequest req, Map<String, String> headers) {
    requireJson(req);
    checkSize(req);
    EdgeTelemetry.Report report = EdgeTelemetry.read(parseBody(req));
    if (!report.model().equals(md.name())) {
      throw new ModelfnException(Problem.MODEL_NOT_FOUND, "model '" + report.model() + "' is not served here; this"
          + " endpoint takes the telemetry of '" + md.name() + "'");
    }
    EdgeTelemetry.record(report, metricsFactory);
    return json(202, "{\"accepted\":true,\"model\":" + quote(report.model()) + ",\"version\":" + report.version()
        + "}", headers);
  }

  /** SageMaker {@code POST /invocations}: JSON (instances, OIP v2 or a bare array of rows) or CSV. */
  private HttpResponse invocations(HttpRequest req, Map<String, String> headers, Served served) {
    String ct = mediaType(req.header("content-type").orElse(HttpResponse.JSON));
    checkSize(req);
    boolean csvIn = ct.equals("text/csv");
    if (!csvIn && !isJson(ct) && jsonHeaderLength(req) == null) {
      throw new ModelfnException(Problem.UNSUPPORTED_MEDIA_TYPE, "content type '" + ct
          + "' is not accepted by /invocations; send application/json, text/csv, or an OIP v2 JSON header with"
          + " binary tensors and its length in Inference-Header-Content-Length");
    }
    String accept = mediaType(req.header("accept").orElse(csvIn ? HttpResponse.CSV : HttpResponse.JSON));
    boolean csvOut = accept.equals("text/csv") || (accept.equals("*/*") && csvIn);
    if (!csvOut && !isJson(accept) && !accept.equals("*/*")) {
      throw new ModelfnException(Problem.UNSUPPORTED_MEDIA_TYPE, "accept '" + accept
          + "' cannot be produced by /invocations; accept application/json or text/csv");
    }
    InferenceRequest inference;
    boolean v2 = false;
    String id = req.requestId();
    if (csvIn) {
      inference = CsvCodec.decode(req.body(), 0, req.body().length, md.signature(), maxInstances);
    } else {
      Body split = body(req);
      JsonNode body = split.json();
      if (split.binary() != null) {
        OipV2Codec.Request decoded = OipV2Codec.decode(body, md.signature(), maxInstances, split.binary());
        inference = decoded.inference();
        id = decoded.id().orElse(id);
        v2 = true;
      } else if (body.isArray()) {
        inference = InstancesCodec.decode(body, "", md.signature(), maxInstances);
      } else if (body.isObject() && body.has("instances")) {
        inference = InstancesCodec.decode(body.get("instances"), "/instances", md.signature(), maxInstances);
      } else if (body.isObject() && body.has("inputs")) {
        OipV2Codec.Request decoded = OipV2Codec.decode(body, md.signature(), maxInstances);
        inference = decoded.inference();
        id = decoded.id().orElse(id);
        v2 = true;
      } else {
        throw new InvalidInputException("", "an array of rows, {\"instances\": [...]} or an OIP v2 {\"inputs\": [...]}",
            Json.describe(body));
      }
    }
    PredictFunction.Result r = run(inference, served);
    if (csvOut) {
      return HttpResponse.of(200, HttpResponse.CSV, CsvCodec.encode(md.signature(), r.outputs(), r.rows(), false),
          headers);
    }
    byte[] out = v2 ? OipV2Codec.encode(md, id, r.outputs()) : InstancesCodec.encode(md, id, r.outputs(), r.rows());
    return HttpResponse.of(200, HttpResponse.JSON, out, headers);
  }

  private JobRoutes requireJobs() {
    if (jobs == null) {
      throw new ModelfnException(Problem.ASYNC_NOT_CONFIGURED, "asynchronous inference is not configured on this function: set "
          + asyncSettings, null);
    }
    return jobs;
  }

  /** The callback URL: {@code parameters.callback_url} in the body, or the {@code callback_url} query parameter. */
  private static String callbackUrl(HttpRequest req, JsonNode body) {
    JsonNode p = body.path("parameters").get("callback_url");
    String query = req.query().get("callback_url");
    if (p == null || p.isNull()) {
      return query;
    }
    if (!p.isTextual() || p.asText().isBlank()) {
      throw new InvalidInputException("/parameters/callback_url", "a URL string", Json.describe(p));
    }
    if (query != null && !query.equals(p.asText())) {
      throw new InvalidInputException("/parameters/callback_url", "the same URL as the callback_url query parameter"
          + " (or only one of them)", Json.describe(p));
    }
    return p.asText();
  }

  private PredictFunction.Result run(InferenceRequest inference, Served served) {
    PredictFunction.Result r = predict.apply(inference);
    served.modelNanos = r.inferenceNanos();
    served.rows = r.rows();
    served.confidence = Predictions.meanTopScore(predictions.classScores(r.outputs()), r.rows());
    return r;
  }

  /** What a request cost and produced, for its metrics. */
  private static final class Served {
    long modelNanos;
    int rows;
    /** Mean top-class score over the rows, NaN when the model is not a classifier. */
    double confidence = Double.NaN;
  }

  private void checkMethod(HttpRequest req, Route route) {
    String method = req.method();
    boolean ok = method.equals(route.method()) || (method.equals("HEAD") && route.method().equals("GET"));
    if (!ok) {
      String allow = route.method().equals("GET") ? "GET, HEAD" : route.method();
      throw ModelfnException.methodNotAllowed(method + " is not allowed on " + req.path() + "; use " + route.method(),
          allow);
    }
  }

  private void checkModel(Route.Match m) {
    if (!m.model().equals(md.name())) {
      throw new ModelfnException(Problem.MODEL_NOT_FOUND, "model '" + m.model() + "' is not served here; this endpoint serves '"
          + md.name() + "'");
    }
    if (m.version() != null && !m.version().equals(md.version())) {
      throw new ModelfnException(Problem.MODEL_NOT_FOUND, "version '" + m.version() + "' of model '" + md.name()
          + "' is not served here; the served version is '" + md.version() + "'");
    }
  }

  private void requireJson(HttpRequest req) {
    String ct = mediaType(req.header("content-type").orElse(HttpResponse.JSON));
    if (!isJson(ct)) {
      throw new ModelfnException(Problem.UNSUPPORTED_MEDIA_TYPE, "content type '" + ct + "' is not accepted here; send application/json");
    }
    checkSize(req);
  }

  private void checkSize(HttpRequest req) {
    if (req.body().length > maxBodyBytes) {
      throw new ModelfnException(Problem.PAYLOAD_TOO_LARGE, "the body has " + req.body().length + " bytes; the limit is " + maxBodyBytes
          + " bytes (MODELFN_MAX_BODY_BYTES); send fewer instances per request or use batch scoring");
    }
  }

  private JsonNode parseBody(HttpRequest req) {
    return Json.parse(req.body());
  }

  /** The declared length of the JSON header before binary tensor data, or null for an all-JSON body. */
  private static String jsonHeaderLength(HttpRequest req) {
    String declared = req.header("inference-header-content-length").orElse(null);
    String ct = req.header("content-type").orElse("");
    int at = ct.indexOf("json-header-size=");
    if (declared == null && at >= 0) {
      int end = ct.indexOf(';', at);
      declared = ct.substring(at + "json-header-size=".length(), end < 0 ? ct.length() : end);
    }
    return declared;
  }

  /** A request body: JSON, or a JSON header followed by binary tensor data. */
  private record Body(JsonNode json, ByteBuffer binary) {}

  /**
   * Splits off binary tensor data when the request announces a JSON header length: the OIP
   * {@code Inference-Header-Content-Length} header, or SageMaker Triton's {@code json-header-size}
   * content-type parameter.
   */
  private static Body body(HttpRequest req) {
    byte[] b = req.body();
    String declared = jsonHeaderLength(req);
    if (declared == null) {
      return new Body(Json.parse(b), null);
    }
    int n = headerEnd(b, declared);
    return new Body(Json.parse(b, 0, n), ByteBuffer.wrap(b, n, b.length - n));
  }

  /** Where the JSON of body {@code b} ends: the declared header length, or the body's end. */
  private static int headerEnd(byte[] b, String declared) {
    if (declared == null) {
      return b.length;
    }
    int n;
    try {
      n = Integer.parseInt(declared.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n <= 0 || n > b.length) {
      throw new InvalidInputException("", "Inference-Header-Content-Length between 1 and the body's " + b.length
          + " bytes", "'" + declared + "'");
    }
    return n;
  }

  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    return t.isEmpty() ? HttpResponse.JSON : t;
  }

  private static boolean isJson(String mediaType) {
    return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
  }

  private byte[] modelMetadata() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("name", md.name());
      g.writeArrayFieldStart("versions");
      g.writeString(md.version());
      g.writeEndArray();
      g.writeStringField("platform", md.platform());
      writeSpecs(g, "inputs", md.signature().inputs());
      writeSpecs(g, "outputs", md.signature().outputs());
      g.writeObjectFieldStart("parameters");
      g.writeArrayFieldStart("feature_names");
      for (String f : md.signature().featureNames()) {
        g.writeString(f);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("labels");
      for (String l : md.signature().labels()) {
        g.writeString(l);
      }
      g.writeEndArray();
      g.writeNumberField("max_instances", maxInstances);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeSpecs(JsonGenerator g, String field, java.util.List<TensorSpec> specs) throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorSpec s : specs) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeStringField("datatype", s.type().name());
      g.writeArrayFieldStart("shape");
      for (long d : s.shape()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      if (s.classMap()) { // a ZipMap's class scores: the columns' classes, as in every answer
        g.writeObjectFieldStart("parameters");
        g.writeArrayFieldStart("classes");
        for (String c : s.classes()) {
          g.writeString(c);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private Map<String, String> responseHeaders(HttpRequest req) {
    java.util.HashMap<String, String> h = new java.util.HashMap<>(modelHeaders);
    h.put("x-request-id", req.requestId());
    return h;
  }

  private static HttpResponse json(int status, String body, Map<String, String> headers) {
    return HttpResponse.of(status, HttpResponse.JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
  }

  private static HttpResponse ready(boolean ready, String yes, String no, Map<String, String> headers) {
    return ready ? json(200, yes, headers) : json(503, no, headers);
  }

  /** A JSON string literal, with quotes. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, sb);
    return sb.append('"').toString();
  }

  /** The route table as the 404 message lists it (made when needed: no stream on a cold start's path). */
  private static String routeList() {
    return String.join(", ", Route.table().stream().map(e -> e.method() + " "
        + e.path().replace("{model+}", e.method().equals("POST") ? "{name}:predict" : "{name}")).toList());
  }

  private static String routeName(Route.Match m) {
    return m == null ? "none" : m.route().metricName();
  }

  private void record(HttpRequest req, Route.Match m, int status, long nanos, Served served) {
    int rows = served.rows;
    Metrics.Entry e = metrics.entry()
        .millis("Latency", nanos)
        .metric("Errors", status >= 500 ? 1 : 0, "Count")
        .metric("ClientErrors", status >= 400 && status < 500 ? 1 : 0, "Count");
    if (rows > 0) {
      e.millis("ModelLatency", served.modelNanos).metric("Rows", rows, "Count");
      if (!Double.isNaN(served.confidence)) {
        e.metric("Confidence", served.confidence, "None");
      }
    }
    e.property("route", routeName(m)).property("status", status).property("request_id", req.requestId()).emit();
    if (log.enabled(JsonLogger.Level.DEBUG)) {
      log.debug("request served", "request_id", req.requestId(), "route", routeName(m), "status", status,
          "latency_ms", nanos / 1e6, "rows", rows);
    }
  }
}
