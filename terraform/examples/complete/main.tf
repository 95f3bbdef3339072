# Every mode plus a release strategy, as the CDK's ModelfnStack deploys them: the model endpoint,
# batch scoring, stream inference and async inference sharing one data bucket, and the release
# strategy chosen by `release` (canary with CodeDeploy by default).

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

locals {
  needs_data = contains(var.modes, "batch") || contains(var.modes, "async")
  canary     = contains(["canary", "weighted"], var.release)
}

module "data" {
  source = "../../modules/data-bucket"
  count  = local.needs_data ? 1 : 0
  name   = lower(var.name)
}

module "async" {
  source           = "../../modules/async-inference"
  count            = contains(var.modes, "async") ? 1 : 0
  name             = var.name
  package_file     = var.package_file
  package_s3       = local.package_s3
  model_uri        = var.model_uri
  model_name       = var.model_name
  architecture     = var.architecture
  data_bucket_name = module.data[0].bucket_name
  data_bucket_arn  = module.data[0].bucket_arn
  generate_secret  = var.generate_callback_secret
}

module "shadow" {
  source              = "../../modules/shadow-traffic"
  count               = var.release == "shadow" ? 1 : 0
  name                = var.name
  package_file        = var.package_file
  package_s3          = local.package_s3
  candidate_model_uri = coalesce(var.shadow_model_uri, var.model_uri)
  model_name          = var.model_name
  architecture        = var.architecture
  sample_percent      = var.shadow_sample_percent
}

module "endpoint" {
  source        = "../../modules/model-endpoint"
  name          = var.name
  package_file  = var.package_file
  package_s3    = local.package_s3
  model_uri     = var.model_uri
  model_name    = var.model_name
  architecture  = var.architecture
  auth          = var.auth
  jwt_issuer    = var.jwt_issuer
  jwt_audiences = var.jwt_audiences

  # Submit and status of async jobs, and the copies to the shadow, run on the predict function.
  environment = merge(concat(
    [for m in module.async : m.predict_environment],
    [for m in module.shadow : m.predict_environment],
  )...)
  policy_statements = flatten(concat(
    [for m in module.async : m.predict_policy_statements],
    [for m in module.shadow : m.predict_policy_statements],
  ))

  live_alias_managed_by = var.release == "canary" ? "codedeploy" : "terraform"
  live_version          = var.release == "bluegreen" ? module.blue_green[0].live_version : (local.canary ? module.canary[0].live_version : null)
  live_routing_weights  = local.canary ? module.canary[0].live_routing_weights : {}
}

module "canary" {
  source               = "../../modules/canary-release"
  count                = local.canary ? 1 : 0
  name                 = var.name
  strategy             = var.release == "canary" ? "codedeploy" : "weighted"
  preset               = var.canary_preset
  function_name        = module.endpoint.function_name
  current_version      = module.endpoint.live_version
  target_version       = module.endpoint.version
  target_qualified_arn = module.endpoint.qualified_arn
  stable_version       = var.stable_version
  canary_weight        = var.canary_weight
  model_name           = var.model_name
  package_file         = var.package_file
  package_s3           = local.package_s3
  architecture         = var.architecture
}

module "blue_green" {
  source        = "../../modules/blue-green"
  count         = var.release == "bluegreen" ? 1 : 0
  name          = var.name
  function_name = module.endpoint.function_name
  function_arn  = module.endpoint.function_arn
  new_version   = module.endpoint.version
  active_color  = var.active_color
  blue_version  = var.blue_version
  green_version = var.green_version
  package_file  = var.package_file
  package_s3    = local.package_s3
  architecture  = var.architecture
}

module "batch" {
  source           = "../../modules/batch-scoring"
  count            = contains(var.modes, "batch") ? 1 : 0
  name             = var.name
  package_file     = var.package_file
  package_s3       = local.package_s3
  model_uri        = var.model_uri
  model_name       = var.model_name
  architecture     = var.architecture
  data_bucket_name = module.data[0].bucket_name
  data_bucket_arn  = module.data[0].bucket_arn
}

module "stream" {
  source       = "../../modules/stream-inference"
  count        = contains(var.modes, "stream") ? 1 : 0
  name         = var.name
  package_file = var.package_file
  package_s3   = local.package_s3
  model_uri    = var.model_uri
  model_name   = var.model_name
  architecture = var.architecture
}

module "dashboard" {
  source     = "../../modules/model-dashboard"
  name       = var.name
  api_id     = module.endpoint.api_id
  model_name = var.model_name
  functions = concat(
    [{ title = "${var.name}/predict", function_name = module.endpoint.function_name }],
    [for m in module.batch : { title = "${var.name}/batch", function_name = m.function_name }],
    [for m in module.stream : { title = "${var.name}/stream", function_name = m.function_name }],
    [for m in module.async : { title = "${var.name}/async-worker", function_name = m.worker_function_name }],
  )
}
