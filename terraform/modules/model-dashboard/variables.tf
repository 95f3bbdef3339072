variable "name" {
  description = "Name of the dashboard."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name: expected 1-255 letters, digits, '-' or '_'."
  }
}

variable "api_id" {
  description = "The HTTP API (model-endpoint's api_id)."
  type        = string
}

variable "model_name" {
  description = "The Model dimension of the EMF metrics."
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

variable "functions" {
  description = "One graph each (invocations, errors, throttles, concurrency): a title and a function name, the predict function first."
  type = list(object({
    title         = string
    function_name = string
  }))
  validation {
    condition     = length(var.functions) >= 1
    error_message = "functions: expected at least the predict function."
  }
}
