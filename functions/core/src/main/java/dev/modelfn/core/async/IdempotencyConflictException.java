package dev.modelfn.core.async;

import dev.modelfn.errors.ModelfnException;

/** HTTP 422: an Idempotency-Key came back with a different request than the one it was first used with. Retrying the same request does not help; use a new key. */
public final class IdempotencyConflictException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public IdempotencyConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 422;
  }

  @Override
  public String problemType() {
    return "idempotency-key-reused";
  }

  @Override
  public String title() {
    return "Idempotency-Key reused";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
