mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name         = "modelfn"
  package_file = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "predict_function_on_live_behind_an_iam_authorised_api" {
  command = apply

  assert {
    condition     = module.function.handler == "dev.modelfn.aws.PredictHttpHandler::handleRequest"
    error_message = "handler: expected dev.modelfn.aws.PredictHttpHandler::handleRequest"
  }
  assert {
    condition     = module.function.runtime == "java21" && module.function.architectures == tolist(["arm64"])
    error_message = "expected java21 on arm64"
  }
  assert {
    condition     = module.function.snap_start && module.function.memory_mb == 2048 && module.function.timeout_seconds == 30
    error_message = "expected SnapStart, 2048 MB, 30 s"
  }
  assert {
    condition = module.function.environment == tomap({
      MODELFN_MODEL_URI  = "classpath:models/fraud/fraud.onnx"
      MODELFN_MODEL_NAME = "fraud"
      JAVA_TOOL_OPTIONS  = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Donnxruntime.native.path=/var/task/native/linux-aarch64"
    })
    error_message = "environment: ${jsonencode(module.function.environment)}"
  }
  assert {
    condition     = module.function.iam_actions == tolist(["logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "IAM actions: ${jsonencode(module.function.iam_actions)}"
  }
  assert {
    condition     = aws_lambda_alias.live[0].name == "live" && aws_lambda_alias.live[0].function_version == module.function.version
    error_message = "live should point at the version this apply published"
  }
  assert {
    condition     = aws_apigatewayv2_integration.live.integration_uri == aws_lambda_alias.live[0].arn && aws_apigatewayv2_integration.live.payload_format_version == "2.0"
    error_message = "the routes should integrate with the live alias (payload 2.0), not the unqualified function"
  }
  assert {
    condition     = length(aws_apigatewayv2_route.this) == 16 && alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "AWS_IAM"])
    error_message = "expected the 16 routes, all with IAM authorization"
  }
  assert {
    condition     = alltrue([for p in aws_lambda_permission.api : p.qualifier == "live" && p.principal == "apigateway.amazonaws.com"])
    error_message = "API Gateway may invoke live only"
  }
  assert {
    condition     = aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 500 && aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 1000
    error_message = "expected throttling at 500 requests/s, burst 1000"
  }
  assert {
    condition     = aws_apigatewayv2_stage.default.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access_logs.arn && aws_cloudwatch_log_group.access_logs.retention_in_days == 30
    error_message = "expected access logs kept 30 days"
  }
  assert {
    condition     = length(aws_apigatewayv2_authorizer.jwt) == 0 && length(aws_lambda_alias.live_codedeploy) == 0
    error_message = "no JWT authorizer and no CodeDeploy-managed alias by default"
  }
}

run "jwt_when_asked" {
  command = plan
  variables {
    auth          = "jwt"
    jwt_issuer    = "https://auth.example.com/"
    jwt_audiences = ["client-1"]
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].issuer == "https://auth.example.com/" && alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "JWT"])
    error_message = "auth = jwt: expected a JWT authorizer on every route"
  }
}

run "open_only_by_name" {
  command = plan
  variables {
    auth = "open"
  }
  expect_failures = [var.auth]
}

run "x86_64_with_a_model_in_s3" {
  command = apply
  variables {
    architecture       = "x86_64"
    model_uri          = "s3://models-bucket/fraud/v2.onnx"
    model_version      = "2"
    sagemaker_endpoint = "Fraud-Endpoint"
  }
  assert {
    condition     = endswith(module.function.environment["JAVA_TOOL_OPTIONS"], "-Donnxruntime.native.path=/var/task/native/linux-x64")
    error_message = "x86_64: expected the linux-x64 native folder"
  }
  assert {
    condition     = module.function.environment["MODELFN_MODEL_VERSION"] == "2" && module.function.environment["MODELFN_PREDICTOR"] == "sagemaker" && module.function.environment["MODELFN_SAGEMAKER_ENDPOINT"] == "Fraud-Endpoint"
    error_message = "environment: ${jsonencode(module.function.environment)}"
  }
  assert {
    condition     = contains([for s in jsondecode(module.function.policy_json).Statement : s if s.Action == ["s3:GetObject"]][0].Resource, "arn:aws:s3:::models-bucket/fraud/v2.onnx")
    error_message = "expected s3:GetObject on the model's key only"
  }
  assert {
    condition     = contains(flatten([for s in jsondecode(module.function.policy_json).Statement : s.Resource if s.Action == ["sagemaker:InvokeEndpoint"]]), "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-endpoint")
    error_message = "expected sagemaker:InvokeEndpoint on that endpoint only"
  }
}

run "live_left_to_codedeploy" {
  command = plan
  variables {
    live_alias_managed_by = "codedeploy"
  }
  assert {
    condition     = length(aws_lambda_alias.live_codedeploy) == 1 && length(aws_lambda_alias.live) == 0
    error_message = "codedeploy: expected the alias whose version Terraform ignores"
  }
}

run "weighted_routing" {
  command = apply
  variables {
    live_version         = "3"
    live_routing_weights = { "4" = 0.1 }
  }
  assert {
    condition     = aws_lambda_alias.live[0].function_version == "3" && aws_lambda_alias.live[0].routing_config[0].additional_version_weights["4"] == 0.1
    error_message = "expected live on 3 with 10 % to version 4"
  }
}
