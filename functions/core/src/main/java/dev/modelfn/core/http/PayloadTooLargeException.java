package dev.modelfn.core.http;

import dev.modelfn.errors.ModelfnException;

/** HTTP 413. The body is larger than the configured limit (MODELFN_MAX_BODY_BYTES, default 6 MB); split the request or use batch scoring. Never retryable. */
public class PayloadTooLargeException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message, null);
  }

  @Override
  public int status() {
    return 413;
  }

  @Override
  public String problemType() {
    return "payload-too-large";
  }

  @Override
  public String title() {
    return "Payload too large";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
