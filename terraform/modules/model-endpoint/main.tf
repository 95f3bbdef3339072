# Synchronous prediction, as the CDK's ModelEndpoint: the predict function (SnapStart on published
# versions), its `live` alias, and an HTTP API whose routes all integrate with `live`. IAM
# authorization by default, JWT when asked, open only by explicit choice; access logs, throttling.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  handler = "dev.modelfn.aws.PredictHttpHandler::handleRequest"

  # ARCHITECTURE.md, "HTTP surface". "{name}:predict" is not a whole path segment, which HTTP API
  # route variables must be, hence /v1/models/{model+}.
  routes = [
    "GET /v2",
    "GET /v2/health/live",
    "GET /v2/health/ready",
    "GET /v2/models/{name}",
    "GET /v2/models/{name}/ready",
    "POST /v2/models/{name}/infer",
    "POST /v2/models/{name}/infer-async",
    "GET /v2/models/{name}/versions/{version}",
    "GET /v2/models/{name}/versions/{version}/ready",
    "POST /v2/models/{name}/versions/{version}/infer",
    "GET /v2/jobs/{id}",
    "POST /v2/edge/telemetry",
    "GET /v1/models/{model+}",
    "POST /v1/models/{model+}",
    "GET /ping",
    "POST /invocations",
  ]

  sagemaker_environment = var.sagemaker_endpoint == null ? {} : {
    MODELFN_PREDICTOR            = "sagemaker"
    MODELFN_SAGEMAKER_ENDPOINT   = var.sagemaker_endpoint
    MODELFN_SAGEMAKER_INPUT_NAME = var.sagemaker_input_name
  }

  sagemaker_statements = var.sagemaker_endpoint == null ? [] : [{
    actions   = ["sagemaker:InvokeEndpoint"]
    resources = ["arn:${data.aws_partition.current.partition}:sagemaker:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:endpoint/${lower(var.sagemaker_endpoint)}"]
    condition = null
  }]

  # The version `live` points at: pinned (blue-green, weighted canary) or the one this apply publishes.
  live_version = coalesce(var.live_version, module.function.version)

  live_alias = var.live_alias_managed_by == "codedeploy" ? aws_lambda_alias.live_codedeploy[0] : aws_lambda_alias.live[0]

  authorization_type = { iam = "AWS_IAM", jwt = "JWT", none = "NONE" }[var.auth]

  # API Gateway's standard JSON access-log fields (the CDK's AccessLogFormat.jsonWithStandardFields).
  access_log_format = jsonencode({
    requestId      = "$context.requestId"
    ip             = "$context.identity.sourceIp"
    user           = "$context.identity.user"
    caller         = "$context.identity.caller"
    requestTime    = "$context.requestTime"
    httpMethod     = "$context.httpMethod"
    resourcePath   = "$context.resourcePath"
    status         = "$context.status"
    protocol       = "$context.protocol"
    responseLength = "$context.responseLength"
  })
}

module "function" {
  source = "../lambda-function"

  function_name        = "${var.name}-predict"
  description          = "predict (${var.model_name})"
  handler              = local.handler
  package_file         = var.package_file
  package_s3           = var.package_s3
  architecture         = var.architecture
  memory_mb            = var.memory_mb
  timeout_seconds      = var.timeout_seconds
  reserved_concurrency = var.reserved_concurrency
  jvm_options          = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  snap_start           = true
  model_uri            = var.model_uri
  model_kms_key_arn    = var.model_kms_key_arn
  model_name           = var.model_name
  model_version        = var.model_version
  environment          = merge(local.sagemaker_environment, var.environment)
  policy_statements    = concat(local.sagemaker_statements, var.policy_statements)
  partition            = data.aws_partition.current.partition
  log_retention_days   = var.log_retention_days
  tags                 = var.tags
}

# `live`, moved by Terraform: to each new version at once, or to a pinned version with optional
# weighted routing to others (a canary without CodeDeploy).
resource "aws_lambda_alias" "live" {
  count            = var.live_alias_managed_by == "terraform" ? 1 : 0
  name             = "live"
  description      = "the version callers reach"
  function_name    = module.function.function_name
  function_version = local.live_version

  dynamic "routing_config" {
    for_each = length(var.live_routing_weights) > 0 ? [1] : []
    content {
      additional_version_weights = var.live_routing_weights
    }
  }
}

# `live`, moved by CodeDeploy: created on the first version, then left to the deployments (see
# the canary-release module), so that a plan shows no drift after CodeDeploy shifted it.
resource "aws_lambda_alias" "live_codedeploy" {
  count            = var.live_alias_managed_by == "codedeploy" ? 1 : 0
  name             = "live"
  description      = "the version callers reach"
  function_name    = module.function.function_name
  function_version = local.live_version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_cloudwatch_log_group" "access_logs" {
  name              = "/aws/apigateway/${var.name}-access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "modelfn ${var.model_name}: OIP v2, v1 :predict, SageMaker contract"
  protocol_type = "HTTP"
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = var.auth != "jwt" || (var.jwt_issuer != null && length(var.jwt_audiences) > 0)
      error_message = "auth = jwt needs jwt_issuer (an https:// URL) and at least one of jwt_audiences."
    }
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count            = var.auth == "jwt" ? 1 : 0
  api_id           = aws_apigatewayv2_api.this.id
  name             = "JwtAuthorizer"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audiences
  }
}

resource "aws_apigatewayv2_integration" "live" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = local.live_alias.arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = toset(local.routes)
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.live.id}"
  authorization_type = local.authorization_type
  authorizer_id      = var.auth == "jwt" ? aws_apigatewayv2_authorizer.jwt[0].id : null
}

# One permission per route, on `live` only, as the CDK's integration grants them.
resource "aws_lambda_permission" "api" {
  for_each      = toset(local.routes)
  statement_id  = "api-${substr(sha1(each.value), 0, 16)}"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  qualifier     = local.live_alias.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*${split(" ", each.value)[1]}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttle_rate
    throttling_burst_limit = var.throttle_burst
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access_logs.arn
    format          = local.access_log_format
  }

  tags = var.tags
}
