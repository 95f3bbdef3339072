mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name = "modelfn"
}

run "private_bucket_behind_cloudfront_with_a_least_privilege_publisher" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "https-only" && alltrue([for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.viewer_protocol_policy == "https-only" && toset(b.allowed_methods) == toset(["GET", "HEAD"])])
    error_message = "HTTPS only, GET and HEAD only"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["models/*", "channels/*"] && aws_cloudfront_distribution.this.ordered_cache_behavior[1].cache_policy_id == aws_cloudfront_cache_policy.channels.id
    error_message = "models/* and channels/* behaviours, pointers with their own cache policy"
  }
  assert {
    condition     = aws_cloudfront_cache_policy.models.default_ttl == 31536000 && aws_cloudfront_cache_policy.models.min_ttl == 86400 && aws_cloudfront_cache_policy.channels.default_ttl == 30 && aws_cloudfront_cache_policy.channels.max_ttl == 30
    error_message = "bundles cached a year, pointers 30 s"
  }
  assert {
    condition     = [for o in aws_cloudfront_distribution.this.origin : o.origin_access_control_id] == [aws_cloudfront_origin_access_control.this.id] && aws_cloudfront_origin_access_control.this.signing_behavior == "always"
    error_message = "the bucket is reached through Origin Access Control"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.logging_config[0].prefix == "cdn/" && aws_s3_bucket_logging.bucket.target_prefix == "bucket/" && aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration[0].days == 90
    error_message = "access logs of the distribution (cdn/) and the bucket (bucket/), kept 90 days"
  }
  assert {
    condition     = alltrue([for b in aws_s3_bucket_public_access_block.this : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets]) && length(aws_s3_bucket_server_side_encryption_configuration.this) == 2
    error_message = "both buckets private and encrypted"
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.bucket.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.bucket.policy).Statement[1].Principal.Service == "cloudfront.amazonaws.com" && jsondecode(aws_s3_bucket_policy.logs.policy).Statement[0].Effect == "Deny"
    error_message = "TLS-only bucket policies; only CloudFront reads the bucket"
  }
  assert {
    condition     = sort(flatten([for s in jsondecode(aws_iam_role_policy.publisher.policy).Statement : s.Action])) == tolist(["cloudfront:CreateInvalidation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"])
    error_message = "the publisher writes and reads bundles and pointers, lists, and invalidates: nothing more"
  }
  assert {
    condition     = jsondecode(aws_iam_role.publisher.assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::123456789012:root"]
    error_message = "by default the account may assume the publisher role"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate
    error_message = "without a domain, the *.cloudfront.net certificate"
  }
}

run "custom_domain_with_tls_1_2" {
  command = plan
  variables {
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    domain_names    = ["models.example.com"]
    publisher_arns  = ["arn:aws:iam::123456789012:role/ci"]
  }
  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only" && aws_cloudfront_distribution.this.aliases == toset(["models.example.com"])
    error_message = "a custom domain gets TLS 1.2 minimum"
  }
}

run "pointer_ttl_bounded" {
  command = plan
  variables {
    pointer_ttl_seconds = 3600
  }
  expect_failures = [var.pointer_ttl_seconds]
}
