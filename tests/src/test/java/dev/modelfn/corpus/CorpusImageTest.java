package dev.modelfn.corpus;

import static dev.modelfn.corpus.CorpusParityTest.TOLERANCE;
import static dev.modelfn.corpus.CorpusParityTest.call;
import static dev.modelfn.corpus.CorpusParityTest.json;
import static dev.modelfn.corpus.CorpusParityTest.output;
import static dev.modelfn.corpus.CorpusParityTest.shape;
import static dev.modelfn.examples.corpus.SqueezeNetLike.CHANNELS;
import static dev.modelfn.examples.corpus.SqueezeNetLike.CLASSES;
import static dev.modelfn.examples.corpus.SqueezeNetLike.INPUT;
import static dev.modelfn.examples.corpus.SqueezeNetLike.OUTPUT;
import static dev.modelfn.examples.corpus.SqueezeNetLike.SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.core.http.HttpResponse;
import dev.modelfn.core.predict.PredictFunction;
import dev.modelfn.core.predict.PredictHttpFunction;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.CorpusGraph;
import dev.modelfn.examples.corpus.SqueezeNetLike;
import dev.modelfn.model.ModelLoader;
import dev.modelfn.model.OnnxPredictor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An image classifier in SqueezeNet's shape ({@code data} FP32 {@code [N, 3, 32, 32]}) answers what
 * ONNX Runtime answers through OIP v2 JSON, OIP v2 binary tensors ({@code
 * Inference-Header-Content-Length}), v1 nested instances, and {@code /invocations} with SageMaker's
 * {@code application/vnd.sagemaker-triton.binary+json;json-header-size=N}; bad images are 400s
 * naming the input.
 */
class CorpusImageTest {
  private static final CorpusGraph MODEL = CorpusGraph.named(SqueezeNetLike.NAME);
  private static final int IMAGES = 3;
  private static final float[][][][] PIXELS = new float[IMAGES][CHANNELS][SIZE][SIZE];
  private static Path corpus;
  private static OnnxPredictor predictor;
  private static PredictHttpFunction fn;
  private static float[][] ort;

  @BeforeAll
  static void load() throws Exception {
    SplittableRandom rng = new SplittableRandom(224);
    for (int i = 0; i < IMAGES; i++) {
      for (int c = 0; c < CHANNELS; c++) {
        float tint = c == i % CHANNELS ? 1.5f : -0.5f; // a red, a green and a blue image: different classes
        for (float[] line : PIXELS[i][c]) {
          for (int x = 0; x < SIZE; x++) {
            line[x] = tint + (float) (rng.nextDouble() - 0.5); // normalised pixels
          }
        }
      }
    }
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
    ModelfnConfig config = CorpusParityTest.config(MODEL.file(corpus), MODEL.name());
    predictor = OnnxPredictor.load(config, ModelLoader.local());
    fn = new PredictHttpFunction(new PredictFunction(predictor), config);
    ort = (float[][]) OrtReference.tensorOutput(MODEL.file(corpus), Map.of(INPUT, PIXELS), OUTPUT);
  }

  @AfterAll
  static void close() {
    predictor.close();
  }

