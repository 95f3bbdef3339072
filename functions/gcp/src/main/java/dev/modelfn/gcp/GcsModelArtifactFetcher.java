package dev.modelfn.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ExternalData;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fetches {@code gs://bucket/object} models into the cache folder: each model in a folder of its
 * own, {@code <hash of bucket/object>-<generation>/}, under its own file name, with every
 * external-data file the model names ({@code model.onnx.data}, or one file per tensor: {@link
 * ExternalData}) fetched from beside the model's object into the same place relative to it, where
 * ONNX Runtime looks for them. A warm instance reuses the folder; a new generation is downloaded
 * once, into a new folder, and exactly that generation of the model is read. Each download goes
 * to a temporary file moved into place, so a crash never leaves half a file; a folder missing some
 * data files (a crash between two) gets them on the next fetch.
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
    return fetch(uri, cacheDir, true);
  }

  @Override
  public Optional<Path> fetchFile(URI uri, Path cacheDir) {
    return fetch(uri, cacheDir, false);
  }

  /** @param model whether the object is an ONNX model, whose external-data files come with it */
  private Optional<Path> fetch(URI uri, Path cacheDir, boolean model) {
    String bucket = uri.getHost();
    String path = uri.getPath(); // decoded as a URI path: '+' stays '+'
    if (bucket == null || path == null || path.length() < 2 || path.endsWith("/")) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed Cloud Storage URI '" + uri
          + "': expected gs://bucket/object", null);
    }
    String name = path.substring(1);
    String reading = uri.toString();
    try {
      Storage client = storage.get();
      Blob blob = client.get(BlobId.of(bucket, name));
      if (blob == null) {
        return Optional.empty();
      }
      Path dir = cacheDir.resolve(sha256(bucket + "/" + name).substring(0, 16) + "-" + blob.getGeneration());
      Path file = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(file) || Files.size(file) != blob.getSize()) {
        download(blob, dir, file); // the generation the metadata came from
      }
      for (String location : model ? ExternalData.locations(file, uri.toString()) : List.<String>of()) {
        Path local = dir.resolve(location);
        String dataName = ExternalData.objectKey(name, location);
        reading = "gs://" + bucket + "/" + dataName;
        Blob data = client.get(BlobId.of(bucket, dataName));
        if (data == null) {
          throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + uri + ": it keeps tensors in"
              + " external data file '" + location + "', and " + reading + " does not exist. Upload the model's data"
              + " files beside it, at the paths the model names relative to its object");
        }
        // each data file is kept with the generation it was downloaded at: weights uploaded again are fetched again
        String version = String.valueOf(data.getGeneration());
        Path versionFile = dir.resolve(location + ".generation");
        if (Files.isRegularFile(local) && Files.size(local) == data.getSize()
            && Files.isRegularFile(versionFile) && Files.readString(versionFile).equals(version)) {
          continue;
        }
        download(data, dir, local);
        Files.writeString(versionFile, version);
      }
      return Optional.of(file);
    } catch (StorageException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + reading + " from Cloud Storage: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot cache " + reading + " under " + cacheDir + ": "
          + e.getMessage(), e);
    }
  }

  /** The blob's generation to {@code target}, through a temporary file in {@code dir}. */
  private static void download(Blob blob, Path dir, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, ".download-", ".part");
    try {
      blob.downloadTo(tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp); // a failed download leaves nothing in /tmp, which is memory on Cloud Functions
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
