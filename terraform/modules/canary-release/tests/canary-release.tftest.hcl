mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                 = "modelfn"
  function_name        = "modelfn-predict"
  current_version      = "1"
  target_version       = "2"
  target_qualified_arn = "arn:aws:lambda:eu-west-1:123456789012:function:modelfn-predict:2"
  package_file         = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "codedeploy_shifts_live_with_alarms_rollback_and_a_hook" {
  command = apply

  assert {
    condition     = aws_codedeploy_app.this[0].compute_platform == "Lambda" && aws_codedeploy_deployment_group.this[0].deployment_config_name == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    error_message = "expected a Lambda application with the canary-10-5 preset"
  }
  assert {
    condition     = aws_codedeploy_deployment_group.this[0].deployment_style[0].deployment_type == "BLUE_GREEN" && aws_codedeploy_deployment_group.this[0].deployment_style[0].deployment_option == "WITH_TRAFFIC_CONTROL"
    error_message = "expected traffic-controlled deployments"
  }
  assert {
    condition     = aws_codedeploy_deployment_group.this[0].auto_rollback_configuration[0].enabled && toset(aws_codedeploy_deployment_group.this[0].auto_rollback_configuration[0].events) == toset(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"])
    error_message = "expected rollback on failure, alarm and stop"
  }
  assert {
    condition     = aws_codedeploy_deployment_group.this[0].alarm_configuration[0].enabled && toset(aws_codedeploy_deployment_group.this[0].alarm_configuration[0].alarms) == toset(["modelfn-canary-server-errors", "modelfn-canary-latency-p99", "modelfn-canary-model-quality"])
    error_message = "expected the three alarms on the deployment group"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.server_errors.metric_name == "Errors" && aws_cloudwatch_metric_alarm.server_errors.statistic == "Sum" && aws_cloudwatch_metric_alarm.server_errors.threshold == 0 && aws_cloudwatch_metric_alarm.server_errors.namespace == "modelfn" && aws_cloudwatch_metric_alarm.server_errors.dimensions["Model"] == "fraud"
    error_message = "server errors: any EMF Errors of the model"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.latency_p99.extended_statistic == "p99" && aws_cloudwatch_metric_alarm.latency_p99.threshold == 1000 && aws_cloudwatch_metric_alarm.latency_p99.datapoints_to_alarm == 2
    error_message = "latency: p99 above 1000 ms in 2 of 2 minutes"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.model_quality.metric_name == "Confidence" && aws_cloudwatch_metric_alarm.model_quality.comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.model_quality.threshold == 0.6 && aws_cloudwatch_metric_alarm.model_quality.evaluation_periods == 3
    error_message = "quality: mean Confidence below 0.6 in 2 of 3 minutes"
  }
  assert {
    condition     = module.pre_traffic_hook[0].handler == "dev.modelfn.aws.GoldenReplayHandler::handleRequest" && module.pre_traffic_hook[0].environment == tomap({ MODELFN_GOLDEN_TARGET = var.target_qualified_arn, JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" })
    error_message = "the hook replays the golden requests against the target version and loads no model"
  }
  assert {
    condition     = module.pre_traffic_hook[0].iam_actions == tolist(["codedeploy:PutLifecycleEventHookExecutionStatus", "lambda:InvokeFunction", "logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "hook IAM actions: ${jsonencode(module.pre_traffic_hook[0].iam_actions)}"
  }
  assert {
    condition     = contains(flatten([for s in jsondecode(module.pre_traffic_hook[0].policy_json).Statement : s.Resource if s.Action == ["lambda:InvokeFunction"]]), var.target_qualified_arn)
    error_message = "the hook may invoke the target version only"
  }
  assert {
    condition     = endswith(aws_iam_role_policy_attachment.codedeploy[0].policy_arn, ":iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited")
    error_message = "CodeDeploy's role: the limited Lambda policy"
  }
  assert {
    condition     = jsondecode(output.appspec).Resources[0]["modelfn-predict"].Properties == { Name = "modelfn-predict", Alias = "live", CurrentVersion = "1", TargetVersion = "2" } && jsondecode(output.appspec).Hooks[0].BeforeAllowTraffic == "modelfn-pre-traffic-hook"
    error_message = "AppSpec: ${output.appspec}"
  }
  assert {
    condition     = startswith(output.create_deployment_command, "aws deploy create-deployment --application-name modelfn-predict --deployment-group-name modelfn-live --revision '{\"appSpecContent\":")
    error_message = "command: ${output.create_deployment_command}"
  }
}

run "linear_preset" {
  command = plan
  variables {
    preset = "linear-10-1"
  }
  assert {
    condition     = aws_codedeploy_deployment_group.this[0].deployment_config_name == "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"
    error_message = "linear-10-1: expected LambdaLinear10PercentEvery1Minute"
  }
}

run "unknown_preset" {
  command = plan
  variables {
    preset = "canary-50-5"
  }
  expect_failures = [var.preset]
}

run "weighted_routing_without_codedeploy" {
  command = plan
  variables {
    strategy       = "weighted"
    stable_version = "1"
    canary_weight  = 0.25
  }
  assert {
    condition     = output.live_version == "1" && output.live_routing_weights == tomap({ "2" = 0.25 })
    error_message = "weighted: live stays on 1 and sends 25 % to 2"
  }
  assert {
    condition     = length(aws_codedeploy_app.this) == 0 && length(module.pre_traffic_hook) == 0 && output.create_deployment_command == null
    error_message = "weighted: no CodeDeploy"
  }
}
