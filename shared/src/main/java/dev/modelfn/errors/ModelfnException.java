package dev.modelfn.errors;

/**
 * Base of every error modelfn reports to a caller. Carries the HTTP status, a stable problem type
 * (used as the RFC 9457 {@code type}) and whether retrying the same request can succeed.
 */
public abstract class ModelfnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected ModelfnException(String message, Throwable cause) {
    super(message, cause);
  }

  /** HTTP status code this error maps to. */
  public abstract int status();

  /** Short, stable slug of the problem type, for example {@code invalid-input}. */
  public abstract String problemType();

  /** Human readable title of the problem type. */
  public abstract String title();

  /** True when the same request may succeed later (the caller or the platform should retry). */
  public abstract boolean retryable();
}
