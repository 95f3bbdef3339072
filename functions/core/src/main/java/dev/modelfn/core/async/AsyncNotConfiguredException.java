package dev.modelfn.core.async;

import dev.modelfn.errors.ModelfnException;

/** HTTP 501: this function has no job bucket or job queue, so it cannot take asynchronous jobs. Retrying does not help until it is configured. */
public final class AsyncNotConfiguredException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public AsyncNotConfiguredException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 501;
  }

  @Override
  public String problemType() {
    return "async-not-configured";
  }

  @Override
  public String title() {
    return "Asynchronous inference not configured";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
