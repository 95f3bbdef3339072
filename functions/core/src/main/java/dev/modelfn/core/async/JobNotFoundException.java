package dev.modelfn.core.async;

import dev.modelfn.errors.ModelfnException;

/** HTTP 404: no job with this id (ids are UUIDs handed out by the submit). Retrying does not help. */
public final class JobNotFoundException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String problemType() {
    return "job-not-found";
  }

  @Override
  public String title() {
    return "Job not found";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
