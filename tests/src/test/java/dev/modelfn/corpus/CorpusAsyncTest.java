package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.async.AsyncJobWorker;
import dev.modelfn.core.async.AsyncJobs;
import dev.modelfn.core.batch.InMemoryBlobStore;
import dev.modelfn.core.platform.InMemoryPlatform;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.platform.Functions;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.examples.corpus.CorpusModel;
import dev.modelfn.examples.corpus.ExternalDataMlp;
import dev.modelfn.examples.corpus.PyTorchSequenceClassifier;
import dev.modelfn.examples.corpus.SklearnColumnTransformer;
import dev.modelfn.examples.corpus.SqueezeNetLike;
import dev.modelfn.model.OnnxRuntimeEnvironment;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The async jobs route for every corpus model (the sequence model with a context input in {@code
 * CorpusSequenceWithContextTest}): the same OIP v2 body submitted to {@code
 * infer-async}, the queued job run by the worker of the same platform (in-memory ports: the job
 * queue a list, the data bucket {@link InMemoryBlobStore}), and the job's result read from {@code
 * GET /v2/jobs/{id}} answers what ONNX Runtime answers for the same input.
 */
class CorpusAsyncTest {
  private static Path corpus;

  @BeforeAll
  static void generate() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
  }

  private static HttpRequest request(String method, String path, String body) {
    return new HttpRequest(method, path, Map.of("content-type", "application/json"), Map.of(),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), "corpus-async");
  }

  /**
   * Submits {@code v2Body} as an async job for the model at {@code modelFile}, runs the one queued
   * message with the worker and returns the job's {@code result}: the inference response.
   */
  static JsonNode runAsJob(Path modelFile, String name, String v2Body) throws Exception {
    return runAsJob(modelFile, name, v2Body, Integer.toString(AsyncJobs.DEFAULT_INLINE_BYTES), false);
  }

  /**
   * @param inlineBytes {@code MODELFN_ASYNC_INLINE_BYTES}: larger bodies are stored in the data bucket
   * @param stored whether the body is expected in the data bucket rather than in the queued message
   */
  static JsonNode runAsJob(Path modelFile, String name, String v2Body, String inlineBytes, boolean stored)
      throws Exception {
    Map<String, String> env = Map.of("MODELFN_MODEL_URI", modelFile.toUri().toString(), "MODELFN_MODEL_NAME", name,
        "MODELFN_METRICS_ENABLED", "false", "MODELFN_LOG_LEVEL", "ERROR", "MODELFN_DATA_BUCKET", "data",
        "MODELFN_JOBS_QUEUE_URL", "memory://jobs", "MODELFN_ASYNC_INLINE_BYTES", inlineBytes);
    try (InMemoryPlatform platform = new InMemoryPlatform()) {
      PredictHttpFunction http = Functions.predictHttp(env, platform);
      AsyncJobWorker worker = Functions.asyncWorker(env, platform);

      HttpResponse submitted = http.apply(request("POST", "/v2/models/" + name + "/infer-async", v2Body));
      assertThat(submitted.status()).as("%s: %s", name, submitted.bodyText()).isEqualTo(202);
      JsonNode accepted = Json.parse(submitted.body());
      assertThat(accepted.path("status").asText()).isEqualTo("queued");
      assertThat(platform.queued).as(name).hasSize(1);
      String id = accepted.path("id").asText();
      assertThat(platform.blobs.keys()).as("%s: the job's input in the data bucket", name)
          .filteredOn(k -> k.contains(id) && k.endsWith("/input")).hasSize(stored ? 1 : 0);

      worker.handle(platform.queued.get(0));
      assertThat(platform.deadLettered).as("%s: nothing dead-lettered", name).isEmpty();

      HttpResponse status = http.apply(request("GET", accepted.path("status_url").asText(), null));
      assertThat(status.status()).as(status.bodyText()).isEqualTo(200);
      JsonNode job = Json.parse(status.body());
      assertThat(job.path("status").asText()).as("%s: %s", name, job).isEqualTo("succeeded");
      assertThat(job.has("result")).as("%s: %s", name, job).isTrue();
      return job.get("result");
    }
  }

  static Stream<CorpusModel> models() {
    return CorpusModel.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void tabularModelsAnswerAJobAsOnnxRuntimeDoes(CorpusModel m) throws Exception {
    float[][] rows = CorpusRows.of(m.features(), 12);
    OrtReference ort = OrtReference.run(m, m.file(corpus), rows);
    CorpusParityTest.checkV2(m, ort, runAsJob(m.file(corpus), m.name(), CorpusParityTest.v2Body(m, rows)));
  }

  @Test
  void theColumnTransformerAnswersAJobAsOnnxRuntimeDoes() throws Exception {
    CorpusGraph g = CorpusGraph.named(SklearnColumnTransformer.NAME);
    CorpusColumnTransformerTest.checkV2(CorpusColumnTransformerTest.reference(corpus),
        runAsJob(g.file(corpus), g.name(), CorpusColumnTransformerTest.v2Body()));
  }

  /** One FP32 input, one FP32 output: {@code x} as nested arrays, ONNX Runtime's output flattened. */
  private static void checkFloatModel(Path file, String name, String input, Object x, long[] shape, String outputName,
      boolean throughTheBucket) throws Exception {
    float[] ort;
    long[] ortShape;
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), so);
        OnnxTensor in = OnnxTensor.createTensor(env, x);
        OrtSession.Result r = s.run(Map.of(input, in))) {
      OnnxTensor out = (OnnxTensor) r.get(outputName).orElseThrow();
      FloatBuffer b = out.getFloatBuffer();
      ort = new float[b.remaining()];
      b.get(ort);
      ortShape = out.getInfo().getShape();
    }
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(dims.length() == 0 ? "" : ",").append(d);
    }
    String body = "{\"inputs\":[{\"name\":\"" + input + "\",\"shape\":[" + dims + "],\"datatype\":\"FP32\",\"data\":"
        + Json.mapper().writeValueAsString(x) + "}]}";
    JsonNode p = output(throughTheBucket ? runAsJob(file, name, body, "4096", true) : runAsJob(file, name, body),
        outputName);
    assertThat(shape(p)).as(name).containsExactly(java.util.Arrays.stream(ortShape).boxed().toArray(Long[]::new));
    assertThat(p.get("data")).hasSize(ort.length);
    for (int i = 0; i < ort.length; i++) {
      assertThat(p.get("data").get(i).doubleValue()).as("%s value %d", name, i).isCloseTo(ort[i], within(TOLERANCE));
    }
  }

  private static float[] seeded(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 4 - 2);
    }
    return v;
  }

  @Test
  void theSequenceClassifierAnswersAJobAsOnnxRuntimeDoes() throws Exception {
    CorpusGraph g = CorpusGraph.named(PyTorchSequenceClassifier.NAME);
    float[][][] x = new float[4][5][PyTorchSequenceClassifier.FEATURES];
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < x[i].length; t++) {
        x[i][t] = seeded(PyTorchSequenceClassifier.FEATURES, 31L * i + t);
      }
    }
    checkFloatModel(g.file(corpus), g.name(), PyTorchSequenceClassifier.INPUT, x,
        new long[] {4, 5, PyTorchSequenceClassifier.FEATURES}, PyTorchSequenceClassifier.OUTPUT, false);
  }

  /** The image body (about 120 KB of JSON) over a 4 KB inline limit: the job's input goes through the data bucket. */
  @Test
  void theImageModelAnswersAJobAsOnnxRuntimeDoes() throws Exception {
    CorpusGraph g = CorpusGraph.named(SqueezeNetLike.NAME);
    int n = 2;
    float[][][][] x = new float[n][SqueezeNetLike.CHANNELS][SqueezeNetLike.SIZE][];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < SqueezeNetLike.CHANNELS; c++) {
        for (int y = 0; y < SqueezeNetLike.SIZE; y++) {
          x[i][c][y] = seeded(SqueezeNetLike.SIZE, 1000L * i + 100L * c + y);
        }
      }
    }
    checkFloatModel(g.file(corpus), g.name(), SqueezeNetLike.INPUT, x,
        new long[] {n, SqueezeNetLike.CHANNELS, SqueezeNetLike.SIZE, SqueezeNetLike.SIZE}, SqueezeNetLike.OUTPUT, true);
  }

  @Test
  void theExternalDataModelsAnswerAJobAsOnnxRuntimeDoes() throws Exception {
    float[][] rows = CorpusRows.of(ExternalDataMlp.FEATURES, 8);
    for (String name : List.of(ExternalDataMlp.NAME, ExternalDataMlp.PER_TENSOR_NAME)) {
      checkFloatModel(ExternalDataMlp.file(corpus, name), name, ExternalDataMlp.INPUT, rows,
          new long[] {rows.length, ExternalDataMlp.FEATURES}, ExternalDataMlp.OUTPUT, false);
    }
  }
}
