package dev.modelfn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class PartWriterTest {
  @Test
  void refusesToGoBeyondS3sPartLimitAndSaysWhatToChange() {
    ExecutorService io = Executors.newSingleThreadExecutor();
    try {
      InMemoryBlobStore store = new InMemoryBlobStore(16);
      PartWriter w = new PartWriter(store, "b", "predictions/x.csv", "text/csv", 16, io, null);
      byte[] row = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> {
        for (int i = 0; i < PartWriter.MAX_PARTS + 1; i++) {
          w.write(row, 0, row.length);
          w.advance();
        }
      }).isInstanceOf(IllegalStateException.class).hasMessageContaining("10000 parts")
          .hasMessageContaining("MODELFN_BATCH_PART_MIB");
    } finally {
      io.shutdownNow();
    }
  }

  @Test
  void upToTheLimitTheUploadCompletes() {
    ExecutorService io = Executors.newSingleThreadExecutor();
    try {
      InMemoryBlobStore store = new InMemoryBlobStore(16);
      PartWriter w = new PartWriter(store, "b", "predictions/y.csv", "text/csv", 16, io, null);
      byte[] row = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int i = 0; i < PartWriter.MAX_PARTS - 1; i++) {
        w.write(row, 0, row.length);
        w.advance();
      }
      w.write(row, 0, 3);
      w.finish();
      assertThat(store.get("b", "predictions/y.csv").orElseThrow().bytes()).hasSize(16 * (PartWriter.MAX_PARTS - 1) + 3);
    } finally {
      io.shutdownNow();
    }
  }
}
