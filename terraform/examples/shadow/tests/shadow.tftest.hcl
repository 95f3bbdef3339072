mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  package_file        = "../../tests/fixtures/modelfn-aws-lambda.zip"
  candidate_model_uri = "s3://models-bucket/fraud/v2.onnx"
}

run "live_copies_a_sample_to_the_candidate" {
  command = apply
  assert {
    condition     = module.endpoint.environment["MODELFN_SHADOW_FUNCTION"] == module.shadow.shadow_alias_arn && module.endpoint.environment["MODELFN_SHADOW_SAMPLE_PERCENT"] == "10.0"
    error_message = "the predict function copies 10 % of requests to the shadow alias"
  }
  assert {
    condition     = contains(flatten([for s in jsondecode(module.endpoint.policy_json).Statement : s.Resource if s.Action == ["lambda:InvokeFunction"]]), module.shadow.shadow_alias_arn)
    error_message = "the predict function may invoke the shadow alias"
  }
}

run "package_uploaded_once" {
  command = plan
  variables {
    package_bucket = "deploy-bucket"
  }
  assert {
    condition     = aws_s3_object.package[0].bucket == "deploy-bucket" && startswith(aws_s3_object.package[0].key, "modelfn/packages/")
    error_message = "with package_bucket the package is uploaded once"
  }
}
