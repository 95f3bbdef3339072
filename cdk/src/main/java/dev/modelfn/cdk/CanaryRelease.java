package dev.modelfn.cdk;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.codedeploy.AutoRollbackConfig;
import software.amazon.awscdk.services.codedeploy.ILambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * Canary release of a {@link ModelEndpoint}: CodeDeploy shifts {@code live} to each new version in
 * steps (a preset canary or linear config, or your own), watching three alarms — server errors
 * (EMF {@code Errors}), p99 latency (EMF {@code Latency}) and model quality (EMF {@code
 * Confidence}, the mean top-class score) — and rolls back when one fires or the deployment fails. Before any
 * traffic moves, a pre-traffic hook replays the golden requests against the new version and fails
 * the deployment on a mismatch.
 */
public final class CanaryRelease extends Construct {
  private final LambdaDeploymentGroup deploymentGroup;
  private final Function preTrafficHook;
  private final List<IAlarm> alarms;

  public CanaryRelease(Construct scope, String id, ModelEndpoint endpoint, Props props) {
    super(scope, id);
    Objects.requireNonNull(endpoint, "endpoint");
    ModelMetrics m = new ModelMetrics(endpoint.modelPackage());
    Alarm errors = Alarm.Builder.create(this, "ServerErrors")
        .alarmDescription("5xx answers of " + endpoint.modelPackage().modelName() + " during a release")
        .metric(m.sum("Errors", Duration.minutes(1))).threshold(props.maxServerErrorsPerMinute)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING).build();
    Alarm latency = Alarm.Builder.create(this, "LatencyP99")
        .alarmDescription("p99 latency of " + endpoint.modelPackage().modelName() + " above "
            + props.maxP99LatencyMs + " ms")
        .metric(m.stat("Latency", "p99", Duration.minutes(1))).threshold(props.maxP99LatencyMs)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).evaluationPeriods(2).datapointsToAlarm(2)
        .treatMissingData(TreatMissingData.NOT_BREACHING).build();
    Alarm quality = Alarm.Builder.create(this, "ModelQuality")
        .alarmDescription("mean top-class score of " + endpoint.modelPackage().modelName() + " below "
            + props.minConfidence)
        .metric(m.stat("Confidence", "Average", Duration.minutes(1))).threshold(props.minConfidence)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD).evaluationPeriods(3).datapointsToAlarm(2)
        .treatMissingData(TreatMissingData.NOT_BREACHING).build();
    this.alarms = List.of(errors, latency, quality);

    this.preTrafficHook = GoldenReplay.create(this, "PreTrafficHook", endpoint.modelPackage(),
        endpoint.function().getCurrentVersion(), "pre-traffic hook");
    this.deploymentGroup = LambdaDeploymentGroup.Builder.create(this, "DeploymentGroup")
        .alias(endpoint.live())
        .deploymentConfig(props.deploymentConfig)
        .alarms(alarms)
        .preHook(preTrafficHook)
        .autoRollback(AutoRollbackConfig.builder().failedDeployment(true).stoppedDeployment(true)
            .deploymentInAlarm(true).build())
        .build();
  }

  /** A {@link Release} that builds a canary release on the endpoint. */
  public static Release release(Props props) {
    return new Release() {
      @Override
      public void attach(ModelEndpoint endpoint) {
        new CanaryRelease(endpoint, "Canary", endpoint, props);
      }
    };
  }

  public LambdaDeploymentGroup deploymentGroup() {
    return deploymentGroup;
  }

  public Function preTrafficHook() {
    return preTrafficHook;
  }

  /** Server errors, p99 latency, model quality. */
  public List<IAlarm> alarms() {
    return alarms;
  }

  /** The canary's settings. */
  public static final class Props {
    private ILambdaDeploymentConfig deploymentConfig = LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES;
    private double maxServerErrorsPerMinute = 0;
    private double maxP99LatencyMs = 1000;
    private double minConfidence = 0.6;

    public static Props defaults() {
      return new Props();
    }

    /**
     * A preset ({@code canary-10-5}, {@code canary-10-10}, {@code canary-10-15}, {@code
     * canary-10-30}, {@code linear-10-1}, {@code linear-10-2}, {@code linear-10-3}, {@code
     * linear-10-10}, {@code all-at-once}).
     */
    public Props preset(String name) {
      ILambdaDeploymentConfig c = PRESETS.get(name);
      if (c == null) {
        throw new IllegalArgumentException("canary preset: expected one of " + PRESETS.keySet().stream().sorted()
            .toList() + ", got '" + name + "'");
      }
      this.deploymentConfig = c;
      return this;
    }

    /** Any config, e.g. {@code new LambdaDeploymentConfig(scope, id, props)} with your own steps. */
    public Props deploymentConfig(ILambdaDeploymentConfig v) {
      this.deploymentConfig = Objects.requireNonNull(v);
      return this;
    }

    /** 5xx answers per minute above which the release rolls back; default 0 (any server error). */
    public Props maxServerErrorsPerMinute(double v) {
      this.maxServerErrorsPerMinute = v;
      return this;
    }

    /** p99 of the function's own latency, in ms, above which it rolls back; default 1000. */
    public Props maxP99LatencyMs(double v) {
      this.maxP99LatencyMs = v;
      return this;
    }

    /** Mean top-class score below which it rolls back; default 0.6. */
    public Props minConfidence(double v) {
      if (v < 0 || v > 1) {
        throw new IllegalArgumentException("minConfidence: expected 0 to 1, got " + v);
      }
      this.minConfidence = v;
      return this;
    }
  }

  static final Map<String, ILambdaDeploymentConfig> PRESETS = Map.of(
      "canary-10-5", LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
      "canary-10-10", LambdaDeploymentConfig.CANARY_10_PERCENT_10_MINUTES,
      "canary-10-15", LambdaDeploymentConfig.CANARY_10_PERCENT_15_MINUTES,
      "canary-10-30", LambdaDeploymentConfig.CANARY_10_PERCENT_30_MINUTES,
      "linear-10-1", LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
      "linear-10-2", LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_2_MINUTES,
      "linear-10-3", LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_3_MINUTES,
      "linear-10-10", LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_10_MINUTES,
      "all-at-once", LambdaDeploymentConfig.ALL_AT_ONCE);
}
