package dev.modelfn.aws;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
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
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Fetches {@code s3://bucket/key} models into the cache folder, keyed by the object's ETag: a warm
 * or SnapStart-restored process reuses the file; a new object version is downloaded once. The
 * download goes to a temporary file that is moved into place, so a crash never leaves half a model.
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
    String bucket = uri.getHost();
    String rawPath = uri.getRawPath();
    if (bucket == null || rawPath == null || rawPath.length() < 2) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed S3 URI '" + uri + "': expected s3://bucket/key", null);
    }
    String key = URLDecoder.decode(rawPath.substring(1), StandardCharsets.UTF_8);
    S3Client client = s3.get();
    try {
      Optional<HeadObjectResponse> found = S3BlobStore.unlessMissing(
          () -> client.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()));
      if (found.isEmpty()) {
        return Optional.empty();
      }
      HeadObjectResponse head = found.get();
      String etag = head.eTag() == null ? "none" : head.eTag().replace("\"", "");
      String name = key.substring(key.lastIndexOf('/') + 1);
      Path target = cacheDir.resolve(sha256(bucket + "/" + key).substring(0, 16) + "-" + etag + "-" + name);
      if (Files.isRegularFile(target) && Files.size(target) == head.contentLength()) {
        return Optional.of(target);
      }
      Files.createDirectories(cacheDir);
      Path tmp = Files.createTempFile(cacheDir, name, ".part");
      Files.delete(tmp);
      client.getObject(GetObjectRequest.builder().bucket(bucket).key(key).ifMatch(head.eTag()).build(),
          ResponseTransformer.toFile(tmp));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(target);
    } catch (SdkException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + uri + " from S3: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot cache " + uri + " under " + cacheDir + ": " + e.getMessage(), e);
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
