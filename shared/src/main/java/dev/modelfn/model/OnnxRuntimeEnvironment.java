package dev.modelfn.model;

import ai.onnxruntime.OrtEnvironment;
import java.util.Map;

/**
 * The one {@link OrtEnvironment} of the process. Configures the native library folder (see {@link
 * NativeLibraries}) before ONNX Runtime loads.
 */
public final class OnnxRuntimeEnvironment {
  private static volatile OrtEnvironment environment;

  private OnnxRuntimeEnvironment() {}

  /**
   * Starts loading ONNX Runtime on a background thread and returns at once; {@link #get} waits for
   * it. Creating the environment registers every ONNX operator schema (tens of milliseconds of one
   * core), which a cold start can overlap with its own class loading on another core. The caller
   * should then set up {@code java.util.logging}, which ONNX Runtime's classes need first (see
   * {@link #prepareLogging}), while this thread links the natives.
   */
  public static void startLoading(Map<String, String> env) {
    if (environment != null) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        // ONNX Runtime's Java side starts with java.util.logging (set up by the caller meanwhile),
        // then makes a temporary folder, whose name needs the first SecureRandom of the process
        // (security providers, a native seed source: over ten milliseconds), and only then links
        // its natives and creates the environment. The natives and the random source go first here.
        NativeLibraries.configure(env).ifPresent(NativeLibraries::preload);
        new java.security.SecureRandom().nextLong();
        get(env);
      } catch (RuntimeException | LinkageError e) {
        // get() on the caller's thread reports it
      }
    }, "onnxruntime-init");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Sets up {@code java.util.logging} (what ONNX Runtime's classes initialise first), on the
   * caller's thread while the loading thread links the native libraries.
   */
  public static void prepareLogging() {
    java.util.logging.Logger.getLogger("ai.onnxruntime");
  }

  public static OrtEnvironment get() {
    return get(System.getenv());
  }

  public static OrtEnvironment get(Map<String, String> env) {
    OrtEnvironment e = environment;
    if (e == null) {
      synchronized (OnnxRuntimeEnvironment.class) {
        e = environment;
        if (e == null) {
          NativeLibraries.configure(env);
          e = OrtEnvironment.getEnvironment(OrtLoggingLevelHolder.WARNING, "modelfn");
          environment = e;
        }
      }
    }
    return e;
  }

  /** Keeps the ONNX Runtime logging enum out of the class's static initialiser. */
  private static final class OrtLoggingLevelHolder {
    static final ai.onnxruntime.OrtLoggingLevel WARNING = ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
  }
}
