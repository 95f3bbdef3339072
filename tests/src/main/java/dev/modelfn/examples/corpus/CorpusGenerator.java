package dev.modelfn.examples.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes every {@link CorpusModel} and {@link CorpusGraph} to {@code <dir>/<name>/<name>.onnx}, and the {@link
 * ExternalDataMlp} models with their data files beside them (the build runs it with {@code tests/target/models/corpus});
 * a file already holding the same bytes is left alone.
 */
public final class CorpusGenerator {
  private CorpusGenerator() {}

  public static void main(String[] args) throws IOException {
    write(Path.of(args.length > 0 ? args[0] : "target/models/corpus"));
  }

  /** Writes the corpus under {@code dir}; returns it. */
  public static Path write(Path dir) throws IOException {
    for (CorpusModel m : CorpusModel.all()) {
      write(m.file(dir), m.name(), m.builder().get().toByteArray());
    }
    for (CorpusGraph g : CorpusGraph.all()) {
      write(g.file(dir), g.name(), g.builder().get().toByteArray());
    }
    for (Map.Entry<String, Map<String, byte[]>> m : ExternalDataMlp.corpus().entrySet()) {
      for (Map.Entry<String, byte[]> f : m.getValue().entrySet()) { // data files first, the model last
        if (!f.getKey().equals(m.getKey() + ".onnx")) {
          write(dir.resolve(m.getKey()).resolve(f.getKey()), m.getKey(), f.getValue());
        }
      }
      write(ExternalDataMlp.file(dir, m.getKey()), m.getKey(), m.getValue().get(m.getKey() + ".onnx"));
    }
    return dir;
  }

  private static void write(Path out, String name, byte[] bytes) throws IOException {
    if (Files.isRegularFile(out) && Arrays.equals(Files.readAllBytes(out), bytes)) {
      return; // up to date
    }
    Files.createDirectories(out.getParent());
    Path tmp = Files.createTempFile(out.getParent(), name, ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
