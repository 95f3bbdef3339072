# The model endpoint with a shadow: the live model answers every caller; a sampled share of
# requests is copied to the candidate, which compares and emits ShadowAgreement metrics.

provider "aws" {
  region = var.region
  default_tags {
    tags = { "modelfn:deployment" = var.name }
  }
}

module "shadow" {
  source              = "../../modules/shadow-traffic"
  name                = var.name
  package_file        = var.package_file
  candidate_model_uri = var.candidate_model_uri
  model_name          = var.model_name
  sample_percent      = var.sample_percent
}

module "endpoint" {
  source            = "../../modules/model-endpoint"
  name              = var.name
  package_file      = var.package_file
  model_uri         = var.model_uri
  model_name        = var.model_name
  environment       = module.shadow.predict_environment
  policy_statements = module.shadow.predict_policy_statements
}
