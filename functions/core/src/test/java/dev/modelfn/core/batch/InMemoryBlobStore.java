package dev.modelfn.core.batch;

import dev.modelfn.core.storage.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * S3's semantics in memory for unit tests: ETags are MD5s, conditional writes are atomic, and a
 * completed multipart upload refuses a non-last part smaller than {@code minPartBytes}, as S3 does
 * with 5 MiB.
 */
public final class InMemoryBlobStore implements BlobStore {
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
  private final int minPartBytes;
  final AtomicInteger partUploads = new AtomicInteger();

  public InMemoryBlobStore(int minPartBytes) {
    this.minPartBytes = minPartBytes;
  }

  private static String k(String bucket, String key) {
    return bucket + "/" + key;
  }

  static String etag(byte[] b) {
    try {
      return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b)) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] bytes(String bucket, String key) {
    return objects.get(k(bucket, key));
  }

  public List<String> keys() {
    return new ArrayList<>(new TreeMap<>(objects).keySet());
  }

  @Override
  public String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public Optional<Info> head(String bucket, String key) {
    byte[] b = objects.get(k(bucket, key));
    return b == null ? Optional.empty() : Optional.of(new Info(b.length, etag(b)));
  }

  @Override
  public InputStream open(String bucket, String key, long from, String etag) {
    byte[] b = objects.get(k(bucket, key));
    if (b == null || (etag != null && !etag(b).equals(etag))) {
      throw new IllegalStateException("precondition failed: s3://" + bucket + "/" + key + " changed");
    }
    return new ByteArrayInputStream(b, (int) from, b.length - (int) from);
  }

  @Override
  public Optional<Blob> get(String bucket, String key) {
    byte[] b = objects.get(k(bucket, key));
    return b == null ? Optional.empty() : Optional.of(new Blob(b, etag(b)));
  }

  @Override
  public void put(String bucket, String key, byte[] bytes, String contentType) {
    objects.put(k(bucket, key), bytes.clone());
  }

  @Override
  public synchronized boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) {
    return objects.putIfAbsent(k(bucket, key), bytes.clone()) == null;
  }

  @Override
  public synchronized boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag) {
    byte[] current = objects.get(k(bucket, key));
    if (current == null || !etag(current).equals(etag)) {
      return false;
    }
    objects.put(k(bucket, key), bytes.clone());
    return true;
  }

  @Override
  public void delete(String bucket, String key) {
    objects.remove(k(bucket, key));
  }

  @Override
  public String startUpload(String bucket, String key, String contentType) {
    String id = UUID.randomUUID().toString();
    uploads.put(id, new ConcurrentHashMap<>());
    return id;
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length) {
    Map<Integer, byte[]> parts = uploads.get(uploadId);
    if (parts == null) {
      throw new IllegalStateException("NoSuchUpload " + uploadId);
    }
    byte[] copy = java.util.Arrays.copyOf(bytes, length);
    parts.put(number, copy);
    partUploads.incrementAndGet();
    return etag(copy);
  }

  @Override
  public void completeUpload(String bucket, String key, String uploadId, List<Part> parts) {
    Map<Integer, byte[]> stored = uploads.remove(uploadId);
    if (stored == null) {
      throw new IllegalStateException("NoSuchUpload " + uploadId);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      byte[] b = stored.get(p.number());
      if (b == null || !etag(b).equals(p.etag()) || p.number() != i + 1) {
        throw new IllegalStateException("InvalidPart " + p);
      }
      if (i < parts.size() - 1 && b.length < minPartBytes) {
        throw new IllegalStateException("EntityTooSmall: part " + p.number() + " has " + b.length + " bytes");
      }
      all.writeBytes(b);
    }
    objects.put(k(bucket, key), all.toByteArray());
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    uploads.remove(uploadId);
  }

  int openUploads() {
    return uploads.size();
  }
}
