/**
 * Lambda functions on a laptop, run as Lambda runs them: the deployment package unpacked into a
 * task root, a JVM per execution environment under the AWS Lambda runtime interface client, and a
 * local implementation of the Lambda Runtime API that hands it invocations. See
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
 */
package dev.modelfn.local.lambda;
