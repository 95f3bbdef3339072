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
  description = "The live model: classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
}

variable "candidate_model_uri" {
  description = "The candidate the shadow scores with: classpath:PATH.onnx or s3://BUCKET/KEY.onnx."
  type        = string
  default     = "classpath:models/fraud/fraud.onnx"
}

variable "model_name" {
  description = "The name the model is served under."
  type        = string
  default     = "fraud"
}

variable "sample_percent" {
  description = "Share of requests copied to the shadow, 0 to 100."
  type        = number
  default     = 10
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "modelfn-shadow"
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}
