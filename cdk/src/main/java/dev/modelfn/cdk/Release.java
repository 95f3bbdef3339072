package dev.modelfn.cdk;

import software.amazon.awscdk.services.lambda.IVersion;

/**
 * How a {@link ModelEndpoint} moves its {@code live} alias to a new version: all at once (the
 * default), {@link CanaryRelease} (CodeDeploy traffic shifting), {@link ShadowTraffic} (a sampled
 * copy to a shadow, the caller served by live) or {@link BlueGreenAlias} (alias swap).
 */
public interface Release {
  /** The version {@code live} points at; by default the version this deployment publishes. */
  default IVersion liveVersion(ModelEndpoint endpoint) {
    return endpoint.function().getCurrentVersion();
  }

  /** Adds the strategy's resources once {@code live} and the API exist. */
  default void attach(ModelEndpoint endpoint) {}

  /** {@code live} moves to each new version at once. */
  static Release allAtOnce() {
    return new Release() {};
  }
}
