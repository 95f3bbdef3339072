# The CDN edge devices update from, as the CDK's EdgeModelCdn (docs/edge.md): a private bucket
# reached only through CloudFront with Origin Access Control; bundles under models/ cached for a
# year (their keys are immutable and content-addressed), channel pointers under channels/ for
# seconds; HTTPS only; access logs for the bucket and the distribution; and the role
# `modelfn-edge publish` runs as, which may write and read those two prefixes and invalidate the
# distribution, nothing more.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  buckets = {
    bucket = aws_s3_bucket.bucket
    logs   = aws_s3_bucket.logs
  }
  publishers       = length(var.publisher_arns) > 0 ? var.publisher_arns : ["arn:${local.partition}:iam::${local.account}:root"]
  distribution_arn = "arn:${local.partition}:cloudfront::${local.account}:distribution/${aws_cloudfront_distribution.this.id}"
  origin_id        = "edge-bucket"
}

resource "aws_s3_bucket" "logs" {
  bucket_prefix = "${var.name}-edge-logs-"
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket" "bucket" {
  bucket_prefix = "${var.name}-edge-"
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = local.buckets
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# CloudFront standard logs and S3 server access logs are delivered with ACLs: the log bucket
# accepts them.
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "logs" {
  bucket     = aws_s3_bucket.logs.id
  acl        = "log-delivery-write"
  depends_on = [aws_s3_bucket_ownership_controls.logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.log_retention_days
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_versioning" "bucket" {
  bucket = aws_s3_bucket.bucket.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "bucket" {
  bucket        = aws_s3_bucket.bucket.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "bucket/"
}

resource "aws_s3_bucket_lifecycle_configuration" "bucket" {
  bucket = aws_s3_bucket.bucket.id
  rule {
    id     = "clean-up"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
  depends_on = [aws_s3_bucket_versioning.bucket]
}

# TLS only, and CloudFront (this distribution) may read objects: nobody else reads the bucket.
resource "aws_s3_bucket_policy" "bucket" {
  bucket = aws_s3_bucket.bucket.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.bucket.arn, "${aws_s3_bucket.bucket.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "CloudFrontReads"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.bucket.arn}/*"
        Condition = { StringEquals = { "AWS:SourceArn" = local.distribution_arn } }
      },
    ]
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-edge"
  description                       = "modelfn edge bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_cache_policy" "models" {
  name        = "${var.name}-edge-models"
  comment     = "modelfn edge bundles: immutable, content-addressed keys"
  default_ttl = 365 * 86400
  min_ttl     = 86400
  max_ttl     = 365 * 86400
  parameters_in_cache_key_and_forwarded_to_origin {
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_cache_policy" "channels" {
  name        = "${var.name}-edge-channels"
  comment     = "modelfn edge channel pointers: seconds, and invalidated on every publish"
  default_ttl = var.pointer_ttl_seconds
  min_ttl     = 0
  max_ttl     = var.pointer_ttl_seconds
  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip = true
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  enabled         = true
  comment         = "modelfn edge models (${var.name})"
  http_version    = "http2and3"
  is_ipv6_enabled = true
  aliases         = var.domain_names

  origin {
    origin_id                = local.origin_id
    domain_name              = aws_s3_bucket.bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id       = local.origin_id
    cache_policy_id        = aws_cloudfront_cache_policy.models.id
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = false
  }

  ordered_cache_behavior {
    path_pattern           = "models/*"
    target_origin_id       = local.origin_id
    cache_policy_id        = aws_cloudfront_cache_policy.models.id
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = false
  }

  ordered_cache_behavior {
    path_pattern           = "channels/*"
    target_origin_id       = local.origin_id
    cache_policy_id        = aws_cloudfront_cache_policy.channels.id
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
  }

  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cdn/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # Without a custom domain, the *.cloudfront.net certificate (whose policy CloudFront fixes);
  # with one, TLS 1.2 minimum for viewers.
  viewer_certificate {
    cloudfront_default_certificate = var.certificate_arn == null
    acm_certificate_arn            = var.certificate_arn
    ssl_support_method             = var.certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  tags       = var.tags
  depends_on = [aws_s3_bucket_acl.logs]

  lifecycle {
    precondition {
      condition     = (var.certificate_arn == null) == (length(var.domain_names) == 0)
      error_message = "certificate_arn and domain_names go together: a certificate (in us-east-1) needs the names it covers."
    }
  }
}

# The role `modelfn-edge publish` runs as.
resource "aws_iam_role" "publisher" {
  name_prefix = substr("${var.name}-edge-publisher-", 0, 38)
  description = "modelfn-edge publish: writes bundles and channel pointers, invalidates pointers"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = local.publishers }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "publisher" {
  name = "modelfn-edge-publish"
  role = aws_iam_role.publisher.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = ["${aws_s3_bucket.bucket.arn}/models/*", "${aws_s3_bucket.bucket.arn}/channels/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [aws_s3_bucket.bucket.arn]
      },
      {
        Effect   = "Allow"
        Action   = ["cloudfront:CreateInvalidation"]
        Resource = [local.distribution_arn]
      },
    ]
  })
}
