package dev.modelfn.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app ({@code cdk.json}): one {@link ModelfnStack} named by {@code -c stackName=…} (default
 * {@code Modelfn}), in the account and region of the CLI's credentials, checked by cdk-nag's
 * AwsSolutions pack on every synth.
 */
public final class ModelfnApp {
  private ModelfnApp() {}

  public static void main(String[] args) {
    App app = new App();
    build(app);
    app.synth();
  }

  /** Adds the stack and the checks to {@code app}. */
  public static ModelfnStack build(App app) {
    Object name = app.getNode().tryGetContext("stackName");
    String stackName = name == null ? "Modelfn" : name.toString();
    StackProps props = StackProps.builder()
        .description("modelfn: serverless ONNX model serving (sync HTTP, batch, stream, async)")
        .env(Environment.builder().account(System.getenv("CDK_DEFAULT_ACCOUNT"))
            .region(System.getenv("CDK_DEFAULT_REGION")).build())
        .build();
    ModelfnStack stack = new ModelfnStack(app, stackName, props, StackSettings.fromContext(app));
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }
}
