package dev.modelfn.errors;

/**
 * A model could not be loaded: the URI is malformed or unsupported, the artifact is missing, or it
 * is not a valid ONNX model. Raised at start-up, so the function fails fast with the reason instead
 * of serving errors. Maps to HTTP 503 if it ever reaches a caller; retrying helps only after the
 * deployment is fixed.
 */
public class ModelLoadException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int status() {
    return 503;
  }

  @Override
  public String problemType() {
    return "model-load-failed";
  }

  @Override
  public String title() {
    return "Model could not be loaded";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
