package dev.modelfn.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.AssetCode;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The Lambda deployment package every modelfn function runs: {@code
 * functions/aws-lambda/target/modelfn-aws-lambda.zip} (one shaded jar, the Linux ONNX Runtime
 * natives, the example model, the golden requests). One asset per stack, however many functions use
 * it.
 */
public final class FunctionPackage {
  /** Context key (or {@code -c functionPackage=PATH}) naming another zip. */
  public static final String CONTEXT_KEY = "functionPackage";
  /** Where the build writes the package, relative to the project's root. */
  public static final String BUILD_PATH = "functions/aws-lambda/target/modelfn-aws-lambda.zip";

  private final Path zip;
  private final Map<String, AssetCode> codeByStack = new HashMap<>();

  private FunctionPackage(Path zip) {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalArgumentException("function package not found: " + zip
          + ". Build it with: ./mvnw -pl functions/aws-lambda -am package -DskipTests");
    }
    this.zip = zip.toAbsolutePath().normalize();
  }

  /** A package at an explicit path. */
  public static FunctionPackage at(Path zip) {
    return new FunctionPackage(zip);
  }

  /**
   * The package named by the {@value #CONTEXT_KEY} context value, else the one the build writes,
   * found from the working directory upwards (so {@code cdk synth} works in {@code cdk/} and tests
   * work in any module).
   */
  public static FunctionPackage fromContext(Construct scope) {
    Object given = scope.getNode().tryGetContext(CONTEXT_KEY);
    if (given != null && !given.toString().isBlank()) {
      return at(Path.of(given.toString()));
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("functions/aws-lambda"))) {
        return at(d.resolve(BUILD_PATH));
      }
    }
    throw new IllegalArgumentException("cannot find the modelfn project above " + dir
        + "; pass the deployment package with -c " + CONTEXT_KEY + "=PATH/modelfn-aws-lambda.zip");
  }

  /** The zip's absolute path. */
  public Path path() {
    return zip;
  }

  /** The package as Lambda code: one asset for each stack it is used in. */
  public synchronized Code code(Construct scope) {
    String stack = Stack.of(scope).getNode().getPath();
    return codeByStack.computeIfAbsent(stack, s -> Code.fromAsset(zip.toString()));
  }
}
