output "api_endpoint" {
  description = "The HTTP API's URL."
  value       = module.endpoint.api_endpoint
}

output "shadow_function" {
  description = "The shadow function (its logs and EMF metrics show the comparisons)."
  value       = module.shadow.function_name
}

output "agreement_alarm" {
  description = "Fires when the candidate agrees with live less than the threshold."
  value       = module.shadow.agreement_alarm_name
}
