/**
 * A local API Gateway HTTP API: every HTTP request becomes a payload format 2.0 event for the
 * function, and the function's response event becomes the HTTP response, as API Gateway does it.
 * See https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html.
 */
package dev.modelfn.local.apigw;
