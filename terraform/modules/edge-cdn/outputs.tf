output "bucket_name" {
  description = "The bucket behind the CDN (modelfn-edge publish --bucket)."
  value       = aws_s3_bucket.bucket.id
}

output "distribution_id" {
  description = "The distribution (modelfn-edge publish --distribution-id)."
  value       = aws_cloudfront_distribution.this.id
}

output "domain_name" {
  description = "Where devices download from: https://<domain_name>/channels/... and /models/..."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "publisher_role_arn" {
  description = "The role modelfn-edge publish runs as."
  value       = aws_iam_role.publisher.arn
}

output "logs_bucket_name" {
  description = "Access logs of the bucket (bucket/) and the distribution (cdn/)."
  value       = aws_s3_bucket.logs.id
}
