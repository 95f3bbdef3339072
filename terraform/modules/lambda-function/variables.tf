variable "function_name" {
  description = "Name of the Lambda function (also names its log group /aws/lambda/NAME)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name: expected 1-64 letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "What the function does, for the console (prefixed with \"modelfn \")."
  type        = string
}

variable "handler" {
  description = "The handler, class::method (e.g. dev.modelfn.aws.PredictHttpHandler::handleRequest)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_.$]+::[A-Za-z0-9_]+$", var.handler))
    error_message = "handler: expected class::method."
  }
}

variable "package_file" {
  description = "Path of the deployment package, functions/aws-lambda/target/modelfn-aws-lambda.zip."
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

variable "runtime" {
  description = "Lambda runtime; modelfn targets java21 (SnapStart, arm64 and x86_64)."
  type        = string
  default     = "java21"
  validation {
    condition     = can(regex("^java(21|2[2-9])$", var.runtime))
    error_message = "runtime: expected a Java runtime of 21 or newer, such as java21."
  }
}

variable "architecture" {
  description = "arm64 or x86_64: chooses the ONNX Runtime native folder in the package."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture: expected arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory in MB (CPU grows with it)."
  type        = number
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout in seconds."
  type        = number
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds: expected 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency (also a cap), or null for the account's pool."
  type        = number
  default     = null
  validation {
    condition     = var.reserved_concurrency == null ? true : var.reserved_concurrency >= 0
    error_message = "reserved_concurrency: expected 0 or more, or null."
  }
}

variable "jvm_options" {
  description = "JAVA_TOOL_OPTIONS before the native path (the project's latency, throughput or stream flags)."
  type        = string
}

variable "snap_start" {
  description = "SnapStart on published versions."
  type        = bool
  default     = false
}

variable "publish" {
  description = "Publish a version on every change (needed for aliases and SnapStart)."
  type        = bool
  default     = true
}

variable "with_model" {
  description = "Whether the function loads the model (false for the golden-request replay)."
  type        = bool
  default     = true
}

variable "model_uri" {
  description = "MODELFN_MODEL_URI: classpath:PATH (in the package) or s3://BUCKET/KEY."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
  validation {
    condition     = can(regex("^(classpath:[^/].*|s3://[^/]+/.+|file:/.+)\\.onnx$", var.model_uri))
    error_message = "model_uri: expected classpath:PATH.onnx, s3://BUCKET/KEY.onnx or file:/PATH.onnx."
  }
}

variable "model_kms_key_arn" {
  description = "KMS key of an s3:// model's bucket, if it is encrypted with one (adds kms:Decrypt on it)."
  type        = string
  default     = null
}

variable "model_name" {
  description = "MODELFN_MODEL_NAME: the name the model is served under."
  type        = string
  default     = "fraud"
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.model_name))
    error_message = "model_name: expected 1-64 letters, digits, '.', '_' or '-'."
  }
}

variable "model_version" {
  description = "MODELFN_MODEL_VERSION, or null for the model's own model_version."
  type        = string
  default     = null
}

variable "environment" {
  description = "More modelfn variables (names from dev.modelfn.config.EnvVars)."
  type        = map(string)
  default     = {}
}

variable "policy_statements" {
  description = "Allow statements of the function's role besides its logs and model: named actions, resources, optional condition."
  type = list(object({
    actions   = list(string)
    resources = list(string)
    condition = optional(map(map(list(string))))
  }))
  default = []
  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "policy_statements: actions must be named, without '*'."
  }
}

variable "partition" {
  description = "AWS partition for the ARNs this module builds (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"
}

variable "log_retention_days" {
  description = "Days the function's logs are kept."
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
