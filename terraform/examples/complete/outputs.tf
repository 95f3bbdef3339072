output "api_endpoint" {
  description = "The HTTP API's URL (IAM-signed requests by default)."
  value       = module.endpoint.api_endpoint
}

output "live_version" {
  description = "The version `live` is on."
  value       = module.endpoint.live_version
}

output "published_version" {
  description = "The version this apply published."
  value       = module.endpoint.version
}

output "data_bucket" {
  description = "The data bucket (batch input under incoming/), or null."
  value       = local.needs_data ? module.data[0].bucket_name : null
}

output "input_stream" {
  description = "The Kinesis stream of records, or null."
  value       = contains(var.modes, "stream") ? module.stream[0].input_stream_name : null
}

output "canary_appspec" {
  description = "release = canary: the AppSpec of the deployment to the published version."
  value       = var.release == "canary" ? module.canary[0].appspec : null
}

output "canary_create_deployment_command" {
  description = "release = canary: run this after apply to shift `live` to the published version."
  value       = var.release == "canary" ? module.canary[0].create_deployment_command : null
}

output "dashboard_url" {
  description = "The deployment's CloudWatch dashboard."
  value       = module.dashboard.url
}
