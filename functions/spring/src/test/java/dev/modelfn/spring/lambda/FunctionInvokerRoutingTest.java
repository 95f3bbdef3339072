package dev.modelfn.spring.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.cloud.function.context.FunctionalSpringApplication;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry.FunctionInvocationWrapper;
import org.springframework.cloud.function.context.config.RoutingFunction;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.messaging.Message;

/**
 * No header-driven routing under {@code FunctionInvoker} (CVE-2022-22963): routing headers in an
 * API Gateway event neither pick another function nor get evaluated; the context holds the pinned
 * function only, and does not start without a definition or with a composition or the router.
 */
class FunctionInvokerRoutingTest {
  private static FunctionInvoker invoker;

  @BeforeAll
  static void start() {
    invoker = Invokers.start(LambdaFunctions.PREDICT, FunctionInvokerHttpEventsTest.ENV);
  }

  @Test
  void answersAnEventWithRoutingHeadersAsTheSameEventWithout() throws Exception {
    System.clearProperty("modelfn.routed");
    byte[] routed = Invokers.invoke(invoker, Fixtures.bytes("spring/api-v2-routing-headers.json"), "id-1");
    byte[] plain = Invokers.invoke(invoker, Fixtures.bytes("http/api-v2/infer-oip.json"), "id-1");

    assertThat(new String(routed, StandardCharsets.UTF_8)).isEqualTo(new String(plain, StandardCharsets.UTF_8));
    assertThat(FunctionInvokerHttpEventsTest.readable(Json.mapper().readTree(routed)))
        .isEqualTo(Json.mapper().readTree(Fixtures.path("http/api-v2/infer-oip.expected.json").toFile()));
    assertThat(System.getProperty("modelfn.routed")).as("the routing expression was evaluated").isNull();
  }

  /**
   * The Lambda functions plus one more function in the context, {@code spy}, which records a call:
   * the target a routing header would name.
   */
  public static class WithSpy extends LambdaFunctions {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public void initialize(GenericApplicationContext context) {
      super.initialize(context);
      Function<Message<InputStream>, byte[]> spy = m -> {
        CALLS.incrementAndGet();
        return "spied".getBytes(StandardCharsets.UTF_8);
      };
      context.registerBean("spy", FunctionRegistration.class,
          () -> new FunctionRegistration<>(spy, "spy").type(LambdaFunctions.FUNCTION_TYPE));
    }
  }

  @Test
  void routingHeadersDoNotSelectAnotherFunctionOfTheContext() throws Exception {
    FunctionInvoker withSpy = Invokers.start(WithSpy.class, LambdaFunctions.PREDICT, FunctionInvokerHttpEventsTest.ENV);
    byte[] routed = Fixtures.bytes("spring/api-v2-routing-headers.json");
    // every routing header names the spy: the definition, the routing expression, function.name
    String asSpy = new String(routed, StandardCharsets.UTF_8).replace("\"scoreRecords\"", "\"spy\"")
        .replace("T(java.lang.System).setProperty('modelfn.routed','yes')", "'spy'");
    assertThat(asSpy).contains("\"spring.cloud.function.definition\": \"spy\"",
        "\"spring.cloud.function.routing-expression\": \"'spy'\"", "\"function.name\": \"spy\"");

    byte[] answer = Invokers.invoke(withSpy, asSpy.getBytes(StandardCharsets.UTF_8), "id-2");

    assertThat(WithSpy.CALLS).hasValue(0);
    assertThat(FunctionInvokerHttpEventsTest.readable(Json.mapper().readTree(answer)))
        .isEqualTo(Json.mapper().readTree(Fixtures.path("http/api-v2/infer-oip.expected.json").toFile()));
  }

  @Test
  void holdsThePinnedFunctionAndNoRouter() {
    Map<String, String> props = new HashMap<>(FunctionInvokerHttpEventsTest.ENV);
    props.put("spring.cloud.function.definition", LambdaFunctions.PREDICT);
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    try (ConfigurableApplicationContext context = FunctionalSpringApplication.run(LambdaFunctions.class, args)) {
      FunctionCatalog catalog = context.getBean(FunctionCatalog.class);
      assertThat(catalog.getNames(null)).containsExactly(LambdaFunctions.PREDICT);
      // whatever name is looked up, the one function there is the pinned one (never a router)
      FunctionInvocationWrapper router = catalog.lookup(RoutingFunction.FUNCTION_NAME);
      assertThat(router.getTarget()).isInstanceOf(PredictEventFunction.class);
      assertThat(context.containsBean(RoutingFunction.FUNCTION_NAME)).isFalse();
    }
  }

  @Test
  void refusesToStartWithoutADefinition() {
    assertThatThrownBy(() -> Invokers.start(null, FunctionInvokerHttpEventsTest.ENV))
        .hasStackTraceContaining("spring.cloud.function.definition is not set");
  }

  @Test
  void refusesToStartWithTheRouterOrACompositionAsDefinition() {
    for (String definition : new String[] {RoutingFunction.FUNCTION_NAME, "predict|scoreRecords", "predict,scoreObject",
        "predict;scoreRecords"}) {
      assertThatThrownBy(() -> Invokers.start(definition, FunctionInvokerHttpEventsTest.ENV)).as(definition)
          .hasStackTraceContaining("no compositions, no routing");
    }
  }
}
