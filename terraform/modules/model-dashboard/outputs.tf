output "dashboard_name" {
  description = "The dashboard's name."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "url" {
  description = "The dashboard in the CloudWatch console."
  value       = "https://console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}
