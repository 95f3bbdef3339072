# Blue-green release by alias swap, as the CDK's BlueGreenAlias: aliases `blue` and `green`, each on
# a version, and `live` (in model-endpoint) on the active colour's version via the live_version
# output. A colour pinned to a version number keeps it; an unpinned colour takes the version this
# apply publishes. Switching is one variable (active_color = "green"), and so is the rollback
# (active_color = "blue"). Before `live` moves, the golden requests are replayed against the colour
# about to go live; a mismatch is a function error, which fails the apply and leaves `live` as it was.

locals {
  versions = {
    blue  = coalesce(var.blue_version, var.new_version)
    green = coalesce(var.green_version, var.new_version)
  }
  active_version       = local.versions[var.active_color]
  active_qualified_arn = "${var.function_arn}:${local.active_version}"
}

resource "aws_lambda_alias" "color" {
  for_each         = local.versions
  name             = each.key
  description      = "the ${each.key} colour"
  function_name    = var.function_name
  function_version = each.value
}

module "validation" {
  source = "../lambda-function"
  count  = var.validate ? 1 : 0

  function_name      = "${var.name}-pre-switch-validation"
  description        = "golden-request replay (pre-switch validation)"
  handler            = "dev.modelfn.aws.GoldenReplayHandler::handleRequest"
  package_file       = var.package_file
  package_s3         = var.package_s3
  architecture       = var.architecture
  memory_mb          = 512
  timeout_seconds    = 300
  jvm_options        = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  with_model         = false
  publish            = false
  environment        = { MODELFN_GOLDEN_TARGET = local.active_qualified_arn }
  policy_statements  = [{ actions = ["lambda:InvokeFunction"], resources = [local.active_qualified_arn] }]
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

# Runs on create and whenever the colour going live (or its version) changes; the provider fails
# the apply when the function reports an error, so `live` (which depends on this) does not move.
resource "aws_lambda_invocation" "validation" {
  count         = var.validate ? 1 : 0
  function_name = module.validation[0].function_name
  input         = jsonencode({ target = local.active_qualified_arn, color = var.active_color })
  triggers = {
    target = local.active_qualified_arn
  }
}
