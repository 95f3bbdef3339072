output "bucket_name" {
  description = "The data bucket's name (MODELFN_DATA_BUCKET)."
  value       = aws_s3_bucket.data.id
}

output "bucket_arn" {
  description = "The data bucket's ARN."
  value       = aws_s3_bucket.data.arn
}

output "access_logs_bucket_name" {
  description = "Where the data bucket's server access logs go."
  value       = aws_s3_bucket.access_logs.id
}
