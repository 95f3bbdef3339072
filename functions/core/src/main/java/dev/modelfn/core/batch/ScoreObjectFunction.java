package dev.modelfn.core.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.CsvCodec;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.Predictions;
import dev.modelfn.config.EnvValues;
import dev.modelfn.config.EnvVars;
import dev.modelfn.core.storage.BlobStore;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.Predictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import dev.modelfn.telemetry.JsonLogger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;

/**
 * Scores one object: streams it, scores micro-batches (one predictor call each), writes
 * {@code predictions/<key>}, {@code rejects/<key>.jsonl} and {@code manifests/<key>.json} (keys
 * relative to the input prefix). Reading, scoring and uploading overlap; memory stays bounded
 * whatever the object's size.
 *
 * <p>At least once delivery: the work is claimed with a conditional write of the manifest, so a
 * repeated or concurrent delivery for the same input version and model version does nothing. A run
 * that nears the invocation's end records where it is and enqueues a continuation; the
 * continuation resumes exactly there and the output equals an uninterrupted run's.
 */
public final class ScoreObjectFunction {
  /** Settings, with the env vars that set them in the adapters. */
  public record Settings(String inputPrefix, String outputPrefix, String manifestPrefix, String rejectsPrefix,
      int batchRows, int partBytes, Duration safetyMargin, Optional<InputFormat> outputFormat) {
    public static Settings defaults() {
      return new Settings("incoming/", "predictions/", "manifests/", "rejects/", 512, 8 * 1024 * 1024,
          Duration.ofSeconds(30), Optional.empty());
    }

    /** The settings from the environment ({@code MODELFN_INPUT_PREFIX}, {@code MODELFN_BATCH_*}), each checked. */
    public static Settings from(Map<String, String> env) {
      Settings d = defaults();
      String prefix = env.getOrDefault(EnvVars.INPUT_PREFIX, d.inputPrefix());
      if (prefix.isBlank() || !prefix.endsWith("/")) {
        throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.INPUT_PREFIX + ": expected a key prefix ending in '/', found '"
            + prefix + "'");
      }
      int rows = EnvValues.positiveInt(env, EnvVars.BATCH_ROWS, d.batchRows());
      int partMib = EnvValues.positiveInt(env, EnvVars.BATCH_PART_MIB, d.partBytes() / (1024 * 1024));
      if (partMib < 5) {
        throw new ModelfnException(Problem.CONFIGURATION_ERROR, EnvVars.BATCH_PART_MIB + ": S3 parts are at least 5 MiB; found " + partMib);
      }
      int safety = EnvValues.positiveInt(env, EnvVars.BATCH_SAFETY_SECONDS, (int) d.safetyMargin().toSeconds());
      Optional<InputFormat> out = Optional.empty();
      String format = env.get(EnvVars.BATCH_OUTPUT_FORMAT);
      if (format != null && !format.isBlank()) {
        out = Optional.of(InputFormat.ofName(format).orElseThrow(() -> new ModelfnException(Problem.CONFIGURATION_ERROR, 
            EnvVars.BATCH_OUTPUT_FORMAT + ": expected csv or jsonl, found '" + format + "'")));
      }
      return new Settings(prefix, d.outputPrefix(), d.manifestPrefix(), d.rejectsPrefix(), rows,
          partMib * 1024 * 1024, Duration.ofSeconds(safety), out);
    }
  }

  /** What to score: an object (from an S3 event), or a continuation. */
  public record Request(String bucket, String key, Optional<String> continuationClaim) {
    public static Request of(String bucket, String key) {
      return new Request(bucket, key, Optional.empty());
    }
  }

  public enum Outcome {
    COMPLETED, CONTINUED, DUPLICATE, IN_PROGRESS, REFUSED, FAILED, STALE
  }

  public record Result(Outcome outcome, String detail, long rowsIn, long rowsOut, long rejected) {}

  private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "batch-io");
    t.setDaemon(true);
    return t;
  });

  private final Predictor predictor;
  private final BlobStore store;
  private final Continuations continuations;
  private final Settings settings;
  private final JsonLogger log;

  public ScoreObjectFunction(Predictor predictor, BlobStore store, Continuations continuations, Settings settings,
      JsonLogger log) {
    this.predictor = predictor;
    this.store = store;
    this.continuations = continuations;
    this.settings = settings;
    this.log = log;
  }

  /** The body of a continuation message for {@code req}. */
  static String continuationBody(String bucket, String key, String claim) {
    ObjectNode c = Json.mapper().createObjectNode();
    c.putObject("modelfnContinuation").put("bucket", bucket).put("key", key).put("claim", claim);
    return c.toString();
  }

  /** Reads a continuation message body, if it is one. */
  public static Optional<Request> continuation(String body) {
    try {
      JsonNode n = Json.mapper().readTree(body);
      JsonNode c = n == null ? null : n.get("modelfnContinuation");
      if (c == null || !c.isObject()) {
        return Optional.empty();
      }
      return Optional.of(new Request(c.path("bucket").asText(), c.path("key").asText(),
          Optional.of(c.path("claim").asText())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Scores the object, or resumes it.
   *
   * @param remainingMillis the invocation's remaining time (Lambda's {@code getRemainingTimeInMillis})
   */
  public Result apply(Request req, LongSupplier remainingMillis) {
    long t0 = System.nanoTime();
    if (!req.key().startsWith(settings.inputPrefix())) {
      log.warn("object refused: outside the input prefix (recursion guard)", "bucket", req.bucket(), "key", req.key(),
          "input_prefix", settings.inputPrefix());
      return new Result(Outcome.REFUSED, store.uri(req.bucket(), req.key()) + " is outside the input prefix "
          + settings.inputPrefix(), 0, 0, 0);
    }
    String rel = req.key().substring(settings.inputPrefix().length());
    String manifestKey = settings.manifestPrefix() + rel + ".json";
    Optional<BlobStore.Info> info = store.head(req.bucket(), req.key());
    if (info.isEmpty()) {
      log.warn("object to score is gone", "bucket", req.bucket(), "key", req.key());
      return new Result(Outcome.STALE, store.uri(req.bucket(), req.key()) + " no longer exists", 0, 0, 0);
    }
    ModelMetadata md = predictor.metadata();
    Claim claim = claim(req, manifestKey, info.get(), md, remainingMillis);
    if (claim.outcome() != null) {
      log.info("object not scored", "key", req.key(), "outcome", claim.outcome().name(), "detail", claim.detail());
      return new Result(claim.outcome(), claim.detail(), 0, 0, 0);
    }
    Manifest m = claim.manifest();
    Optional<InputFormat> inFormat = InputFormat.ofKey(req.key());
    if (inFormat.isEmpty()) {
      return fail(req, manifestKey, claim, "the key's extension is not .csv or .jsonl/.ndjson (optionally .gz)", null);
    }
    InputFormat outFormat = settings.outputFormat().orElse(inFormat.get());
    String base = InputFormat.gzipped(rel) ? rel.substring(0, rel.length() - 3) : rel;
    String outKey = settings.outputPrefix() + base + (outFormat == inFormat.get() ? "" : outFormat.extension());
    String rejectsKey = settings.rejectsPrefix() + rel + ".jsonl";
    m.target(outKey, rejectsKey, inFormat.get().name().toLowerCase(java.util.Locale.ROOT), InputFormat.gzipped(rel));
    try {
      return score(req, claim, inFormat.get(), outFormat, outKey, rejectsKey, manifestKey, remainingMillis, t0);
    } catch (BadHeaderException e) {
      return fail(req, manifestKey, claim, e.getMessage(), null);
    }
  }

  private record Claim(Manifest manifest, String manifestEtag, Outcome outcome, String detail) {}

  /** Claims the work with a conditional write of the manifest, or says why this delivery does nothing. */
  private Claim claim(Request req, String manifestKey, BlobStore.Info input, ModelMetadata md,
      LongSupplier remainingMillis) {
    long lease = System.currentTimeMillis() + Math.max(60_000, remainingMillis.getAsLong() + 60_000);
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<BlobStore.Blob> existing = store.get(req.bucket(), manifestKey);
      if (existing.isEmpty()) {
        if (req.continuationClaim().isPresent()) {
          return new Claim(null, null, Outcome.STALE, "no manifest for this continuation");
        }
        Manifest m = newManifest(req, input, md, lease);
        if (store.putIfAbsent(req.bucket(), manifestKey, m.bytes(), "application/json")) {
          return new Claim(m, store.get(req.bucket(), manifestKey).map(BlobStore.Blob::etag).orElse(null), null, null);
        }
        continue; // another delivery claimed it first: look again
      }
      Manifest m = Manifest.parse(existing.get().bytes());
      boolean sameWork = m.inputEtag().equals(input.etag()) && m.modelVersion().equals(md.version());
      if (req.continuationClaim().isPresent()) {
        if (m.status().equals(Manifest.CONTINUED) && m.claim().equals(req.continuationClaim().get()) && sameWork) {
          m.resume(lease);
          if (store.putIfMatch(req.bucket(), manifestKey, m.bytes(), "application/json", existing.get().etag())) {
            return new Claim(m, store.get(req.bucket(), manifestKey).map(BlobStore.Blob::etag).orElse(null), null,
                null);
          }
          continue;
        }
        return new Claim(null, null, Outcome.STALE, "the manifest no longer awaits this continuation");
      }
      if (sameWork) {
        switch (m.status()) {
          case Manifest.COMPLETED -> {
            return new Claim(null, null, Outcome.DUPLICATE, "already scored: input ETag " + input.etag()
                + " with model version " + md.version());
          }
          case Manifest.FAILED -> {
            return new Claim(null, null, Outcome.DUPLICATE, "already failed for this input and model version: "
                + m.error());
          }
          default -> {
            if (m.leaseUntil() > System.currentTimeMillis()) {
              return new Claim(null, null, Outcome.IN_PROGRESS, "being scored by another invocation (claim "
                  + m.claim() + ")");
            }
            // the run that held it stopped without a trace: take over from the start
          }
        }
      }
      Manifest fresh = newManifest(req, input, md, lease);
      if (store.putIfMatch(req.bucket(), manifestKey, fresh.bytes(), "application/json", existing.get().etag())) {
        return new Claim(fresh, store.get(req.bucket(), manifestKey).map(BlobStore.Blob::etag).orElse(null), null,
            null);
      }
    }
    return new Claim(null, null, Outcome.IN_PROGRESS, "the manifest kept changing while it was being claimed");
  }

  private static Manifest newManifest(Request req, BlobStore.Info input, ModelMetadata md, long lease) {
    return Manifest.start(req.bucket(), req.key(), input, md, lease);
  }

  private Result score(Request req, Claim claim, InputFormat inFormat, InputFormat outFormat, String outKey,
      String rejectsKey, String manifestKey, LongSupplier remainingMillis, long t0) {
    Manifest m = claim.manifest();
    TensorSpec spec;
    int width;
    try {
      spec = RowDecoder.tabularInput(predictor.metadata().signature());
      width = RowDecoder.width(predictor.metadata().signature());
    } catch (IllegalArgumentException e) {
      throw new BadHeaderException(e.getMessage());
    }
    boolean resumed = m.hasProgress();
    Manifest.Progress progress = resumed ? m.progress() : null;
    PartWriter out = new PartWriter(store, req.bucket(), outKey, outFormat.contentType(), settings.partBytes(), IO,
        resumed ? resumedState(req, progress.output()) : null);
    PartWriter rej = new PartWriter(store, req.bucket(), rejectsKey, InputFormat.JSONL.contentType(),
        settings.partBytes(), IO, resumed ? resumedState(req, progress.rejects()) : null);
    PartWriter.Covered from = resumed ? progress.at() : new PartWriter.Covered(-1, 0, 1, 0, 0, 0);
    String etag = m.inputEtag();
    String tailBase = settings.manifestPrefix() + rel(req) + ".json";

    resetHeapPeaks();
    BlockingQueue<MicroBatch> queue = new ArrayBlockingQueue<>(2);
    AtomicBoolean stop = new AtomicBoolean();
    List<String> header = resumed ? progress.header() : null;
    boolean headerRead = resumed && progress.headerRead();
    BatchReader reader = new BatchReader(() -> open(req, etag, from.offset()), store.uri(req.bucket(), req.key()),
        inFormat, predictor.metadata().signature(), from, header, headerRead, width, settings.batchRows(), queue, stop);
    IO.execute(reader);

    long rowsIn = from.rowsIn();
    long rowsOut = from.rowsOut();
    long rejected = from.rejected();
    PartWriter.Covered at = from;
    long waitingForInput = 0;
    PredictionEmitter emitter = new PredictionEmitter(predictor, spec, width, outFormat, out, rej,
        resumed && progress.outputHeaderWritten());
    boolean continued = false;
    try {
      while (true) {
        long w0 = System.nanoTime();
        MicroBatch b = queue.take();
        waitingForInput += System.nanoTime() - w0;
        if (b.error != null) {
          throw b.error;
        }
        emitter.scoreAndWrite(b);
        rowsIn += b.n + b.rejects.size();
        rowsOut += b.n;
        rejected += b.rejects.size();
        if (b.lastRow >= 0) {
          at = new PartWriter.Covered(b.lastRow, b.nextOffset, b.nextLine, rowsIn, rowsOut, rejected);
          out.advance();
          rej.advance();
        }
        if (b.end) {
          break;
        }
        if (remainingMillis.getAsLong() < settings.safetyMargin().toMillis()) {
          continued = true;
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
      out.abort();
      rej.abort();
      throw new IllegalStateException("interrupted while scoring " + req.key(), e);
    } catch (RuntimeException e) {
      stop.set(true);
      queue.clear();
      out.abort();
      rej.abort();
      return fail(req, manifestKey, claim, e instanceof BadHeaderException ? e.getMessage()
          : "scoring stopped: " + e, e instanceof BadHeaderException ? null : e);
    } finally {
      stop.set(true);
      queue.clear();
    }
    boolean csvHeaderWritten = emitter.csvHeaderWritten();
    if (continued) {
      return handOver(req, claim, manifestKey, reader, out, rej, at, csvHeaderWritten, tailBase, t0);
    }
    emitter.finishHeader();
    out.finish();
    rej.finish();
    if (resumed) {
      store.delete(req.bucket(), progress.output().tailKey());
      store.delete(req.bucket(), progress.rejects().tailKey());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    m.complete(rowsIn, rowsOut, rejected, seconds, waitingForInput / 1e9,
        (out.uploadWaitNanos() + rej.uploadWaitNanos()) / 1e9, heapPeakMiB(false), heapPeakMiB(true),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    if (!store.putIfMatch(req.bucket(), manifestKey, m.bytes(), "application/json", claim.manifestEtag())) {
      log.warn("manifest changed under a finished run; predictions are written, the manifest is not updated", "key",
          req.key());
    }
    log.info("object scored", "key", req.key(), "rows_in", rowsIn, "rows_out", rowsOut, "rejected", rejected,
        "seconds", seconds, "output", outKey);
    return new Result(Outcome.COMPLETED, outKey, rowsIn, rowsOut, rejected);
  }

  /** Heap use peaks since the last reset, for the manifest: memory must not grow with the file. */
  private static void resetHeapPeaks() {
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Peak use of the heap pools since the reset, in MiB: all of them, or only the old generation's. */
  private static long heapPeakMiB(boolean oldOnly) {
    long sum = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (pool.getType() == java.lang.management.MemoryType.HEAP
          && (!oldOnly || name.contains("Old") || name.contains("Tenured"))) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / (1024 * 1024);
  }

  private static PartWriter.Covered earlier(PartWriter.Covered a, PartWriter.Covered b) {
    return a.row() <= b.row() ? a : b;
  }

  /** Records where the run is and enqueues the continuation that resumes it. */
  private Result handOver(Request req, Claim claim, String manifestKey, BatchReader reader, PartWriter out,
      PartWriter rej, PartWriter.Covered at, boolean outputHeaderWritten, String tailBase, long t0) {
    Manifest m = claim.manifest();
    Manifest.WriterState outState = saveTail(req, out.checkpoint(), tailBase + ".output-tail");
    Manifest.WriterState rejState = saveTail(req, rej.checkpoint(), tailBase + ".rejects-tail");
    m.progress(new Manifest.Progress(at, reader.header(), reader.headerRead(), outputHeaderWritten, outState, rejState));
    m.handOver(at);
    if (!store.putIfMatch(req.bucket(), manifestKey, m.bytes(), "application/json", claim.manifestEtag())) {
      out.abort();
      rej.abort();
      return new Result(Outcome.STALE, "the manifest changed under this run; it stops without a continuation", 0, 0,
          0);
    }
    continuations.enqueue(continuationBody(req.bucket(), req.key(), m.claim()));
    log.info("object handed over to a continuation", "key", req.key(), "resume_row", at.row() + 1, "resume_offset",
        at.offset(), "seconds", (System.nanoTime() - t0) / 1e9);
    return new Result(Outcome.CONTINUED, "resumes after row " + at.row(), at.rowsIn(), at.rowsOut(), at.rejected());
  }

  /** Stores the bytes after a writer's parts; a continuation reads them back. */
  private Manifest.WriterState saveTail(Request req, PartWriter.State state, String tailKey) {
    store.put(req.bucket(), tailKey, state.tail(), "application/octet-stream");
    return new Manifest.WriterState(state.uploadId(), state.parts(), tailKey);
  }

  private PartWriter.State resumedState(Request req, Manifest.WriterState w) {
    byte[] tail = store.get(req.bucket(), w.tailKey()).map(BlobStore.Blob::bytes)
        .orElseThrow(() -> new IllegalStateException("the continuation's saved output "
            + store.uri(req.bucket(), w.tailKey()) + " is missing"));
    return new PartWriter.State(w.uploadId(), w.parts(), tail);
  }

  /** The object's bytes from {@code offset} (of the decompressed bytes, for a gzipped object). */
  private InputStream open(Request req, String etag, long offset) throws IOException {
    if (!InputFormat.gzipped(req.key())) {
      return store.open(req.bucket(), req.key(), offset, etag);
    }
    InputStream gz = new GZIPInputStream(store.open(req.bucket(), req.key(), 0, etag), 64 * 1024);
    gz.skipNBytes(offset);
    return gz;
  }

  private String rel(Request req) {
    return req.key().substring(settings.inputPrefix().length());
  }

  private Result fail(Request req, String manifestKey, Claim claim, String reason, Throwable error) {
    Manifest m = claim.manifest();
    m.fail(reason);
    store.putIfMatch(req.bucket(), manifestKey, m.bytes(), "application/json", claim.manifestEtag());
    if (error != null && !(error instanceof InvalidInputException)) {
      log.error("batch scoring failed", error, "key", req.key(), "reason", reason);
    } else {
      log.warn("batch scoring failed", "key", req.key(), "reason", reason);
    }
    return new Result(Outcome.FAILED, reason, 0, 0, 0);
  }
}
