package dev.modelfn.local.lambda;

/** The function's initialisation failed: its init error document, or why the runtime exited. */
public final class FunctionInitException extends RuntimeException {
  public FunctionInitException(String message) {
    super(message);
  }
}
