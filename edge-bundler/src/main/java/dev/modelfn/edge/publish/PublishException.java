package dev.modelfn.edge.publish;

/** A publish, promotion or rollback the publisher refuses; the message says why and what to do. */
public final class PublishException extends Exception {
  public PublishException(String message) {
    super(message);
  }
}
