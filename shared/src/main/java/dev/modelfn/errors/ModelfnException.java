package dev.modelfn.errors;

import java.util.Map;

/**
 * Every error modelfn reports to a caller: a {@link Problem} (HTTP status, stable type, whether a
 * retry can help) and a message that says what to do. {@link InvalidInputException} adds a JSON
 * pointer to the offending field.
 */
public class ModelfnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Problem problem;
  private final boolean retryable;
  private final transient Map<String, String> headers;

  public ModelfnException(Problem problem, String message) {
    this(problem, message, null);
  }

  public ModelfnException(Problem problem, String message, Throwable cause) {
    this(problem, message, cause, problem.retryable());
  }

  /** With {@code retryable} decided by the failure (for example a remote endpoint's fault). */
  public ModelfnException(Problem problem, String message, Throwable cause, boolean retryable) {
    this(problem, message, cause, retryable, Map.of());
  }

  private ModelfnException(Problem problem, String message, Throwable cause, boolean retryable,
      Map<String, String> headers) {
    super(message, cause);
    this.problem = problem;
    this.retryable = retryable;
    this.headers = Map.copyOf(headers);
  }

  /** A 405 whose response's {@code Allow} header lists the methods the path accepts. */
  public static ModelfnException methodNotAllowed(String message, String allow) {
    return new ModelfnException(Problem.METHOD_NOT_ALLOWED, message, null, false, Map.of("allow", allow));
  }

  public Problem problem() {
    return problem;
  }

  /** HTTP status code this error maps to. */
  public int status() {
    return problem.status();
  }

  /** Short, stable slug of the problem type, for example {@code invalid-input}. */
  public String problemType() {
    return problem.slug();
  }

  /** Human readable title of the problem type. */
  public String title() {
    return problem.title();
  }

  /** True when the same request may succeed later (the caller or the platform should retry). */
  public boolean retryable() {
    return retryable;
  }

  /** Headers the HTTP response carries for this error (for example {@code allow}). */
  public Map<String, String> headers() {
    return headers;
  }
}
