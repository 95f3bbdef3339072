variable "name" {
  description = "Prefix of the names (<name>-stream, <name>-input, ...)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name: expected 1-40 letters, digits, '-' or '_'."
  }
}

variable "package_file" {
  description = "Path of the deployment package."
  type        = string
}

variable "package_s3" {
  description = "The package as an S3 object, uploaded once (as the CDK's asset), instead of a direct upload per function (which Lambda limits to 50 MB zipped). package_file still gives the code hash."
  type = object({
    bucket  = string
    key     = string
    version = optional(string)
  })
  default = null
}

variable "shards" {
  description = "Shards of the input stream (and of a predictions stream)."
  type        = number
  default     = 2
  validation {
    condition     = var.shards >= 1
    error_message = "shards: expected 1 or more."
  }
}

variable "kinesis_batch_size" {
  description = "Records per Kinesis batch, 1 to 10000."
  type        = number
  default     = 500
  validation {
    condition     = var.kinesis_batch_size >= 1 && var.kinesis_batch_size <= 10000
    error_message = "kinesis_batch_size: expected 1 to 10000."
  }
}

variable "sqs_batch_size" {
  description = "Messages per SQS batch, 1 to 10000 (more than 10 needs a batching window)."
  type        = number
  default     = 10
  validation {
    condition     = var.sqs_batch_size >= 1 && var.sqs_batch_size <= 10000
    error_message = "sqs_batch_size: expected 1 to 10000."
  }
}

variable "batching_window_seconds" {
  description = "Maximum batching window of both mappings, 0 to 300 seconds."
  type        = number
  default     = 1
  validation {
    condition     = var.batching_window_seconds >= 0 && var.batching_window_seconds <= 300
    error_message = "batching_window_seconds: expected 0 to 300."
  }
}

variable "max_retries" {
  description = "Retries of a failing Kinesis batch before it goes to the on-failure queue, 0 to 10000."
  type        = number
  default     = 10
  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 10000
    error_message = "max_retries: expected 0 to 10000."
  }
}

variable "max_record_age_seconds" {
  description = "Records older than this (60 to 604800 s) are skipped to the on-failure queue."
  type        = number
  default     = 3600
  validation {
    condition     = var.max_record_age_seconds >= 60 && var.max_record_age_seconds <= 604800
    error_message = "max_record_age_seconds: expected 60 to 604800."
  }
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard, 1 to 10 (order is kept per partition key)."
  type        = number
  default     = 1
  validation {
    condition     = var.parallelization_factor >= 1 && var.parallelization_factor <= 10
    error_message = "parallelization_factor: expected 1 to 10."
  }
}

variable "sink" {
  description = "Where predictions go: queue (a new queue with a DLQ, default), stream (a new stream) or bucket (sink_bucket_name, sink_prefix)."
  type        = string
  default     = "queue"
  validation {
    condition     = contains(["queue", "stream", "bucket"], var.sink)
    error_message = "sink: expected queue, stream or bucket."
  }
}

variable "sink_bucket_name" {
  description = "sink = bucket: the bucket of the JSON Lines objects."
  type        = string
  default     = null
}

variable "sink_bucket_arn" {
  description = "sink = bucket: its ARN."
  type        = string
  default     = null
}

variable "sink_prefix" {
  description = "sink = bucket: the key prefix of the objects."
  type        = string
  default     = "stream-predictions/"
  validation {
    condition     = endswith(var.sink_prefix, "/") && !startswith(var.sink_prefix, "/")
    error_message = "sink_prefix: expected a key prefix ending in '/'."
  }
}

variable "model_uri" {
  description = "MODELFN_MODEL_URI: classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
  validation {
    condition     = can(regex("^(classpath:[^/].*|s3://[^/]+/.+)\\.onnx$", var.model_uri))
    error_message = "model_uri: expected classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  }
}

variable "model_kms_key_arn" {
  description = "KMS key of an s3:// model's bucket, if encrypted with one."
  type        = string
  default     = null
}

variable "model_name" {
  description = "MODELFN_MODEL_NAME."
  type        = string
  default     = "fraud"
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.model_name))
    error_message = "model_name: expected 1-64 letters, digits, '.', '_' or '-'."
  }
}

variable "model_version" {
  description = "MODELFN_MODEL_VERSION, or null."
  type        = string
  default     = null
}

variable "architecture" {
  description = "arm64 or x86_64."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture: expected arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory of the stream function in MB."
  type        = number
  default     = 1024
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the stream function."
  type        = number
  default     = 60
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds: expected 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency, or null."
  type        = number
  default     = null
  validation {
    condition     = var.reserved_concurrency == null ? true : var.reserved_concurrency >= 0
    error_message = "reserved_concurrency: expected 0 or more, or null."
  }
}

variable "log_retention_days" {
  description = "Days the logs are kept."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days: expected one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
