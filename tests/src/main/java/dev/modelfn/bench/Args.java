package dev.modelfn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code key=value} arguments of the benchmark mains; a key may repeat. */
final class Args {
  private Args() {}

  static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("argument '" + a + "': expected key=value");
      }
      m.computeIfAbsent(a.substring(0, eq), k -> new ArrayList<>()).add(a.substring(eq + 1));
    }
    return m;
  }

  static String one(Map<String, List<String>> m, String key, String dflt) {
    List<String> v = m.get(key);
    return v == null || v.isEmpty() ? dflt : v.get(v.size() - 1);
  }
}
