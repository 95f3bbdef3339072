package dev.modelfn.core.batch;

import java.util.ArrayList;
import java.util.List;

/**
 * One micro-batch, handed from the {@link BatchReader} to the {@link PredictionEmitter}: the decoded
 * rows as one row-major float matrix, their row numbers, the rejected records among them, and where
 * the input stands after the batch (for the manifest's progress).
 */
final class MicroBatch {
  final float[] x;
  final long[] rows;
  int n;
  final List<Reject> rejects = new ArrayList<>();
  /** The last row the batch covers, scored or rejected; -1 when it covers none. */
  long lastRow = -1;
  long nextOffset;
  long nextLine;
  boolean end;
  RuntimeException error;

  MicroBatch(int capacity, int width) {
    x = new float[capacity * width];
    rows = new long[capacity];
  }

  /** A batch that carries the reader's failure to the scoring thread. */
  static MicroBatch failed(RuntimeException error) {
    MicroBatch b = new MicroBatch(0, 0);
    b.error = error;
    return b;
  }
}
