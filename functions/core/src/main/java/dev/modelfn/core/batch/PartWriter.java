package dev.modelfn.core.batch;

import java.io.ByteArrayOutputStream;
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
  private ByteArrayOutputStream buffer;
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
    this.buffer = newBuffer();
    if (resumed != null) {
      this.uploadId = resumed.uploadId();
      this.parts.addAll(resumed.parts());
      this.buffer.writeBytes(resumed.tail());
    }
  }

  private ByteArrayOutputStream newBuffer() {
    return new ByteArrayOutputStream(Math.min(partBytes + 64 * 1024, 16 * 1024 * 1024));
  }

  void write(byte[] bytes, int off, int len) {
    buffer.write(bytes, off, len);
  }

  /** A batch boundary: cuts a part when the buffer is full. */
  void advance() {
    if (buffer.size() >= partBytes) {
      cut();
    }
  }

  private void cut() {
    awaitInFlight();
    if (uploadId == null) {
      uploadId = store.startUpload(bucket, key, contentType);
    }
    byte[] part = buffer.toByteArray();
    buffer = newBuffer();
    int number = parts.size() + 1;
    String id = uploadId;
    inFlight = uploader.submit(() -> new BlobStore.Part(number, store.uploadPart(bucket, key, id, number, part,
        part.length)));
  }

  private void awaitInFlight() {
    if (inFlight == null) {
      return;
    }
    try {
      parts.add(inFlight.get());
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
    return new State(uploadId, List.copyOf(parts), buffer.toByteArray());
  }

  /** Uploads what is left and completes the object. */
  void finish() {
    awaitInFlight();
    if (uploadId == null) {
      store.put(bucket, key, buffer.toByteArray(), contentType);
      return;
    }
    if (buffer.size() > 0 || parts.isEmpty()) {
      byte[] last = buffer.toByteArray();
      parts.add(new BlobStore.Part(parts.size() + 1, store.uploadPart(bucket, key, uploadId, parts.size() + 1, last,
          last.length)));
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
