package dev.modelfn.edge.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ed25519 public keys a device trusts, by key id (the hex SHA-256 of the key's X.509
 * encoding), so that a new key can be added before the old one is retired (TUF's key rotation).
 * Signatures are over DSSE's pre-authentication encoding of (payload type, payload): a signature
 * made for a pointer cannot pass for a manifest's.
 */
public final class TrustedKeys {
  /** The DSSE payload type of a bundle's manifest. */
  public static final String MANIFEST_TYPE = "application/vnd.modelfn.edge-manifest+json";
  /** The DSSE payload type of a channel pointer. */
  public static final String POINTER_TYPE = "application/vnd.modelfn.edge-pointer+json";

  private final Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /** Reads public key files as {@code keygen} writes them ({@code *-public.key.json}). */
  public static TrustedKeys read(List<Path> publicKeyFiles) throws IOException {
    Map<String, PublicKey> m = new LinkedHashMap<>();
    for (Path p : publicKeyFiles) {
      Map<String, Object> json = Json.object(Files.readString(p));
      byte[] x509 = Base64.getDecoder().decode(Json.str(json, "public_x509"));
      PublicKey key = publicKey(x509);
      String id = keyId(x509);
      if (json.containsKey("keyid") && !id.equals(json.get("keyid"))) {
        throw new IOException(p + ": its keyid does not match its key");
      }
      m.put(id, key);
    }
    return new TrustedKeys(m);
  }

  /** Trust in keys held in memory (tests, apps that embed their key). */
  public static TrustedKeys of(Map<String, PublicKey> keys) {
    return new TrustedKeys(keys);
  }

  public static PublicKey publicKey(byte[] x509) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** A key's id: hex SHA-256 of its X.509 (SubjectPublicKeyInfo) encoding. */
  public static String keyId(byte[] x509) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x509));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** These keys and {@code other}'s (an old and a new key while rotating). */
  public TrustedKeys plus(TrustedKeys other) {
    Map<String, PublicKey> m = new LinkedHashMap<>(keys);
    m.putAll(other.keys);
    return new TrustedKeys(m);
  }

  public java.util.Set<String> keyIds() {
    return keys.keySet();
  }

  /** DSSE v1 pre-authentication encoding: "DSSEv1 len(type) type len(payload) payload". */
  public static byte[] pae(String type, byte[] payload) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("DSSEv1 " + t.length + " " + type + " " + payload.length + " ").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /**
   * True when one of {@code signatures} ({@code keyid}, base64 {@code sig}) is a valid signature
   * by a trusted key over (type, payload). Signatures by unknown keys are ignored.
   */
  public boolean verify(String type, byte[] payload, List<?> signatures) {
    byte[] message = pae(type, payload);
    for (Object o : signatures) {
      if (!(o instanceof Map<?, ?> s) || !(s.get("keyid") instanceof String id) || !(s.get("sig") instanceof String sig)) {
        continue;
      }
      PublicKey key = keys.get(id);
      if (key == null) {
        continue;
      }
      try {
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(key);
        v.update(message);
        if (v.verify(Base64.getDecoder().decode(sig))) {
          return true;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // a malformed signature is no signature
      }
    }
    return false;
  }
}
