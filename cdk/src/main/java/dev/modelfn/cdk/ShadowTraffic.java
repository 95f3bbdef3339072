package dev.modelfn.cdk;

import dev.modelfn.config.EnvVars;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * Shadow release of a candidate model: the live function answers every caller, then copies a
 * sampled share of requests, with its own answer and latency, to the {@code shadow} alias of a
 * shadow function by asynchronous invocation ({@code InvocationType=Event}). The shadow ({@code
 * dev.modelfn.aws.ShadowCompareHandler}) scores the request with the candidate, compares, and emits
 * {@code ShadowAgreement} and {@code ShadowLatencyDelta}; an alarm fires when agreement drops under
 * the threshold. Nothing the shadow does reaches the caller.
 */
public final class ShadowTraffic extends Construct {
  /** The shadow handler. */
  public static final String HANDLER = "dev.modelfn.aws.ShadowCompareHandler::handleRequest";
  /** The shadow function's alias. */
  public static final String SHADOW_ALIAS = "shadow";

  private final Function shadowFunction;
  private final Alias shadowAlias;
  private final Alarm agreementAlarm;

  public ShadowTraffic(Construct scope, String id, ModelEndpoint endpoint, Props props) {
    super(scope, id);
    Objects.requireNonNull(endpoint, "endpoint");
    ModelPackage candidate = endpoint.modelPackage().withModel(props.candidate, props.candidateVersion);
    this.shadowFunction = candidate.function(this, "Function", new FunctionSettings("shadow ("
        + candidate.modelName() + ")", HANDLER, props.memoryMb, props.timeoutSeconds, ModelPackage.LATENCY_JVM_OPTIONS, true,
        props.reservedConcurrency, Map.of()), true);
    this.shadowAlias = Alias.Builder.create(this, "Alias").aliasName(SHADOW_ALIAS)
        .version(shadowFunction.getCurrentVersion()).description("the candidate that receives shadow traffic")
        // A copy that fails is not retried: shadow traffic is a sample, and a retry would count twice.
        .retryAttempts(0).maxEventAge(Duration.minutes(5)).build();

    Function live = endpoint.function();
    live.addEnvironment(EnvVars.SHADOW_FUNCTION, shadowAlias.getFunctionArn());
    live.addEnvironment(EnvVars.SHADOW_SAMPLE_PERCENT, Double.toString(props.samplePercent));
    shadowAlias.grantInvoke(live);

    ModelMetrics m = new ModelMetrics(endpoint.modelPackage());
    this.agreementAlarm = Alarm.Builder.create(this, "Agreement")
        .alarmDescription("shadow agreement of " + candidate.modelName() + " below " + props.minAgreement)
        .metric(m.stat("ShadowAgreement", "Average", Duration.minutes(5))).threshold(props.minAgreement)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD).evaluationPeriods(3).datapointsToAlarm(2)
        .treatMissingData(TreatMissingData.NOT_BREACHING).build();
  }

  /** A {@link Release} that adds shadow traffic to the endpoint. */
  public static Release release(Props props) {
    return new Release() {
      @Override
      public void attach(ModelEndpoint endpoint) {
        new ShadowTraffic(endpoint, "Shadow", endpoint, props);
      }
    };
  }

  public Function shadowFunction() {
    return shadowFunction;
  }

  public Alias shadowAlias() {
    return shadowAlias;
  }

  public Alarm agreementAlarm() {
    return agreementAlarm;
  }

  /** The shadow's settings. */
  public static final class Props extends FunctionProps<Props> {
    private Props() {
      super(2048, 60);
    }

    private ModelArtifact candidate = ModelArtifact.EXAMPLE_FRAUD;
    private String candidateVersion;
    private double samplePercent = 10;
    private double minAgreement = 0.95;

    public static Props defaults() {
      return new Props();
    }

    /** The candidate model; default the example model. */
    public Props candidate(ModelArtifact model, String version) {
      this.candidate = Objects.requireNonNull(model);
      this.candidateVersion = version;
      return this;
    }

    /** Share of requests copied, 0 to 100; default 10. */
    public Props samplePercent(double v) {
      if (!(v >= 0 && v <= 100)) {
        throw new IllegalArgumentException("samplePercent: expected 0 to 100, got " + v);
      }
      this.samplePercent = v;
      return this;
    }

    /** Agreement (0 to 1) under which the alarm fires; default 0.95. */
    public Props minAgreement(double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("minAgreement: expected 0 to 1, got " + v);
      }
      this.minAgreement = v;
      return this;
    }

  }
}
