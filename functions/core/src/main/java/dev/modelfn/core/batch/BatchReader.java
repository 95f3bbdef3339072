package dev.modelfn.core.batch;

import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.CsvRecords;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.model.ModelSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads an object's records from where the run stands and decodes them into {@link MicroBatch}es,
 * ahead of scoring, on its own thread. A record that cannot be decoded becomes a {@link Reject}
 * of its batch; a CSV header that cannot be mapped fails the file ({@link BadHeaderException}); any
 * other failure is handed to the scoring thread in a failed batch.
 */
final class BatchReader implements Runnable {
  /** Opens the object's bytes from the reader's starting offset. */
  @FunctionalInterface
  interface Source {
    InputStream open() throws IOException;
  }

  private final Source source;
  private final String name;
  private final InputFormat format;
  private final ModelSignature signature;
  private final PartWriter.Covered from;
  private final int width;
  private final int batchRows;
  private final BlockingQueue<MicroBatch> queue;
  private final AtomicBoolean stop;
  private volatile List<String> header;
  private volatile boolean headerRead;

  /**
   * @param name the object, for messages
   * @param header the CSV header read by an earlier invocation of the run, or null
   */
  BatchReader(Source source, String name, InputFormat format, ModelSignature signature, PartWriter.Covered from,
      List<String> header, boolean headerRead, int width, int batchRows, BlockingQueue<MicroBatch> queue,
      AtomicBoolean stop) {
    this.source = source;
    this.name = name;
    this.format = format;
    this.signature = signature;
    this.from = from;
    this.header = header;
    this.headerRead = headerRead;
    this.width = width;
    this.batchRows = batchRows;
    this.queue = queue;
    this.stop = stop;
  }

  /** The CSV header, once read (null for a headerless file). */
  List<String> header() {
    return header;
  }

  boolean headerRead() {
    return headerRead;
  }

  @Override
  public void run() {
    try (InputStream in = source.open()) {
      RecordSplitter split = new RecordSplitter(in, format == InputFormat.CSV, from.offset(), from.line());
      RowDecoder decoder = format == InputFormat.JSONL ? RowDecoder.jsonl(signature) : null;
      long row = Math.max(0, from.row());
      MicroBatch b = new MicroBatch(batchRows, width);
      while (!stop.get() && split.next()) {
        if (decoder == null) {
          CsvCodec.ColumnMapping mapping;
          if (!headerRead) {
            headerRead = true;
            List<String> first;
            try {
              first = CsvRecords.fields(split.bytes, split.length);
            } catch (InvalidInputException e) {
              throw new BadHeaderException("the first line is not valid CSV: " + e.getMessage());
            }
            mapping = mapping(first);
            if (mapping.header()) {
              header = first;
              decoder = RowDecoder.csv(signature, mapping);
              b.lastRow = 0;
              b.nextOffset = split.nextOffset;
              b.nextLine = split.nextLine;
              continue;
            }
            header = null;
          } else {
            mapping = header == null ? mapping(null) : mapping(header);
          }
          decoder = RowDecoder.csv(signature, mapping);
        }
        row++;
        if (add(b, decoder, split, row)) {
          put(b);
          b = new MicroBatch(batchRows, width);
        }
      }
      if (!stop.get()) {
        if (decoder == null && format == InputFormat.CSV && !headerRead) {
          header = null; // an empty file
        }
        b.end = true;
        put(b);
      }
    } catch (RuntimeException e) {
      put(MicroBatch.failed(e));
    } catch (IOException e) {
      put(MicroBatch.failed(new UncheckedIOException("reading " + name + ": " + e.getMessage(), e)));
    }
  }

  /** Decodes the current record into the batch (or its rejects); true when the batch is full. */
  private boolean add(MicroBatch b, RowDecoder decoder, RecordSplitter split, long row) {
    try {
      decoder.decode(split.bytes, split.length, b.x, b.n * width);
      b.rows[b.n] = row;
      b.n++;
    } catch (InvalidInputException e) {
      b.rejects.add(new Reject(row, split.startLine, raw(split), reason(e)));
    }
    b.lastRow = row;
    b.nextOffset = split.nextOffset;
    b.nextLine = split.nextLine;
    return b.n == batchRows || b.rejects.size() >= batchRows;
  }

  private CsvCodec.ColumnMapping mapping(List<String> first) {
    try {
      if (first == null) {
        int[] src = new int[width];
        for (int i = 0; i < width; i++) {
          src[i] = i;
        }
        return new CsvCodec.ColumnMapping(src, width, false);
      }
      return CsvCodec.mapping(first, signature, RowDecoder.tabularInput(signature));
    } catch (InvalidInputException e) {
      throw new BadHeaderException("the CSV header cannot be mapped onto the model's features: " + reason(e));
    }
  }

  private void put(MicroBatch b) {
    try {
      while (!stop.get()) {
        if (queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The record as text for its reject, cut at 64 KiB. */
  private static String raw(RecordSplitter s) {
    int n = Math.min(s.length, 64 * 1024);
    return new String(s.bytes, 0, n, StandardCharsets.UTF_8) + (n < s.length ? "..." : "");
  }

  /** A decoding error as a reject's reason: the field (without the batch's row index), what was expected and received. */
  static String reason(InvalidInputException e) {
    String p = e.pointer();
    if (p.startsWith("/0/")) {
      p = p.substring(2);
    } else if (p.equals("/0")) {
      p = "";
    }
    return (p.isEmpty() ? "" : p + ": ") + "expected " + e.expected() + ", received " + e.received();
  }
}
