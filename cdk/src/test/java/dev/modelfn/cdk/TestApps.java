package dev.modelfn.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** Apps and stacks for the construct tests: the real deployment package, a fixed account and region. */
final class TestApps {
  static final Environment ENV = Environment.builder().account("123456789012").region("eu-west-1").build();

  private TestApps() {}

  /** An app with the given context values (the package is copied into no assembly folder). */
  static App app(Map<String, Object> context) {
    java.util.HashMap<String, Object> ctx = new java.util.HashMap<>(context);
    ctx.put("aws:cdk:disable-asset-staging", true);
    return new App(AppProps.builder().context(ctx).analyticsReporting(false).build());
  }

  static Stack stack() {
    return new Stack(app(Map.of()), "Test", StackProps.builder().env(ENV).build());
  }

  static ModelPackage modelPackage(Stack stack) {
    return ModelPackage.builder().functionPackage(FunctionPackage.fromContext(stack)).build();
  }

  /** The {@code FunctionName} of the one event source mapping matching {@code props}, as text. */
  static String mappingTarget(software.amazon.awscdk.assertions.Template t, Map<String, Object> props) {
    Map<String, Map<String, Object>> found = t.findResources("AWS::Lambda::EventSourceMapping",
        Map.of("Properties", Match.objectLike(props)));
    if (found.size() != 1) {
      throw new AssertionError("expected one event source mapping like " + props + ", found " + found.size());
    }
    return String.valueOf(((Map<?, ?>) found.values().iterator().next().get("Properties")).get("FunctionName"));
  }

  /** cdk-nag AwsSolutions errors left unsuppressed in {@code stack}, as "path: message" lines. */
  static List<String> nagErrors(Stack stack) {
    Aspects.of(stack).add(new AwsSolutionsChecks());
    List<SynthesisMessage> errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    return errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).collect(Collectors.toList());
  }
}
