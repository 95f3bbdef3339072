# Canary release of a model-endpoint, as the CDK's CanaryRelease: CodeDeploy shifts `live` to a new
# version in steps (a preset), watching three alarms (server errors, p99 latency, model quality)
# and rolling back when one fires or the deployment fails or is stopped. Before traffic moves, the
# pre-traffic hook replays the golden requests against the new version.
#
# Terraform cannot start a CodeDeploy deployment: after `terraform apply` published a version, run
# the `create_deployment_command` output (docs/terraform.md). Without CodeDeploy, strategy =
# "weighted" gives the plain alternative: `live` stays on stable_version and sends canary_weight of
# the traffic to the new version (feed live_version and live_routing_weights to the endpoint).

data "aws_partition" "current" {}

locals {
  codedeploy = var.strategy == "codedeploy"

  presets = {
    "canary-10-5"  = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    "canary-10-10" = "CodeDeployDefault.LambdaCanary10Percent10Minutes"
    "canary-10-15" = "CodeDeployDefault.LambdaCanary10Percent15Minutes"
    "canary-10-30" = "CodeDeployDefault.LambdaCanary10Percent30Minutes"
    "linear-10-1"  = "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"
    "linear-10-2"  = "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes"
    "linear-10-3"  = "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes"
    "linear-10-10" = "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes"
    "all-at-once"  = "CodeDeployDefault.LambdaAllAtOnce"
  }

  dimensions = { Model = var.model_name }

  app_name   = local.codedeploy ? aws_codedeploy_app.this[0].name : null
  group_name = local.codedeploy ? aws_codedeploy_deployment_group.this[0].deployment_group_name : null

  # https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
  appspec = local.codedeploy ? jsonencode({
    version = "0.0"
    Resources = [{
      (var.function_name) = {
        Type = "AWS::Lambda::Function"
        Properties = {
          Name           = var.function_name
          Alias          = var.alias_name
          CurrentVersion = var.current_version
          TargetVersion  = var.target_version
        }
      }
    }]
    Hooks = [{ BeforeAllowTraffic = module.pre_traffic_hook[0].function_name }]
  }) : null

  revision = local.codedeploy ? jsonencode({
    revisionType   = "AppSpecContent"
    appSpecContent = { content = local.appspec }
  }) : null
}

resource "aws_cloudwatch_metric_alarm" "server_errors" {
  alarm_name          = "${var.name}-canary-server-errors"
  alarm_description   = "5xx answers of ${var.model_name} during a release"
  namespace           = var.metrics_namespace
  metric_name         = "Errors"
  dimensions          = local.dimensions
  statistic           = "Sum"
  period              = 60
  threshold           = var.max_server_errors_per_minute
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency_p99" {
  alarm_name          = "${var.name}-canary-latency-p99"
  alarm_description   = "p99 latency of ${var.model_name} above ${var.max_p99_latency_ms} ms"
  namespace           = var.metrics_namespace
  metric_name         = "Latency"
  dimensions          = local.dimensions
  extended_statistic  = "p99"
  period              = 60
  threshold           = var.max_p99_latency_ms
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "model_quality" {
  alarm_name          = "${var.name}-canary-model-quality"
  alarm_description   = "mean top-class score of ${var.model_name} below ${var.min_confidence}"
  namespace           = var.metrics_namespace
  metric_name         = "Confidence"
  dimensions          = local.dimensions
  statistic           = "Average"
  period              = 60
  threshold           = var.min_confidence
  comparison_operator = "LessThanThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  tags                = var.tags
}

# The golden-request replay as CodeDeploy's BeforeAllowTraffic hook: it invokes the target version
# and reports with PutLifecycleEventHookExecutionStatus; a mismatch fails and rolls back.
module "pre_traffic_hook" {
  source = "../lambda-function"
  count  = local.codedeploy ? 1 : 0

  function_name      = "${var.name}-pre-traffic-hook"
  description        = "golden-request replay (pre-traffic hook)"
  handler            = "dev.modelfn.aws.GoldenReplayHandler::handleRequest"
  package_file       = var.package_file
  package_s3         = var.package_s3
  architecture       = var.architecture
  memory_mb          = 512
  timeout_seconds    = 300
  jvm_options        = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  with_model         = false
  publish            = false
  environment        = { MODELFN_GOLDEN_TARGET = var.target_qualified_arn }
  partition          = data.aws_partition.current.partition
  log_retention_days = var.log_retention_days
  tags               = var.tags
  policy_statements = [
    { actions = ["lambda:InvokeFunction"], resources = [var.target_qualified_arn] },
    { actions = ["codedeploy:PutLifecycleEventHookExecutionStatus"], resources = [aws_codedeploy_deployment_group.this[0].arn] },
  ]
}

resource "aws_codedeploy_app" "this" {
  count            = local.codedeploy ? 1 : 0
  name             = "${var.name}-predict"
  compute_platform = "Lambda"
  tags             = var.tags
}

resource "aws_iam_role" "codedeploy" {
  count       = local.codedeploy ? 1 : 0
  name_prefix = substr("${var.name}-codedeploy-", 0, 38)
  description = "modelfn CodeDeploy service role for ${var.function_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codedeploy.amazonaws.com" }
    }]
  })
  tags = var.tags
}

# CodeDeploy's documented policy for Lambda deployments: shift aliases, read alarms, invoke
# CodeDeployHook_* functions. Our hook has another name, so it gets its own invoke grant below.
resource "aws_iam_role_policy_attachment" "codedeploy" {
  count      = local.codedeploy ? 1 : 0
  role       = aws_iam_role.codedeploy[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"
}

resource "aws_iam_role_policy" "codedeploy_hook" {
  count = local.codedeploy ? 1 : 0
  name  = "invoke-pre-traffic-hook"
  role  = aws_iam_role.codedeploy[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [module.pre_traffic_hook[0].function_arn, "${module.pre_traffic_hook[0].function_arn}:*"]
    }]
  })
}

resource "aws_codedeploy_deployment_group" "this" {
  count                  = local.codedeploy ? 1 : 0
  app_name               = aws_codedeploy_app.this[0].name
  deployment_group_name  = "${var.name}-live"
  service_role_arn       = aws_iam_role.codedeploy[0].arn
  deployment_config_name = local.presets[var.preset]

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  alarm_configuration {
    enabled = true
    alarms = [
      aws_cloudwatch_metric_alarm.server_errors.alarm_name,
      aws_cloudwatch_metric_alarm.latency_p99.alarm_name,
      aws_cloudwatch_metric_alarm.model_quality.alarm_name,
    ]
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]
  }

  tags = var.tags
}
