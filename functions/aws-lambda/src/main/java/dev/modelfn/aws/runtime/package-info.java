/**
 * A small Lambda runtime client for custom-runtime deployments ({@code provided.al2023} with a JDK,
 * or a container image): the {@code bootstrap} in the deployment package starts the JVM with the
 * project's launch flags and {@link dev.modelfn.aws.runtime.LambdaRuntimeClient} runs the Runtime
 * API loop. See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html.
 */
package dev.modelfn.aws.runtime;
