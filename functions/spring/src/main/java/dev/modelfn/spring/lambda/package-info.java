/**
 * The functions on AWS Lambda through Spring Cloud Function's {@code FunctionInvoker}
 * ({@code org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest}):
 * {@link dev.modelfn.spring.lambda.LambdaFunctions} registers the one function a deployment pins;
 * each function maps its Lambda event with the AWS adapter's codecs around a core function.
 */
package dev.modelfn.spring.lambda;
