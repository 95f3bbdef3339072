package dev.modelfn.aws;

import dev.modelfn.model.CachingObjectFetcher;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

/**
 * Fetches {@code s3://bucket/key} models, with their external-data files, into the cache folder
 * ({@link CachingObjectFetcher}), keyed by each object's ETag: a warm or SnapStart-restored process
 * reuses the folder, a new object version is downloaded once, and a download reads exactly the
 * version its HEAD saw ({@code If-Match}).
 */
public final class S3ModelArtifactFetcher extends CachingObjectFetcher {
  private final Supplier<S3Client> s3;

  /** @param s3 supplies the client lazily, so that functions serving local models never build one */
  public S3ModelArtifactFetcher(Supplier<S3Client> s3) {
    this.s3 = s3;
  }

  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  protected String storeName() {
    return "S3";
  }

  @Override
  protected Optional<Version> head(String bucket, String key) {
    return S3BlobStore.unlessMissing(() -> s3.get().headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()))
        .map(h -> new Version(h.eTag() == null ? "none" : h.eTag().replace("\"", ""), h.contentLength()));
  }

  @Override
  protected void download(String bucket, String key, Version version, Path target) {
    GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key);
    if (!version.tag().equals("none")) {
      get.ifMatch("\"" + version.tag() + "\"");
    }
    s3.get().getObject(get.build(), ResponseTransformer.toFile(target));
  }

  @Override
  protected boolean isStoreFailure(RuntimeException e) {
    return e instanceof SdkException;
  }
}
