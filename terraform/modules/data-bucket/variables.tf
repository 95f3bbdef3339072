variable "name" {
  description = "Prefix of the bucket names (<name>-data-..., <name>-access-logs-...); lower case."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,24}$", var.name))
    error_message = "name: expected 1-25 lower-case letters, digits or '-' (S3 adds a unique suffix)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days before an overwritten or deleted object version is removed."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days: expected 1 or more."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days before unfinished multipart uploads are cleaned."
  type        = number
  default     = 7
  validation {
    condition     = var.abort_incomplete_multipart_days >= 1
    error_message = "abort_incomplete_multipart_days: expected 1 or more."
  }
}

variable "access_log_expiration_days" {
  description = "Days the server access logs are kept."
  type        = number
  default     = 90
  validation {
    condition     = var.access_log_expiration_days >= 1
    error_message = "access_log_expiration_days: expected 1 or more."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets (the CDK retains them; keep false in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
