output "strategy" {
  description = "codedeploy or weighted."
  value       = var.strategy
}

output "alarm_names" {
  description = "Server errors, p99 latency, model quality."
  value = [
    aws_cloudwatch_metric_alarm.server_errors.alarm_name,
    aws_cloudwatch_metric_alarm.latency_p99.alarm_name,
    aws_cloudwatch_metric_alarm.model_quality.alarm_name,
  ]
}

output "codedeploy_application" {
  description = "The CodeDeploy application (codedeploy strategy), else null."
  value       = local.app_name
}

output "codedeploy_deployment_group" {
  description = "The deployment group on `live` (codedeploy strategy), else null."
  value       = local.group_name
}

output "deployment_config_name" {
  description = "The CodeDeploy config of the preset."
  value       = local.presets[var.preset]
}

output "pre_traffic_hook_function_name" {
  description = "The golden-replay hook (codedeploy strategy), else null."
  value       = local.codedeploy ? module.pre_traffic_hook[0].function_name : null
}

output "appspec" {
  description = "The AppSpec (JSON) that shifts `live` from current_version to target_version with the hook."
  value       = local.appspec
}

output "create_deployment_command" {
  description = "The AWS CLI command that starts the canary deployment of target_version (run it after apply)."
  value = local.codedeploy ? join(" ", [
    "aws deploy create-deployment",
    "--application-name ${local.app_name}",
    "--deployment-group-name ${local.group_name}",
    "--revision '${local.revision}'",
  ]) : null
}

output "live_version" {
  description = "For the endpoint's live_version: stable_version with the weighted strategy, else null."
  value       = local.codedeploy ? null : var.stable_version
}

output "live_routing_weights" {
  description = "For the endpoint's live_routing_weights: {target_version = canary_weight} with the weighted strategy, else {}."
  value       = local.codedeploy || var.stable_version == null || var.canary_weight == 0 || var.stable_version == var.target_version ? {} : { (var.target_version) = var.canary_weight }
}
