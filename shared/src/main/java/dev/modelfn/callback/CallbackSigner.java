package dev.modelfn.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs callback deliveries with HMAC-SHA256 over the timestamp and the body.
 *
 * <p>Header {@value #HEADER}: {@code t=<unix seconds>,v1=<lower-case hex HMAC-SHA256>}, where the
 * signed bytes are the ASCII timestamp, a full stop, and the exact body bytes:
 * {@code HMAC-SHA256(secret, t + "." + body)}. A receiver recomputes the MAC with the shared secret,
 * compares in constant time and refuses timestamps outside its replay window (see
 * {@link CallbackVerifier}). Several {@code v1} entries may appear while a secret is being rotated.
 */
public final class CallbackSigner {
  /** The signature header. */
  public static final String HEADER = "Modelfn-Signature";
  /** Minimum secret length in bytes (UTF-8). */
  public static final int MIN_SECRET_BYTES = 16;

  private final byte[] secret;

  public CallbackSigner(String secret) {
    this.secret = checkSecret(secret);
  }

  static byte[] checkSecret(String secret) {
    if (secret == null) {
      throw new IllegalArgumentException("callback signing secret is not set");
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("callback signing secret has " + bytes.length + " bytes; at least "
          + MIN_SECRET_BYTES + " are required (32 random bytes, hex or base64, recommended)");
    }
    return bytes;
  }

  /** The header value for a body sent at {@code epochSeconds}. */
  public String sign(long epochSeconds, byte[] body) {
    return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, epochSeconds, body));
  }

  static byte[] mac(byte[] secret, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(Long.toString(epochSeconds).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      mac.update(body);
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
