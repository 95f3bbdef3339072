mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  package_file = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "live_follows_the_active_colour" {
  command = apply
  variables {
    blue_version = "7"
  }
  assert {
    condition     = module.endpoint.live_version == "7" && module.blue_green.versions["green"] == module.endpoint.version
    error_message = "live on blue (pinned to 7), green on the new version"
  }
}
