mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name   = "modelfn-test"
  description     = "test"
  handler         = "dev.modelfn.aws.PredictHttpHandler::handleRequest"
  package_file    = "../../tests/fixtures/modelfn-aws-lambda.zip"
  memory_mb       = 512
  timeout_seconds = 10
  jvm_options     = "-XX:TieredStopAtLevel=1"
}

run "own_role_own_logs" {
  command = apply
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "logs to its own group, kept 30 days"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy).Statement[0].Resource == ["${aws_cloudwatch_log_group.this.arn}:*"] && aws_iam_role_policy.this.role == aws_iam_role.this.id
    error_message = "writes to its own log group only"
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "assumed by Lambda"
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1 && aws_lambda_function.this.publish
    error_message = "no reserved concurrency by default; versions published"
  }
}

run "refuses_a_variable_modelfn_does_not_read" {
  command = plan
  variables {
    environment = { MODELFN_MODLE_URI = "typo" }
  }
  expect_failures = [aws_lambda_function.this]
}

run "refuses_wildcard_actions" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:*"], resources = ["arn:aws:s3:::b/*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "code_from_an_s3_object" {
  command = plan
  variables {
    package_s3 = { bucket = "deploy-bucket", key = "modelfn/packages/abc.zip" }
  }
  assert {
    condition     = aws_lambda_function.this.s3_bucket == "deploy-bucket" && aws_lambda_function.this.s3_key == "modelfn/packages/abc.zip" && aws_lambda_function.this.filename == null
    error_message = "with package_s3 the code comes from the object, not a direct upload"
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256(var.package_file)
    error_message = "the local package still gives the code hash"
  }
}
