output "function_name" {
  description = "The shadow function."
  value       = module.function.function_name
}

output "shadow_alias_arn" {
  description = "The `shadow` alias the predict function copies requests to."
  value       = aws_lambda_alias.shadow.arn
}

output "agreement_alarm_name" {
  description = "The agreement alarm."
  value       = aws_cloudwatch_metric_alarm.agreement.alarm_name
}

output "predict_environment" {
  description = "For model-endpoint's environment: MODELFN_SHADOW_FUNCTION and MODELFN_SHADOW_SAMPLE_PERCENT."
  value = tomap({
    MODELFN_SHADOW_FUNCTION       = aws_lambda_alias.shadow.arn
    MODELFN_SHADOW_SAMPLE_PERCENT = local.sample_percent
  })
}

output "predict_policy_statements" {
  description = "For model-endpoint's policy_statements: lambda:InvokeFunction on the `shadow` alias only."
  value = [{
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_alias.shadow.arn]
    condition = null
  }]
}
