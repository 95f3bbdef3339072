variable "name" {
  description = "Name of the deployment: the API's name and the prefix of the function's name (<name>-predict)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name: expected 1-40 letters, digits, '-' or '_'."
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

variable "model_uri" {
  description = "MODELFN_MODEL_URI: classpath:PATH.onnx (in the package, default the example model) or s3://BUCKET/KEY.onnx."
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
  description = "MODELFN_MODEL_NAME, also the Model dimension of the metrics."
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

variable "architecture" {
  description = "arm64 (default) or x86_64."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture: expected arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory of the predict function in MB."
  type        = number
  default     = 2048
  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb: expected 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the predict function (API Gateway answers 503 after 30 s anyway)."
  type        = number
  default     = 30
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds: expected 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the predict function, or null for the account's pool."
  type        = number
  default     = null
  validation {
    condition     = var.reserved_concurrency == null ? true : var.reserved_concurrency >= 0
    error_message = "reserved_concurrency: expected 0 or more, or null."
  }
}

variable "auth" {
  description = "Who may call the API: iam (SigV4, default), jwt (jwt_issuer, jwt_audiences) or none (an open API)."
  type        = string
  default     = "iam"
  validation {
    condition     = contains(["iam", "jwt", "none"], var.auth)
    error_message = "auth: expected iam, jwt or none."
  }
}

variable "jwt_issuer" {
  description = "With auth = jwt: the token issuer, an https:// URL."
  type        = string
  default     = null
  validation {
    condition     = var.jwt_issuer == null ? true : startswith(var.jwt_issuer, "https://")
    error_message = "jwt_issuer: expected an https:// URL."
  }
}

variable "jwt_audiences" {
  description = "With auth = jwt: accepted audiences (client ids), at least one."
  type        = list(string)
  default     = []
}

variable "throttle_rate" {
  description = "Steady-state requests per second of the stage."
  type        = number
  default     = 500
  validation {
    condition     = var.throttle_rate > 0
    error_message = "throttle_rate: expected more than 0."
  }
}

variable "throttle_burst" {
  description = "Burst of the stage."
  type        = number
  default     = 1000
  validation {
    condition     = var.throttle_burst > 0
    error_message = "throttle_burst: expected more than 0."
  }
}

variable "sagemaker_endpoint" {
  description = "Answer from this SageMaker real-time endpoint instead of the in-process model (MODELFN_PREDICTOR=sagemaker)."
  type        = string
  default     = null
  validation {
    condition     = var.sagemaker_endpoint == null ? true : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.sagemaker_endpoint))
    error_message = "sagemaker_endpoint: expected up to 63 letters, digits and '-'."
  }
}

variable "sagemaker_input_name" {
  description = "Input tensor name the SageMaker endpoint expects."
  type        = string
  default     = "input"
}

variable "environment" {
  description = "More modelfn variables for the predict function, e.g. the predict_environment outputs of async-inference and shadow-traffic."
  type        = map(string)
  default     = {}
  validation {
    condition     = !contains(keys(var.environment), "MODELFN_MODEL_URI") && !contains(keys(var.environment), "MODELFN_MODEL_NAME")
    error_message = "environment: MODELFN_MODEL_URI and MODELFN_MODEL_NAME come from model_uri and model_name."
  }
}

variable "policy_statements" {
  description = "More Allow statements for the predict function's role, e.g. the predict_policy_statements outputs of async-inference and shadow-traffic."
  type = list(object({
    actions   = list(string)
    resources = list(string)
    condition = optional(map(map(list(string))))
  }))
  default = []
}

variable "live_alias_managed_by" {
  description = "terraform: `live` follows live_version (default: each new version at once). codedeploy: Terraform creates `live` and then ignores its version, which CodeDeploy deployments move (canary-release)."
  type        = string
  default     = "terraform"
  validation {
    condition     = contains(["terraform", "codedeploy"], var.live_alias_managed_by)
    error_message = "live_alias_managed_by: expected terraform or codedeploy."
  }
}

variable "live_version" {
  description = "The version `live` points at; null: the version this apply publishes. Set by blue-green and by a weighted canary."
  type        = string
  default     = null
  validation {
    condition     = var.live_version == null ? true : can(regex("^[1-9][0-9]{0,9}$", var.live_version))
    error_message = "live_version: expected a published version number such as 7."
  }
}

variable "live_routing_weights" {
  description = "Weighted routing of `live` (version number => share of traffic, 0 to 1), for a canary without CodeDeploy."
  type        = map(number)
  default     = {}
  validation {
    condition     = alltrue([for v in values(var.live_routing_weights) : v >= 0 && v <= 1])
    error_message = "live_routing_weights: expected weights from 0 to 1."
  }
}

variable "log_retention_days" {
  description = "Days the function's logs and the API's access logs are kept."
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
