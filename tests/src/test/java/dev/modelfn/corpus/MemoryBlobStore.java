package dev.modelfn.corpus;

import dev.modelfn.core.storage.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Objects in memory with S3's conditional writes and multipart uploads (ETags are MD5s), for batch runs in tests. */
final class MemoryBlobStore implements BlobStore {
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();

  private static String key(String bucket, String key) {
    return bucket + "/" + key;
  }

  private static String etag(byte[] b) {
    try {
      return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The object's bytes, or null. */
  byte[] bytes(String bucket, String key) {
    return objects.get(key(bucket, key));
  }

  /** Every key held, sorted, as {@code bucket/key}. */
  List<String> keys() {
    return List.copyOf(new TreeMap<>(objects).keySet());
  }

  @Override
  public Optional<Info> head(String bucket, String key) {
    return Optional.ofNullable(objects.get(key(bucket, key))).map(b -> new Info(b.length, etag(b)));
  }

  @Override
  public InputStream open(String bucket, String key, long from, String etag) {
    byte[] b = objects.get(key(bucket, key));
    if (b == null || (etag != null && !etag(b).equals(etag))) {
      throw new IllegalStateException("precondition failed: " + bucket + "/" + key);
    }
    return new ByteArrayInputStream(b, (int) from, b.length - (int) from);
  }

  @Override
  public Optional<Blob> get(String bucket, String key) {
    return Optional.ofNullable(objects.get(key(bucket, key))).map(b -> new Blob(b, etag(b)));
  }

  @Override
  public void put(String bucket, String key, byte[] bytes, String contentType) {
    objects.put(key(bucket, key), bytes.clone());
  }

  @Override
  public synchronized boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) {
    return objects.putIfAbsent(key(bucket, key), bytes.clone()) == null;
  }

  @Override
  public synchronized boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag) {
    byte[] current = objects.get(key(bucket, key));
    if (current == null || !etag(current).equals(etag)) {
      return false;
    }
    objects.put(key(bucket, key), bytes.clone());
    return true;
  }

  @Override
  public void delete(String bucket, String key) {
    objects.remove(key(bucket, key));
  }

  @Override
  public String startUpload(String bucket, String key, String contentType) {
    String id = UUID.randomUUID().toString();
    uploads.put(id, new ConcurrentHashMap<>());
    return id;
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length) {
    byte[] part = java.util.Arrays.copyOf(bytes, length);
    uploads.get(uploadId).put(number, part);
    return etag(part);
  }

  @Override
  public void completeUpload(String bucket, String key, String uploadId, List<Part> parts) {
    Map<Integer, byte[]> stored = uploads.remove(uploadId);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Part p : parts) {
      byte[] b = stored.get(p.number());
      if (b == null || !etag(b).equals(p.etag())) {
        throw new IllegalStateException("InvalidPart " + p);
      }
      all.writeBytes(b);
    }
    objects.put(key(bucket, key), all.toByteArray());
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    uploads.remove(uploadId);
  }
}
