package dev.modelfn.cdk;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.services.lambda.Architecture;
import software.constructs.Construct;

/**
 * The example app's choices, from context values ({@code cdk deploy -c release=shadow -c
 * modes=batch,async}); every value has a default and a wrong one is named in the error.
 *
 * @param release {@code canary} (default), {@code shadow}, {@code bluegreen} or {@code none}
 * @param modes the modes besides synchronous HTTP: any of {@code batch}, {@code stream}, {@code async}
 */
public record StackSettings(String release, Set<String> modes, String authKind, String jwtIssuer,
    List<String> jwtAudiences, String modelPath, String modelName, String modelVersion, String shadowModelPath,
    String shadowModelVersion, double shadowSamplePercent, String canaryPreset, String activeColor,
    String blueVersion, String greenVersion, Architecture architecture, Integer reservedConcurrency,
    String sageMakerAsyncEndpoint) {
  private static final Set<String> MODES = Set.of("batch", "stream", "async");

  public StackSettings {
    modes = Set.copyOf(modes);
    for (String m : modes) {
      if (!MODES.contains(m)) {
        throw new IllegalArgumentException("modes: expected a comma-separated list of batch, stream, async, got '"
            + m + "'");
      }
    }
    jwtAudiences = List.copyOf(jwtAudiences);
  }

  /** Reads the context of {@code scope} (the app). */
  public static StackSettings fromContext(Construct scope) {
    String arch = text(scope, "architecture", "arm64");
    Architecture architecture = switch (arch) {
      case "arm64" -> Architecture.ARM_64;
      case "x86_64" -> Architecture.X86_64;
      default -> throw new IllegalArgumentException("architecture: expected arm64 or x86_64, got '" + arch + "'");
    };
    String reserved = text(scope, "reservedConcurrency", null);
    String sample = text(scope, "shadowSamplePercent", "10");
    return new StackSettings(
        text(scope, "release", "canary"),
        list(text(scope, "modes", "batch,stream,async")),
        text(scope, "auth", "iam"),
        text(scope, "jwtIssuer", null),
        List.copyOf(list(text(scope, "jwtAudience", ""))),
        text(scope, "modelPath", null),
        text(scope, "modelName", "fraud"),
        text(scope, "modelVersion", null),
        text(scope, "shadowModelPath", null),
        text(scope, "shadowModelVersion", null),
        number(sample, "shadowSamplePercent"),
        text(scope, "canaryPreset", "canary-10-5"),
        text(scope, "activeColor", "blue"),
        text(scope, "blueVersion", null),
        text(scope, "greenVersion", null),
        architecture,
        reserved == null ? null : (int) number(reserved, "reservedConcurrency"),
        text(scope, "sageMakerAsyncEndpoint", null));
  }

  ApiAuth auth() {
    return ApiAuth.parse(authKind, jwtIssuer, jwtAudiences);
  }

  ModelPackage modelPackage(Construct scope) {
    return ModelPackage.builder().functionPackage(FunctionPackage.fromContext(scope))
        .model(modelPath == null ? ModelArtifact.EXAMPLE_FRAUD : ModelArtifact.fromAsset(Path.of(modelPath)))
        .modelName(modelName).modelVersion(modelVersion).architecture(architecture).build();
  }

  ModelArtifact shadowModel() {
    return shadowModelPath == null ? ModelArtifact.EXAMPLE_FRAUD : ModelArtifact.fromAsset(Path.of(shadowModelPath));
  }

  private static String text(Construct scope, String key, String dflt) {
    Object v = scope.getNode().tryGetContext(key);
    return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
  }

  private static Set<String> list(String csv) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  private static double number(String s, String key) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a number, got '" + s + "'");
    }
  }
}
