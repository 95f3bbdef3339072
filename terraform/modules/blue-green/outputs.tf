output "live_version" {
  description = "For model-endpoint's live_version: the active colour's version, once the replay passed."
  value       = local.active_version
  depends_on  = [aws_lambda_invocation.validation]
}

output "active_color" {
  description = "blue or green."
  value       = var.active_color
}

output "blue_alias_arn" {
  description = "The `blue` alias."
  value       = aws_lambda_alias.color["blue"].arn
}

output "green_alias_arn" {
  description = "The `green` alias."
  value       = aws_lambda_alias.color["green"].arn
}

output "versions" {
  description = "The version of each colour."
  value       = local.versions
}

output "validation_function_name" {
  description = "The golden-request replay, or null when validate = false."
  value       = var.validate ? module.validation[0].function_name : null
}
