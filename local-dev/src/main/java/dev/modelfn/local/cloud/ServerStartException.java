package dev.modelfn.local.cloud;

/** A server of the local cloud could not start; the message says which and why. */
public final class ServerStartException extends RuntimeException {
  public ServerStartException(String message) {
    super(message);
  }
}
