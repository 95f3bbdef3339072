mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name             = "modelfn"
  package_file     = "../../tests/fixtures/modelfn-aws-lambda.zip"
  data_bucket_name = "modelfn-data-123"
  data_bucket_arn  = "arn:aws:s3:::modelfn-data-123"
}

run "s3_events_to_a_queue_consumed_by_live" {
  command = apply

  assert {
    condition     = module.function.handler == "dev.modelfn.aws.BatchScoringHandler::handleRequest" && module.function.runtime == "java21" && !module.function.snap_start
    error_message = "expected the batch handler on java21 without SnapStart"
  }
  assert {
    condition     = module.function.memory_mb == 2048 && module.function.timeout_seconds == 900
    error_message = "expected 2048 MB and 15 minutes"
  }
  assert {
    condition = module.function.environment == tomap({
      MODELFN_MODEL_URI       = "classpath:models/fraud/fraud.onnx"
      MODELFN_MODEL_NAME      = "fraud"
      JAVA_TOOL_OPTIONS       = "-XX:TieredStopAtLevel=4 -Donnxruntime.native.path=/var/task/native/linux-aarch64"
      MODELFN_DATA_BUCKET     = "modelfn-data-123"
      MODELFN_INPUT_PREFIX    = "incoming/"
      MODELFN_BATCH_QUEUE_URL = module.queue.url
      MODELFN_BATCH_ROWS      = "512"
    })
    error_message = "environment: ${jsonencode(module.function.environment)}"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.objects.function_name == aws_lambda_alias.live.arn && aws_lambda_event_source_mapping.objects.batch_size == 1 && aws_lambda_event_source_mapping.objects.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "the live alias consumes one message at a time with partial batch responses"
  }
  assert {
    condition     = aws_lambda_alias.live.name == "live" && aws_lambda_alias.live.function_version == module.function.version
    error_message = "live on the version this apply published"
  }
  assert {
    condition     = aws_s3_bucket_notification.incoming[0].queue[0].filter_prefix == "incoming/" && aws_s3_bucket_notification.incoming[0].queue[0].events == toset(["s3:ObjectCreated:*"]) && aws_s3_bucket_notification.incoming[0].queue[0].queue_arn == module.queue.arn
    error_message = "objects created under incoming/ are announced on the queue"
  }
  assert {
    condition     = module.queue.sse_enabled && module.dlq.sse_enabled && module.queue.visibility_timeout_seconds == 5400 && jsondecode(module.queue.redrive_policy).maxReceiveCount == 3 && jsondecode(module.queue.redrive_policy).deadLetterTargetArn == module.dlq.arn
    error_message = "encrypted queue, six times the timeout, 3 receives before the dead-letter queue"
  }
  assert {
    condition     = module.dlq.message_retention_seconds == 1209600 && module.queue.message_retention_seconds == 345600
    error_message = "retention: 14 days on the dead-letter queue, 4 on the queue"
  }
  assert {
    condition     = length([for s in jsondecode(module.queue.policy).Statement : s if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"]) == 1 && length([for s in jsondecode(module.queue.policy).Statement : s if s.Effect == "Allow" && try(s.Principal.Service, "") == "s3.amazonaws.com" && try(s.Condition.ArnLike["aws:SourceArn"], "") == var.data_bucket_arn]) == 1
    error_message = "queue policy: TLS only, and S3 may send for the data bucket only"
  }
  assert {
    condition = module.function.iam_actions == tolist(["logs:CreateLogStream", "logs:PutLogEvents", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject",
    "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"])
    error_message = "IAM actions: ${jsonencode(module.function.iam_actions)}"
  }
  assert {
    condition     = [for s in jsondecode(module.function.policy_json).Statement : s.Resource if s.Action == ["s3:GetObject"]][0] == ["${var.data_bucket_arn}/incoming/*", "${var.data_bucket_arn}/manifests/*"]
    error_message = "reads only incoming/ and manifests/"
  }
  assert {
    condition     = [for s in jsondecode(module.function.policy_json).Statement : s.Resource if s.Action == ["s3:PutObject", "s3:AbortMultipartUpload"]][0] == ["${var.data_bucket_arn}/predictions/*", "${var.data_bucket_arn}/manifests/*", "${var.data_bucket_arn}/rejects/*"]
    error_message = "writes only predictions/, manifests/, rejects/"
  }
}

run "input_prefix_must_not_be_an_output_prefix" {
  command = plan
  variables {
    input_prefix = "predictions/"
  }
  expect_failures = [var.input_prefix]
}
