output "api_endpoint" {
  description = "The HTTP API's URL."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_id" {
  description = "The HTTP API's id."
  value       = aws_apigatewayv2_api.this.id
}

output "api_execution_arn" {
  description = "For execute-api:Invoke grants to callers (auth = iam): <arn>/*/*/*."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "function_name" {
  description = "The predict function's name."
  value       = module.function.function_name
}

output "function_arn" {
  description = "The predict function's unqualified ARN."
  value       = module.function.function_arn
}

output "version" {
  description = "The version this apply published."
  value       = module.function.version
}

output "qualified_arn" {
  description = "The ARN of that version."
  value       = module.function.qualified_arn
}

output "live_alias_name" {
  description = "live"
  value       = local.live_alias.name
}

output "live_alias_arn" {
  description = "The ARN of `live`, which every route integrates with."
  value       = local.live_alias.arn
}

output "live_version" {
  description = "The version `live` points at now (as last read: CodeDeploy may have moved it)."
  value       = local.live_alias.function_version
}

output "role_name" {
  description = "The predict function's role."
  value       = module.function.role_name
}

output "environment" {
  description = "The predict function's environment."
  value       = module.function.environment
}

output "policy_json" {
  description = "The predict function's role policy."
  value       = module.function.policy_json
}
