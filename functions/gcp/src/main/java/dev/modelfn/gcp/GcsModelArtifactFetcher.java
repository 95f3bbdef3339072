package dev.modelfn.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ModelArtifactFetcher;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fetches {@code gs://bucket/object} models into the cache folder, keyed by the object's
 * generation: a warm instance reuses the file; a new generation is downloaded once, and exactly that
 * generation is read. The download goes to a temporary file moved into place, so a crash never
 * leaves half a model.
 */
public final class GcsModelArtifactFetcher implements ModelArtifactFetcher {
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
  public Optional<Path> fetch(URI uri, Path cacheDir) {
    String bucket = uri.getHost();
    String path = uri.getPath(); // decoded as a URI path: '+' stays '+'
    if (bucket == null || path == null || path.length() < 2) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed Cloud Storage URI '" + uri
          + "': expected gs://bucket/object", null);
    }
    String name = path.substring(1);
    try {
      Storage client = storage.get();
      Blob blob = client.get(BlobId.of(bucket, name));
      if (blob == null) {
        return Optional.empty();
      }
      String file = name.substring(name.lastIndexOf('/') + 1);
      Path target = cacheDir.resolve(sha256(bucket + "/" + name).substring(0, 16) + "-" + blob.getGeneration() + "-"
          + file);
      if (Files.isRegularFile(target) && Files.size(target) == blob.getSize()) {
        return Optional.of(target);
      }
      Files.createDirectories(cacheDir);
      Path tmp = Files.createTempFile(cacheDir, file, ".part");
      try {
        blob.downloadTo(tmp); // the generation the metadata came from
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp); // a failed download leaves nothing in /tmp, which is memory on Cloud Functions
      }
      return Optional.of(target);
    } catch (StorageException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + uri + " from Cloud Storage: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot cache " + uri + " under " + cacheDir + ": "
          + e.getMessage(), e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
