# The model endpoint released blue-green: `live` on the active colour. Switch with
# `terraform apply -var active_color=green`; roll back with `-var active_color=blue`. The golden
# requests are replayed against the colour going live first; a mismatch fails the apply.

provider "aws" {
  region = var.region
  default_tags {
    tags = { "modelfn:deployment" = var.name }
  }
}

module "endpoint" {
  source       = "../../modules/model-endpoint"
  name         = var.name
  package_file = var.package_file
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
}
