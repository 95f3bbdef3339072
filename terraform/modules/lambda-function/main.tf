# One modelfn function, built the way the CDK's ModelPackage.function builds every function: its own
# role (logs to its own log group only, no managed policies), the model's environment, the ONNX
# Runtime native folder of its architecture in JAVA_TOOL_OPTIONS, and only modelfn's variables.

locals {
  # dev.modelfn.config.EnvVars.ALL, plus the JVM's own variable. The Maven build checks this list
  # against EnvVars (TerraformModulesTest), so a new variable there fails the build until added here.
  allowed_environment = [
    "MODELFN_MODEL_URI", "MODELFN_MODEL_NAME", "MODELFN_MODEL_VERSION", "MODELFN_PREDICTOR",
    "MODELFN_SAGEMAKER_ENDPOINT", "MODELFN_SAGEMAKER_INPUT_NAME", "MODELFN_FEATURE_NAMES", "MODELFN_LABELS",
    "MODELFN_MAX_BODY_BYTES", "MODELFN_MAX_INSTANCES", "MODELFN_MODEL_CACHE_DIR", "MODELFN_ORT_NATIVE_DIR",
    "MODELFN_INTRA_OP_THREADS", "MODELFN_LOG_LEVEL", "MODELFN_METRICS_NAMESPACE", "MODELFN_METRICS_ENABLED",
    "MODELFN_DATA_BUCKET", "MODELFN_INPUT_PREFIX", "MODELFN_BATCH_QUEUE_URL", "MODELFN_INPUT_STREAM",
    "MODELFN_RECORDS_QUEUE_URL", "MODELFN_SINK_QUEUE_URL", "MODELFN_POISON_QUEUE_URL", "MODELFN_JOBS_QUEUE_URL",
    "MODELFN_CALLBACK_DLQ_URL", "MODELFN_JOBS_PREFIX", "MODELFN_ASYNC_INLINE_BYTES", "MODELFN_CALLBACK_SECRET",
    "MODELFN_CALLBACK_SECRET_ARN", "MODELFN_CALLBACK_ALLOW_CIDRS", "MODELFN_CALLBACK_MAX_ATTEMPTS",
    "MODELFN_CALLBACK_BACKOFF_SECONDS", "MODELFN_CALLBACK_BACKOFF_MAX_SECONDS", "MODELFN_CALLBACK_TIMEOUT_SECONDS",
    "MODELFN_BATCH_ROWS", "MODELFN_BATCH_PART_MIB", "MODELFN_BATCH_SAFETY_SECONDS", "MODELFN_BATCH_OUTPUT_FORMAT",
    "MODELFN_SINK_STREAM", "MODELFN_SINK_BUCKET", "MODELFN_SINK_PREFIX", "MODELFN_SHADOW_FUNCTION",
    "MODELFN_SHADOW_SAMPLE_PERCENT", "MODELFN_GOLDEN_TARGET", "MODELFN_GOLDEN_DIR", "MODELFN_GOLDEN_TOLERANCE",
    "MODELFN_SAGEMAKER_ASYNC_ENDPOINT", "MODELFN_ASYNC_POLL_SECONDS", "MODELFN_ASYNC_POLL_MAX_SECONDS",
    "MODELFN_ASYNC_MAX_WAIT_SECONDS",
    "JAVA_TOOL_OPTIONS",
  ]

  native_dir = "/var/task/native/${var.architecture == "arm64" ? "linux-aarch64" : "linux-x64"}"

  model_environment = var.with_model ? merge(
    {
      MODELFN_MODEL_URI  = var.model_uri
      MODELFN_MODEL_NAME = var.model_name
    },
    var.model_version == null ? {} : { MODELFN_MODEL_VERSION = var.model_version },
  ) : {}

  # ONNX Runtime loads its natives in place from the package (never unpacked into /tmp).
  java_tool_options = var.with_model ? "${var.jvm_options} -Donnxruntime.native.path=${local.native_dir}" : var.jvm_options

  environment = merge(local.model_environment, { JAVA_TOOL_OPTIONS = local.java_tool_options }, var.environment)

  # s3://bucket/key models are read with s3:GetObject on that one key, nothing wider.
  model_in_s3  = var.with_model && startswith(var.model_uri, "s3://")
  model_bucket = local.model_in_s3 ? split("/", trimprefix(var.model_uri, "s3://"))[0] : ""
  model_key    = local.model_in_s3 ? join("/", slice(split("/", trimprefix(var.model_uri, "s3://")), 1, length(split("/", trimprefix(var.model_uri, "s3://"))))) : ""

  model_statements = local.model_in_s3 ? concat(
    [{ actions = ["s3:GetObject"], resources = ["arn:${var.partition}:s3:::${local.model_bucket}/${local.model_key}"], condition = null }],
    var.model_kms_key_arn == null ? [] : [{ actions = ["kms:Decrypt"], resources = [var.model_kms_key_arn], condition = null }],
  ) : []

  statements = concat(
    [{ actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["${aws_cloudwatch_log_group.this.arn}:*"], condition = null }],
    local.model_statements,
    var.policy_statements,
  )

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for s in local.statements : merge(
      { Effect = "Allow", Action = s.actions, Resource = s.resources },
      { for k, v in { Condition = s.condition } : k => v if v != null },
    )]
  })
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name_prefix = substr("${var.function_name}-", 0, 38)
  description = "modelfn ${var.description}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "modelfn"
  role   = aws_iam_role.this.id
  policy = local.policy
}

resource "aws_lambda_function" "this" {
  function_name     = var.function_name
  description       = "modelfn ${var.description}"
  role              = aws_iam_role.this.arn
  runtime           = var.runtime
  architectures     = [var.architecture]
  handler           = var.handler
  filename          = var.package_s3 == null ? var.package_file : null
  s3_bucket         = try(var.package_s3.bucket, null)
  s3_key            = try(var.package_s3.key, null)
  s3_object_version = try(var.package_s3.version, null)
  source_code_hash  = filebase64sha256(var.package_file)
  memory_size       = var.memory_mb
  timeout           = var.timeout_seconds
  publish           = var.publish

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(local.environment), local.allowed_environment)) == 0
      error_message = "Environment variables ${join(", ", setsubtract(keys(local.environment), local.allowed_environment))} are not ones modelfn reads (see dev.modelfn.config.EnvVars)."
    }
    precondition {
      condition     = !var.snap_start || var.publish
      error_message = "SnapStart applies to published versions: set publish = true."
    }
  }

  # The role's policy must exist before the function first runs (event source mappings poll at once).
  depends_on = [aws_iam_role_policy.this]
}
