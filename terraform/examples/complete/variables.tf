variable "package_file" {
  description = "Path of the deployment package: build it with ./mvnw -pl functions/aws-lambda -am package -DskipTests."
  type        = string
  default     = "../../../functions/aws-lambda/target/modelfn-aws-lambda.zip"
}

variable "package_bucket" {
  description = "An existing bucket to upload the package to once (all functions read it there); null: each function uploads it directly."
  type        = string
  default     = null
}

variable "model_uri" {
  description = "The model: classpath:PATH.onnx inside the package (default the example model) or s3://BUCKET/KEY.onnx."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
}

variable "model_name" {
  description = "The name the model is served under."
  type        = string
  default     = "fraud"
}

variable "name" {
  description = "Name of the deployment (API name, prefix of every function and queue)."
  type        = string
  default     = "modelfn"
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "architecture" {
  description = "arm64 (default) or x86_64."
  type        = string
  default     = "arm64"
}

variable "modes" {
  description = "The modes besides synchronous HTTP: any of batch, stream, async."
  type        = set(string)
  default     = ["batch", "stream", "async"]
  validation {
    condition     = length(setsubtract(var.modes, ["batch", "stream", "async"])) == 0
    error_message = "modes: expected any of batch, stream, async."
  }
}

variable "release" {
  description = "canary (CodeDeploy, default), weighted (routing_config, no CodeDeploy), shadow, bluegreen or none."
  type        = string
  default     = "canary"
  validation {
    condition     = contains(["canary", "weighted", "shadow", "bluegreen", "none"], var.release)
    error_message = "release: expected canary, weighted, shadow, bluegreen or none."
  }
}

variable "auth" {
  description = "iam (default), jwt or none."
  type        = string
  default     = "iam"
}

variable "jwt_issuer" {
  description = "auth = jwt: the issuer URL."
  type        = string
  default     = null
}

variable "jwt_audiences" {
  description = "auth = jwt: the audiences."
  type        = list(string)
  default     = []
}

variable "canary_preset" {
  description = "release = canary: the CodeDeploy preset (canary-10-5, linear-10-1, ...)."
  type        = string
  default     = "canary-10-5"
}

variable "stable_version" {
  description = "release = weighted: the version `live` keeps (null: the new version takes all traffic)."
  type        = string
  default     = null
}

variable "canary_weight" {
  description = "release = weighted: the new version's share of traffic."
  type        = number
  default     = 0.1
}

variable "shadow_model_uri" {
  description = "release = shadow: the candidate model (default: the live model)."
  type        = string
  default     = null
}

variable "shadow_sample_percent" {
  description = "release = shadow: share of requests copied to the shadow."
  type        = number
  default     = 10
}

variable "active_color" {
  description = "release = bluegreen: blue or green."
  type        = string
  default     = "blue"
}

variable "blue_version" {
  description = "release = bluegreen: pins blue to a version number."
  type        = string
  default     = null
}

variable "green_version" {
  description = "release = bluegreen: pins green to a version number."
  type        = string
  default     = null
}

variable "generate_callback_secret" {
  description = "Generate the async callback signing key in Secrets Manager (false: put the value yourself)."
  type        = bool
  default     = true
}
