package dev.modelfn.core.async;

import dev.modelfn.errors.ModelfnException;

/** HTTP 503: the job could not be queued (the queue or the job store did not answer); nothing was kept. Retry later, with the same Idempotency-Key. */
public final class JobQueueUnavailableException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public JobQueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 503;
  }

  @Override
  public String problemType() {
    return "job-queue-unavailable";
  }

  @Override
  public String title() {
    return "Job queue unavailable";
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
