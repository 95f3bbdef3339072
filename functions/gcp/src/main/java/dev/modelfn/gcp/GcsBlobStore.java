package dev.modelfn.gcp;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.modelfn.core.storage.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Batch scoring's object storage on Cloud Storage. An object's entity tag is its <em>generation</em>
 * (https://cloud.google.com/storage/docs/metadata#generation-number), which is what Cloud Storage's
 * preconditions compare:
 *
 * <ul>
 *   <li>{@link #putIfAbsent} writes with {@code ifGenerationMatch=0} (the claim of a run);
 *   <li>{@link #putIfMatch} with {@code ifGenerationMatch=<generation>};
 *   <li>{@link #open} reads the given generation only: an object replaced since fails the read
 *       (404) instead of mixing versions.
 * </ul>
 *
 * <p>Multipart uploads become parallel composite uploads: each part is its own temporary object,
 * written with a resumable upload ({@code Storage.writer}) under {@code <uploadPrefix><upload id>/},
 * and {@link #completeUpload} composes the parts (32 at a time, in as many rounds as needed) into
 * the target, checking each part's generation, then deletes them. Parts are objects, so an upload
 * started by one invocation is completed by its continuation in another process. Name the prefix in
 * a lifecycle rule to delete the parts of runs that died (see docs/gcp.md).
 */
public final class GcsBlobStore implements BlobStore {
  /** Cloud Storage composes at most 32 objects per request. */
  static final int MAX_COMPOSE_SOURCES = 32;

  /** Objects up to this size are written in one request; larger ones with a resumable upload. */
  private static final int SINGLE_REQUEST_BYTES = 8 * 1024 * 1024;

  private final Storage storage;
  private final String uploadPrefix;

  /** @param uploadPrefix where the parts of multipart uploads are kept until they are composed (ends in '/') */
  public GcsBlobStore(Storage storage, String uploadPrefix) {
    if (!uploadPrefix.endsWith("/")) {
      throw new IllegalArgumentException("the upload prefix must end in '/': " + uploadPrefix);
    }
    this.storage = storage;
    this.uploadPrefix = uploadPrefix;
  }

  @Override
  public String uri(String bucket, String key) {
    return "gs://" + bucket + "/" + key;
  }

  @Override
  public Optional<Info> head(String bucket, String key) {
    com.google.cloud.storage.Blob b = storage.get(BlobId.of(bucket, key));
    return b == null ? Optional.empty() : Optional.of(new Info(b.getSize(), Long.toString(generationOf(b))));
  }

  @Override
  public InputStream open(String bucket, String key, long from, String etag) {
    BlobId id = etag == null ? BlobId.of(bucket, key) : BlobId.of(bucket, key, generation(etag));
    if (from > 0) {
      com.google.cloud.storage.Blob b = storage.get(id);
      if (b == null) {
        throw new StorageException(404, "gs://" + bucket + "/" + key + (etag == null ? "" : " generation " + etag)
            + " no longer exists");
      }
      if (from >= b.getSize()) {
        return new ByteArrayInputStream(new byte[0]); // resuming exactly at the end
      }
    }
    ReadChannel reader = storage.reader(id);
    reader.setChunkSize(2 * 1024 * 1024);
    try {
      reader.seek(from);
    } catch (IOException e) {
      reader.close();
      throw new UncheckedIOException(e);
    }
    return Channels.newInputStream(reader);
  }

  @Override
  public Optional<Blob> get(String bucket, String key) {
    for (int attempt = 0; ; attempt++) {
      com.google.cloud.storage.Blob meta = storage.get(BlobId.of(bucket, key));
      if (meta == null) {
        return Optional.empty();
      }
      try {
        byte[] bytes = storage.readAllBytes(BlobId.of(bucket, key, generationOf(meta)));
        return Optional.of(new Blob(bytes, Long.toString(generationOf(meta))));
      } catch (StorageException e) {
        if (e.getCode() != 404 || attempt == 2) {
          throw e;
        }
        // replaced or deleted between the two calls: look again
      }
    }
  }

  @Override
  public void put(String bucket, String key, byte[] bytes, String contentType) {
    write(BlobInfo.newBuilder(bucket, key).setContentType(contentType).build(), bytes, bytes.length);
  }

  @Override
  public boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) {
    try {
      storage.create(BlobInfo.newBuilder(bucket, key).setContentType(contentType).build(), bytes,
          Storage.BlobTargetOption.doesNotExist());
      return true;
    } catch (StorageException e) {
      if (e.getCode() == 412) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean putIfMatch(String bucket, String key, byte[] bytes, String contentType, String etag) {
    long generation;
    try {
      generation = Long.parseLong(etag);
    } catch (NumberFormatException e) {
      return false; // not a generation this store gave out
    }
    try {
      storage.create(BlobInfo.newBuilder(bucket, key).setContentType(contentType).build(), bytes,
          Storage.BlobTargetOption.generationMatch(generation));
      return true;
    } catch (StorageException e) {
      if (e.getCode() == 412 || e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void delete(String bucket, String key) {
    storage.delete(BlobId.of(bucket, key));
  }

  /** A new upload: an id that names its part objects, with the content type the target gets. */
  @Override
  public String startUpload(String bucket, String key, String contentType) {
    return UUID.randomUUID().toString().replace("-", "") + ";" + contentType;
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int number, byte[] bytes, int length) {
    BlobInfo part = BlobInfo.newBuilder(bucket, partName(uploadId, number)).setContentType(contentType(uploadId))
        .build();
    writeResumable(part, bytes, length);
    com.google.cloud.storage.Blob written = storage.get(part.getBlobId());
    if (written == null) {
      throw new StorageException(404, "part " + number + " of gs://" + bucket + "/" + key + " is gone right after"
          + " its upload");
    }
    return Long.toString(generationOf(written));
  }

  @Override
  public void completeUpload(String bucket, String key, String uploadId, List<Part> parts) {
    List<Part> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(Part::number));
    List<Source> sources = new ArrayList<>(sorted.size());
    for (Part p : sorted) {
      sources.add(new Source(partName(uploadId, p.number()), generation(p.etag())));
    }
    List<String> temporary = new ArrayList<>();
    for (int round = 1; sources.size() > MAX_COMPOSE_SOURCES; round++) {
      List<Source> next = new ArrayList<>();
      for (int from = 0; from < sources.size(); from += MAX_COMPOSE_SOURCES) {
        String name = uploadDir(uploadId) + "compose-" + round + "-" + (from / MAX_COMPOSE_SOURCES);
        com.google.cloud.storage.Blob c = compose(bucket, sources.subList(from,
            Math.min(sources.size(), from + MAX_COMPOSE_SOURCES)), name, contentType(uploadId));
        temporary.add(name);
        next.add(new Source(name, generationOf(c)));
      }
      sources = next;
    }
    compose(bucket, sources, key, contentType(uploadId));
    // the parts, then the intermediate objects of the compose rounds: each once
    java.util.Set<String> delete = new java.util.LinkedHashSet<>();
    for (Part p : sorted) {
      delete.add(partName(uploadId, p.number()));
    }
    delete.addAll(temporary);
    deleteQuietly(bucket, new ArrayList<>(delete));
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    List<String> names = new ArrayList<>();
    for (com.google.cloud.storage.Blob b : storage.list(bucket, Storage.BlobListOption.prefix(uploadDir(uploadId)))
        .iterateAll()) {
      names.add(b.getName());
    }
    deleteQuietly(bucket, names);
  }

  private record Source(String name, long generation) {}

  private com.google.cloud.storage.Blob compose(String bucket, List<Source> sources, String target,
      String contentType) {
    Storage.ComposeRequest.Builder req = Storage.ComposeRequest.newBuilder()
        .setTarget(BlobInfo.newBuilder(bucket, target).setContentType(contentType).build());
    for (Source s : sources) {
      req.addSource(s.name(), s.generation());
    }
    return storage.compose(req.build());
  }

  private void deleteQuietly(String bucket, List<String> names) {
    for (String n : names) {
      try {
        storage.delete(BlobId.of(bucket, n));
      } catch (StorageException e) {
        // a leftover part: the lifecycle rule on the upload prefix removes it
      }
    }
  }

  /** Writes small objects in one request, larger ones with a resumable upload. */
  private void write(BlobInfo info, byte[] bytes, int length) {
    if (length <= SINGLE_REQUEST_BYTES) {
      storage.create(info, bytes, 0, length);
    } else {
      writeResumable(info, bytes, length);
    }
  }

  /** A resumable upload: sent in chunks, each retried on its own (https://cloud.google.com/storage/docs/resumable-uploads). */
  private void writeResumable(BlobInfo info, byte[] bytes, int length) {
    try (WriteChannel w = storage.writer(info)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
      while (buf.hasRemaining()) {
        w.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing gs://" + info.getBucket() + "/" + info.getName() + ": "
          + e.getMessage(), e);
    }
  }

  private String uploadDir(String uploadId) {
    int semi = uploadId.indexOf(';');
    return uploadPrefix + (semi < 0 ? uploadId : uploadId.substring(0, semi)) + "/";
  }

  private String partName(String uploadId, int number) {
    return uploadDir(uploadId) + String.format("part-%05d", number);
  }

  private static String contentType(String uploadId) {
    int semi = uploadId.indexOf(';');
    return semi < 0 ? "application/octet-stream" : uploadId.substring(semi + 1);
  }

  /** Cloud Storage gives every object a generation; a store that does not cannot back the claim. */
  private static long generationOf(com.google.cloud.storage.BlobInfo b) {
    Long g = b.getGeneration();
    if (g == null) {
      throw new IllegalStateException("gs://" + b.getBucket() + "/" + b.getName() + " has no generation: this"
          + " store needs Cloud Storage's generations (a fake without them cannot back batch scoring)");
    }
    return g;
  }

  private static long generation(String etag) {
    try {
      return Long.parseLong(etag);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a Cloud Storage generation: '" + etag + "'", e);
    }
  }
}
