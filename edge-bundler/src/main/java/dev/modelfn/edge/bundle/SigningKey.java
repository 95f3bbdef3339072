package dev.modelfn.edge.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.edge.client.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * An Ed25519 signing key (JDK {@code Signature.getInstance("Ed25519")}, no other library) with its
 * key id, the hex SHA-256 of the public key's X.509 encoding. Key files are JSON: {@code
 * <prefix>-private.key.json} (PKCS#8 private key and the public key; owner-only permissions) and
 * {@code <prefix>-public.key.json} (what devices and {@code verify} trust).
 */
public final class SigningKey {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String keyId;
  private final PrivateKey key;
  private final byte[] publicX509;

  private SigningKey(String keyId, PrivateKey key, byte[] publicX509) {
    this.keyId = keyId;
    this.key = key;
    this.publicX509 = publicX509;
  }

  public String keyId() {
    return keyId;
  }

  public byte[] publicX509() {
    return publicX509.clone();
  }

  /** The files {@link #generate} wrote. */
  public record KeyFiles(Path privateKey, Path publicKey, String keyId) {}

  /** Generates a key pair and writes both files into {@code dir}. */
  public static KeyFiles generate(Path dir, String prefix) throws IOException {
    KeyPair kp;
    try {
      kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
    byte[] pub = kp.getPublic().getEncoded();
    String id = TrustedKeys.keyId(pub);
    Files.createDirectories(dir);
    Path priv = dir.resolve(prefix + "-private.key.json");
    Path pubFile = dir.resolve(prefix + "-public.key.json");
    if (Files.exists(priv) || Files.exists(pubFile)) {
      throw new IOException(priv + " or " + pubFile + " exists already; keys are never overwritten");
    }
    ObjectNode p = JSON.createObjectNode().put("keytype", "ed25519").put("keyid", id)
        .put("private_pkcs8", Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()))
        .put("public_x509", Base64.getEncoder().encodeToString(pub));
    Files.createFile(priv);
    try {
      Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.write(priv, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
    ObjectNode q = JSON.createObjectNode().put("keytype", "ed25519").put("keyid", id)
        .put("public_x509", Base64.getEncoder().encodeToString(pub));
    Files.write(pubFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(q));
    return new KeyFiles(priv, pubFile, id);
  }

  public static SigningKey read(Path privateKeyFile) throws IOException {
    var n = JSON.readTree(privateKeyFile.toFile());
    if (n.get("private_pkcs8") == null || n.get("public_x509") == null) {
      throw new IOException(privateKeyFile + " is not a private key file written by keygen (no private_pkcs8)");
    }
    try {
      PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
          Base64.getDecoder().decode(n.get("private_pkcs8").asText())));
      byte[] pub = Base64.getDecoder().decode(n.get("public_x509").asText());
      return new SigningKey(TrustedKeys.keyId(pub), k, pub);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(privateKeyFile + ": not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /** A signature over DSSE's PAE(type, payload), as {@code {"keyid": ..., "sig": base64}}. */
  public Map<String, String> sign(String type, byte[] payload) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(TrustedKeys.pae(type, payload));
      return Map.of("keyid", keyId, "sig", Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trust in this key's public half (tests, the publisher reading its own pointers). */
  public TrustedKeys trust() {
    return TrustedKeys.of(Map.of(keyId, TrustedKeys.publicKey(publicX509)));
  }
}
