package dev.modelfn.errors;

/**
 * An environment variable is missing or has a value modelfn cannot use. Raised at start-up, naming
 * the variable, what was expected and what was found. HTTP 500 if it ever reaches a caller; a retry
 * does not help.
 */
public class ConfigurationException extends ModelfnException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message, null);
  }

  @Override
  public int status() {
    return 500;
  }

  @Override
  public String problemType() {
    return "configuration-error";
  }

  @Override
  public String title() {
    return "Configuration error";
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
