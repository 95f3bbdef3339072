package dev.modelfn.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTest {

  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @CsvSource(nullValues = "-", value = {
      "/v2, V2_SERVER_METADATA, -, -",
      "/v2/, V2_SERVER_METADATA, -, -",
      "/v2/health/live, V2_LIVE, -, -",
      "/v2/health/ready, V2_READY, -, -",
      "/ping, SAGEMAKER_PING, -, -",
      "/invocations, SAGEMAKER_INVOCATIONS, -, -",
      "/v2/models/fraud, V2_MODEL_METADATA, fraud, -",
      "/v2/models/fraud/versions/3, V2_MODEL_METADATA, fraud, 3",
      "/v2/models/fraud/ready, V2_MODEL_READY, fraud, -",
      "/v2/models/fraud/versions/3/ready, V2_MODEL_READY, fraud, 3",
      "/v2/models/fraud/infer, V2_INFER, fraud, -",
      "/v2/models/fraud/infer/, V2_INFER, fraud, -",
      "/v2/models/fraud/versions/2024-01/infer, V2_INFER, fraud, 2024-01",
      "/v2/models/fraud/infer-async, V2_INFER_ASYNC, fraud, -",
      "/v2/models/fraud/versions/2/infer-async, V2_INFER_ASYNC, fraud, 2",
      "/v2/jobs/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9, V2_JOB, -, -",
      "/v1/models/fraud, V1_MODEL_STATUS, fraud, -",
      "/v1/models/fraud/versions/7, V1_MODEL_STATUS, fraud, 7",
      "/v1/models/fraud:predict, V1_PREDICT, fraud, -",
      "/v1/models/fraud/versions/7:predict, V1_PREDICT, fraud, 7",
  })
  void matchesEveryRoute(String path, Route route, String model, String version) {
    Route.Match m = Route.match(path);
    assertThat(m).isNotNull();
    assertThat(m.route()).isEqualTo(route);
    assertThat(m.model()).isEqualTo(model);
    assertThat(m.version()).isEqualTo(version);
  }

  @org.junit.jupiter.api.Test
  void jobRouteCarriesTheJobId() {
    assertThat(Route.match("/v2/jobs/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9/").job())
        .isEqualTo("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "", "/v3", "/v2/models", "/v2/models/", "/v2/models//infer", "/v2/models/fraud/predict",
      "/v2/models/fraud/versions//infer", "/v2/models/fraud/infer/extra", "/v1/models/:predict",
      "/v1/models/a/b:predict", "/v1/models/fraud/versions/", "/v1/models/fraud/versions/:predict", "/invocations/x", "/pingx",
      "/v2/jobs", "/v2/jobs/", "/v2/jobs/a/b", "/v2/models/fraud/infer-async/x",
      "/v2/models/fraud/versions", "/v2/models/fraud//infer", "/v2/models/fraud/versions/3/infer/x",
      "/v2/models/fraud/inferx", "/v2/models/fraud/versions/3/readyy"})
  void unknownPathsDoNotMatch(String path) {
    assertThat(Route.match(path)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"V2_INFER", "V1_PREDICT", "SAGEMAKER_INVOCATIONS"})
  void inferenceRoutesArePosts(Route route) {
    assertThat(route.method()).isEqualTo("POST");
  }
}
