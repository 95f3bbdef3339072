output "api_endpoint" {
  description = "The HTTP API's URL."
  value       = module.endpoint.api_endpoint
}

output "live_version" {
  description = "The version `live` is on."
  value       = module.endpoint.live_version
}

output "published_version" {
  description = "The version this apply published: pin the colour that keeps it with blue_version or green_version."
  value       = module.endpoint.version
}

output "colours" {
  description = "The version of each colour."
  value       = module.blue_green.versions
}
