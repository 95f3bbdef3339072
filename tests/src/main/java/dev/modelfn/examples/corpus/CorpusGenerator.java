package dev.modelfn.examples.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Writes every {@link CorpusModel} to {@code <dir>/<name>/<name>.onnx} (the build runs it with
 * {@code tests/target/models/corpus}); a file already holding the same bytes is left alone.
 */
public final class CorpusGenerator {
  private CorpusGenerator() {}

  public static void main(String[] args) throws IOException {
    write(Path.of(args.length > 0 ? args[0] : "target/models/corpus"));
  }

  /** Writes the corpus under {@code dir}; returns it. */
  public static Path write(Path dir) throws IOException {
    for (CorpusModel m : CorpusModel.all()) {
      Path out = m.file(dir);
      byte[] bytes = m.builder().get().toByteArray();
      if (Files.isRegularFile(out) && Arrays.equals(Files.readAllBytes(out), bytes)) {
        continue; // up to date
      }
      Files.createDirectories(out.getParent());
      Path tmp = Files.createTempFile(out.getParent(), m.name(), ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return dir;
  }
}
