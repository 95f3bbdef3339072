package dev.modelfn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Locates the fixtures in the project's {@code events/} folder from any module's tests. */
public final class Fixtures {
  private static Path events;

  private Fixtures() {}

  /** The {@code events/} folder: found by walking up from the working directory. */
  public static synchronized Path eventsDir() {
    if (events == null) {
      Path dir = Path.of("").toAbsolutePath();
      while (dir != null && !Files.isDirectory(dir.resolve("events/models"))) {
        dir = dir.getParent();
      }
      if (dir == null) {
        throw new IllegalStateException("no events/ folder above " + Path.of("").toAbsolutePath());
      }
      events = dir.resolve("events");
    }
    return events;
  }

  public static Path path(String relative) {
    return eventsDir().resolve(relative);
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String relative) {
    return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code file:} URI of the committed fraud example model. */
  public static String fraudModelUri() {
    return path("models/fraud/fraud.onnx").toUri().toString();
  }

  /** A test environment serving the fraud model, with metrics off; {@code overrides} win. */
  public static Map<String, String> fraudEnv(String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELFN_MODEL_URI", fraudModelUri());
    env.put("MODELFN_METRICS_ENABLED", "false");
    env.put("MODELFN_LOG_LEVEL", "WARN");
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return env;
  }
}
