# Every release strategy of the complete example, applied against a mocked AWS provider (no
# account, no network). CdkParityTest runs this with -json -verbose and compares each run's state
# with the CDK template of the same release.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  package_file = "../../tests/fixtures/modelfn-aws-lambda.zip"
}

run "canary" {
  command = apply
  variables {
    release = "canary"
  }
  assert {
    condition     = length(module.canary) == 1 && module.canary[0].codedeploy_deployment_group != null
    error_message = "release = canary: expected a CodeDeploy deployment group"
  }
}

run "weighted" {
  command = apply
  variables {
    release        = "weighted"
    stable_version = "3"
    canary_weight  = 0.2
  }
  assert {
    condition     = module.endpoint.live_version == "3"
    error_message = "release = weighted: live should stay on the stable version"
  }
}

run "shadow" {
  command = apply
  variables {
    release = "shadow"
  }
  assert {
    condition     = module.endpoint.environment["MODELFN_SHADOW_SAMPLE_PERCENT"] == "10.0"
    error_message = "release = shadow: the predict function should copy 10.0 % of requests"
  }
}

run "bluegreen" {
  command = apply
  variables {
    release = "bluegreen"
  }
  assert {
    condition     = module.endpoint.live_version == module.endpoint.version
    error_message = "release = bluegreen: live should be on blue, the version this apply published"
  }
}

run "none" {
  command = apply
  variables {
    release = "none"
  }
  assert {
    condition     = length(module.canary) == 0 && length(module.shadow) == 0 && length(module.blue_green) == 0
    error_message = "release = none: expected no release resources"
  }
}
