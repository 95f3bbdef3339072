package dev.modelfn.core.http;

import dev.modelfn.errors.ModelfnException;

/** HTTP 415. The Content-Type is not one this route accepts; the message lists those it does. Never retryable. */
public class UnsupportedMediaTypeException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public UnsupportedMediaTypeException(String message) {
    super(message, null);
  }

  @Override
  public int status() {
    return 415;
  }

  @Override
  public String problemType() {
    return "unsupported-media-type";
  }

  @Override
  public String title() {
    return "Unsupported media type";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
