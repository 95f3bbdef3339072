mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name         = "modelfn"
  package_file = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "kinesis_and_sqs_consumed_by_live_with_partial_failures" {
  command = apply

  assert {
    condition     = module.function.handler == "dev.modelfn.aws.StreamInferenceHandler::handleRequest" && module.function.memory_mb == 1024 && module.function.timeout_seconds == 60
    error_message = "expected the stream handler with 1024 MB and 60 s"
  }
  assert {
    condition     = module.function.environment["JAVA_TOOL_OPTIONS"] == "-XX:TieredStopAtLevel=4 -XX:+UseSerialGC -Donnxruntime.native.path=/var/task/native/linux-aarch64"
    error_message = "stream JVM flags: C2 with the serial collector"
  }
  assert {
    condition     = keys(module.function.environment) == tolist(["JAVA_TOOL_OPTIONS", "MODELFN_INPUT_STREAM", "MODELFN_MODEL_NAME", "MODELFN_MODEL_URI", "MODELFN_POISON_QUEUE_URL", "MODELFN_RECORDS_QUEUE_URL", "MODELFN_SINK_QUEUE_URL"])
    error_message = "environment: ${jsonencode(keys(module.function.environment))}"
  }
  assert {
    condition     = aws_kinesis_stream.input.encryption_type == "KMS" && aws_kinesis_stream.input.kms_key_id == "alias/aws/kinesis" && aws_kinesis_stream.input.shard_count == 2 && aws_kinesis_stream.input.retention_period == 24
    error_message = "input stream: 2 shards, 24 h, KMS with the AWS-managed key"
  }
  assert {
    condition = (aws_lambda_event_source_mapping.kinesis.function_name == aws_lambda_alias.live.arn
      && aws_lambda_event_source_mapping.kinesis.starting_position == "LATEST"
      && aws_lambda_event_source_mapping.kinesis.batch_size == 500
      && aws_lambda_event_source_mapping.kinesis.maximum_batching_window_in_seconds == 1
      && aws_lambda_event_source_mapping.kinesis.bisect_batch_on_function_error
      && aws_lambda_event_source_mapping.kinesis.maximum_retry_attempts == 10
      && aws_lambda_event_source_mapping.kinesis.maximum_record_age_in_seconds == 3600
      && aws_lambda_event_source_mapping.kinesis.parallelization_factor == 1
      && aws_lambda_event_source_mapping.kinesis.function_response_types == toset(["ReportBatchItemFailures"])
    && aws_lambda_event_source_mapping.kinesis.destination_config[0].on_failure[0].destination_arn == module.on_failure.arn)
    error_message = "Kinesis mapping: bisect, 10 retries, 1 h, partial failures, on-failure queue, on live"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.records.function_name == aws_lambda_alias.live.arn && aws_lambda_event_source_mapping.records.batch_size == 10 && aws_lambda_event_source_mapping.records.maximum_batching_window_in_seconds == 1 && aws_lambda_event_source_mapping.records.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "SQS mapping: 10 per batch, 1 s window, partial failures, on live"
  }
  assert {
    condition     = module.records.visibility_timeout_seconds == 360 && jsondecode(module.records.redrive_policy).maxReceiveCount == 3 && jsondecode(module.predictions[0].redrive_policy).maxReceiveCount == 5
    error_message = "records queue: 6 x 60 s visibility, 3 receives; predictions: 5 receives"
  }
  assert {
    condition     = alltrue([for q in [module.records, module.records_dlq, module.poison, module.on_failure, module.predictions[0], module.predictions_dlq[0]] : q.sse_enabled])
    error_message = "every queue encrypted"
  }
  assert {
    condition = module.function.iam_actions == tolist(["kinesis:DescribeStream", "kinesis:DescribeStreamConsumer", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard",
    "logs:CreateLogStream", "logs:PutLogEvents", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"])
    error_message = "IAM actions: ${jsonencode(module.function.iam_actions)}"
  }
}

run "predictions_to_a_stream" {
  command = apply
  variables {
    sink = "stream"
  }
  assert {
    condition     = contains(keys(module.function.environment), "MODELFN_SINK_STREAM") && !contains(keys(module.function.environment), "MODELFN_SINK_QUEUE_URL") && aws_kinesis_stream.predictions[0].encryption_type == "KMS"
    error_message = "sink = stream: an encrypted predictions stream"
  }
  assert {
    condition     = contains(module.function.iam_actions, "kinesis:PutRecords") && length(module.predictions) == 0
    error_message = "sink = stream: PutRecords, no predictions queue"
  }
}

run "predictions_to_a_bucket" {
  command = apply
  variables {
    sink             = "bucket"
    sink_bucket_name = "modelfn-data-123"
    sink_bucket_arn  = "arn:aws:s3:::modelfn-data-123"
  }
  assert {
    condition     = module.function.environment["MODELFN_SINK_BUCKET"] == "modelfn-data-123" && module.function.environment["MODELFN_SINK_PREFIX"] == "stream-predictions/"
    error_message = "sink = bucket: bucket and prefix"
  }
  assert {
    condition     = [for s in jsondecode(module.function.policy_json).Statement : s.Resource if s.Action == ["s3:PutObject", "s3:AbortMultipartUpload"]][0] == ["arn:aws:s3:::modelfn-data-123/stream-predictions/*"]
    error_message = "sink = bucket: writes under the prefix only"
  }
}

run "record_age_out_of_range" {
  command = plan
  variables {
    max_record_age_seconds = 30
  }
  expect_failures = [var.max_record_age_seconds]
}
