variable "name" {
  description = "Prefix of the validation function's name; use the endpoint's name."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name: expected 1-40 letters, digits, '-' or '_'."
  }
}

variable "function_name" {
  description = "The predict function (model-endpoint's function_name)."
  type        = string
}

variable "function_arn" {
  description = "Its unqualified ARN (model-endpoint's function_arn)."
  type        = string
}

variable "new_version" {
  description = "The version this apply published (model-endpoint's version): what an unpinned colour gets."
  type        = string
}

variable "active_color" {
  description = "The colour `live` points at: blue or green. The switch, and the rollback, is this one value."
  type        = string
  default     = "blue"
  validation {
    condition     = contains(["blue", "green"], var.active_color)
    error_message = "active_color: expected blue or green."
  }
}

variable "blue_version" {
  description = "Pins blue to a published version number; null: the version this apply publishes."
  type        = string
  default     = null
  validation {
    condition     = var.blue_version == null ? true : can(regex("^[1-9][0-9]{0,9}$", var.blue_version))
    error_message = "blue_version: expected a published version number such as 7."
  }
}

variable "green_version" {
  description = "Pins green to a published version number; null: the version this apply publishes."
  type        = string
  default     = null
  validation {
    condition     = var.green_version == null ? true : can(regex("^[1-9][0-9]{0,9}$", var.green_version))
    error_message = "green_version: expected a published version number such as 7."
  }
}

variable "validate" {
  description = "Replay the golden requests against the active colour before `live` moves."
  type        = bool
  default     = true
}

variable "package_file" {
  description = "Path of the deployment package (the validation runs from it)."
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
  description = "arm64 or x86_64."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture: expected arm64 or x86_64."
  }
}

variable "log_retention_days" {
  description = "Days the validation's logs are kept."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
