package dev.modelfn.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.modelfn.model.CachingObjectFetcher;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fetches {@code gs://bucket/object} models, with their external-data files, into the cache
 * folder ({@link CachingObjectFetcher}), keyed by each object's generation: a warm instance reuses
 * the folder, a new generation is downloaded once, and a download reads exactly the generation its
 * metadata came from.
 */
public final class GcsModelArtifactFetcher extends CachingObjectFetcher {
  private final Supplier<Storage> storage;

  /** @param storage supplies the client lazily, so that functions serving packaged models never build one */
  public GcsModelArtifactFetcher(Supplier<Storage> storage) {
    this.storage = storage;
  }

  @Override
  public String scheme() {
    return "gs";
  }

  @Override
  protected String storeName() {
    return "Cloud Storage";
  }

  @Override
  protected Optional<Version> head(String bucket, String key) {
    Blob blob = storage.get().get(BlobId.of(bucket, key));
    return blob == null ? Optional.empty() : Optional.of(new Version(String.valueOf(blob.getGeneration()), blob.getSize()));
  }

  @Override
  protected void download(String bucket, String key, Version version, Path target) {
    storage.get().downloadTo(BlobId.of(bucket, key, Long.parseLong(version.tag())), target);
  }

  @Override
  protected boolean isStoreFailure(RuntimeException e) {
    return e instanceof StorageException;
  }
}
