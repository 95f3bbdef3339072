package dev.modelfn.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.PredictHttpHandler;
import dev.modelfn.aws.S3ModelArtifactFetcher;
import dev.modelfn.codec.Json;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.examples.corpus.CorpusGenerator;
import dev.modelfn.examples.corpus.ExternalDataMlp;
import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.LocalCloud;
import dev.modelfn.testing.Fixtures;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * External-data models ({@link ExternalDataMlp}) in S3 (the local cloud's S3Mock): the Lambda
 * adapter's predict handler, given {@code s3://} URIs, fetches the model and every data file it
 * names into a folder of its own and answers what ONNX Runtime answers on the same files; the cache
 * is reused for the same ETag and a new ETag is fetched into a new folder; a missing data object
 * and a location outside the model's folder are refused, naming them.
 */
class CorpusExternalDataS3IT {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();
  private static final String BUCKET = "models";
  /** The SDK's region and credentials as system properties: the handler builds its client from the defaults. */
  private static final Map<String, String> SDK_PROPERTIES = Map.of("aws.region", "us-east-1", "aws.accessKeyId",
      "test", "aws.secretAccessKey", "test");
  private static final Map<String, String> saved = new HashMap<>();
  private static Path corpus;
  private static LocalCloud cloud;
  private static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    corpus = CorpusGenerator.write(Path.of("target/models/corpus"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    cloud = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, HOME, HOME.resolve("local-dev/.cache"),
        Files.createTempDirectory("modelfn-external-data"), null, Path.of(System.getProperty("java.home"), "bin", "java"),
        Set.of("s3"), line -> System.out.println("[cloud] " + line)),
        CloudConfig.parse("{\"buckets\": [{\"name\": \"" + BUCKET + "\"}]}", "CorpusExternalDataS3IT"));
    cloud.start();
    s3 = cloud.s3Client();
    SDK_PROPERTIES.forEach((k, v) -> {
      String before = System.getProperty(k);
      if (before != null) {
        saved.put(k, before);
      }
      System.setProperty(k, v);
    });
  }

  @AfterAll
  static void stop() {
    SDK_PROPERTIES.keySet().forEach(k -> {
      if (saved.containsKey(k)) {
        System.setProperty(k, saved.get(k));
      } else {
        System.clearProperty(k);
      }
    });
    if (s3 != null) {
      s3.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  /** Uploads the model's files under {@code prefix}; returns the model's s3:// URI. */
  private static String upload(String prefix, Map<String, byte[]> files, String modelFile) {
    files.forEach((name, bytes) -> s3.putObject(p -> p.bucket(BUCKET).key(prefix + name), RequestBody.fromBytes(bytes)));
    return "s3://" + BUCKET + "/" + prefix + modelFile;
  }

  /** The corpus model's files, read back from the corpus folder the build wrote. */
  private static Map<String, byte[]> corpusFiles(String name) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (var list = Files.list(corpus.resolve(name))) {
      for (Path f : list.toList()) {
        files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return files;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {ExternalDataMlp.NAME, ExternalDataMlp.PER_TENSOR_NAME})
  void theLambdaHandlerServesAnExternalDataModelFromS3AsOnnxRuntimeDoes(String name, @TempDir Path cache)
      throws Exception {
    String uri = upload("corpus/" + name + "/", corpusFiles(name), name + ".onnx");
    float[][] rows = CorpusRows.of(ExternalDataMlp.FEATURES, 12);
    float[][] ort = CorpusExternalDataTest.reference(ExternalDataMlp.file(corpus, name), rows);

    Map<String, String> env = new HashMap<>(cloud.clientEnvironment());
    env.put("MODELFN_MODEL_URI", uri);
    env.put("MODELFN_MODEL_NAME", name);
    env.put("MODELFN_MODEL_CACHE_DIR", cache.toString());
    env.put("MODELFN_METRICS_ENABLED", "false");
    env.put("MODELFN_LOG_LEVEL", "ERROR");
    PredictHttpHandler handler = new PredictHttpHandler(env);

    ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("http/api-v2/infer-oip.json"));
    String path = "/v2/models/" + name + "/infer";
    event.put("rawPath", path);
    ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
    ((ObjectNode) event.get("headers")).remove("content-length");
    event.put("body", "{\"inputs\":[{\"name\":\"" + ExternalDataMlp.INPUT + "\",\"shape\":[" + rows.length + ","
        + ExternalDataMlp.FEATURES + "],\"datatype\":\"FP32\",\"data\":" + Json.mapper().writeValueAsString(rows) + "}]}");
    JsonNode response = Json.mapper().readTree(handler.handle(Json.mapper().writeValueAsBytes(event), "external-data"));
    assertThat(response.get("statusCode").asInt()).as("%s", response).isEqualTo(200);
    CorpusExternalDataTest.checkV2(Json.mapper().readTree(response.get("body").asText()), name, ort);

    // the model and its data files, in one folder, under the names the model gives them
    try (var dirs = Files.list(cache)) {
      Path dir = dirs.toList().stream().filter(Files::isDirectory).findFirst().orElseThrow();
      assertThat(dir.resolve(name + ".onnx")).exists();
      if (name.equals(ExternalDataMlp.NAME)) {
        assertThat(dir.resolve(name + ".onnx.data")).exists();
      } else {
        assertThat(dir.resolve("fc1.weight")).exists();
        assertThat(dir.resolve("fc2.weight")).exists();
      }
    }
  }

  /**
   * A model with its {@code .features.json} sidecar beside it, under a key with {@code +}: the sidecar
   * is fetched as a file, not read as a model.
   */
  @Test
  void aModelWithItsFeaturesSidecarLoadsFromS3WithTheSidecarsNames(@TempDir Path cache) throws Exception {
    // a key with '+' (as S3 keys may have): the URI's path names it as it is, not as a form-encoded space
    String uri = upload("fraud+v1/", Map.of("fraud.onnx", Fixtures.bytes("models/fraud/fraud.onnx"),
        "fraud.features.json", Fixtures.bytes("models/fraud/fraud.features.json")), "fraud.onnx");
    Map<String, String> env = new HashMap<>(cloud.clientEnvironment());
    env.put("MODELFN_MODEL_URI", uri);
    env.put("MODELFN_MODEL_CACHE_DIR", cache.toString());
    env.put("MODELFN_METRICS_ENABLED", "false");
    env.put("MODELFN_LOG_LEVEL", "ERROR");
    PredictHttpHandler handler = new PredictHttpHandler(env);
    JsonNode response = Json.mapper().readTree(handler.handle(Fixtures.bytes("http/api-v2/model-metadata.json"),
        "sidecar"));
    assertThat(response.get("statusCode").asInt()).as("%s", response).isEqualTo(200);
    assertThat(response.get("body").asText()).contains("\"feature_names\"");
    try (var dirs = Files.list(cache)) {
      assertThat(dirs.toList()).anyMatch(d -> Files.isRegularFile(d.resolve("fraud.features.json")))
          .anyMatch(d -> Files.isRegularFile(d.resolve("fraud.onnx")));
    }
  }

  /** The local cloud's S3 client, counting its GetObject calls. */
  private static S3Client counting(AtomicInteger gets) {
    return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getObject")) {
            gets.incrementAndGet();
          }
          try {
            return method.invoke(s3, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void theSameEtagIsNotDownloadedAgainAndANewEtagGoesToANewFolder(@TempDir Path cache) throws Exception {
    AtomicInteger gets = new AtomicInteger();
    S3ModelArtifactFetcher fetcher = new S3ModelArtifactFetcher(() -> counting(gets));
    URI uri = URI.create(upload("cache/", ExternalDataMlp.files("model.onnx", false, 8), "model.onnx"));

    Path first = fetcher.fetch(uri, cache).orElseThrow();
    assertThat(gets).hasValue(2); // the model and model.onnx.data
    assertThat(first.getFileName().toString()).isEqualTo("model.onnx");
    assertThat(first.resolveSibling("model.onnx.data")).exists();
    long modified = Files.getLastModifiedTime(first).toMillis();

    assertThat(fetcher.fetch(uri, cache)).contains(first);
    assertThat(gets).hasValue(2);
    assertThat(Files.getLastModifiedTime(first).toMillis()).isEqualTo(modified);

    // a data file lost from the folder (a crash between two downloads) is fetched alone
    Files.delete(first.resolveSibling("model.onnx.data"));
    assertThat(fetcher.fetch(uri, cache)).contains(first);
    assertThat(gets).hasValue(3);
    assertThat(first.resolveSibling("model.onnx.data")).exists();

    // weights uploaded again beside the same model file (same ETag, same folder): downloaded again
    byte[] retrained = Files.readAllBytes(first.resolveSibling("model.onnx.data"));
    retrained[retrained.length - 1] ^= 1;
    s3.putObject(p -> p.bucket(BUCKET).key("cache/model.onnx.data"), RequestBody.fromBytes(retrained));
    assertThat(fetcher.fetch(uri, cache)).contains(first);
    assertThat(gets).hasValue(4);
    assertThat(first.resolveSibling("model.onnx.data")).hasBinaryContent(retrained);

    // a new version of the model (other bytes: another ETag)
    upload("cache/", ExternalDataMlp.files("model.onnx", false, 13), "model.onnx");
    Path second = fetcher.fetch(uri, cache).orElseThrow();
    assertThat(gets).hasValue(6);
    assertThat(second.getParent()).isNotEqualTo(first.getParent());
    assertThat(second.getParent().getParent()).isEqualTo(cache);
    assertThat(second.getFileName().toString()).isEqualTo("model.onnx");
    assertThat(second.resolveSibling("model.onnx.data")).exists();
    assertThat(Files.readAllBytes(second)).isEqualTo(ExternalDataMlp.files("model.onnx", false, 13).get("model.onnx"));
    try (var left = Files.walk(cache)) {
      assertThat(left.map(Path::toString)).noneMatch(p -> p.endsWith(".part"));
    }
  }

  @Test
  void aMissingDataObjectIsRefusedNamingTheUriItLookedFor(@TempDir Path cache) {
    Map<String, byte[]> files = ExternalDataMlp.files("model.onnx", false, 8);
    URI uri = URI.create(upload("missing/", Map.of("model.onnx", files.get("model.onnx")), "model.onnx"));
    assertThatThrownBy(() -> new S3ModelArtifactFetcher(() -> s3).fetch(uri, cache))
        .isInstanceOfSatisfying(ModelfnException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining("s3://" + BUCKET + "/missing/model.onnx.data")
        .hasMessageContaining("'model.onnx.data'");
  }

  @Test
  void aLocationOutsideTheModelsFolderIsRefusedNamingIt(@TempDir Path cache) throws Exception {
    OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(ExternalDataMlp.files("model.onnx", false, 8)
        .get("model.onnx")).toBuilder();
    for (OnnxMl.TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
      if (t.getExternalDataCount() > 0) {
        t.setExternalData(0, t.getExternalData(0).toBuilder().setValue("../secrets/model.onnx.data"));
      }
    }
    URI uri = URI.create(upload("escape/", Map.of("model.onnx", b.build().toByteArray()), "model.onnx"));
    AtomicInteger gets = new AtomicInteger();
    assertThatThrownBy(() -> new S3ModelArtifactFetcher(() -> counting(gets)).fetch(uri, cache))
        .isInstanceOfSatisfying(ModelfnException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MODEL_LOAD_FAILED))
        .hasMessageContaining(uri.toString())
        .hasMessageContaining("'../secrets/model.onnx.data'");
    assertThat(gets).hasValue(1); // the model only: nothing outside its folder was read
  }
}
