package dev.modelfn.edge.client;

/**
 * A pointer or bundle the client refuses, with the reason. Nothing refused is ever used: the
 * device keeps the model it has.
 */
public final class EdgeException extends Exception {
  /** Why a pointer or bundle was refused. */
  public enum Reason {
    /** The file is not a bundle, or its structure is broken (truncated, extra bytes, unknown entry). */
    BUNDLE_FORMAT,
    /** The manifest's signature is missing, malformed or by no trusted key. */
    MANIFEST_SIGNATURE,
    /** The model's SHA-256 or size differs from the signed manifest's. */
    MODEL_HASH,
    /** The downloaded bundle's SHA-256 or size differs from the pointer's. */
    BUNDLE_HASH,
    /** The channel pointer's signature is missing, malformed or by no trusted key. */
    POINTER_SIGNATURE,
    /** The channel pointer is past its expiry (a freeze attack, or a publisher that stopped). */
    POINTER_EXPIRED,
    /** The pointer is older than one already seen (a replayed pointer). */
    POINTER_REPLAYED,
    /** The pointer or bundle names another model or channel than the one asked for. */
    WRONG_MODEL,
    /** A version below the one installed, without a signed rollback that revokes it. */
    DOWNGRADE,
    /** The bundle needs a newer client. */
    CLIENT_TOO_OLD,
    /** The model did not load, or its golden inputs did not give the expected outputs. */
    HEALTH_CHECK
  }

  private final Reason reason;

  public EdgeException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public EdgeException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
