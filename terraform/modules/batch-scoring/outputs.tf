output "function_name" {
  description = "The batch function."
  value       = module.function.function_name
}

output "alias_arn" {
  description = "Its `live` alias, which consumes the queue."
  value       = aws_lambda_alias.live.arn
}

output "queue_url" {
  description = "The S3 event (and continuation) queue."
  value       = module.queue.url
}

output "queue_arn" {
  description = "Its ARN (for your own notification configuration when manage_bucket_notification = false)."
  value       = module.queue.arn
}

output "dead_letter_queue_url" {
  description = "Where messages that kept failing go."
  value       = module.dlq.url
}

output "input_prefix" {
  description = "Where to put input objects."
  value       = var.input_prefix
}
