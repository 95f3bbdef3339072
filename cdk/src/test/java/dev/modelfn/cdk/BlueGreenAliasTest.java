package dev.modelfn.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class BlueGreenAliasTest {
  private static Template blueGreen(BlueGreenAlias.Props props) {
    Stack stack = TestApps.stack();
    new ModelEndpoint(stack, "Endpoint", TestApps.modelPackage(stack), ModelEndpoint.Props.defaults()
        .release(BlueGreenAlias.release(props)));
    return Template.fromStack(stack);
  }

  private static Object version(Template t, String alias) {
    Map<String, Map<String, Object>> found = t.findResources("AWS::Lambda::Alias", Map.of("Properties",
        Map.of("Name", alias)));
    assertThat(found).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> props = (Map<String, Object>) found.values().iterator().next().get("Properties");
    return props.get("FunctionVersion");
  }

  @Test
  void pointsLiveAtTheActiveColourAndKeepsThePinnedOne() {
    Template t = blueGreen(BlueGreenAlias.Props.defaults().activeColor("green").blueVersion("5"));
    assertThat(version(t, "blue")).isEqualTo("5");
    Object green = version(t, "green");
    assertThat(green).isInstanceOf(Map.class);
    List<?> att = (List<?>) ((Map<?, ?>) green).get("Fn::GetAtt");
    assertThat(att).hasSize(2);
    assertThat(att.get(0).toString()).startsWith("EndpointFunctionCurrentVersion");
    assertThat(att.get(1)).isEqualTo("Version");
    assertThat(version(t, "live")).isEqualTo(version(t, "green"));
    // Rolling back is one context value.
    Template back = blueGreen(BlueGreenAlias.Props.defaults().activeColor("blue").blueVersion("5"));
    assertThat(version(back, "live")).isEqualTo("5");
  }

  @Test
  void replaysGoldenRequestsAgainstTheColourAboutToGoLiveBeforeSwitching() {
    Template t = blueGreen(BlueGreenAlias.Props.defaults().activeColor("green").blueVersion("5"));
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", GoldenReplay.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_GOLDEN_TARGET",
            Map.of("Ref", Match.stringLikeRegexp("EndpointFunctionCurrentVersion.*")))))));
    Map<String, Map<String, Object>> triggers = t.findResources("Custom::Trigger", Map.of());
    assertThat(triggers).hasSize(1);
    String trigger = triggers.keySet().iterator().next();
    t.hasResource("AWS::Lambda::Alias", Map.of("Properties", Map.of("Name", "live", "FunctionName", Match.anyValue(),
        "FunctionVersion", Match.anyValue(), "Description", Match.anyValue()),
        "DependsOn", Match.arrayWith(List.of(trigger))));
  }

  @Test
  void checksThePinnedVersionOfTheSwitchTarget() {
    Template t = blueGreen(BlueGreenAlias.Props.defaults().activeColor("blue").blueVersion("5"));
    t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", GoldenReplay.HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("MODELFN_GOLDEN_TARGET",
            Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(
                "EndpointFunction[0-9A-F]+"), "Arn")), ":5"))))))));
  }

  @Test
  void refusesUnknownColoursAndVersions() {
    assertThatThrownBy(() -> BlueGreenAlias.Props.defaults().activeColor("red")).hasMessageContaining("blue or green");
    assertThatThrownBy(() -> blueGreen(BlueGreenAlias.Props.defaults().greenVersion("$LATEST")))
        .hasMessageContaining("published version number");
  }
}
