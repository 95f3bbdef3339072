package dev.modelfn.model;

import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Locates a model by URI: {@code file:/abs/path.onnx} (or a plain path), {@code
 * classpath:models/x.onnx}, or any scheme served by a {@link ModelArtifactFetcher} ({@code
 * s3://bucket/key}). A sidecar {@code <name>.features.json} beside the model, when present, carries
 * feature names and labels.
 */
public final class ModelLoader {
  private final Map<String, ModelArtifactFetcher> fetchers;
  private final Path cacheDir;
  private final Optional<Path> packageRoot;

  public ModelLoader(List<ModelArtifactFetcher> fetchers, Path cacheDir) {
    this(fetchers, cacheDir, Optional.empty());
  }

  /**
   * @param packageRoot the unpacked deployment package ({@code LAMBDA_TASK_ROOT}): {@code classpath:}
   *     models are also looked up there, for custom runtimes whose class path holds only jars
   */
  public ModelLoader(List<ModelArtifactFetcher> fetchers, Path cacheDir, Optional<Path> packageRoot) {
    this.fetchers = fetchers.stream().collect(Collectors.toUnmodifiableMap(ModelArtifactFetcher::scheme, Function.identity()));
    this.cacheDir = cacheDir;
    this.packageRoot = packageRoot;
  }

  /** A loader for {@code file:} and {@code classpath:} URIs only. */
  public static ModelLoader local() {
    return new ModelLoader(List.of(), Path.of(System.getProperty("java.io.tmpdir"), "modelfn-models"));
  }

  public ModelArtifact locate(String uri) {
    if (uri.startsWith("classpath:")) {
      String resource = stripLeadingSlash(uri.substring("classpath:".length()));
      Optional<byte[]> found = readResource(resource);
      if (found.isEmpty() && packageRoot.isPresent() && Files.isRegularFile(packageRoot.get().resolve(resource))) {
        return locate(packageRoot.get().resolve(resource).toUri().toString());
      }
      byte[] model = found.orElseThrow(() -> new ModelfnException(Problem.MODEL_LOAD_FAILED, "model not found on the classpath"
          + packageRoot.map(r -> " or under " + r).orElse("") + ": " + resource
          + " (expected a resource packaged with the function)", null));
      Optional<byte[]> sidecar = readResource(sidecarName(resource));
      return new ModelArtifact(uri, baseName(resource), Optional.empty(), Optional.of(model), sidecar);
    }
    URI parsed = parse(uri);
    String scheme = parsed.getScheme();
    if (scheme == null || scheme.equals("file")) {
      Path file = scheme == null ? Path.of(uri) : Path.of(parsed);
      if (!Files.isRegularFile(file)) {
        throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "model file not found: " + file.toAbsolutePath(), null);
      }
      Path sidecarPath = file.resolveSibling(sidecarName(file.getFileName().toString()));
      return new ModelArtifact(uri, baseName(file.getFileName().toString()), Optional.of(file), Optional.empty(),
          readFile(sidecarPath));
    }
    ModelArtifactFetcher fetcher = fetchers.get(scheme);
    if (fetcher == null) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "unsupported model URI scheme '" + scheme + "' in " + uri
          + ": expected file:, classpath:" + fetchers.keySet().stream().map(s -> ", " + s + ":").collect(Collectors.joining()), null);
    }
    Path local = fetcher.fetch(parsed, cacheDir)
        .orElseThrow(() -> new ModelfnException(Problem.MODEL_LOAD_FAILED, "model not found: " + uri, null));
    String path = parsed.getPath();
    Optional<byte[]> sidecar = fetcher.fetchFile(parse(uri.substring(0, uri.length() - path.length()) + sidecarName(path)),
        cacheDir)
        .flatMap(ModelLoader::readFile);
    return new ModelArtifact(uri, baseName(path), Optional.of(local), Optional.empty(), sidecar);
  }

  static String sidecarName(String modelPath) {
    String p = modelPath.endsWith(".onnx") ? modelPath.substring(0, modelPath.length() - 5) : modelPath;
    return p + ".features.json";
  }

  static String baseName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
  }

  private static URI parse(String uri) {
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "malformed model URI '" + uri + "': " + e.getMessage(), e);
    }
  }

  private static String stripLeadingSlash(String s) {
    return s.startsWith("/") ? s.substring(1) : s;
  }

  private static Optional<byte[]> readResource(String resource) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = ModelLoader.class.getClassLoader();
    }
    try (InputStream in = cl.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read classpath resource " + resource + ": " + e.getMessage(), e);
    }
  }

  private static Optional<byte[]> readFile(Path p) {
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new ModelfnException(Problem.MODEL_LOAD_FAILED, "cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
