package dev.modelfn.core.batch;

/** A CSV header that cannot be mapped onto the model's features: the whole file fails, saying why. */
final class BadHeaderException extends RuntimeException {
  BadHeaderException(String message) {
    super(message);
  }
}
