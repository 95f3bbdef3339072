variable "name" {
  description = "Prefix of the names (alarms, CodeDeploy application and group, hook function)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name: expected 1-40 letters, digits, '-' or '_'."
  }
}

variable "strategy" {
  description = "codedeploy (default): CodeDeploy shifts `live` with alarms, rollback and the pre-traffic hook. weighted: plain weighted routing of `live`, no CodeDeploy."
  type        = string
  default     = "codedeploy"
  validation {
    condition     = contains(["codedeploy", "weighted"], var.strategy)
    error_message = "strategy: expected codedeploy or weighted."
  }
}

variable "function_name" {
  description = "The predict function (model-endpoint's function_name)."
  type        = string
}

variable "alias_name" {
  description = "The alias CodeDeploy moves."
  type        = string
  default     = "live"
}

variable "current_version" {
  description = "The version `live` is on now (model-endpoint's live_version)."
  type        = string
}

variable "target_version" {
  description = "The version to release (model-endpoint's version: the one this apply published)."
  type        = string
}

variable "target_qualified_arn" {
  description = "The ARN of target_version (model-endpoint's qualified_arn): the hook's MODELFN_GOLDEN_TARGET."
  type        = string
}

variable "model_name" {
  description = "The model's name: the Model dimension of the alarms' metrics."
  type        = string
  default     = "fraud"
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.model_name))
    error_message = "model_name: expected 1-64 letters, digits, '.', '_' or '-'."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' EMF metrics."
  type        = string
  default     = "modelfn"
}

variable "preset" {
  description = "CodeDeploy traffic shifting: canary-10-5 (default), canary-10-10, canary-10-15, canary-10-30, linear-10-1, linear-10-2, linear-10-3, linear-10-10 or all-at-once."
  type        = string
  default     = "canary-10-5"
  validation {
    condition     = contains(["canary-10-5", "canary-10-10", "canary-10-15", "canary-10-30", "linear-10-1", "linear-10-2", "linear-10-3", "linear-10-10", "all-at-once"], var.preset)
    error_message = "preset: expected one of all-at-once, canary-10-10, canary-10-15, canary-10-30, canary-10-5, linear-10-1, linear-10-10, linear-10-2, linear-10-3."
  }
}

variable "max_server_errors_per_minute" {
  description = "5xx answers per minute above which the release rolls back (0: any server error)."
  type        = number
  default     = 0
  validation {
    condition     = var.max_server_errors_per_minute >= 0
    error_message = "max_server_errors_per_minute: expected 0 or more."
  }
}

variable "max_p99_latency_ms" {
  description = "p99 of the function's own latency, in ms, above which it rolls back."
  type        = number
  default     = 1000
  validation {
    condition     = var.max_p99_latency_ms > 0
    error_message = "max_p99_latency_ms: expected more than 0."
  }
}

variable "min_confidence" {
  description = "Mean top-class score (EMF Confidence) below which it rolls back."
  type        = number
  default     = 0.6
  validation {
    condition     = var.min_confidence >= 0 && var.min_confidence <= 1
    error_message = "min_confidence: expected 0 to 1."
  }
}

variable "stable_version" {
  description = "weighted strategy: the version `live` keeps as its main version (null: all traffic to the new version)."
  type        = string
  default     = null
  validation {
    condition     = var.stable_version == null ? true : can(regex("^[1-9][0-9]{0,9}$", var.stable_version))
    error_message = "stable_version: expected a published version number such as 7."
  }
}

variable "canary_weight" {
  description = "weighted strategy: the share of traffic (0 to 1) the new version gets."
  type        = number
  default     = 0.1
  validation {
    condition     = var.canary_weight >= 0 && var.canary_weight < 1
    error_message = "canary_weight: expected 0 to below 1."
  }
}

variable "package_file" {
  description = "Path of the deployment package (the hook runs from it)."
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

variable "architecture" {
  description = "arm64 or x86_64, as the endpoint."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture: expected arm64 or x86_64."
  }
}

variable "log_retention_days" {
  description = "Days the hook's logs are kept."
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
