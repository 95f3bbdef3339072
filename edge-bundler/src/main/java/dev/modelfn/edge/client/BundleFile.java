package dev.modelfn.edge.client;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The bundle: one file holding {@code manifest.json}, {@code signature.json} (the manifest's
 * detached Ed25519 signatures) and {@code model.onnx}, in that order:
 *
 * <pre>
 * "MFEDGEB1"                                  8 bytes
 * 3 × ( u16 name length, name (UTF-8), u64 content length, content )   big-endian
 * </pre>
 *
 * <p>Nothing else may follow. Every byte is covered: the magic and the framing must be exactly
 * this, the manifest by its signature, the model by the SHA-256 and size the signed manifest gives.
 * The model comes last so that a reader verifies the small parts first and then streams the model,
 * hashing it as it goes, without holding it in memory.
 */
public final class BundleFile {
  public static final byte[] MAGIC = "MFEDGEB1".getBytes(StandardCharsets.US_ASCII);
  public static final String MANIFEST = "manifest.json";
  public static final String SIGNATURE = "signature.json";
  private static final int MAX_MANIFEST = 8 << 20;
  private static final int MAX_SIGNATURE = 64 << 10;

  private BundleFile() {}

  /** A bundle whose manifest signature and model hash were checked. */
  public record Verified(Manifest manifest, byte[] manifestBytes, byte[] signatureBytes) {}

  /** Writes a bundle. */
  public static void write(OutputStream out, byte[] manifest, byte[] signature, Path model) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.write(MAGIC);
    entry(d, MANIFEST, manifest.length);
    d.write(manifest);
    entry(d, SIGNATURE, signature.length);
    d.write(signature);
    entry(d, Manifest.MODEL_FILE, Files.size(model));
    Files.copy(model, d);
    d.flush();
  }

  private static void entry(DataOutputStream d, String name, long length) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    d.writeShort(n.length);
    d.write(n);
    d.writeLong(length);
  }

  /**
   * Checks a bundle: framing, the manifest's signature by a trusted key, and the model's SHA-256
   * and size; the model is streamed into {@code modelOut} (fsynced) when that is not null.
   *
   * @throws EdgeException naming the first thing wrong; {@code modelOut} is then deleted
   */
  public static Verified verify(Path bundle, TrustedKeys keys, Path modelOut) throws IOException, EdgeException {
    try (InputStream raw = Files.newInputStream(bundle)) {
      return verify(raw, keys, modelOut);
    } catch (EdgeException | IOException | RuntimeException e) {
      if (modelOut != null) {
        Files.deleteIfExists(modelOut);
      }
      throw e;
    }
  }

  private static Verified verify(InputStream raw, TrustedKeys keys, Path modelOut) throws IOException, EdgeException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 64 << 10));
    byte[] magic = new byte[MAGIC.length];
    readFully(in, magic, "the magic number");
    if (!Arrays.equals(magic, MAGIC)) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "not a modelfn edge bundle (bad magic number)");
    }
    byte[] manifestBytes = part(in, MANIFEST, MAX_MANIFEST);
    byte[] signatureBytes = part(in, SIGNATURE, MAX_SIGNATURE);
    List<?> signatures;
    try {
      signatures = Json.list(Json.object(new String(signatureBytes, StandardCharsets.UTF_8)), "signatures");
    } catch (IllegalArgumentException e) {
      throw new EdgeException(EdgeException.Reason.MANIFEST_SIGNATURE, "signature.json is malformed: "
          + e.getMessage());
    }
    if (!keys.verify(TrustedKeys.MANIFEST_TYPE, manifestBytes, signatures)) {
      throw new EdgeException(EdgeException.Reason.MANIFEST_SIGNATURE,
          "the manifest's signature does not verify with any trusted key " + keys.keyIds());
    }
    Manifest manifest;
    try {
      manifest = Manifest.parse(manifestBytes);
    } catch (RuntimeException e) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "the signed manifest is not one this client reads: "
          + e.getMessage());
    }
    long size = header(in, Manifest.MODEL_FILE);
    if (size != manifest.modelSize()) {
      throw new EdgeException(EdgeException.Reason.MODEL_HASH, "model.onnx is " + size + " bytes; the manifest says "
          + manifest.modelSize());
    }
    MessageDigest sha = sha256();
    byte[] buf = new byte[64 << 10];
    try (FileChannel ch = modelOut == null ? null : FileChannel.open(modelOut, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        OutputStream out = ch == null ? OutputStream.nullOutputStream() : java.nio.channels.Channels.newOutputStream(ch)) {
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "the bundle ends inside model.onnx");
        }
        sha.update(buf, 0, n);
        out.write(buf, 0, n);
        left -= n;
      }
      out.flush();
      if (ch != null) {
        ch.force(true);
      }
    }
    if (in.read() >= 0) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "bytes follow the model (the bundle was altered)");
    }
    String hash = HexFormat.of().formatHex(sha.digest());
    if (!hash.equals(manifest.modelSha256())) {
      throw new EdgeException(EdgeException.Reason.MODEL_HASH, "model.onnx has SHA-256 " + hash
          + "; the signed manifest says " + manifest.modelSha256());
    }
    return new Verified(manifest, manifestBytes, signatureBytes);
  }

  private static byte[] part(DataInputStream in, String name, int max) throws IOException, EdgeException {
    long len = header(in, name);
    if (len > max) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, name + " is " + len + " bytes (at most " + max + ")");
    }
    byte[] b = new byte[(int) len];
    readFully(in, b, name);
    return b;
  }

  private static long header(DataInputStream in, String expected) throws IOException, EdgeException {
    byte[] lenBytes = new byte[2];
    readFully(in, lenBytes, "the name of " + expected);
    int nameLen = ((lenBytes[0] & 0xff) << 8) | (lenBytes[1] & 0xff);
    byte[] want = expected.getBytes(StandardCharsets.UTF_8);
    if (nameLen != want.length) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "expected the entry " + expected
          + " (entry name length " + nameLen + ")");
    }
    byte[] name = new byte[nameLen];
    readFully(in, name, "the name of " + expected);
    if (!Arrays.equals(name, want)) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "expected the entry " + expected + ", found '"
          + new String(name, StandardCharsets.UTF_8) + "'");
    }
    byte[] l = new byte[8];
    readFully(in, l, "the length of " + expected);
    long len = java.nio.ByteBuffer.wrap(l).getLong();
    if (len < 0) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, expected + " has a negative length");
    }
    return len;
  }

  private static void readFully(DataInputStream in, byte[] b, String what) throws IOException, EdgeException {
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "the bundle ends inside " + what);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex SHA-256 of a file, streamed. */
  public static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[64 << 10];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Parses the unsigned parts for display ({@code inspect}); nothing is verified. */
  public static Map<String, Object> peekManifest(Path bundle) throws IOException, EdgeException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(bundle)))) {
      byte[] magic = new byte[MAGIC.length];
      readFully(in, magic, "the magic number");
      if (!Arrays.equals(magic, MAGIC)) {
        throw new EdgeException(EdgeException.Reason.BUNDLE_FORMAT, "not a modelfn edge bundle (bad magic number)");
      }
      return Json.object(new String(part(in, MANIFEST, MAX_MANIFEST), StandardCharsets.UTF_8));
    }
  }
}
