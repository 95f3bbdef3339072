variable "name" {
  description = "Prefix of the names (<name>-batch, <name>-batch-objects, ...)."
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

variable "data_bucket_name" {
  description = "The data bucket (data-bucket's bucket_name)."
  type        = string
}

variable "data_bucket_arn" {
  description = "Its ARN (data-bucket's bucket_arn)."
  type        = string
}

variable "input_prefix" {
  description = "Where input objects go; ends in '/', other than the output prefixes."
  type        = string
  default     = "incoming/"
  validation {
    condition     = endswith(var.input_prefix, "/") && !startswith(var.input_prefix, "/") && !contains(["predictions/", "manifests/", "rejects/", "jobs/"], var.input_prefix)
    error_message = "input_prefix: expected a prefix ending in '/' other than the output prefixes (predictions/, manifests/, rejects/, jobs/)."
  }
}

variable "rows_per_batch" {
  description = "MODELFN_BATCH_ROWS: rows per model call."
  type        = number
  default     = 512
  validation {
    condition     = var.rows_per_batch >= 1
    error_message = "rows_per_batch: expected 1 or more."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
  default     = 3
  validation {
    condition     = var.max_receive_count >= 1
    error_message = "max_receive_count: expected 1 or more."
  }
}

variable "manage_bucket_notification" {
  description = "Create the bucket's notification configuration (S3 keeps one per bucket)."
  type        = bool
  default     = true
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
  description = "Memory of the batch function in MB."
  type        = number
  default     = 2048
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the batch function (it hands over to a continuation before it)."
  type        = number
  default     = 900
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
