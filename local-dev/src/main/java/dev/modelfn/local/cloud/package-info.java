/**
 * The local cloud: AWS-compatible servers on loopback (S3Mock, ElasticMQ, kinesis-mock) as child
 * processes, one edge endpoint that routes each request by the service in its SigV4 credential
 * scope, the resources of {@code local-dev/cloud.json}, and the Lambda API for the project's
 * functions.
 */
package dev.modelfn.local.cloud;
