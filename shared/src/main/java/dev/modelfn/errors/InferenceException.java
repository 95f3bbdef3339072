package dev.modelfn.errors;

/**
 * The model failed on input that passed validation (a runtime error in ONNX Runtime, a remote
 * endpoint fault). HTTP 500; the cause is kept and logged once at the boundary. A retry may help
 * for a remote backend, rarely for in-process inference.
 */
public class InferenceException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public InferenceException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public InferenceException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  @Override
  public int status() {
    return 500;
  }

  @Override
  public String problemType() {
    return "inference-failed";
  }

  @Override
  public String title() {
    return "Inference failed";
  }

  @Override
  public boolean retryable() {
    return retryable;
  }
}
