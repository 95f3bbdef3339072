package dev.modelfn.cdk;

import dev.modelfn.config.EnvVars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * What every modelfn function of a deployment shares: the deployment package, the model, the
 * runtime and architecture, and the log retention. The constructs build their functions through
 * {@link #function}, so that each one gets the same settings: an own role (logs to its own log
 * group only, no managed policies), the model's environment, the native folder of its
 * architecture and the project's JVM flags.
 */
public final class ModelPackage {
  /** Lambda's managed Java 21 runtime: SnapStart, arm64 and x86_64. */
  public static final Runtime DEFAULT_RUNTIME = Runtime.JAVA_21;

  /**
   * Lambda's defaults for its Java runtimes (C1 only) with the serial collector: the fastest cold
   * start and the smallest heap overhead for a request/response function (see README, "Launch
   * flags for Lambda-like runs").
   */
  public static final String LATENCY_JVM_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  /** C2 for long-running throughput work (batch scoring), as the local cloud runs it. */
  public static final String THROUGHPUT_JVM_OPTIONS = "-XX:TieredStopAtLevel=4";
  /**
   * C2 with the serial collector for stream inference: its event source mapping hands a warm
   * function batch after batch, and a warm batch of 500 records took 1.5–2.5× as long with C1 only
   * (README, Performance).
   */
  public static final String STREAM_JVM_OPTIONS = "-XX:TieredStopAtLevel=4 -XX:+UseSerialGC";

  private static final Set<String> LAMBDA_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private final FunctionPackage code;
  private final ModelArtifact model;
  private final String modelName;
  private final String modelVersion;
  private final Architecture architecture;
  private final Runtime runtime;
  private final RetentionDays logRetention;

  private ModelPackage(Builder b) {
    this.code = Objects.requireNonNull(b.code, "functionPackage");
    this.model = Objects.requireNonNull(b.model, "model");
    if (b.modelName == null || !b.modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("modelName: expected 1-64 letters, digits, '.', '_' or '-', got '"
          + b.modelName + "'");
    }
    this.modelName = b.modelName;
    this.modelVersion = b.modelVersion;
    this.architecture = b.architecture;
    this.runtime = b.runtime;
    this.logRetention = b.logRetention;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The same package and settings with another model (a shadow or a candidate). */
  public ModelPackage withModel(ModelArtifact otherModel, String otherVersion) {
    Builder b = toBuilder();
    b.model = otherModel;
    b.modelVersion = otherVersion;
    return b.build();
  }

  private Builder toBuilder() {
    return builder().functionPackage(code).model(model).modelName(modelName).modelVersion(modelVersion)
        .architecture(architecture).runtime(runtime).logRetention(logRetention);
  }

  public FunctionPackage functionPackage() {
    return code;
  }

  public ModelArtifact model() {
    return model;
  }

  public String modelName() {
    return modelName;
  }

  /** The version the functions report, or null for the model's own {@code model_version}. */
  public String modelVersion() {
    return modelVersion;
  }

  public Architecture architecture() {
    return architecture;
  }

  public Runtime runtime() {
    return runtime;
  }

  public RetentionDays logRetention() {
    return logRetention;
  }

  /** The ONNX Runtime native folder inside the package for this architecture. */
  public String nativeDir() {
    return "/var/task/native/" + (architecture == Architecture.ARM_64 ? "linux-aarch64" : "linux-x64");
  }

  /**
   * Builds one function of the package. {@code withModel} false for functions that load no model
   * (the golden-request replay).
   */
  public Function function(Construct scope, String id, FunctionSettings settings, boolean withModel) {
    LogGroup logs = LogGroup.Builder.create(scope, id + "Logs").retention(logRetention)
        .removalPolicy(RemovalPolicy.RETAIN).build();
    Role role = Role.Builder.create(scope, id + "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description("modelfn " + settings.description()).build();
    logs.grantWrite(role);

    Map<String, String> env = new LinkedHashMap<>();
    if (withModel) {
      env.put(EnvVars.MODEL_URI, model.uri(scope));
      env.put(EnvVars.MODEL_NAME, modelName);
      if (modelVersion != null) {
        env.put(EnvVars.MODEL_VERSION, modelVersion);
      }
    }
    // ONNX Runtime loads its natives in place from the package (never unpacked into /tmp).
    env.put("JAVA_TOOL_OPTIONS", withModel ? settings.jvmOptions() + " -Donnxruntime.native.path=" + nativeDir()
        : settings.jvmOptions());
    env.putAll(settings.environment());
    checkNames(env);

    Function fn = Function.Builder.create(scope, id)
        .description("modelfn " + settings.description())
        .runtime(runtime)
        .architecture(architecture)
        .handler(settings.handler())
        .code(code.code(scope))
        .memorySize(settings.memoryMb())
        .timeout(Duration.seconds(settings.timeoutSeconds()))
        .environment(env)
        .role(role)
        .logGroup(logs)
        .reservedConcurrentExecutions(settings.reservedConcurrency())
        .snapStart(settings.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
        .build();
    if (withModel) {
      model.grantRead(scope, fn);
    }
    if (settings.snapStart()) {
      Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
          "every modelfn function with SnapStart is reached through an alias on a published version");
    }
    return fn;
  }

  /** A function's environment holds modelfn's variables (EnvVars) and the JVM's options, nothing else. */
  static void checkNames(Map<String, String> env) {
    for (String name : env.keySet()) {
      if (!EnvVars.ALL.contains(name) && !LAMBDA_VARIABLES.contains(name)) {
        throw new IllegalArgumentException("environment variable " + name
            + " is not one modelfn reads (see dev.modelfn.config.EnvVars)");
      }
    }
  }

  /** Builder with the defaults: the example model {@code fraud}, Java 21, arm64, one month of logs. */
  public static final class Builder {
    private FunctionPackage code;
    private ModelArtifact model = ModelArtifact.EXAMPLE_FRAUD;
    private String modelName = "fraud";
    private String modelVersion;
    private Architecture architecture = Architecture.ARM_64;
    private Runtime runtime = DEFAULT_RUNTIME;
    private RetentionDays logRetention = RetentionDays.ONE_MONTH;

    public Builder functionPackage(FunctionPackage v) {
      this.code = v;
      return this;
    }

    public Builder model(ModelArtifact v) {
      this.model = v;
      return this;
    }

    public Builder modelName(String v) {
      this.modelName = v;
      return this;
    }

    public Builder modelVersion(String v) {
      this.modelVersion = v;
      return this;
    }

    public Builder architecture(Architecture v) {
      this.architecture = Objects.requireNonNull(v, "architecture");
      return this;
    }

    public Builder runtime(Runtime v) {
      this.runtime = Objects.requireNonNull(v, "runtime");
      return this;
    }

    public Builder logRetention(RetentionDays v) {
      this.logRetention = Objects.requireNonNull(v, "logRetention");
      return this;
    }

    public ModelPackage build() {
      return new ModelPackage(this);
    }
  }
}
