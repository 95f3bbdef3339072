package dev.modelfn.core.batch;

import dev.modelfn.core.storage.BlobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Writes one output object as a multipart upload in parts of about {@code partBytes}, uploading a
 * part in the background while the next fills. Parts are cut only at batch boundaries
 * ({@link #advance}). A checkpoint hands over the uploaded parts and the bytes not yet in a part
 * (the tail, stored beside the manifest), so that a continuation goes on exactly where this run
 * stopped. A small output is written with one plain put.
 */
final class PartWriter {
  /** A batch boundary: every row up to {@code row} is processed; the input position after it; the counts there. */
  record Covered(long row, long offset, long line, long rowsIn, long rowsOut, long rejected) {}

  /** What a continuation needs: the upload, its parts, and the bytes after them. */
  record State(String uploadId, List<BlobStore.Part> parts, byte[] tail) {}

  private final BlobStore store;
  private final String bucket;
  private final String key;
  private final String contentType;
  private final int partBytes;
  private final ExecutorService uploader;
  private final List<BlobStore.Part> parts = new ArrayList<>();
  /** The part being filled, and the spare that holds the part being uploaded: two buffers, reused. */
  private byte[] buffer;
  private int length;
  private byte[] spare;
  private String uploadId;
  private Future<BlobStore.Part> inFlight;

  PartWriter(BlobStore store, String bucket, String key, String contentType, int partBytes, ExecutorService uploader,
      State resumed) {
    this.store = store;
    this.bucket = bucket;
    this.key = key;
    this.contentType = contentType;
    this.partBytes = partBytes;
    this.uploader = uploader;
    this.buffer = new byte[Math.min(partBytes + 64 * 1024, 64 * 1024)];
    if (resumed != null) {
      this.uploadId = resumed.uploadId();
      this.parts.addAll(resumed.parts());
      write(resumed.tail(), 0, resumed.tail().length);
    }
  }

  void write(byte[] bytes, int off, int len) {
    if (length + len > buffer.length) {
      // grows to a part's size once, then is reused
      buffer = java.util.Arrays.copyOf(buffer, Math.max(length + len, Math.min(partBytes + 64 * 1024,
          Math.max(buffer.length * 2, length + len))));
    }
    System.arraycopy(bytes, off, buffer, length, len);
    length += len;
  }

  /** A batch boundary: cuts a part when the buffer is full. */
  void advance() {
    if (length >= partBytes) {
      cut();
    }
  }

  /** The limit on the parts of one upload: S3's multipart limit, kept on every store. */
  static final int MAX_PARTS = 10_000;

  private void cut() {
    if (parts.size() + (inFlight != null ? 1 : 0) + 1 >= MAX_PARTS) {
      // the last part must stay for finish(): what is left after this one would have no part
      throw new IllegalStateException(store.uri(bucket, key) + " needs more than " + MAX_PARTS + " parts of "
          + partBytes / (1024 * 1024) + " MiB (the object store's limit for one upload); set " + dev.modelfn.config.EnvVars.BATCH_PART_MIB + " higher");
    }
    awaitInFlight(); // the spare is free again
    if (uploadId == null) {
      uploadId = store.startUpload(bucket, key, contentType);
    }
    byte[] part = buffer;
    int partLength = length;
    buffer = spare != null && spare.length >= Math.min(partBytes, part.length) ? spare : new byte[part.length];
    spare = part;
    length = 0;
    int number = parts.size() + 1;
    String id = uploadId;
    inFlight = uploader.submit(() -> new BlobStore.Part(number, store.uploadPart(bucket, key, id, number, part,
        partLength)));
  }

  private long uploadWaitNanos;

  /** Time spent waiting for a part upload to finish. */
  long uploadWaitNanos() {
    return uploadWaitNanos;
  }

  private void awaitInFlight() {
    if (inFlight == null) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      parts.add(inFlight.get());
      uploadWaitNanos += System.nanoTime() - t0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while uploading a part of " + key, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      inFlight = null;
    }
  }

  /** Waits for the part in flight and returns what a continuation needs. */
  State checkpoint() {
    awaitInFlight();
    return new State(uploadId, List.copyOf(parts), java.util.Arrays.copyOf(buffer, length));
  }

  /** Uploads what is left and completes the object. */
  void finish() {
    awaitInFlight();
    if (uploadId == null) {
      store.put(bucket, key, java.util.Arrays.copyOf(buffer, length), contentType);
      return;
    }
    if (length > 0 || parts.isEmpty()) {
      parts.add(new BlobStore.Part(parts.size() + 1, store.uploadPart(bucket, key, uploadId, parts.size() + 1, buffer,
          length)));
    }
    store.completeUpload(bucket, key, uploadId, parts);
  }

  /** Gives up the upload (a failed or lost run). */
  void abort() {
    try {
      awaitInFlight();
    } catch (RuntimeException e) {
      // aborting anyway
    }
    if (uploadId != null) {
      store.abortUpload(bucket, key, uploadId);
    }
  }
}
