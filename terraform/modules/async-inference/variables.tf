variable "name" {
  description = "Prefix of the names (<name>-async-worker, <name>-async-jobs, ...)."
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
  description = "Its ARN."
  type        = string
}

variable "jobs_prefix" {
  description = "Key prefix of jobs, inputs and results."
  type        = string
  default     = "jobs/"
  validation {
    condition     = endswith(var.jobs_prefix, "/") && !startswith(var.jobs_prefix, "/")
    error_message = "jobs_prefix: expected a prefix ending in '/'."
  }
}

variable "batch_size" {
  description = "Jobs per batch of the worker."
  type        = number
  default     = 5
  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size: expected 1 to 10000."
  }
}

variable "callback_max_attempts" {
  description = "MODELFN_CALLBACK_MAX_ATTEMPTS: deliveries before a job is callback_failed."
  type        = number
  default     = 8
  validation {
    condition     = var.callback_max_attempts >= 1
    error_message = "callback_max_attempts: expected 1 or more."
  }
}

variable "generate_secret" {
  description = "Generate the signing key with Secrets Manager's GetRandomPassword (the result is kept in the state). false: the secret is created empty and you put its value yourself."
  type        = bool
  default     = true
}

variable "secret_version" {
  description = "Version of the generated signing key; raise it to write a new key (rotate receivers in step)."
  type        = number
  default     = 1
  validation {
    condition     = var.secret_version >= 1
    error_message = "secret_version: expected 1 or more."
  }
}

variable "sagemaker_async_endpoint" {
  description = "Run the jobs on this SageMaker asynchronous endpoint instead of the worker's model (MODELFN_SAGEMAKER_ASYNC_ENDPOINT)."
  type        = string
  default     = null
  validation {
    condition     = var.sagemaker_async_endpoint == null ? true : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.sagemaker_async_endpoint))
    error_message = "sagemaker_async_endpoint: expected up to 63 letters, digits and '-'."
  }
}

variable "sagemaker_output_bucket_arn" {
  description = "With sagemaker_async_endpoint: the bucket the endpoint writes its answers to."
  type        = string
  default     = null
}

variable "sagemaker_output_prefix" {
  description = "With sagemaker_async_endpoint: the key prefix of its answers and failures."
  type        = string
  default     = "sagemaker-async/"
  validation {
    condition     = endswith(var.sagemaker_output_prefix, "/") && !startswith(var.sagemaker_output_prefix, "/")
    error_message = "sagemaker_output_prefix: expected a key prefix ending in '/'."
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
  description = "Memory of the worker in MB."
  type        = number
  default     = 1024
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the worker."
  type        = number
  default     = 120
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
