package dev.modelfn.model;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Fetches models from an object store ({@code s3://bucket/key}, {@code gs://bucket/object}) into
 * the cache folder; an adapter gives the store's two calls, {@link #head} and {@link #download}.
 *
 * <p>Each model is cached in a folder of its own, {@code <hash of bucket/key>-<version>/}, under
 * its own file name, with every external-data file the model names ({@code model.onnx.data}, or
 * one file per tensor: {@link ExternalData}) fetched from beside the model's key into the same
 * place relative to it, where ONNX Runtime looks for them. A warm or restored process reuses the
 * folder; a new version of the model goes to a new folder. Each data file is kept with the version
 * it was downloaded at ({@code <location>.version}) and checked against the store on every load,
 * so weights uploaded again beside an unchanged model file are fetched again. Every download goes
 * to a temporary file that is moved into place, so a crash never leaves half a file, and a failed
 * one leaves nothing behind ({@code /tmp} is memory on some platforms).
 */
public abstract class CachingObjectFetcher implements ModelArtifactFetcher {
  /** An object's version (S3's ETag, Cloud Storage's generation) and size. */
  public record Version(String tag, long size) {}

  /** The object's current version, or empty when there is none. */
  protected abstract Optional<Version> head(String bucket, String key);

  /** Writes exactly {@code version} of the object to {@code target} (which does not exist yet). */
  protected abstract void download(String bucket, String key, Version version, Path target) throws IOException;

  /** The store's name in messages ("S3", "Cloud Storage"). */
  protected abstract String storeName();

  /** Whether {@code e} is the store's client failing (and so a model that cannot be read), not a bug. */
  protected abstract boolean isStoreFailure(RuntimeException e);

  @Override
  public final Optional<Path> fetch(URI uri, Path cacheDir) {
    return fetch(uri, cacheDir, true);
  }

  @Override
  public final Optional<Path> fetchFile(URI uri, Path cacheDir) {
    return fetch(uri, cacheDir, false);
  }

  /** @param model whether the object is an ONNX model, whose external-data files come with it */
  private Optional<Path> fetch(URI uri, Path cacheDir, boolean model) {
    String bucket = uri.getHost();
    String path = uri.getPath(); // decoded as a URI path: '+' stays '+', %20 is a space
    if (bucket == null || path == null || path.length() < 2 || path.endsWith("/")) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed " + storeName() + " URI '" + uri
          + "': expected " + scheme() + "://bucket/key", null);
    }
    String key = path.substring(1);
    String reading = uri.toString();
    try {
      Optional<Version> found = head(bucket, key);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      Path dir = cacheDir.resolve(sha256(bucket + "/" + key).substring(0, 16) + "-" + found.get().tag());
      Path file = dir.resolve(key.substring(key.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(file) || Files.size(file) != found.get().size()) {
        fetchInto(bucket, key, found.get(), dir, file);
      }
      for (String location : model ? ExternalData.locations(file, uri.toString()) : List.<String>of()) {
        String dataKey = ExternalData.objectKey(key, location);
        reading = scheme() + "://" + bucket + "/" + dataKey;
        Optional<Version> data = head(bucket, dataKey);
        if (data.isEmpty()) {
          throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + uri + ": it keeps tensors in"
              + " external data file '" + location + "', and " + reading + " does not exist. Upload the model's data"
              + " files beside it, at the paths the model names relative to its key");
        }
        Path local = dir.resolve(location);
        Path versionFile = dir.resolve(location + ".version");
        if (Files.isRegularFile(local) && Files.size(local) == data.get().size()
            && Files.isRegularFile(versionFile) && Files.readString(versionFile).equals(data.get().tag())) {
          continue;
        }
        fetchInto(bucket, dataKey, data.get(), dir, local);
        Files.writeString(versionFile, data.get().tag());
      }
      return Optional.of(file);
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot cache " + reading + " under " + cacheDir + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof ModelfnException || !isStoreFailure(e)) {
        throw e;
      }
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + reading + " from " + storeName() + ": "
          + e.getMessage(), e);
    }
  }

  private void fetchInto(String bucket, String key, Version version, Path dir, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, ".download-", ".part");
    Files.delete(tmp); // the store's client creates it
    try {
      download(bucket, key, version, tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
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
