package dev.modelfn.cdk;

import dev.modelfn.cdk.internal.Nag;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.predict.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * Synchronous prediction: the predict function ({@code dev.modelfn.aws.PredictHttpHandler}, SnapStart
 * on published versions), its {@code live} alias, and an API Gateway HTTP API with the routes of
 * the Open Inference Protocol v2, the TF-Serving/KServe v1 {@code :predict} format and the SageMaker
 * container contract, all integrated with {@code live}. Authorised with IAM unless told otherwise;
 * access logs kept; throttled.
 */
public final class ModelEndpoint extends Construct {
  /** The predict handler. */
  public static final String HANDLER = "dev.modelfn.aws.PredictHttpHandler::handleRequest";
  /** The name of the alias callers reach. */
  public static final String LIVE_ALIAS = "live";

  /** Every route of the HTTP surface, as method and path: the function's own route table. */
  public static final List<Map.Entry<HttpMethod, String>> ROUTES = Route.table().stream()
      .map(e -> Map.entry(HttpMethod.valueOf(e.method()), e.path())).toList();

  private final ModelPackage modelPackage;
  private final Props props;
  private final Function function;
  private final Alias live;
  private final HttpApi api;

  public ModelEndpoint(Construct scope, String id, ModelPackage modelPackage, Props props) {
    super(scope, id);
    this.modelPackage = Objects.requireNonNull(modelPackage, "modelPackage");
    this.props = Objects.requireNonNull(props, "props");
    Map<String, String> env = new LinkedHashMap<>(props.environment);
    this.function = modelPackage.function(this, "Function", new FunctionSettings("predict (" + modelPackage.modelName()
        + ")", HANDLER, props.memoryMb, props.timeoutSeconds, ModelPackage.LATENCY_JVM_OPTIONS, true,
        props.reservedConcurrency, env), true);

    if (props.sageMakerEndpoint != null) {
      // Requests validated and encoded here, answered by the endpoint: InvokeEndpoint on it only.
      function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("sagemaker:InvokeEndpoint"))
          .resources(List.of(Stack.of(this).formatArn(ArnComponents.builder().service("sagemaker").resource("endpoint")
              .resourceName(props.sageMakerEndpoint.toLowerCase(java.util.Locale.ROOT)).build()))).build());
    }
    this.live = Alias.Builder.create(this, "Live").aliasName(LIVE_ALIAS).version(props.release.liveVersion(this))
        .description("the version callers reach").build();

    LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs").retention(modelPackage.logRetention())
        .removalPolicy(RemovalPolicy.RETAIN).build();
    this.api = HttpApi.Builder.create(this, "Api").apiName(props.apiName)
        .description("modelfn " + modelPackage.modelName() + ": OIP v2, v1 :predict, SageMaker contract")
        .createDefaultStage(false).defaultAuthorizer(props.auth.authorizer()).build();
    if (props.auth.kind().equals("none")) {
      Nag.openApi(api);
    }
    LogGroupLogDestination dest = new LogGroupLogDestination(accessLogs);
    HttpStage.Builder.create(this, "DefaultStage").httpApi(api).stageName("$default").autoDeploy(true)
        .throttle(ThrottleSettings.builder().rateLimit(props.throttleRate).burstLimit(props.throttleBurst).build())
        .accessLogSettings(new IAccessLogSettings() {
          @Override
          public IAccessLogDestination getDestination() {
            return dest;
          }

          @Override
          public AccessLogFormat getFormat() {
            return AccessLogFormat.jsonWithStandardFields();
          }
        })
        .build();
    HttpLambdaIntegration integration = HttpLambdaIntegration.Builder.create("Live", live).build();
    for (Map.Entry<HttpMethod, String> r : ROUTES) {
      api.addRoutes(AddRoutesOptions.builder().path(r.getValue()).methods(List.of(r.getKey()))
          .integration(integration).build());
    }
    CfnOutput.Builder.create(this, "Url").value(api.getApiEndpoint())
        .description("the HTTP API of " + modelPackage.modelName()).build();

    props.release.attach(this);
  }

  public ModelPackage modelPackage() {
    return modelPackage;
  }

  /** The predict function; its versions are published by {@code getCurrentVersion()}. */
  public Function function() {
    return function;
  }

  /** The alias behind the API. */
  public Alias live() {
    return live;
  }

  public HttpApi api() {
    return api;
  }

  public Props props() {
    return props;
  }

  /** The endpoint's settings; the defaults suit the example model on arm64. */
  public static final class Props extends FunctionProps<Props> {
    private Props() {
      super(2048, 30);
    }

    private String apiName = "modelfn";
    private ApiAuth auth = ApiAuth.iam();
    private Release release = Release.allAtOnce();
    private double throttleRate = 500;
    private int throttleBurst = 1000;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String sageMakerEndpoint;

    public static Props defaults() {
      return new Props();
    }

    public Props apiName(String v) {
      this.apiName = Objects.requireNonNull(v);
      return this;
    }

    /** Default {@link ApiAuth#iam()}. */
    public Props auth(ApiAuth v) {
      this.auth = Objects.requireNonNull(v);
      return this;
    }

    /** Default {@link Release#allAtOnce()}. */
    public Props release(Release v) {
      this.release = Objects.requireNonNull(v);
      return this;
    }

    /** Steady-state requests per second and burst of the stage; default 500 / 1000. */
    public Props throttle(double rate, int burst) {
      this.throttleRate = rate;
      this.throttleBurst = burst;
      return this;
    }

    /**
     * Answers from a SageMaker real-time endpoint instead of the in-process model ({@code
     * MODELFN_PREDICTOR=sagemaker}): requests are still validated against the model's signature here.
     */
    public Props sageMakerEndpoint(String endpointName, String inputName) {
      if (endpointName == null || !endpointName.matches("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")) {
        throw new IllegalArgumentException("SageMaker endpoint name: expected up to 63 letters, digits and '-', got '"
            + endpointName + "'");
      }
      this.sageMakerEndpoint = endpointName;
      environment.put(EnvVars.PREDICTOR, "sagemaker");
      environment.put(EnvVars.SAGEMAKER_ENDPOINT, endpointName);
      environment.put(EnvVars.SAGEMAKER_INPUT_NAME, inputName == null ? "input" : inputName);
      return this;
    }

    /** One more modelfn environment variable (see EnvVars), e.g. {@code MODELFN_MAX_INSTANCES}. */
    public Props environment(String name, String value) {
      ModelPackage.checkNames(Map.of(name, value));
      if (name.equals(EnvVars.MODEL_URI) || name.equals(EnvVars.MODEL_NAME)) {
        throw new IllegalArgumentException(name + " comes from the ModelPackage");
      }
      environment.put(name, value);
      return this;
    }

    public String auth() {
      return auth.kind();
    }
  }
}
