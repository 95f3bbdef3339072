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
}

variable "timeout_seconds" {
  description = "Timeout of the shadow function."
  type        = number
  default     = 60
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the shadow (a cap on what the copies may use), or null."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Days the shadow's logs are kept."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
