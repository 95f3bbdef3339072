variable "name" {
  description = "Queue name."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name: expected 1-80 letters, digits, '-' or '_'."
  }
}

variable "dead_letter_arn" {
  description = "The dead-letter queue of this work queue; null makes this queue a dead-letter place itself."
  type        = string
  default     = null
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
  default     = 3
  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count: expected 1 to 1000."
  }
}

variable "retention_seconds" {
  description = "Retention of a work queue (dead-letter queues keep 14 days)."
  type        = number
  default     = 345600
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout: six times the consuming function's timeout, at most 12 hours."
  type        = number
  default     = 30
  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds: expected 0 to 43200."
  }
}

variable "allow_s3_bucket_arn" {
  description = "A bucket whose event notifications may send to this queue, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags."
  type        = map(string)
  default     = {}
}
