package dev.modelfn.core.http;

import dev.modelfn.errors.ModelfnException;

/** HTTP 404. No route matches the request's method and path; a retry does not help. Never retryable. */
public class RouteNotFoundException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public RouteNotFoundException(String message) {
    super(message, null);
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String problemType() {
    return "route-not-found";
  }

  @Override
  public String title() {
    return "Route not found";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
