package dev.modelfn.core.http;

import dev.modelfn.errors.ModelfnException;

/** HTTP 405. The path exists but not for this method; the response's Allow header lists the methods that are. Never retryable. */
public class MethodNotAllowedException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  private final String allow;

  public MethodNotAllowedException(String message, String allow) {
    super(message, null);
    this.allow = allow;
  }

  /** Value of the Allow header: the methods the path accepts. */
  public String allow() {
    return allow;
  }

  @Override
  public int status() {
    return 405;
  }

  @Override
  public String problemType() {
    return "method-not-allowed";
  }

  @Override
  public String title() {
    return "Method not allowed";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
