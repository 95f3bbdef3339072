package dev.modelfn.gcp.internal;

import java.util.Optional;

/**
 * The trace of the request a thread is serving, for Cloud Logging's {@code
 * logging.googleapis.com/trace} field. The Functions Framework serves each request on one thread,
 * and modelfn logs synchronously, so an entry point sets it on entry and clears it on exit.
 *
 * <p>Read from the W3C {@code traceparent} header ({@code 00-<trace>-<span>-<flags>}) or Google's
 * {@code X-Cloud-Trace-Context} ({@code <trace>/<decimal span>;o=<sampled>}); see
 * https://cloud.google.com/trace/docs/trace-context.
 */
public final class TraceContext {
  /** A trace id (32 hex digits), the span id in 16 hex digits if known, and whether it is sampled. */
  public record Trace(String traceId, String spanId, boolean sampled) {}

  private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();

  private TraceContext() {}

  public static Optional<Trace> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Sets the thread's trace (null clears it). */
  public static void set(Trace trace) {
    if (trace == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(trace);
    }
  }

  public static void clear() {
    CURRENT.remove();
  }

  /** The trace of a {@code traceparent} value, else of an {@code X-Cloud-Trace-Context} value. */
  public static Optional<Trace> parse(String traceparent, String cloudTraceContext) {
    Optional<Trace> t = parseTraceparent(traceparent);
    return t.isPresent() ? t : parseCloudTraceContext(cloudTraceContext);
  }

  static Optional<Trace> parseTraceparent(String v) {
    if (v == null) {
      return Optional.empty();
    }
    String[] p = v.trim().split("-");
    if (p.length < 4 || p[0].length() != 2 || !hex(p[1], 32) || !hex(p[2], 16) || !hex(p[3], 2)
        || p[1].chars().allMatch(c -> c == '0')) {
      return Optional.empty();
    }
    boolean sampled = (Integer.parseInt(p[3], 16) & 1) == 1;
    return Optional.of(new Trace(p[1].toLowerCase(java.util.Locale.ROOT), p[2].toLowerCase(java.util.Locale.ROOT),
        sampled));
  }

  static Optional<Trace> parseCloudTraceContext(String v) {
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    String s = v.trim();
    boolean sampled = false;
    int semi = s.indexOf(';');
    if (semi >= 0) {
      sampled = s.substring(semi + 1).trim().equals("o=1");
      s = s.substring(0, semi);
    }
    String trace = s;
    String span = null;
    int slash = s.indexOf('/');
    if (slash >= 0) {
      trace = s.substring(0, slash);
      try {
        span = String.format("%016x", Long.parseUnsignedLong(s.substring(slash + 1)));
      } catch (NumberFormatException e) {
        span = null;
      }
    }
    if (!hex(trace, 32)) {
      return Optional.empty();
    }
    return Optional.of(new Trace(trace.toLowerCase(java.util.Locale.ROOT), span, sampled));
  }

  private static boolean hex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
