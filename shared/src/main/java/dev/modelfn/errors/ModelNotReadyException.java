package dev.modelfn.errors;

/**
 * The model exists but cannot answer yet (still loading, or its backend is unavailable). HTTP 503;
 * a retry after a short wait helps.
 */
public class ModelNotReadyException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public ModelNotReadyException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 503;
  }

  @Override
  public String problemType() {
    return "model-not-ready";
  }

  @Override
  public String title() {
    return "Model not ready";
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
