package dev.modelfn.local.apigw;

/** The address a local server should listen on is taken. */
public final class PortInUseException extends RuntimeException {
  public PortInUseException(String host, int port) {
    super("port " + port + " on " + host + " is already in use; stop what listens there or pass --port <another>");
  }
}
