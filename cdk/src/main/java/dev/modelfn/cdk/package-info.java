/**
 * AWS CDK constructs that deploy modelfn: {@link dev.modelfn.cdk.ModelEndpoint} (synchronous HTTP),
 * {@link dev.modelfn.cdk.BatchScoring}, {@link dev.modelfn.cdk.StreamInference} and {@link
 * dev.modelfn.cdk.AsyncInference}, the release strategies {@link dev.modelfn.cdk.CanaryRelease},
 * {@link dev.modelfn.cdk.ShadowTraffic} and {@link dev.modelfn.cdk.BlueGreenAlias}, and the example
 * app {@link dev.modelfn.cdk.ModelfnApp} that composes them.
 *
 * <p>Every function is built from the one deployment package ({@link dev.modelfn.cdk.FunctionPackage})
 * and reads only the environment variables of {@link dev.modelfn.config.EnvVars}.
 */
package dev.modelfn.cdk;
