# A queue as the CDK's internal Queues helper makes it: SSE-SQS encryption, TLS-only policy, and
# either a dead-letter place (14 days, nothing drains it) or a work queue with a redrive policy.

locals {
  is_dead_letter = var.dead_letter_arn == null

  s3_statements = var.allow_s3_bucket_arn == null ? [] : [{
    Sid       = "S3ObjectCreated"
    Effect    = "Allow"
    Principal = { Service = "s3.amazonaws.com" }
    Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    Resource  = aws_sqs_queue.this.arn
    Condition = { ArnLike = { "aws:SourceArn" = var.allow_s3_bucket_arn } }
  }]
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  sqs_managed_sse_enabled    = true
  message_retention_seconds  = local.is_dead_letter ? 1209600 : var.retention_seconds
  visibility_timeout_seconds = var.visibility_timeout_seconds

  redrive_policy = local.is_dead_letter ? null : jsonencode({
    deadLetterTargetArn = var.dead_letter_arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.this.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }], local.s3_statements)
  })
}
