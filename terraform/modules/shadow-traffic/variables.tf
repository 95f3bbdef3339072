variable "name" {
  description = "Prefix of the names (<name>-shadow); use the endpoint's name."
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

variable "candidate_model_uri" {
  description = "The candidate model: classpath:PATH.onnx or s3://BUCKET/KEY.onnx (default the example model)."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
  validation {
    condition     = can(regex("^(classpath:[^/].*|s3://[^/]+/.+)\\.onnx$", var.candidate_model_uri))
    error_message = "candidate_model_uri: expected classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  }
}

variable "candidate_model_kms_key_arn" {
  description = "KMS key of an s3:// candidate's bucket, if encrypted with one."
  type        = string
  default     = null
}

variable "candidate_model_version" {
  description = "MODELFN_MODEL_VERSION of the candidate, or null for its own model_version."
  type        = string
  default     = null
}

variable "model_name" {
  description = "The model's name (as the endpoint's): MODELFN_MODEL_NAME and the alarm's Model dimension."
  type        = string
  default     = "fraud"
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.model_name))
    error_message = "model_name: expected 1-64 letters, digits, '.', '_' or '-'."
  }
}

variable "sample_percent" {
  description = "Share of requests copied to the shadow, 0 to 100."
  type        = number
  default     = 10
  validation {
    condition     = var.sample_percent >= 0 && var.sample_percent <= 100
    error_message = "sample_percent: expected 0 to 100."
  }
}

variable "min_agreement" {
  description = "Agreement (0 to 1) under which the alarm fires."
  type        = number
  default     = 0.95
  validation {
    condition     = var.min_agreement >= 0 && var.min_agreement <= 1
    error_message = "min_agreement: expected 0 to 1."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the EMF metrics."
  type        = string
  default     = "modelfn"
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
  description = "Memory of the shadow function in MB."
  type        = number
  default     = 2048
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the shadow function."
  type        = number
  default     = 60
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds: expected 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the shadow (a cap on what the copies may use), or null."
  type        = number
  default     = null
  validation {
    condition     = var.reserved_concurrency == null ? true : var.reserved_concurrency >= 0
    error_message = "reserved_concurrency: expected 0 or more, or null."
  }
}

variable "log_retention_days" {
  description = "Days the shadow's logs are kept."
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
