package dev.modelfn.gcp;

import dev.modelfn.telemetry.Logs;
import java.util.Map;

/** What every entry point does first: its platform from the environment, and modelfn's log format for Cloud Logging. */
final class GcpFunctions {
  private GcpFunctions() {}

  static GcpPlatform platform(Map<String, String> env) {
    GcpPlatform platform = new GcpPlatform(env);
    Logs.install(platform.logFormat());
    return platform;
  }
}
