package dev.modelfn.edge.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A channel pointer ({@code channels/<name>/<channel>.json}): a DSSE envelope whose signed payload
 * names the current version, the previous one and the share of devices that take the current one.
 * {@code sequence} grows with every pointer the publisher writes (a replayed older pointer is
 * refused), and {@code expires} bounds how long a pointer may be served (a frozen channel is
 * noticed). {@code revoked} lists versions a signed rollback withdrew: the only way down.
 */
public record ChannelPointer(String name, String channel, long sequence, Instant created, Instant expires,
    double rolloutPercent, Target current, Target previous, List<Long> revoked) {

  public static final String TYPE = "modelfn-edge-pointer/1";

  public ChannelPointer {
    revoked = List.copyOf(revoked);
  }

  /** One version a pointer names: where its bundle is (relative to the CDN root) and its hash. */
  public record Target(long version, String path, String sha256, long size, String minClientVersion) {}

  /**
   * Checks the envelope's signature and parses the payload; expiry and sequence are the caller's
   * to check against its clock and state.
   */
  public static ChannelPointer verify(byte[] envelope, TrustedKeys keys) throws EdgeException {
    Map<String, Object> env;
    byte[] payload;
    try {
      env = Json.object(new String(envelope, StandardCharsets.UTF_8));
      if (!TrustedKeys.POINTER_TYPE.equals(env.get("payloadType"))) {
        throw new IllegalArgumentException("payloadType is not " + TrustedKeys.POINTER_TYPE);
      }
      payload = Base64.getDecoder().decode(Json.str(env, "payload"));
    } catch (IllegalArgumentException e) {
      throw new EdgeException(EdgeException.Reason.POINTER_SIGNATURE, "the pointer is not a signed envelope: "
          + e.getMessage());
    }
    if (!(env.get("signatures") instanceof List<?> sigs) || !keys.verify(TrustedKeys.POINTER_TYPE, payload, sigs)) {
      throw new EdgeException(EdgeException.Reason.POINTER_SIGNATURE,
          "the pointer's signature does not verify with any trusted key " + keys.keyIds());
    }
    try {
      return parse(payload);
    } catch (RuntimeException e) {
      throw new EdgeException(EdgeException.Reason.POINTER_SIGNATURE, "the signed pointer is malformed: "
          + e.getMessage());
    }
  }

  /** Parses a payload (no signature check). */
  public static ChannelPointer parse(byte[] payload) {
    Map<String, Object> p = Json.object(new String(payload, StandardCharsets.UTF_8));
    if (!TYPE.equals(p.get("type"))) {
      throw new IllegalArgumentException("type is not " + TYPE);
    }
    List<Long> revoked = new ArrayList<>();
    if (p.get("revoked") instanceof List<?> l) {
      for (Object o : l) {
        revoked.add(((Number) o).longValue());
      }
    }
    double rollout = Json.dbl(p, "rollout_percent");
    if (rollout < 0 || rollout > 100) {
      throw new IllegalArgumentException("rollout_percent " + rollout + " is outside 0..100");
    }
    return new ChannelPointer(Json.str(p, "name"), Json.str(p, "channel"), Json.lng(p, "sequence"),
        Instant.parse(Json.str(p, "created")), Instant.parse(Json.str(p, "expires")), rollout,
        target(Json.obj(p, "current")), p.get("previous") == null ? null : target(Json.obj(p, "previous")), revoked);
  }

  private static Target target(Map<String, Object> t) {
    return new Target(Json.lng(t, "version"), Json.str(t, "path"), Json.str(t, "sha256"), Json.lng(t, "size"),
        Json.str(t, "min_client_version"));
  }

  /**
   * The device's place in the rollout, in [0, 100): from a SHA-256 of (device id, model name), so
   * it is stable across runs and independent between models.
   */
  public static double rolloutBucket(String deviceId, String modelName) {
    byte[] h = BundleFile.sha256().digest((deviceId + "\n" + modelName).getBytes(StandardCharsets.UTF_8));
    long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
    return (v % 10_000) / 100.0;
  }

  /** The version this device should run: the current one inside the rollout share, else the previous. */
  public Target targetFor(String deviceId) {
    if (previous == null || rolloutBucket(deviceId, name) < rolloutPercent) {
      return current;
    }
    return previous;
  }
}
