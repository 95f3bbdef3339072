# One CloudWatch dashboard for a deployment, as the CDK's ModelDashboard: the API (requests, 4xx,
# 5xx, latency), the model (EMF latency p50/p99, model latency, rows, errors, confidence), and per
# function invocations, errors, throttles and concurrency.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  ns     = var.metrics_namespace
  model  = var.model_name
  minute = { period = 60 }

  graphs = concat(
    [
      {
        title = "API requests and errors"
        metrics = [
          ["AWS/ApiGateway", "Count", "ApiId", var.api_id, merge(local.minute, { stat = "SampleCount" })],
          ["AWS/ApiGateway", "4xx", "ApiId", var.api_id, merge(local.minute, { stat = "Sum" })],
          ["AWS/ApiGateway", "5xx", "ApiId", var.api_id, merge(local.minute, { stat = "Sum" })],
        ]
      },
      {
        title = "API latency (ms)"
        metrics = [
          ["AWS/ApiGateway", "Latency", "ApiId", var.api_id, local.minute],
          ["AWS/ApiGateway", "IntegrationLatency", "ApiId", var.api_id, local.minute],
        ]
      },
      {
        title = "Handler latency p50 / p99 (ms)"
        metrics = [
          [local.ns, "Latency", "Model", local.model, merge(local.minute, { stat = "p50" })],
          [local.ns, "Latency", "Model", local.model, merge(local.minute, { stat = "p99" })],
          [local.ns, "ModelLatency", "Model", local.model, merge(local.minute, { stat = "p99" })],
        ]
      },
      {
        title = "Rows, errors, confidence"
        metrics = [
          [local.ns, "Rows", "Model", local.model, merge(local.minute, { stat = "Sum" })],
          [local.ns, "Errors", "Model", local.model, merge(local.minute, { stat = "Sum" })],
          [local.ns, "ClientErrors", "Model", local.model, merge(local.minute, { stat = "Sum" })],
          [local.ns, "Confidence", "Model", local.model, merge(local.minute, { stat = "Average" })],
        ]
      },
    ],
    [for f in var.functions : {
      title = f.title
      metrics = [
        ["AWS/Lambda", "Invocations", "FunctionName", f.function_name, merge(local.minute, { stat = "Sum" })],
        ["AWS/Lambda", "Errors", "FunctionName", f.function_name, merge(local.minute, { stat = "Sum" })],
        ["AWS/Lambda", "Throttles", "FunctionName", f.function_name, merge(local.minute, { stat = "Sum" })],
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", f.function_name, merge(local.minute, { stat = "Maximum" })],
      ]
    }],
  )

  # Two 12-wide graphs a row, as the CDK lays them out.
  body = {
    widgets = [for i, g in local.graphs : {
      type   = "metric"
      width  = 12
      height = 6
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      properties = {
        view    = "timeSeries"
        title   = g.title
        region  = local.region
        metrics = g.metrics
        yAxis   = {}
      }
    }]
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode(local.body)
}
