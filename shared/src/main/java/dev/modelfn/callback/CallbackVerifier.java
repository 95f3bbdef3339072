package dev.modelfn.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the {@value CallbackSigner#HEADER} header of a callback delivery: the format, the
 * timestamp against a replay window, and the HMAC in constant time. Use one per process:
 *
 * <pre>{@code
 * CallbackVerifier verifier = new CallbackVerifier(List.of(secret), Duration.ofMinutes(5));
 * verifier.verify(request.header("Modelfn-Signature"), bodyBytes, Instant.now()); // throws if invalid
 * }</pre>
 *
 * <p>Verify the raw body bytes before parsing them. The window bounds how old (or how far in the
 * future) a delivery may be, so a captured request cannot be replayed later; receivers that must
 * refuse every duplicate also remember the {@code Modelfn-Delivery-Id} header for that window.
 */
public final class CallbackVerifier {
  private final List<byte[]> secrets;
  private final Duration window;

  /**
   * @param secrets the current secret, and during a rotation the previous one as well
   * @param window how far a delivery's timestamp may be from the receiver's clock (5 minutes is usual)
   */
  public CallbackVerifier(List<String> secrets, Duration window) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is required");
    }
    List<byte[]> s = new ArrayList<>();
    for (String secret : secrets) {
      s.add(CallbackSigner.checkSecret(secret));
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the replay window must be positive, got " + window);
    }
    this.secrets = List.copyOf(s);
    this.window = window;
  }

  /** Why a delivery was refused. */
  public static final class InvalidSignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSignatureException(String message) {
      super(message);
    }
  }

  /**
   * Checks a delivery; returns its timestamp.
   *
   * @throws InvalidSignatureException naming what is wrong: missing or malformed header, timestamp
   *     outside the window, or no signature matching any secret
   */
  public Instant verify(String header, byte[] body, Instant now) throws InvalidSignatureException {
    if (header == null || header.isBlank()) {
      throw new InvalidSignatureException("no " + CallbackSigner.HEADER + " header");
    }
    Long t = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new InvalidSignatureException(CallbackSigner.HEADER + " is malformed: expected t=<seconds>,v1=<hex>");
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        try {
          t = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new InvalidSignatureException(CallbackSigner.HEADER + " timestamp '" + value + "' is not a number");
        }
      } else if (key.equals("v1")) {
        try {
          signatures.add(HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException e) {
          throw new InvalidSignatureException(CallbackSigner.HEADER + " v1 signature is not hex");
        }
      }
    }
    if (t == null) {
      throw new InvalidSignatureException(CallbackSigner.HEADER + " has no timestamp (t=)");
    }
    if (signatures.isEmpty()) {
      throw new InvalidSignatureException(CallbackSigner.HEADER + " has no v1 signature");
    }
    Instant at = Instant.ofEpochSecond(t);
    Duration skew = Duration.between(at, now).abs();
    if (skew.compareTo(window) > 0) {
      throw new InvalidSignatureException("timestamp " + at + " is " + skew.toSeconds()
          + " s from now; the replay window is " + window.toSeconds() + " s");
    }
    for (byte[] secret : secrets) {
      byte[] expected = CallbackSigner.mac(secret, t, body);
      for (byte[] sig : signatures) {
        if (MessageDigest.isEqual(expected, sig)) {
          return at;
        }
      }
    }
    throw new InvalidSignatureException("no signature matches the body with the configured secret(s)");
  }

  /** {@link #verify(String, byte[], Instant)} for a body given as text. */
  public Instant verify(String header, String body, Instant now) throws InvalidSignatureException {
    return verify(header, body.getBytes(StandardCharsets.UTF_8), now);
  }
}
