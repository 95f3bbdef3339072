# The model endpoint with a shadow: the live model answers every caller; a sampled share of
# requests is copied to the candidate, which compares and emits ShadowAgreement metrics.

provider "aws" {
  region = var.region
  default_tags {
    tags = { "modelfn:deployment" = var.name }
  }
}

# With package_bucket, the package is uploaded once and every function reads it from there (as
# the CDK's asset); without, each function uploads it directly (Lambda allows 50 MB zipped).
resource "aws_s3_object" "package" {
  count       = var.package_bucket == null ? 0 : 1
  bucket      = var.package_bucket
  key         = "modelfn/packages/${filemd5(var.package_file)}.zip"
  source      = var.package_file
  source_hash = filemd5(var.package_file)
}

locals {
  package_s3 = var.package_bucket == null ? null : {
    bucket  = aws_s3_object.package[0].bucket
    key     = aws_s3_object.package[0].key
    version = null
  }
}

module "shadow" {
  source              = "../../modules/shadow-traffic"
  name                = var.name
  package_file        = var.package_file
  package_s3          = local.package_s3
  candidate_model_uri = var.candidate_model_uri
  model_name          = var.model_name
  sample_percent      = var.sample_percent
}

module "endpoint" {
  source            = "../../modules/model-endpoint"
  name              = var.name
  package_file      = var.package_file
  package_s3        = local.package_s3
  model_uri         = var.model_uri
  model_name        = var.model_name
  environment       = module.shadow.predict_environment
  policy_statements = module.shadow.predict_policy_statements
}
