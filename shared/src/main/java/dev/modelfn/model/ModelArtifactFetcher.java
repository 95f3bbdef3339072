package dev.modelfn.model;

import dev.modelfn.errors.ModelfnException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Port for fetching model artifacts from a remote store (for {@code s3://} URIs: implemented in
 * the AWS adapter). Implementations cache by content version (ETag) under {@code cacheDir}, so a
 * warm or restored process does not download the same model twice.
 */
public interface ModelArtifactFetcher {

  /** URI scheme served, for example {@code s3}. */
  String scheme();

  /**
   * Makes the object at {@code uri} available as a local file, with the external-data files the
   * model names ({@link ExternalData#locations}) beside it at the same relative paths, where ONNX
   * Runtime looks for them.
   *
   * @return the local file, or empty when no object exists at {@code uri}
   * @throws dev.modelfn.errors.ModelfnException when the store cannot be read
   */
  Optional<Path> fetch(URI uri, Path cacheDir);

  /**
   * Makes the one object at {@code uri} available as a local file, read as it is: a file beside
   * the model (its {@code .features.json} sidecar), not a model.
   *
   * @return the local file, or empty when no object exists at {@code uri}
   * @throws dev.modelfn.errors.ModelfnException when the store cannot be read
   */
  Optional<Path> fetchFile(URI uri, Path cacheDir);
}
