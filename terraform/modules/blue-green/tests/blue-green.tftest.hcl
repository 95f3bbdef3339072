mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name          = "modelfn"
  function_name = "modelfn-predict"
  function_arn  = "arn:aws:lambda:eu-west-1:123456789012:function:modelfn-predict"
  new_version   = "5"
  package_file  = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "both_colours_on_the_new_version_live_on_blue" {
  command = apply
  assert {
    condition     = aws_lambda_alias.color["blue"].function_version == "5" && aws_lambda_alias.color["green"].function_version == "5"
    error_message = "unpinned colours take the version this apply published"
  }
  assert {
    condition     = output.live_version == "5" && output.active_color == "blue"
    error_message = "live on blue"
  }
  assert {
    condition     = module.validation[0].handler == "dev.modelfn.aws.GoldenReplayHandler::handleRequest" && module.validation[0].environment["MODELFN_GOLDEN_TARGET"] == "${var.function_arn}:5"
    error_message = "the replay checks the version going live"
  }
  assert {
    condition     = aws_lambda_invocation.validation[0].triggers["target"] == "${var.function_arn}:5" && aws_lambda_invocation.validation[0].function_name == module.validation[0].function_name
    error_message = "the replay runs when the version going live changes"
  }
  assert {
    condition     = module.validation[0].iam_actions == tolist(["lambda:InvokeFunction", "logs:CreateLogStream", "logs:PutLogEvents"]) && contains(flatten([for s in jsondecode(module.validation[0].policy_json).Statement : s.Resource if s.Action == ["lambda:InvokeFunction"]]), "${var.function_arn}:5")
    error_message = "the replay may invoke the version going live only"
  }
}

run "switch_to_green" {
  command = apply
  variables {
    blue_version = "4"
    active_color = "green"
  }
  assert {
    condition     = output.live_version == "5" && aws_lambda_alias.color["blue"].function_version == "4"
    error_message = "green (the new version 5) goes live, blue keeps 4"
  }
  assert {
    condition     = aws_lambda_invocation.validation[0].triggers["target"] == "${var.function_arn}:5"
    error_message = "the replay checked green before the switch"
  }
}

run "roll_back_to_blue" {
  command = apply
  variables {
    blue_version = "4"
    active_color = "blue"
  }
  assert {
    condition     = output.live_version == "4" && aws_lambda_invocation.validation[0].triggers["target"] == "${var.function_arn}:4"
    error_message = "the rollback is the same one-variable change"
  }
}

run "without_validation" {
  command = plan
  variables {
    validate = false
  }
  assert {
    condition     = length(aws_lambda_invocation.validation) == 0 && length(module.validation) == 0
    error_message = "validate = false: no replay"
  }
}

run "unknown_colour" {
  command = plan
  variables {
    active_color = "red"
  }
  expect_failures = [var.active_color]
}
