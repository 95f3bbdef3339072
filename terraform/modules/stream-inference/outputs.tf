output "function_name" {
  description = "The stream function."
  value       = module.function.function_name
}

output "alias_arn" {
  description = "Its `live` alias, which both mappings invoke."
  value       = aws_lambda_alias.live.arn
}

output "input_stream_name" {
  description = "The Kinesis stream producers put records on."
  value       = aws_kinesis_stream.input.name
}

output "records_queue_url" {
  description = "The SQS queue producers may send records to instead."
  value       = module.records.url
}

output "poison_queue_url" {
  description = "Poison records: payload, source position, model version, reason."
  value       = module.poison.url
}

output "on_failure_queue_url" {
  description = "Kinesis batches that exhausted their retries are described here."
  value       = module.on_failure.url
}

output "predictions_queue_url" {
  description = "The predictions queue (sink = queue), else null."
  value       = var.sink == "queue" ? module.predictions[0].url : null
}

output "predictions_stream_name" {
  description = "The predictions stream (sink = stream), else null."
  value       = var.sink == "stream" ? aws_kinesis_stream.predictions[0].name : null
}
