package dev.modelfn.config;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads typed values from an environment map: the one place that parses and checks them. A value
 * that does not parse is a {@code CONFIGURATION_ERROR} naming the variable, what was expected and
 * what was found; a blank value counts as unset.
 */
public final class EnvValues {
  private EnvValues() {}

  /** The trimmed value, or empty when unset or blank. */
  public static Optional<String> text(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A positive integer, or {@code dflt} when unset. */
  public static int positiveInt(Map<String, String> env, String name, int dflt) {
    return integer(env, name, dflt, 1, Integer.MAX_VALUE);
  }

  /** An integer within {@code [min, max]}, or {@code dflt} when unset. */
  public static int integer(Map<String, String> env, String name, int dflt, int min, int max) {
    Optional<String> v = text(env, name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String expected = max == Integer.MAX_VALUE
        ? (min == 1 ? "a positive integer" : "an integer of at least " + min)
        : "an integer from " + min + " to " + max;
    throw new ModelfnException(Problem.CONFIGURATION_ERROR, name + ": expected " + expected + "; found '" + v.get() + "'");
  }

  /** {@code true}/{@code false} (also 1/0, yes/no, on/off), or {@code dflt} when unset. */
  public static boolean bool(Map<String, String> env, String name, boolean dflt) {
    Optional<String> v = text(env, name);
    if (v.isEmpty()) {
      return dflt;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ModelfnException(Problem.CONFIGURATION_ERROR,
          name + ": expected true or false; found '" + v.get() + "'");
    };
  }
}
