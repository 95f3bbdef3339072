package dev.modelfn.aws;

import dev.modelfn.core.storage.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Batch scoring's object storage on S3 (AWS SDK v2), including conditional writes and multipart uploads. */
public final class S3BlobStore implements BlobStore {
  private final S3Client s3;

  public S3BlobStore(S3Client s3) {
    this.s3 = s3;
  }

  /** Runs an S3 call; a missing object (404, with or without a NoSuchKey code) is empty. */
  static <T> Optional<T> unlessMissing(java.util.function.Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (S3Exception e) {
      if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public Optional<Info> head(String bucket, String key) {
    return unlessMissing(() -> s3.headObject(r -> r.bucket(bucket).key(key)))
        .map(h -> new Info(h.contentLength(), h.eTag()));
  }

  @Override
  public InputStream open(String bucket, String key, long from, String etag) {
    try {
      return s3.getObject(r -> {
        r.bucket(bucket).key(key);
        if (etag != null) {
          r.ifMatch(etag);
        }
        if (from > 0) {
          r.range("bytes=" + from + "-");
        }
      });
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return new ByteArrayInputStream(new byte[0]); // resuming exactly at the end
      }
      throw e;
    }
  }

  @Override
  public Optional<Blob> get(String bucket, String key) {
    return unlessMissing(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)))
        .map(b -> new Blob(b.asByteArray(), b.response().eTag()));
  }

  @Override
  public void put(String bucket, String key, byte[] bytes, String contentType) {
    s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
  }

  @Override
  public boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) {
    try {
      s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*"),
          RequestBody.fromBytes(bytes));
      return true;
    } catch (S3Exception e) {
      if (conditionFailed(e)) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag) {
    try {
      s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).ifMatch(etag),
          RequestBody.fromBytes(bytes));
      return true;
    } catch (S3Exception e) {
      if (conditionFailed(e) || e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** 412 Precondition Failed, or 409 when a concurrent conditional write is in progress. */
  private static boolean conditionFailed(S3Exception e) {
    return e.statusCode() == 412 || e.statusCode() == 409;
  }

  @Override
  public void delete(String bucket, String key) {
    s3.deleteObject(r -> r.bucket(bucket).key(key));
  }

  @Override
  public String startUpload(String bucket, String key, String contentType) {
    return s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(contentType)).uploadId();
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length) {
    // streamed from the caller's buffer (no copy of a part; a retry streams it again)
    return s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
        .contentLength((long) length), RequestBody.fromContentProvider(
            () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream")).eTag();
  }

  @Override
  public void completeUpload(String bucket, String key, String uploadId, List<Part> parts) {
    List<CompletedPart> done = parts.stream()
        .map(p -> CompletedPart.builder().partNumber(p.number()).eTag(p.etag()).build()).toList();
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(done)));
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
    } catch (S3Exception e) {
      // already gone
    }
  }
}
