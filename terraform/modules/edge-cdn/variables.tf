variable "name" {
  description = "Prefix of the names (buckets <name>-edge-..., cache policies, the publisher role); lower case."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,24}$", var.name))
    error_message = "name: expected 1-25 lower-case letters, digits or '-'."
  }
}

variable "pointer_ttl_seconds" {
  description = "How long CDN edges may serve a channel pointer (each publish also invalidates it), 0 to 300."
  type        = number
  default     = 30
  validation {
    condition     = var.pointer_ttl_seconds >= 0 && var.pointer_ttl_seconds <= 300
    error_message = "pointer_ttl_seconds: expected 0 to 300 (devices must see a rollback soon)."
  }
}

variable "log_retention_days" {
  description = "Days the bucket's and the distribution's access logs are kept."
  type        = number
  default     = 90
  validation {
    condition     = var.log_retention_days >= 1
    error_message = "log_retention_days: expected 1 or more."
  }
}

variable "publisher_arns" {
  description = "Who may assume the publisher role (a CI role, a user); empty: the account's root, as in the CDK."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.publisher_arns : startswith(a, "arn:")])
    error_message = "publisher_arns: expected IAM ARNs."
  }
}

variable "certificate_arn" {
  description = "A custom domain's ACM certificate (in us-east-1); with domain_names. null: the *.cloudfront.net name."
  type        = string
  default     = null
}

variable "domain_names" {
  description = "The names the certificate covers."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets (the CDK retains them)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
