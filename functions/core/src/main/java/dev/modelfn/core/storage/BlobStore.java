package dev.modelfn.core.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Object storage as batch scoring needs it (S3 in the AWS adapter, Cloud Storage in Google's). */
public interface BlobStore {
  /** Size and entity tag of an object. */
  record Info(long size, String etag) {}

  /** An object's bytes with its entity tag. */
  record Blob(byte[] bytes, String etag) {}

  /** A part of a multipart upload. */
  record Part(int number, String etag) {}

  /** How users name an object of this store in messages and documents: {@code s3://bucket/key}, {@code gs://bucket/key}. */
  String uri(String bucket, String key);

  Optional<Info> head(String bucket, String key);

  /**
   * Streams an object from byte {@code from} on.
   *
   * @param etag the version to read; a changed object fails the read instead of mixing versions
   */
  InputStream open(String bucket, String key, long from, String etag);

  Optional<Blob> get(String bucket, String key);

  void put(String bucket, String key, byte[] bytes, String contentType);

  /**
   * Writes only if no object exists under the key (S3 {@code If-None-Match: *}).
   *
   * @return false when one exists (another writer claimed the key first)
   */
  boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType);

  /**
   * Writes only if the object still has entity tag {@code etag} (S3 {@code If-Match}).
   *
   * @return false when it changed since it was read
   */
  boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag);

  /** Deletes an object if it exists. */
  void delete(String bucket, String key);

  /** Starts a multipart upload; returns its id. */
  String startUpload(String bucket, String key, String contentType);

  /** Uploads one part (every part but the last at least 5 MiB on S3); returns its entity tag. */
  String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length);

  void completeUpload(String bucket, String key, String uploadId, List<Part> parts);

  void abortUpload(String bucket, String key, String uploadId);
}
