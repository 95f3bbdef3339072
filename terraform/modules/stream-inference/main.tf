# Stream inference, as the CDK's StreamInference: a Kinesis stream and an SQS queue of records, both
# consumed by the stream function through its `live` alias with ReportBatchItemFailures. Kinesis
# batches are bisected on errors, retried a bounded number of times and within a record age, then
# described on an on-failure queue; poison records go to the poison queue; predictions to a queue
# (default), a stream, or JSON Lines objects in a bucket.

locals {
  sqs_send     = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
  sqs_consume  = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
  kinesis_read = ["kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard", "kinesis:DescribeStream", "kinesis:ListStreams", "kinesis:DescribeStreamConsumer"]

  sink_environment = {
    queue  = var.sink == "queue" ? { MODELFN_SINK_QUEUE_URL = module.predictions[0].url } : {}
    stream = var.sink == "stream" ? { MODELFN_SINK_STREAM = aws_kinesis_stream.predictions[0].name } : {}
    bucket = var.sink == "bucket" ? {
      MODELFN_SINK_BUCKET = var.sink_bucket_name
      MODELFN_SINK_PREFIX = var.sink_prefix
    } : {}
  }[var.sink]

  sink_statements = {
    queue  = var.sink == "queue" ? [{ actions = local.sqs_send, resources = [module.predictions[0].arn], condition = null }] : []
    stream = var.sink == "stream" ? [{ actions = ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"], resources = [aws_kinesis_stream.predictions[0].arn], condition = null }] : []
    bucket = var.sink == "bucket" ? [{ actions = ["s3:PutObject", "s3:AbortMultipartUpload"], resources = ["${var.sink_bucket_arn}/${var.sink_prefix}*"], condition = null }] : []
  }[var.sink]
}

resource "aws_kinesis_stream" "input" {
  name             = "${var.name}-input"
  shard_count      = var.shards
  retention_period = 24
  encryption_type  = "KMS"
  kms_key_id       = "alias/aws/kinesis"
  stream_mode_details {
    stream_mode = "PROVISIONED"
  }
  tags = var.tags
}

module "records_dlq" {
  source = "../sqs-queue"
  name   = "${var.name}-stream-records-dlq"
  tags   = var.tags
}

module "records" {
  source                     = "../sqs-queue"
  name                       = "${var.name}-stream-records"
  dead_letter_arn            = module.records_dlq.arn
  max_receive_count          = 3
  visibility_timeout_seconds = min(6 * var.timeout_seconds, 43200)
  tags                       = var.tags
}

module "poison" {
  source = "../sqs-queue"
  name   = "${var.name}-stream-poison"
  tags   = var.tags
}

module "on_failure" {
  source = "../sqs-queue"
  name   = "${var.name}-stream-on-failure"
  tags   = var.tags
}

# Consumers of the predictions get a dead-letter queue for what they cannot process.
module "predictions_dlq" {
  source = "../sqs-queue"
  count  = var.sink == "queue" ? 1 : 0
  name   = "${var.name}-stream-predictions-dlq"
  tags   = var.tags
}

module "predictions" {
  source                     = "../sqs-queue"
  count                      = var.sink == "queue" ? 1 : 0
  name                       = "${var.name}-stream-predictions"
  dead_letter_arn            = module.predictions_dlq[0].arn
  max_receive_count          = 5
  visibility_timeout_seconds = 30
  tags                       = var.tags
}

resource "aws_kinesis_stream" "predictions" {
  count           = var.sink == "stream" ? 1 : 0
  name            = "${var.name}-predictions"
  shard_count     = var.shards
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
  stream_mode_details {
    stream_mode = "PROVISIONED"
  }
  tags = var.tags
}

module "function" {
  source = "../lambda-function"

  function_name        = "${var.name}-stream"
  description          = "stream inference (${var.model_name})"
  handler              = "dev.modelfn.aws.StreamInferenceHandler::handleRequest"
  package_file         = var.package_file
  package_s3           = var.package_s3
  architecture         = var.architecture
  memory_mb            = var.memory_mb
  timeout_seconds      = var.timeout_seconds
  reserved_concurrency = var.reserved_concurrency
  jvm_options          = "-XX:TieredStopAtLevel=4 -XX:+UseSerialGC"
  model_uri            = var.model_uri
  model_kms_key_arn    = var.model_kms_key_arn
  model_name           = var.model_name
  model_version        = var.model_version
  environment = merge({
    MODELFN_INPUT_STREAM      = aws_kinesis_stream.input.name
    MODELFN_RECORDS_QUEUE_URL = module.records.url
    MODELFN_POISON_QUEUE_URL  = module.poison.url
  }, local.sink_environment)
  policy_statements = concat(
    [{ actions = local.sqs_send, resources = [module.poison.arn] }],
    local.sink_statements,
    [
      # Lambda sends the on-failure records of the Kinesis mapping with the function's role.
      { actions = local.sqs_send, resources = [module.on_failure.arn] },
      { actions = local.kinesis_read, resources = [aws_kinesis_stream.input.arn] },
      { actions = local.sqs_consume, resources = [module.records.arn] },
    ],
  )
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = module.function.function_name
  function_version = module.function.version

  lifecycle {
    precondition {
      condition     = var.sink != "bucket" || (var.sink_bucket_name != null && var.sink_bucket_arn != null)
      error_message = "sink = bucket needs sink_bucket_name and sink_bucket_arn."
    }
  }
}

resource "aws_lambda_event_source_mapping" "kinesis" {
  event_source_arn                   = aws_kinesis_stream.input.arn
  function_name                      = aws_lambda_alias.live.arn
  starting_position                  = "LATEST"
  batch_size                         = var.kinesis_batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = var.max_retries
  maximum_record_age_in_seconds      = var.max_record_age_seconds
  parallelization_factor             = var.parallelization_factor
  function_response_types            = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = module.on_failure.arn
    }
  }
}

resource "aws_lambda_event_source_mapping" "records" {
  event_source_arn                   = module.records.arn
  function_name                      = aws_lambda_alias.live.arn
  batch_size                         = var.sqs_batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]
}
