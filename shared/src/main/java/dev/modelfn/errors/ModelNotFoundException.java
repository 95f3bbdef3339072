package dev.modelfn.errors;

/**
 * The request names a model (or model version) this function does not serve. HTTP 404; a retry
 * does not help unless the deployment changes.
 */
public class ModelNotFoundException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String message) {
    super(message, null);
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String problemType() {
    return "model-not-found";
  }

  @Override
  public String title() {
    return "Model not found";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
