package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelfn.core.storage.BlobStore;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartWriterTest {
  private static final byte[] PART = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final ExecutorService io = Executors.newSingleThreadExecutor();
  private final InMemoryBlobStore store = new InMemoryBlobStore(PART.length);

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  /** A writer of 16-byte parts, given {@code parts} of them. */
  private PartWriter writer(String key, int parts) {
    PartWriter w = new PartWriter(store, "b", key, "text/csv", PART.length, io, null);
    for (int i = 0; i < parts; i++) {
      w.write(PART, 0, PART.length);
      w.advance();
    }
    return w;
  }

  @Test
  void refusesToGoBeyondS3sPartLimitAndSaysWhatToChange() {
    assertThatThrownBy(() -> writer("predictions/x.csv", PartWriter.MAX_PARTS + 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("10000 parts")
        .hasMessageContaining("MODELFN_BATCH_PART_MIB");
  }

  @Test
  void upToTheLimitTheUploadCompletes() {
    PartWriter w = writer("predictions/y.csv", PartWriter.MAX_PARTS - 1);
    w.write(PART, 0, 3);
    w.finish();
    assertThat(store.get("b", "predictions/y.csv").orElseThrow().bytes()).hasSize(PART.length * (PartWriter.MAX_PARTS - 1) + 3);
  }
}
