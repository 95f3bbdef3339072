mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name   = "modelfn"
  api_id = "abc123"
  functions = [
    { title = "predict", function_name = "modelfn-predict" },
    { title = "batch", function_name = "modelfn-batch" },
    { title = "stream", function_name = "modelfn-stream" },
  ]
}

run "api_model_and_function_graphs" {
  command = plan
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 7
    error_message = "two API graphs, two model graphs, one graph per function"
  }
  assert {
    condition     = [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.title] == ["API requests and errors", "API latency (ms)", "Handler latency p50 / p99 (ms)", "Rows, errors, confidence", "predict", "batch", "stream"]
    error_message = "graph titles, in the CDK's order"
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[2].properties.metrics[1] == ["modelfn", "Latency", "Model", "fraud", { period = 60, stat = "p99" }]
    error_message = "p99 of the EMF Latency of the model"
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[6].properties.metrics[3] == ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", "modelfn-stream", { period = 60, stat = "Maximum" }] && jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[6].y == 18
    error_message = "per function: maximum concurrency; two graphs a row"
  }
}
