package dev.modelfn.core.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Jobs in object storage, under a prefix of one bucket:
 *
 * <pre>
 * jobs/&lt;id&gt;/job.json        the job document (status, timings, callback state)
 * jobs/&lt;id&gt;/input           the request body, when too large to travel in the queue message
 * jobs/&lt;id&gt;/result.json     the inference response
 * jobs/idempotency/&lt;sha256&gt;.json   an Idempotency-Key's job id and request digest
 * </pre>
 *
 * Changes are compare-and-set on the entity tag ({@code If-Match}), so that two workers holding the
 * same message cannot overwrite each other's status.
 */
public final class JobStore {
  private static final int READ_TRIES = 5;
  private static final int UPDATE_TRIES = 10;

  private final BlobStore blobs;
  private final String bucket;
  private final String prefix;

  public JobStore(BlobStore blobs, String bucket, String prefix) {
    this.blobs = blobs;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  public String bucket() {
    return bucket;
  }

  public String jobKey(String id) {
    return prefix + id + "/job.json";
  }

  public String inputKey(String id) {
    return prefix + id + "/input";
  }

  public String resultKey(String id) {
    return prefix + id + "/result.json";
  }

  String idempotencyKey(String digest) {
    return prefix + "idempotency/" + digest + ".json";
  }

  /** Writes a new job; false if one with this id exists. */
  boolean create(Job job) {
    return blobs.putIfAbsent(bucket, jobKey(job.id()), job.bytes(), "application/json");
  }

  void delete(String id) {
    blobs.delete(bucket, jobKey(id));
  }

  /** A job and the entity tag it was read with. */
  record Versioned(Job job, String etag) {}

  public Optional<Job> find(String id) {
    return read(id).map(Versioned::job);
  }

  Optional<Versioned> read(String id) {
    return readJson(jobKey(id)).map(b -> new Versioned(Job.parse(b.bytes()), b.etag()));
  }

  /**
   * Reads a small JSON object, looking again when it does not parse: a server whose overwrites are
   * not atomic (S3 itself is) can hand out a half-written object for a moment.
   */
  private Optional<BlobStore.Blob> readJson(String key) {
    RuntimeException last = null;
    for (int i = 0; i < READ_TRIES; i++) {
      Optional<BlobStore.Blob> blob = blobs.get(bucket, key);
      if (blob.isEmpty()) {
        return blob;
      }
      try {
        Json.parse(blob.get().bytes());
        return blob;
      } catch (RuntimeException e) {
        last = e;
        sleep(20L << i);
      }
    }
    throw new IllegalStateException(blobs.uri(bucket, key) + " is not valid JSON", last);
  }

  /**
   * Applies a change to a job and writes it back if nobody else changed it meanwhile; otherwise
   * reads again and reapplies. The change returns null to leave the job as it is.
   *
   * @return the job as written (or as found, when the change declined), empty if there is no job
   */
  Optional<Job> update(String id, UnaryOperator<Job> change) {
    for (int i = 0; i < UPDATE_TRIES; i++) {
      Optional<Versioned> current = read(id);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Job changed = change.apply(current.get().job());
      if (changed == null) {
        return Optional.of(current.get().job());
      }
      if (blobs.putIfMatch(bucket, jobKey(id), changed.bytes(), "application/json", current.get().etag())) {
        return Optional.of(changed);
      }
      sleep(10L << Math.min(i, 5));
    }
    throw new IllegalStateException("job " + id + " kept changing under " + UPDATE_TRIES + " updates");
  }

  void putInput(String id, byte[] body) {
    blobs.put(bucket, inputKey(id), body, "application/octet-stream");
  }

  byte[] input(String id) {
    return blobs.get(bucket, inputKey(id)).map(BlobStore.Blob::bytes).orElseThrow(() -> new IllegalStateException(
        "the input of job " + id + " is missing at " + blobs.uri(bucket, inputKey(id))));
  }

  /** The job's stored input as the store names it ({@code s3://bucket/key}: a remote endpoint reads it there). */
  String inputLocation(String id) {
    return blobs.uri(bucket, inputKey(id));
  }

  /** The job's result as the store names it. */
  String resultLocation(String id) {
    return blobs.uri(bucket, resultKey(id));
  }

  /** The object at an {@code s3://bucket/key} location, if it exists. */
  Optional<byte[]> readLocation(String location) {
    if (location == null || !location.startsWith("s3://") || location.indexOf('/', 5) < 6) {
      throw new IllegalArgumentException("expected an s3://bucket/key location, got '" + location + "'");
    }
    int slash = location.indexOf('/', 5);
    return blobs.get(location.substring(5, slash), location.substring(slash + 1)).map(BlobStore.Blob::bytes);
  }

  void putResult(String id, byte[] body) {
    blobs.put(bucket, resultKey(id), body, "application/json");
  }

  Optional<byte[]> result(String id) {
    return readJson(resultKey(id)).map(BlobStore.Blob::bytes);
  }

  /**
   * Claims an idempotency key for a job. Returns empty when this call claimed it, or the record of
   * the earlier claim ({@code job_id}, {@code request_sha256}).
   */
  Optional<JsonNode> claimIdempotency(String digest, String jobId, String requestSha256) {
    ObjectNode record = Json.mapper().createObjectNode().put("job_id", jobId).put("request_sha256", requestSha256);
    byte[] bytes;
    try {
      bytes = Json.mapper().writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < READ_TRIES; i++) {
      if (blobs.putIfAbsent(bucket, idempotencyKey(digest), bytes, "application/json")) {
        return Optional.empty();
      }
      Optional<BlobStore.Blob> earlier = readJson(idempotencyKey(digest));
      if (earlier.isPresent()) {
        return Optional.of(Json.parse(earlier.get().bytes()));
      }
    }
    throw new IllegalStateException("idempotency record " + digest + " could neither be claimed nor read");
  }

  void releaseIdempotency(String digest) {
    blobs.delete(bucket, idempotencyKey(digest));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
