# The model endpoint released blue-green: `live` on the active colour. Switch with
# `terraform apply -var active_color=green`; roll back with `-var active_color=blue`. The golden
# requests are replayed against the colour going live first; a mismatch fails the apply.

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

module "endpoint" {
  source       = "../../modules/model-endpoint"
  name         = var.name
  package_file = var.package_file
  package_s3   = local.package_s3
  model_uri    = var.model_uri
  model_name   = var.model_name
  live_version = module.blue_green.live_version
}

module "blue_green" {
  source        = "../../modules/blue-green"
  name          = var.name
  function_name = module.endpoint.function_name
  function_arn  = module.endpoint.function_arn
  new_version   = module.endpoint.version
  active_color  = var.active_color
  blue_version  = var.blue_version
  green_version = var.green_version
  package_file  = var.package_file
  package_s3    = local.package_s3
}
