package dev.modelfn.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the variables {@link EnvVars} declares: one table
 * row per variable, its name in backticks in the first column, and no {@code MODELFN_*} name the
 * code does not read. Maven runs the tests in the module directory, hence the path from there.
 */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final Pattern NAME_IN_BACKTICKS = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
  private static final Pattern MODELFN_NAME = Pattern.compile("\\bMODELFN_[A-Z0-9_]*[A-Z0-9]");

  @Test
  void documentsEveryVariableEnvVarsDeclares() throws IOException {
    Set<String> documented = namesInFirstColumn(Files.readString(DOC, StandardCharsets.UTF_8));

    Set<String> missing = new TreeSet<>(declared());
    missing.removeAll(documented);

    assertThat(missing)
        .as("variables of EnvVars without a row in %s (add a row: | `NAME` | default | meaning |)", DOC)
        .isEmpty();
  }

  @Test
  void namesNoVariableEnvVarsDoesNotDeclare() throws IOException {
    Set<String> mentioned = new TreeSet<>();
    Matcher m = MODELFN_NAME.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
    while (m.find()) {
      mentioned.add(m.group());
    }

    mentioned.removeAll(declared());

    assertThat(mentioned)
        .as("MODELFN_* names in %s that EnvVars does not declare (remove them from the page, or declare them)", DOC)
        .isEmpty();
  }

  /** The values of every {@code public static final String} constant of {@link EnvVars}. */
  private static Set<String> declared() {
    Set<String> names = new LinkedHashSet<>();
    for (Field f : EnvVars.class.getDeclaredFields()) {
      int mod = f.getModifiers();
      if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError("cannot read EnvVars." + f.getName(), e);
        }
      }
    }
    assertThat(names).as("public static final String constants of EnvVars").isNotEmpty();
    return names;
  }

  /** The names in backticks in the first cell of each Markdown table row. */
  private static Set<String> namesInFirstColumn(String markdown) {
    Set<String> names = new LinkedHashSet<>();
    for (String line : markdown.split("\\R")) {
      String row = line.strip();
      if (!row.startsWith("|")) {
        continue;
      }
      int end = row.indexOf('|', 1);
      String first = end < 0 ? row.substring(1) : row.substring(1, end);
      Matcher m = NAME_IN_BACKTICKS.matcher(first);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
