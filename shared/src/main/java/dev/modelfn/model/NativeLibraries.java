package dev.modelfn.model;

import dev.modelfn.config.EnvVars;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Points ONNX Runtime at a fixed folder of native libraries before it loads, so that no process
 * start unpacks ~25 MB into a fresh {@code /tmp/onnxruntime-java*} folder (slow cold starts, and
 * {@code /tmp} fills up on long-lived hosts).
 *
 * <p>The first of these wins: the {@code onnxruntime.native.path} system property if already set;
 * {@code MODELFN_ORT_NATIVE_DIR}; {@code $LAMBDA_TASK_ROOT/native/<platform>} (the layout of the
 * modelfn Lambda zip); otherwise the libraries are extracted once from the ONNX Runtime jar into
 * {@code ~/.cache/modelfn/onnxruntime/<build>/<platform>} (or {@code $XDG_CACHE_HOME}) and reused by
 * every later start. See https://onnxruntime.ai/docs/get-started/with-java.html.
 */
public final class NativeLibraries {
  /** System property ONNX Runtime reads for the native library folder. */
  public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

  private static final String RESOURCE_ROOT = "/ai/onnxruntime/native/";

  /**
   * Optional execution-provider libraries ONNX Runtime Java looks for at start-up (shared
   * providers, WebGPU, DirectML). The CPU build has none of them, and each one it cannot find in
   * the native folder costs a resource lookup through every jar on the class path (tens of
   * milliseconds of a cold start). An empty file of the name in the native folder ends that search;
   * the native runtime opens these libraries only when such a provider is requested, which the CPU
   * build cannot do.
   */
  public static final List<String> ABSENT_PROVIDER_LIBRARIES = List.of("onnxruntime_providers_shared", "webgpu_dawn",
      "dxil", "dxcompiler");

  private NativeLibraries() {}

  /**
   * Sets {@code onnxruntime.native.path} if it is not set yet. Safe to call many times; must run
   * before the first ONNX Runtime class initialises.
   *
   * @return the folder chosen, or empty when ONNX Runtime is left to its own default
   */
  public static synchronized Optional<Path> configure(Map<String, String> env) {
    String current = System.getProperty(NATIVE_PATH_PROPERTY);
    if (current != null && !current.isBlank()) {
      return Optional.of(Path.of(current));
    }
    String platform = platform();
    Optional<Path> dir = explicitDir(env, platform);
    if (dir.isEmpty()) {
      dir = extractToCache(env, platform);
    }
    dir.ifPresent(d -> System.setProperty(NATIVE_PATH_PROPERTY, d.toString()));
    return dir;
  }

  /**
   * Loads the native libraries from {@code dir} in the order ONNX Runtime loads them, before its
   * classes initialise: the dynamic linking (24 MB, most of a cold start's page faults) then runs
   * while the JVM sets up the logging and the random source ONNX Runtime's Java side needs first.
   * ONNX Runtime's own load of the same files later finds them loaded. A library that fails to load
   * is left to ONNX Runtime, which reports it.
   */
  public static void preload(Path dir) {
    if (!sameClassLoaderAsOnnxRuntime()) {
      return; // a library belongs to the loader that loads it: ONNX Runtime's own must load it then
    }
    for (String f : libraryFiles(platform())) {
      Path lib = dir.resolve(f);
      if (!Files.isRegularFile(lib)) {
        return;
      }
      try {
        System.load(lib.toAbsolutePath().toString());
      } catch (UnsatisfiedLinkError e) {
        return;
      }
    }
  }

  private static boolean sameClassLoaderAsOnnxRuntime() {
    try {
      ClassLoader mine = NativeLibraries.class.getClassLoader();
      return Class.forName("ai.onnxruntime.OnnxRuntime", false, mine).getClassLoader() == mine; // not initialised
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** ONNX Runtime's platform folder name: {@code linux-x64}, {@code linux-aarch64}, {@code osx-aarch64}, ... */
  public static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
    String a = switch (arch) {
      case "amd64", "x86_64" -> "x64";
      case "aarch64", "arm64" -> "aarch64";
      default -> arch;
    };
    return o + "-" + a;
  }

  /** File names of the native libraries ONNX Runtime loads on this platform. */
  public static List<String> libraryFiles(String platform) {
    if (platform.startsWith("osx")) {
      return List.of("libonnxruntime.dylib", "libonnxruntime4j_jni.dylib");
    } else if (platform.startsWith("win")) {
      return List.of("onnxruntime.dll", "onnxruntime4j_jni.dll", "onnxruntime_providers_shared.dll");
    }
    return List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");
  }

  private static Optional<Path> explicitDir(Map<String, String> env, String platform) {
    String configured = env.get(EnvVars.ORT_NATIVE_DIR);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    String taskRoot = env.get("LAMBDA_TASK_ROOT");
    if (taskRoot != null) {
      Path packaged = Path.of(taskRoot, "native", platform);
      if (Files.isRegularFile(packaged.resolve(libraryFiles(platform).get(0)))) {
        return Optional.of(packaged);
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> extractToCache(Map<String, String> env, String platform) {
    String build = buildId();
    if (build == null) {
      return Optional.empty(); // no ONNX Runtime jar with natives on the classpath
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home", "/tmp"), ".cache");
    Path target = base.resolve("modelfn").resolve("onnxruntime").resolve(build).resolve(platform);
    List<String> files = libraryFiles(platform);
    if (files.stream().allMatch(f -> Files.isRegularFile(target.resolve(f)))) {
      markAbsentProviders(target);
      return Optional.of(target);
    }
    try {
      Files.createDirectories(target.getParent());
      Path staging = Files.createTempDirectory(target.getParent(), platform + ".staging-");
      boolean any = false;
      for (String f : files) {
        try (InputStream in = NativeLibraries.class.getResourceAsStream(RESOURCE_ROOT + platform + "/" + f)) {
          if (in != null) {
            Files.copy(in, staging.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            any = true;
          }
        }
      }
      if (!any) {
        deleteQuietly(staging);
        return Optional.empty(); // this platform's natives are not in the jar
      }
      markAbsentProviders(staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException
          | java.nio.file.DirectoryNotEmptyException e) {
        deleteQuietly(staging); // another process won the race; its copy is identical
      }
      return Optional.of(target);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty(); // read-only home: ONNX Runtime falls back to its own extraction
    }
  }

  private static void markAbsentProviders(Path dir) {
    for (String provider : ABSENT_PROVIDER_LIBRARIES) {
      Path marker = dir.resolve(System.mapLibraryName(provider));
      try {
        if (!Files.exists(marker)) {
          Files.createFile(marker);
        }
      } catch (IOException e) {
        return; // a read-only folder: ONNX Runtime searches the class path instead, only slower
      }
    }
  }

  private static String buildId() {
    try (InputStream in = NativeLibraries.class.getResourceAsStream("/GIT_COMMIT_ID")) {
      if (in == null) {
        return NativeLibraries.class.getResource(RESOURCE_ROOT) == null ? null : "unknown";
      }
      String id = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return id.length() > 12 ? id.substring(0, 12) : id;
    } catch (IOException e) {
      return null;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort clean-up of a staging folder
    }
  }
}
