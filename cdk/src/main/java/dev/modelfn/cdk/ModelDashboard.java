package dev.modelfn.cdk;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * One CloudWatch dashboard for a deployment: the API (requests, 4xx, 5xx, latency), the model
 * (EMF latency p50/p99, model latency, rows, confidence), and per function invocations, errors,
 * throttles and concurrency.
 */
public final class ModelDashboard extends Construct {
  private final Dashboard dashboard;

  public ModelDashboard(Construct scope, String id, ModelEndpoint endpoint, List<IFunction> otherFunctions) {
    super(scope, id);
    ModelMetrics m = new ModelMetrics(endpoint.modelPackage());
    Duration p = Duration.minutes(1);
    MetricOptions per = MetricOptions.builder().period(p).build();
    List<IWidget> row1 = List.of(
        graph("API requests and errors", List.of(endpoint.api().metricCount(per), endpoint.api().metricClientError(per),
            endpoint.api().metricServerError(per))),
        graph("API latency (ms)", List.of(endpoint.api().metricLatency(per), endpoint.api().metricIntegrationLatency(per))));
    List<IWidget> row2 = List.of(
        graph("Handler latency p50 / p99 (ms)", List.of(m.stat("Latency", "p50", p), m.stat("Latency", "p99", p),
            m.stat("ModelLatency", "p99", p))),
        graph("Rows, errors, confidence", List.of(m.sum("Rows", p), m.sum("Errors", p), m.sum("ClientErrors", p),
            m.stat("Confidence", "Average", p))));
    List<IFunction> functions = new ArrayList<>();
    functions.add(endpoint.function());
    functions.addAll(otherFunctions);
    List<IWidget> row3 = new ArrayList<>();
    for (IFunction f : functions) {
      row3.add(graph(f.getNode().getPath().replace("/Function", ""), List.of(f.metricInvocations(per),
          f.metricErrors(per), f.metricThrottles(per), f.metric("ConcurrentExecutions",
              MetricOptions.builder().period(p).statistic("Maximum").build()))));
    }
    this.dashboard = Dashboard.Builder.create(this, "Dashboard").widgets(List.of(row1, row2, row3)).build();
  }

  private static GraphWidget graph(String title, List<IMetric> metrics) {
    return GraphWidget.Builder.create().title(title).left(metrics).width(12).height(6).build();
  }

  public Dashboard dashboard() {
    return dashboard;
  }
}
