package dev.modelfn.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model located and made readable: either a local file or the bytes of a classpath resource, plus
 * an optional sidecar JSON with feature names and labels.
 *
 * @param uri where the model came from, as configured
 * @param baseName file name without the {@code .onnx} extension (the default model name)
 */
public record ModelArtifact(
    String uri, String baseName, Optional<Path> file, Optional<byte[]> bytes, Optional<byte[]> sidecar) {}