  @Test
  void metadataShowsTheImageInput() {
    JsonNode md = json(call(fn, "GET", "/v2/models/" + MODEL.name(), null, null));
    assertThat(md.get("inputs")).hasSize(1);
    assertThat(md.at("/inputs/0/name").asText()).isEqualTo(INPUT);
    assertThat(md.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(shape(md.at("/inputs/0"))).containsExactly(-1L, (long) CHANNELS, (long) SIZE, (long) SIZE);
    assertThat(shape(output(md, OUTPUT))).containsExactly(-1L, (long) CLASSES);
    // the images reach more than one class: the test compares classes, not one
    Set<Integer> best = new HashSet<>();
    for (float[] p : ort) {
      int b = 0;
      for (int j = 1; j < CLASSES; j++) {
        b = p[j] > p[b] ? j : b;
      }
      best.add(b);
    }
    assertThat(best).hasSizeGreaterThan(1);
  }

  @Test
  void oipV2JsonAndBinaryAnswerAsOnnxRuntimeDoes() throws Exception {
    String json = "{\"inputs\":[{\"name\":\"" + INPUT + "\",\"shape\":" + shapeJson() + ",\"datatype\":\"FP32\","
        + "\"data\":" + Json.mapper().writeValueAsString(PIXELS) + "}]}";
    checkV2(json(call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json", json)));

    byte[] header = binaryHeader();
    checkV2(json(post("/v2/models/" + MODEL.name() + "/infer",
        Map.of("content-type", "application/octet-stream", "inference-header-content-length",
            Integer.toString(header.length)), binaryBody(header, pixelBytes()))));
    checkV2(json(post("/invocations", Map.of("content-type",
        "application/vnd.sagemaker-triton.binary+json;json-header-size=" + header.length),
        binaryBody(header, pixelBytes()))));
  }

  @Test
  void v1NestedInstancesAnswerAsOnnxRuntimeDoes() throws Exception {
    String body = "{\"instances\":" + Json.mapper().writeValueAsString(PIXELS) + "}";
    for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
      HttpResponse r = call(fn, "POST", path, "application/json", body);
      assertThat(r.status()).as("%s: %s", path, r.bodyText()).isEqualTo(200);
      JsonNode predictions = json(r).get("predictions");
      assertThat(predictions).hasSize(IMAGES);
      for (int i = 0; i < IMAGES; i++) {
        for (int j = 0; j < CLASSES; j++) {
          assertThat(predictions.get(i).get(j).doubleValue()).as("%s image %d class %d", path, i, j)
              .isCloseTo(ort[i][j], within(TOLERANCE));
        }
      }
    }
  }

  @Test
  void badImagesNameTheInput() throws Exception {
    // binary data shorter than declared
    byte[] header = binaryHeader();
    byte[] pixels = pixelBytes();
    HttpResponse r = post("/v2/models/" + MODEL.name() + "/infer", Map.of("content-type", "application/octet-stream",
        "inference-header-content-length", Integer.toString(header.length)),
        binaryBody(header, java.util.Arrays.copyOf(pixels, pixels.length - 4)));
    checkProblem(r, "/inputs/0/parameters/binary_data_size");
    r = post("/invocations", Map.of("content-type",
        "application/vnd.sagemaker-triton.binary+json;json-header-size=" + header.length),
        binaryBody(header, java.util.Arrays.copyOf(pixels, pixels.length - 4)));
    checkProblem(r, "/inputs/0/parameters/binary_data_size");
    // OIP v2 JSON: a 31-pixel-wide image
    r = call(fn, "POST", "/v2/models/" + MODEL.name() + "/infer", "application/json",
        "{\"inputs\":[{\"name\":\"data\",\"shape\":[1,3,32,31],\"datatype\":\"FP32\",\"data\":"
            + Json.mapper().writeValueAsString(new float[3 * 32 * 31]) + "}]}");
    assertThat(checkProblem(r, "/inputs/0/shape/3").get("expected").asText()).contains("32");
    // v1: an image of the wrong size, an image flattened, a pixel that is not a number
    String wide = Json.mapper().writeValueAsString(new float[CHANNELS][SIZE][SIZE + 1]);
    String flat = Json.mapper().writeValueAsString(new float[CHANNELS * SIZE * SIZE]);
    float[][][] one = PIXELS[0];
    String nan = Json.mapper().writeValueAsString(one).replaceFirst("^\\[\\[\\[[^,]+,", "[[[\"red\",");
    for (String[] c : new String[][] {
        {"[" + wide + "]", "/instances/0", "shape [3, 32, 32]"},
        {"[" + flat + "]", "/instances/0", "shape [3, 32, 32]"},
        {"[" + Json.mapper().writeValueAsString(one) + ", " + nan + "]", "/instances/1/0/0/0", "a number (input 'data'"}}) {
      for (String path : new String[] {"/v1/models/" + MODEL.name() + ":predict", "/invocations"}) {
        JsonNode problem = checkProblem(call(fn, "POST", path, "application/json", "{\"instances\": " + c[0] + "}"),
            c[1]);
        assertThat(problem.get("expected").asText()).as(problem.toString()).contains(c[2]);
      }
    }
  }

  private static JsonNode checkProblem(HttpResponse r, String pointer) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(400);
    assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
    JsonNode problem = json(r);
    assertThat(problem.get("pointer").asText()).as(problem.toString()).isEqualTo(pointer);
    return problem;
  }

  private static void checkV2(JsonNode answer) {
    JsonNode p = output(answer, OUTPUT);
    assertThat(p.get("datatype").asText()).isEqualTo("FP32");
    assertThat(shape(p)).containsExactly((long) IMAGES, (long) CLASSES);
    for (int i = 0; i < IMAGES; i++) {
      for (int j = 0; j < CLASSES; j++) {
        assertThat(p.get("data").get(i * CLASSES + j).doubleValue()).as("image %d class %d", i, j)
            .isCloseTo(ort[i][j], within(TOLERANCE));
      }
    }
  }

  private static String shapeJson() {
    return "[" + IMAGES + "," + CHANNELS + "," + SIZE + "," + SIZE + "]";
  }

  private static byte[] binaryHeader() {
    return ("{\"inputs\":[{\"name\":\"" + INPUT + "\",\"shape\":" + shapeJson() + ",\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":" + (IMAGES * CHANNELS * SIZE * SIZE * 4) + "}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The images as a Triton client sends them: row-major, little-endian FP32. */
  private static byte[] pixelBytes() {
    ByteBuffer b = ByteBuffer.allocate(IMAGES * CHANNELS * SIZE * SIZE * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[][][] image : PIXELS) {
      for (float[][] channel : image) {
        for (float[] line : channel) {
          for (float v : line) {
            b.putFloat(v);
          }
        }
      }
    }
    return b.array();
  }

  private static byte[] binaryBody(byte[] header, byte[] data) {
    byte[] body = java.util.Arrays.copyOf(header, header.length + data.length);
    System.arraycopy(data, 0, body, header.length, data.length);
    return body;
  }

  private static HttpResponse post(String path, Map<String, String> headers, byte[] body) {
    return fn.apply(new HttpRequest("POST", path, headers, Map.of(), body, "corpus-test"));
  }
}
