/**
 * AWS Lambda adapter: thin handlers that decode the Lambda event, call a cloud-agnostic function
 * from {@code functions/core}, and encode the result; plus the AWS implementations of the ports
 * (S3 model artifacts, the SageMaker endpoint predictor).
 */
package dev.modelfn.aws;
