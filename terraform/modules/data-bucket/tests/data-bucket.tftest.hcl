mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name = "modelfn"
}

run "encrypted_private_tls_only_versioned_and_logged" {
  command = apply

  assert {
    condition     = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.this : one([for r in c.rule : r.apply_server_side_encryption_by_default[0].sse_algorithm]) == "AES256"])
    error_message = "both buckets encrypted (SSE-S3)"
  }
  assert {
    condition     = length(aws_s3_bucket_public_access_block.this) == 2 && alltrue([for b in aws_s3_bucket_public_access_block.this : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets])
    error_message = "public access blocked on both buckets"
  }
  assert {
    condition     = alltrue([for p in aws_s3_bucket_policy.tls_only : jsondecode(p.policy).Statement[0].Effect == "Deny" && jsondecode(p.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"])
    error_message = "TLS-only policies on both buckets"
  }
  assert {
    condition     = aws_s3_bucket_versioning.data.versioning_configuration[0].status == "Enabled"
    error_message = "the data bucket is versioned"
  }
  assert {
    condition     = aws_s3_bucket_logging.data.target_bucket == aws_s3_bucket.access_logs.id && aws_s3_bucket_logging.data.target_prefix == "data/"
    error_message = "server access logs to the access-log bucket under data/"
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.data.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7 && aws_s3_bucket_lifecycle_configuration.data.rule[0].noncurrent_version_expiration[0].noncurrent_days == 30
    error_message = "multipart uploads cleaned after 7 days, old versions after 30"
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].expiration[0].days == 90 && aws_s3_bucket_acl.access_logs.acl == "log-delivery-write"
    error_message = "access logs kept 90 days, delivered by the log-delivery group"
  }
  assert {
    condition     = !aws_s3_bucket.data.force_destroy && !aws_s3_bucket.access_logs.force_destroy
    error_message = "buckets are not emptied on destroy by default"
  }
}

run "name_must_suit_a_bucket" {
  command = plan
  variables {
    name = "Modelfn_Data"
  }
  expect_failures = [var.name]
}
