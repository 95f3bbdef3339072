output "worker_function_name" {
  description = "The job worker."
  value       = module.worker.function_name
}

output "alias_arn" {
  description = "The worker's `live` alias, which consumes the job queue."
  value       = aws_lambda_alias.live.arn
}

output "jobs_queue_url" {
  description = "The job queue."
  value       = module.jobs.url
}

output "jobs_dead_letter_queue_url" {
  description = "Jobs that failed every receive."
  value       = module.jobs_dlq.url
}

output "callbacks_dead_letter_queue_url" {
  description = "Callbacks that failed every attempt."
  value       = module.callbacks_dlq.url
}

output "signing_secret_arn" {
  description = "The callback signing secret (give its value to the webhook receivers)."
  value       = aws_secretsmanager_secret.signing.arn
}

output "predict_environment" {
  description = "For model-endpoint's environment: the data bucket, job queue and jobs prefix (submit and status run on the predict function)."
  value       = tomap(local.shared_environment)
}

output "predict_policy_statements" {
  description = "For model-endpoint's policy_statements: send jobs; read, write, delete and list under jobs/."
  value = [
    { actions = local.sqs_send, resources = [module.jobs.arn], condition = null },
    { actions = ["s3:GetObject"], resources = [local.jobs_object], condition = null },
    { actions = ["s3:PutObject", "s3:AbortMultipartUpload"], resources = [local.jobs_object], condition = null },
    # a job, and its idempotency claim, not enqueued
    { actions = ["s3:DeleteObject"], resources = [local.jobs_object], condition = null },
    local.list_jobs,
  ]
}
