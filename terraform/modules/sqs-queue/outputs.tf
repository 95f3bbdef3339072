output "arn" {
  description = "Queue ARN."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "Queue URL."
  value       = aws_sqs_queue.this.url
}

output "name" {
  description = "Queue name."
  value       = aws_sqs_queue.this.name
}

output "sse_enabled" {
  description = "SSE-SQS encryption."
  value       = aws_sqs_queue.this.sqs_managed_sse_enabled
}

output "message_retention_seconds" {
  description = "Retention."
  value       = aws_sqs_queue.this.message_retention_seconds
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "redrive_policy" {
  description = "The redrive policy (JSON), or null for a dead-letter queue."
  value       = aws_sqs_queue.this.redrive_policy
}

output "policy" {
  description = "The queue policy (JSON)."
  value       = aws_sqs_queue_policy.this.policy
}
