# Shadow release of a candidate model, as the CDK's ShadowTraffic: the live predict function answers
# every caller, then copies a sampled share of requests (with its own answer and latency) to the
# `shadow` alias of a shadow function by asynchronous invocation. The shadow scores with the
# candidate, compares, and emits ShadowAgreement and ShadowLatencyDelta; an alarm fires when the
# agreement drops. Feed predict_environment and predict_policy_statements to the model-endpoint.

locals {
  # As Java's Double.toString writes the percentage (10 -> "10.0").
  sample_percent = floor(var.sample_percent) == var.sample_percent ? format("%.1f", var.sample_percent) : tostring(var.sample_percent)
}

module "function" {
  source = "../lambda-function"

  function_name        = "${var.name}-shadow"
  description          = "shadow (${var.model_name})"
  handler              = "dev.modelfn.aws.ShadowCompareHandler::handleRequest"
  package_file         = var.package_file
  package_s3           = var.package_s3
  architecture         = var.architecture
  memory_mb            = var.memory_mb
  timeout_seconds      = var.timeout_seconds
  reserved_concurrency = var.reserved_concurrency
  jvm_options          = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  snap_start           = true
  model_uri            = var.candidate_model_uri
  model_kms_key_arn    = var.candidate_model_kms_key_arn
  model_name           = var.model_name
  model_version        = var.candidate_model_version
  log_retention_days   = var.log_retention_days
  tags                 = var.tags
}

resource "aws_lambda_alias" "shadow" {
  name             = "shadow"
  description      = "the candidate that receives shadow traffic"
  function_name    = module.function.function_name
  function_version = module.function.version
}

# A copy that fails is not retried: shadow traffic is a sample, and a retry would count twice.
resource "aws_lambda_function_event_invoke_config" "shadow" {
  function_name                = module.function.function_name
  qualifier                    = aws_lambda_alias.shadow.name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 300
}

resource "aws_cloudwatch_metric_alarm" "agreement" {
  alarm_name          = "${var.name}-shadow-agreement"
  alarm_description   = "shadow agreement of ${var.model_name} below ${var.min_agreement}"
  namespace           = var.metrics_namespace
  metric_name         = "ShadowAgreement"
  dimensions          = { Model = var.model_name }
  statistic           = "Average"
  period              = 300
  threshold           = var.min_agreement
  comparison_operator = "LessThanThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  tags                = var.tags
}
