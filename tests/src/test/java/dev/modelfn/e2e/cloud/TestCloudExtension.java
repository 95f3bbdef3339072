package dev.modelfn.e2e.cloud;

import dev.modelfn.local.cloud.CloudConfig;
import dev.modelfn.local.cloud.CloudProvisioner;
import dev.modelfn.local.cloud.LocalCloud;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.regions.Region;

/**
 * Hands end-to-end tests an AWS endpoint and credentials with their resources created: by default
 * the embedded local cloud (S3Mock, ElasticMQ, kinesis-mock behind the edge endpoint, functions and
 * triggers run by local-dev); with {@code MODELFN_TEST_BACKEND=localstack}, LocalStack in Docker
 * through Testcontainers (image pinned in the build; {@code LOCALSTACK_AUTH_TOKEN} passed through
 * when set), where the same description is applied through the public AWS APIs. Without a Docker
 * engine the LocalStack run skips every test with the reason. Register it as a static field:
 * {@code @RegisterExtension static TestCloudExtension cloud = new TestCloudExtension(() -> config)}.
 */
public final class TestCloudExtension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {
  private static final Path HOME = Path.of(System.getProperty("modelfn.home", "..")).toAbsolutePath().normalize();

  /** The most recent lines the embedded cloud printed (servers and functions), oldest first. */
  private final java.util.Deque<String> lines = new java.util.concurrent.ConcurrentLinkedDeque<>();
  private static final int KEPT_LINES = 20_000;

  private final Supplier<CloudConfig> config;
  private TestCloud cloud;
  private AutoCloseable running;
  private String skipReason;

  public TestCloudExtension(Supplier<CloudConfig> config) {
    this.config = config;
  }

  /** The backend the tests run against: {@code MODELFN_TEST_BACKEND}, {@code embedded} by default. */
  public static String backend() {
    return System.getenv().getOrDefault("MODELFN_TEST_BACKEND", "embedded");
  }

  public TestCloud cloud() {
    if (skipReason != null) {
      throw new TestAbortedException(skipReason);
    }
    return cloud;
  }

  /** The embedded cloud, for tests that look inside it (null on LocalStack). */
  public LocalCloud embedded() {
    return running instanceof LocalCloud c ? c : null;
  }

  private static final String NO_DOCKER = "MODELFN_TEST_BACKEND=localstack needs a Docker engine, and none runs"
      + " here; the same tests run against the embedded local cloud without MODELFN_TEST_BACKEND";
  private static Boolean docker;

  private static synchronized boolean dockerAvailable() {
    if (docker == null) {
      docker = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    }
    return docker;
  }

  /** Each test is skipped, with the reason, when LocalStack is asked for and Docker is missing. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (backend().equals("localstack") && !dockerAvailable()) {
      return ConditionEvaluationResult.disabled(NO_DOCKER);
    }
    return ConditionEvaluationResult.enabled("backend " + backend());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    CloudConfig cfg = config.get();
    switch (backend()) {
      case "embedded" -> {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
          port = s.getLocalPort();
        }
        Path run = Files.createTempDirectory("modelfn-e2e");
        LocalCloud c = new LocalCloud(new LocalCloud.Options("127.0.0.1", port, HOME, HOME.resolve("local-dev/.cache"),
            run, null, Path.of(System.getProperty("java.home"), "bin", "java"), LocalCloud.SERVICES,
            this::printed), cfg);
        running = c;
        c.start();
        cloud = new TestCloud("embedded", c.endpoint(), Region.of("us-east-1"), "test", "test", c::queueUrl);
      }
      case "localstack" -> startLocalStack(cfg);
      default -> throw new IllegalArgumentException("MODELFN_TEST_BACKEND=" + backend()
          + ": expected embedded or localstack");
    }
  }

  private void printed(String line) {
    System.out.println("[cloud] " + line);
    lines.addLast(line);
    while (lines.size() > KEPT_LINES) {
      lines.pollFirst();
    }
  }

  /**
   * The lines the embedded cloud's servers and functions printed so far (their logs and EMF
   * metrics), as {@code [function] line}; empty on LocalStack, whose logs are in CloudWatch Logs.
   */
  public java.util.List<String> printedLines() {
    return java.util.List.copyOf(lines);
  }

  private void startLocalStack(CloudConfig cfg) {
    if (!dockerAvailable()) {
      skipReason = NO_DOCKER;
      return; // evaluateExecutionCondition skips the tests
    }
    var image = org.testcontainers.utility.DockerImageName.parse(System.getProperty("modelfn.localstack.image",
        "localstack/localstack:4.14.0"));
    var container = new org.testcontainers.localstack.LocalStackContainer(image);
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    container.withEnv("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "60").start();
    running = container::stop;
    URI endpoint = container.getEndpoint();
    Region region = Region.of(container.getRegion());
    TestCloud c = new TestCloud("localstack", endpoint, region, container.getAccessKey(), container.getSecretKey(),
        name -> endpoint + "/000000000000/" + name);
    CloudProvisioner provisioner = new CloudProvisioner(endpoint, region, c.credentials(),
        CloudProvisioner.defaultAccount(), HOME, System.out::println);
    provisioner.apply(cfg, Map.of());
    cloud = new TestCloud("localstack", endpoint, region, container.getAccessKey(), container.getSecretKey(),
        name -> provisioner.queueUrl(name) != null ? provisioner.queueUrl(name) : endpoint + "/000000000000/" + name);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (running != null) {
      running.close();
    }
  }
}
