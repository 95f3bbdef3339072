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
  description = "The model of the version this apply publishes: classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
}

variable "model_name" {
  description = "The name the model is served under."
  type        = string
  default     = "fraud"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "modelfn-bg"
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "active_color" {
  description = "The colour `live` points at: blue or green."
  type        = string
  default     = "blue"
}

variable "blue_version" {
  description = "Pins blue to a published version number (null: the version this apply publishes)."
  type        = string
  default     = null
}

variable "green_version" {
  description = "Pins green to a published version number (null: the version this apply publishes)."
  type        = string
  default     = null
}
