mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name         = "modelfn"
  package_file = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "shadow_alias_sampling_and_agreement_alarm" {
  command = apply

  assert {
    condition     = module.function.handler == "dev.modelfn.aws.ShadowCompareHandler::handleRequest" && module.function.snap_start && module.function.runtime == "java21"
    error_message = "expected the shadow handler on java21 with SnapStart"
  }
  assert {
    condition     = aws_lambda_alias.shadow.name == "shadow" && aws_lambda_alias.shadow.function_version == module.function.version
    error_message = "expected the shadow alias on the version this apply published"
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.shadow.qualifier == "shadow" && aws_lambda_function_event_invoke_config.shadow.maximum_retry_attempts == 0 && aws_lambda_function_event_invoke_config.shadow.maximum_event_age_in_seconds == 300
    error_message = "copies are not retried and expire after 5 minutes"
  }
  assert {
    condition     = output.predict_environment == tomap({ MODELFN_SHADOW_FUNCTION = aws_lambda_alias.shadow.arn, MODELFN_SHADOW_SAMPLE_PERCENT = "10.0" })
    error_message = "predict environment: ${jsonencode(output.predict_environment)}"
  }
  assert {
    condition     = output.predict_policy_statements[0].actions == ["lambda:InvokeFunction"] && output.predict_policy_statements[0].resources == [aws_lambda_alias.shadow.arn] && length(output.predict_policy_statements) == 1
    error_message = "the predict function may invoke the shadow alias only"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.agreement.metric_name == "ShadowAgreement" && aws_cloudwatch_metric_alarm.agreement.threshold == 0.95 && aws_cloudwatch_metric_alarm.agreement.comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.agreement.period == 300
    error_message = "agreement alarm: mean ShadowAgreement below 0.95 over 5-minute periods"
  }
  assert {
    condition     = module.function.iam_actions == tolist(["logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "the shadow's role: its logs only (a bundled model)"
  }
}

run "candidate_from_s3_and_a_fractional_sample" {
  command = apply
  variables {
    candidate_model_uri     = "s3://models-bucket/fraud/v3.onnx"
    candidate_model_version = "3"
    sample_percent          = 12.5
  }
  assert {
    condition     = output.predict_environment["MODELFN_SHADOW_SAMPLE_PERCENT"] == "12.5" && module.function.environment["MODELFN_MODEL_URI"] == "s3://models-bucket/fraud/v3.onnx" && module.function.environment["MODELFN_MODEL_VERSION"] == "3"
    error_message = "environment: ${jsonencode(module.function.environment)}"
  }
  assert {
    condition     = contains(module.function.iam_actions, "s3:GetObject")
    error_message = "the shadow reads the candidate's object"
  }
}

run "sample_out_of_range" {
  command = plan
  variables {
    sample_percent = 120
  }
  expect_failures = [var.sample_percent]
}
