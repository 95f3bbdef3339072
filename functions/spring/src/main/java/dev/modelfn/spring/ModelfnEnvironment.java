package dev.modelfn.spring;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The environment the core reads ({@code MODELFN_*} and {@code AWS_*} variables, see
 * docs/configuration.md) taken from Spring's {@code Environment}: the process environment, overridden
 * by whatever Spring sees under the same names (system properties, {@code application.properties},
 * command-line {@code --MODELFN_MODEL_URI=...}), so the function gets one plain {@code Map} as on
 * every other platform.
 */
public final class ModelfnEnvironment {
  private static final Pattern NAME = Pattern.compile("(MODELFN|AWS)_[A-Z0-9_]+");

  private ModelfnEnvironment() {}

  /**
   * The same variables before Spring has read its property sources (as a Spring application starts):
   * the process environment overridden by system properties of the same names.
   */
  public static Map<String, String> fromProcess() {
    Map<String, String> env = new HashMap<>(System.getenv());
    System.getProperties().forEach((k, v) -> {
      if (k instanceof String name && NAME.matcher(name).matches() && v != null) {
        env.put(name, v.toString());
      }
    });
    return env;
  }

  /** The variables, highest-precedence property source first, over {@code System.getenv()}. */
  public static Map<String, String> from(ConfigurableEnvironment environment) {
    Map<String, String> env = new HashMap<>(System.getenv());
    var sources = environment.getPropertySources().stream().toList();
    // lowest precedence first, so that a higher source overwrites
    for (int i = sources.size() - 1; i >= 0; i--) {
      PropertySource<?> source = sources.get(i);
      if (source instanceof EnumerablePropertySource<?> e) {
        for (String name : e.getPropertyNames()) {
          if (NAME.matcher(name).matches()) {
            Object value = e.getProperty(name);
            if (value != null) {
              env.put(name, value.toString());
            }
          }
        }
      }
    }
    return env;
  }
}
