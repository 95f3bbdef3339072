package dev.modelfn.aws;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ExternalData;
import dev.modelfn.model.ModelArtifactFetcher;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Fetches {@code s3://bucket/key} models into the cache folder: each model in a folder of its own,
 * {@code <hash of bucket/key>-<ETag>/}, under its own file name, with every external-data file the
 * model names ({@code model.onnx.data}, or one file per tensor: {@link ExternalData}) fetched from
 * beside the model's key into the same place relative to it, where ONNX Runtime looks for them. A
 * warm or SnapStart-restored process reuses the folder; a new object version (a new ETag) is
 * downloaded once, into a new folder. Each download goes to a temporary file that is moved into
 * place, so a crash never leaves half a file; a folder missing some data files (a crash between
 * two) gets them on the next fetch.
 */
public final class S3ModelArtifactFetcher implements ModelArtifactFetcher {
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
    String rawPath = uri.getRawPath();
    if (bucket == null || rawPath == null || rawPath.length() < 2 || rawPath.endsWith("/")) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed S3 URI '" + uri + "': expected s3://bucket/key", null);
    }
    String key = URLDecoder.decode(rawPath.substring(1), StandardCharsets.UTF_8);
    S3Client client = s3.get();
    String reading = uri.toString();
    try {
      Optional<HeadObjectResponse> found = S3BlobStore.unlessMissing(
          () -> client.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()));
      if (found.isEmpty()) {
        return Optional.empty();
      }
      HeadObjectResponse head = found.get();
      String etag = head.eTag() == null ? "none" : head.eTag().replace("\"", "");
      Path dir = cacheDir.resolve(sha256(bucket + "/" + key).substring(0, 16) + "-" + etag);
      Path file = dir.resolve(key.substring(key.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(file) || Files.size(file) != head.contentLength()) {
        download(client, bucket, key, head.eTag(), dir, file);
      }
      for (String location : model ? ExternalData.locations(file, uri.toString()) : List.<String>of()) {
        Path local = dir.resolve(location);
        String dataKey = ExternalData.objectKey(key, location);
        reading = "s3://" + bucket + "/" + dataKey;
        Optional<HeadObjectResponse> data = S3BlobStore.unlessMissing(
            () -> client.headObject(HeadObjectRequest.builder().bucket(bucket).key(dataKey).build()));
        if (data.isEmpty()) {
          throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot load ONNX model " + uri + ": it keeps tensors in"
              + " external data file '" + location + "', and " + reading + " does not exist. Upload the model's data"
              + " files beside it, at the paths the model names relative to its key");
        }
        // each data file is kept with the version it was downloaded at: weights uploaded again beside an
        // unchanged model file (same ETag, same folder) are downloaded again
        String version = data.get().eTag() == null ? "none" : data.get().eTag().replace("\"", "");
        Path versionFile = dir.resolve(location + ".etag");
        if (Files.isRegularFile(local) && Files.size(local) == data.get().contentLength()
            && Files.isRegularFile(versionFile) && Files.readString(versionFile).equals(version)) {
          continue;
        }
        download(client, bucket, dataKey, data.get().eTag(), dir, local);
        Files.writeString(versionFile, version);
      }
      return Optional.of(file);
    } catch (SdkException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + reading + " from S3: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot cache " + reading + " under " + cacheDir + ": "
          + e.getMessage(), e);
    }
  }

  /** The object's version {@code etag} to {@code target}, through a temporary file in {@code dir}. */
  private static void download(S3Client client, String bucket, String key, String etag, Path dir, Path target)
      throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, ".download-", ".part");
    Files.delete(tmp); // ResponseTransformer.toFile creates it
    try {
      client.getObject(GetObjectRequest.builder().bucket(bucket).key(key).ifMatch(etag).build(),
          ResponseTransformer.toFile(tmp));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp); // a failed download leaves nothing in /tmp
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
