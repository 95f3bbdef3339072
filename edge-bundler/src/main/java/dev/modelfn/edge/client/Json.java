package dev.modelfn.edge.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the client reads (manifests, channel pointers, its own state) and writes (its
 * state, telemetry). The client runs on Android-class JVMs with nothing but the JDK and ONNX
 * Runtime, so it cannot bring Jackson; the bundler side uses Jackson. Objects become {@link
 * LinkedHashMap}, arrays {@link ArrayList}, integers {@link Long}, other numbers {@link Double}.
 */
final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    Json p = new Json(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != p.s.length()) {
      throw p.error("trailing characters");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + i + ": " + what);
  }

  private void ws() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) {
      i++;
    }
  }

  private Object value(int depth) {
    if (depth > 64) {
      throw error("nested too deeply");
    }
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{': {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek('}')) {
          return m;
        }
        do {
          ws();
          if (i >= s.length() || s.charAt(i) != '"') {
            throw error("expected a member name");
          }
          String k = string();
          ws();
          expect(':');
          ws();
          if (m.put(k, value(depth + 1)) != null) {
            throw error("duplicate member '" + k + "'");
          }
          ws();
        } while (peek(','));
        expect('}');
        return m;
      }
      case '[': {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (peek(']')) {
          return l;
        }
        do {
          ws();
          l.add(value(depth + 1));
          ws();
        } while (peek(','));
        expect(']');
        return l;
      }
      case '"':
        return string();
      case 't':
        word("true");
        return Boolean.TRUE;
      case 'f':
        word("false");
        return Boolean.FALSE;
      case 'n':
        word("null");
        return null;
      default:
        return number();
    }
  }

  private boolean peek(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private void word(String w) {
    if (!s.startsWith(w, i)) {
      throw error("expected " + w);
    }
    i += w.length();
  }

  private Object number() {
    int start = i;
    boolean integral = true;
    while (i < s.length()) {
      char c = s.charAt(i);
      if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
        i++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        integral = false;
        i++;
      } else {
        break;
      }
    }
    String t = s.substring(start, i);
    if (t.isEmpty()) {
      throw error("unexpected character '" + s.charAt(i) + "'");
    }
    try {
      return integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw error("bad number '" + t + "'");
    }
  }

  private String string() {
    i++; // opening quote
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        if (i >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      } else if (c < 0x20) {
        throw error("control character in string");
      } else {
        b.append(c);
      }
    }
  }

  /** Writes maps, lists, strings, numbers, booleans and null. */
  static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String str) {
      quote(b, str);
    } else if (v instanceof Double d) {
      b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
    } else if (v instanceof Float f) {
      b.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      int n = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(n++ > 0 ? "," : "");
        quote(b, String.valueOf(e.getKey()));
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof Iterable<?> l) {
      b.append('[');
      int n = 0;
      for (Object o : l) {
        b.append(n++ > 0 ? "," : "");
        write(b, o);
      }
      b.append(']');
    } else if (v instanceof long[] a) {
      List<Object> l = new ArrayList<>();
      for (long x : a) {
        l.add(x);
      }
      write(b, l);
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass());
    }
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  // typed accessors: errors name the member

  static Map<String, Object> obj(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("'" + k + "' must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) v;
    return r;
  }

  static String str(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof String sv)) {
      throw new IllegalArgumentException("'" + k + "' must be a string");
    }
    return sv;
  }

  static long lng(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("'" + k + "' must be an integer");
    }
    return l;
  }

  static double dbl(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("'" + k + "' must be a number");
    }
    return n.doubleValue();
  }

  static List<?> list(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException("'" + k + "' must be an array");
    }
    return l;
  }
}
