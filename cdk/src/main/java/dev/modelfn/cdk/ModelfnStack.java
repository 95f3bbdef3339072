package dev.modelfn.cdk;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The example deployment: the model endpoint with the chosen release strategy, and the batch,
 * stream and async modes that are switched on, sharing one data bucket and one dashboard.
 */
public final class ModelfnStack extends Stack {
  private final ModelEndpoint endpoint;
  private final DataBucket data;
  private final BatchScoring batch;
  private final StreamInference stream;
  private final AsyncInference async;

  public ModelfnStack(Construct scope, String id, StackProps stackProps, StackSettings settings) {
    super(scope, id, stackProps);
    ModelPackage pkg = settings.modelPackage(this);
    Release release = switch (settings.release()) {
      case "canary" -> CanaryRelease.release(CanaryRelease.Props.defaults().preset(settings.canaryPreset()));
      case "shadow" -> ShadowTraffic.release(ShadowTraffic.Props.defaults()
          .candidate(settings.shadowModel(), settings.shadowModelVersion())
          .samplePercent(settings.shadowSamplePercent()));
      case "bluegreen" -> BlueGreenAlias.release(BlueGreenAlias.Props.defaults().activeColor(settings.activeColor())
          .blueVersion(settings.blueVersion()).greenVersion(settings.greenVersion()));
      case "none" -> Release.allAtOnce();
      default -> throw new IllegalArgumentException("release: expected canary, shadow, bluegreen or none, got '"
          + settings.release() + "'");
    };
    this.endpoint = new ModelEndpoint(this, "Endpoint", pkg, ModelEndpoint.Props.defaults().apiName(id)
        .auth(settings.auth()).release(release).reservedConcurrency(settings.reservedConcurrency()));

    boolean needsData = settings.modes().contains("batch") || settings.modes().contains("async");
    this.data = needsData ? new DataBucket(this, "Data") : null;
    List<IFunction> others = new ArrayList<>();
    this.batch = settings.modes().contains("batch")
        ? new BatchScoring(this, "Batch", pkg, data.bucket(), BatchScoring.Props.defaults()) : null;
    this.stream = settings.modes().contains("stream")
        ? new StreamInference(this, "Stream", pkg, StreamInference.Props.defaults()) : null;
    this.async = settings.modes().contains("async")
        ? new AsyncInference(this, "Async", endpoint, data.bucket(), asyncProps(settings)) : null;
    if (batch != null) {
      others.add(batch.function());
    }
    if (stream != null) {
      others.add(stream.function());
    }
    if (async != null) {
      others.add(async.worker());
    }
    new ModelDashboard(this, "Dashboard", endpoint, others);
    ModelfnChecks.acceptDesignedFindings(this);
  }

  private AsyncInference.Props asyncProps(StackSettings settings) {
    AsyncInference.Props p = AsyncInference.Props.defaults();
    // a SageMaker asynchronous endpoint writing its answers under sagemaker-async/ of the data bucket
    return settings.sageMakerAsyncEndpoint() == null ? p
        : p.sageMakerAsyncEndpoint(settings.sageMakerAsyncEndpoint(), data.bucket(), "sagemaker-async/");
  }

  public ModelEndpoint endpoint() {
    return endpoint;
  }

  /** The data bucket, or null without batch and async. */
  public DataBucket data() {
    return data;
  }

  public BatchScoring batch() {
    return batch;
  }

  public StreamInference stream() {
    return stream;
  }

  public AsyncInference async() {
    return async;
  }
}
