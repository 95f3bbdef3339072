output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "The unqualified function ARN."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "The version this apply published ($LATEST when publish = false)."
  value       = aws_lambda_function.this.version
}

output "qualified_arn" {
  description = "The ARN of that version."
  value       = aws_lambda_function.this.qualified_arn
}

output "handler" {
  description = "The handler (class::method)."
  value       = aws_lambda_function.this.handler
}

output "environment" {
  description = "The function's environment variables."
  value       = tomap(local.environment)
}

output "role_name" {
  description = "The function's own role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "The role's ARN."
  value       = aws_iam_role.this.arn
}

output "policy_json" {
  description = "The role's inline policy."
  value       = local.policy
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "runtime" {
  description = "The runtime."
  value       = aws_lambda_function.this.runtime
}

output "architectures" {
  description = "The architecture, as a list."
  value       = aws_lambda_function.this.architectures
}

output "memory_mb" {
  description = "Memory in MB."
  value       = aws_lambda_function.this.memory_size
}

output "timeout_seconds" {
  description = "Timeout in seconds."
  value       = aws_lambda_function.this.timeout
}

output "snap_start" {
  description = "Whether SnapStart applies to published versions."
  value       = length(aws_lambda_function.this.snap_start) > 0
}

output "iam_actions" {
  description = "Every action the role's policy allows, sorted."
  value       = sort(distinct(flatten([for s in local.statements : s.actions])))
}
