# Batch scoring, as the CDK's BatchScoring: objects created under the input prefix of the data bucket
# are announced on a queue (S3 -> SQS, the durable path; the queue also carries continuations),
# which the batch function consumes one message at a time through its `live` alias with partial
# batch responses. Messages that keep failing move to a dead-letter queue. The function reads only
# the input prefix (and manifests/), writes only predictions/, manifests/ and rejects/.

locals {
  bucket_arn = var.data_bucket_arn

  objects = { for name, prefixes in {
    read   = [var.input_prefix, "manifests/"]
    write  = ["predictions/", "manifests/", "rejects/"]
    delete = ["manifests/"]
  } : name => [for p in prefixes : "${local.bucket_arn}/${p}*"] }

  sqs_send    = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
  sqs_consume = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
}

module "dlq" {
  source = "../sqs-queue"
  name   = "${var.name}-batch-objects-dlq"
  tags   = var.tags
}

module "queue" {
  source                     = "../sqs-queue"
  name                       = "${var.name}-batch-objects"
  dead_letter_arn            = module.dlq.arn
  max_receive_count          = var.max_receive_count
  visibility_timeout_seconds = min(6 * var.timeout_seconds, 43200)
  allow_s3_bucket_arn        = local.bucket_arn
  tags                       = var.tags
}

module "function" {
  source = "../lambda-function"

  function_name        = "${var.name}-batch"
  description          = "batch scoring (${var.model_name})"
  handler              = "dev.modelfn.aws.BatchScoringHandler::handleRequest"
  package_file         = var.package_file
  package_s3           = var.package_s3
  architecture         = var.architecture
  memory_mb            = var.memory_mb
  timeout_seconds      = var.timeout_seconds
  reserved_concurrency = var.reserved_concurrency
  jvm_options          = "-XX:TieredStopAtLevel=4"
  model_uri            = var.model_uri
  model_kms_key_arn    = var.model_kms_key_arn
  model_name           = var.model_name
  model_version        = var.model_version
  environment = {
    MODELFN_DATA_BUCKET     = var.data_bucket_name
    MODELFN_INPUT_PREFIX    = var.input_prefix
    MODELFN_BATCH_QUEUE_URL = module.queue.url
    MODELFN_BATCH_ROWS      = tostring(var.rows_per_batch)
  }
  policy_statements = [
    { actions = ["s3:GetObject"], resources = local.objects.read },
    { actions = ["s3:PutObject", "s3:AbortMultipartUpload"], resources = local.objects.write },
    # a continuation's saved tails, once resumed
    { actions = ["s3:DeleteObject"], resources = local.objects.delete },
    # listing only the prefixes, so that a missing key reads as 404, not 403
    {
      actions   = ["s3:ListBucket"]
      resources = [local.bucket_arn]
      condition = { StringLike = { "s3:prefix" = [for p in [var.input_prefix, "predictions/", "manifests/", "rejects/"] : "${p}*"] } }
    },
    # continuations
    { actions = local.sqs_send, resources = [module.queue.arn] },
    # the event source mapping polls with the function's role
    { actions = local.sqs_consume, resources = [module.queue.arn] },
  ]
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = module.function.function_name
  function_version = module.function.version
}

resource "aws_lambda_event_source_mapping" "objects" {
  event_source_arn                   = module.queue.arn
  function_name                      = aws_lambda_alias.live.arn
  batch_size                         = 1
  maximum_batching_window_in_seconds = 0
  function_response_types            = ["ReportBatchItemFailures"]
}

# One notification configuration per bucket (S3 keeps one): turn this off and add the queue to
# yours when the bucket has other notifications.
resource "aws_s3_bucket_notification" "incoming" {
  count  = var.manage_bucket_notification ? 1 : 0
  bucket = var.data_bucket_name

  queue {
    queue_arn     = module.queue.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.input_prefix
  }

  depends_on = [module.queue]
}
