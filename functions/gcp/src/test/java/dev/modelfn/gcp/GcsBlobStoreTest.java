package dev.modelfn.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.StorageException;
import dev.modelfn.core.storage.BlobStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GcsBlobStore} with the real client library against {@link FakeGcs} over loopback HTTP:
 * generations as entity tags, the {@code ifGenerationMatch} preconditions, ranged reads of one
 * generation, parts written with resumable uploads and composed.
 */
class GcsBlobStoreTest {
  private static final String BUCKET = "data";
  private static FakeGcs gcs;
  private static GcsBlobStore store;

  @BeforeAll
  static void start() throws Exception {
    gcs = new FakeGcs();
    store = new GcsBlobStore(gcs.client(), ".modelfn-uploads/");
  }

  @AfterAll
  static void stop() {
    gcs.close();
  }

  @org.junit.jupiter.api.AfterEach
  void theFakeUnderstoodEveryRequest() {
    assertThat(gcs.failures).isEmpty();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void namesObjectsAsGsUris() {
    // what batch messages and an async job's result_location say on Google Cloud
    assertThat(store.uri(BUCKET, "jobs/j-1/result.json")).isEqualTo("gs://" + BUCKET + "/jobs/j-1/result.json");
  }

  @Test
  void headGivesSizeAndGenerationAndNothingForAMissingObject() {
    store.put(BUCKET, "head/a.csv", utf8("a,b\n1,2\n"), "text/csv");
    BlobStore.Info info = store.head(BUCKET, "head/a.csv").orElseThrow();
    assertThat(info.size()).isEqualTo(8);
    assertThat(info.etag()).isEqualTo(Long.toString(gcs.object(BUCKET, "head/a.csv").generation()));
    assertThat(gcs.object(BUCKET, "head/a.csv").contentType()).isEqualTo("text/csv");
    assertThat(store.head(BUCKET, "head/missing.csv")).isEmpty();
  }

  @Test
  void claimsAKeyOnlyOnceWithIfGenerationMatchZero() {
    assertThat(store.putIfAbsent(BUCKET, "claim/m.json", utf8("{\"n\":1}"), "application/json")).isTrue();
    assertThat(store.putIfAbsent(BUCKET, "claim/m.json", utf8("{\"n\":2}"), "application/json")).isFalse();
    assertThat(new String(gcs.object(BUCKET, "claim/m.json").bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
  }

  @Test
  void writesOverOnlyTheGenerationItRead() {
    store.put(BUCKET, "match/m.json", utf8("v1"), "application/json");
    BlobStore.Blob read = store.get(BUCKET, "match/m.json").orElseThrow();
    assertThat(read.bytes()).isEqualTo(utf8("v1"));
    assertThat(store.putIfMatch(BUCKET, "match/m.json", utf8("v2"), "application/json", read.etag())).isTrue();
    // a second writer that read v1 too loses
    assertThat(store.putIfMatch(BUCKET, "match/m.json", utf8("v2'"), "application/json", read.etag())).isFalse();
    assertThat(store.putIfMatch(BUCKET, "match/missing.json", utf8("x"), "application/json", read.etag())).isFalse();
    assertThat(store.putIfMatch(BUCKET, "match/m.json", utf8("x"), "application/json", "\"an-s3-etag\"")).isFalse();
    assertThat(store.get(BUCKET, "match/m.json").orElseThrow().bytes()).isEqualTo(utf8("v2"));
  }

  @Test
  void readsFromAnOffsetAndRefusesAReplacedGeneration() throws Exception {
    store.put(BUCKET, "open/in.csv", utf8("0123456789"), "text/csv");
    String generation = store.head(BUCKET, "open/in.csv").orElseThrow().etag();
    try (InputStream in = store.open(BUCKET, "open/in.csv", 4, generation)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("456789");
    }
    try (InputStream in = store.open(BUCKET, "open/in.csv", 10, generation)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    store.put(BUCKET, "open/in.csv", utf8("replaced"), "text/csv");
    assertThatThrownBy(() -> {
      try (InputStream in = store.open(BUCKET, "open/in.csv", 0, generation)) {
        in.readAllBytes();
      }
    }).hasStackTraceContaining("404");
  }

  @Test
  void composesFortyPartsInOrderInTwoRoundsAndRemovesThem() {
    String id = store.startUpload(BUCKET, "out/predictions.csv", "text/csv");
    List<BlobStore.Part> parts = new ArrayList<>();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    int resumableBefore = gcs.calls("resumable-start");
    // uploaded out of order, as a part in flight and a continuation's parts may be listed
    for (int n = 40; n >= 1; n--) {
      byte[] part = utf8("part " + n + "\n" + "x".repeat(n) + "\n");
      byte[] padded = new byte[part.length + 3]; // only the first `length` bytes are the part
      System.arraycopy(part, 0, padded, 0, part.length);
      parts.add(new BlobStore.Part(n, store.uploadPart(BUCKET, "out/predictions.csv", id, n, padded, part.length)));
    }
    for (int n = 1; n <= 40; n++) {
      expected.writeBytes(utf8("part " + n + "\n" + "x".repeat(n) + "\n"));
    }
    assertThat(gcs.calls("resumable-start") - resumableBefore).as("parts written with resumable uploads").isEqualTo(40);
    store.completeUpload(BUCKET, "out/predictions.csv", id, parts);
    FakeGcs.StoredObject out = gcs.object(BUCKET, "out/predictions.csv");
    assertThat(out.bytes()).isEqualTo(expected.toByteArray());
    assertThat(out.contentType()).isEqualTo("text/csv");
    assertThat(gcs.names(BUCKET, ".modelfn-uploads/")).noneMatch(n -> n.contains(id.substring(0, 32)));
  }

  @Test
  void refusesToComposeAPartReplacedSinceItsUpload() {
    String id = store.startUpload(BUCKET, "out/stale.csv", "text/csv");
    String first = store.uploadPart(BUCKET, "out/stale.csv", id, 1, utf8("a\n"), 2);
    store.uploadPart(BUCKET, "out/stale.csv", id, 1, utf8("b\n"), 2); // another run wrote part 1 again
    assertThatThrownBy(() -> store.completeUpload(BUCKET, "out/stale.csv", id, List.of(new BlobStore.Part(1, first))))
        .isInstanceOf(StorageException.class);
    assertThat(gcs.object(BUCKET, "out/stale.csv")).isNull();
  }

  @Test
  void abortingDeletesTheParts() {
    List<String> before = gcs.names(BUCKET, ".modelfn-uploads/");
    String id = store.startUpload(BUCKET, "out/aborted.csv", "text/csv");
    store.uploadPart(BUCKET, "out/aborted.csv", id, 1, utf8("a\n"), 2);
    store.uploadPart(BUCKET, "out/aborted.csv", id, 2, utf8("b\n"), 2);
    assertThat(gcs.names(BUCKET, ".modelfn-uploads/")).hasSize(before.size() + 2);
    store.abortUpload(BUCKET, "out/aborted.csv", id);
    assertThat(gcs.names(BUCKET, ".modelfn-uploads/")).isEqualTo(before);
    assertThat(gcs.object(BUCKET, "out/aborted.csv")).isNull();
  }

  @Test
  void writesALargeObjectWithAResumableUpload() {
    byte[] big = new byte[9 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    int before = gcs.calls("resumable-start");
    store.put(BUCKET, "big/object.bin", big, "application/octet-stream");
    assertThat(gcs.calls("resumable-start")).isEqualTo(before + 1);
    assertThat(gcs.object(BUCKET, "big/object.bin").bytes()).isEqualTo(big);
  }

  @Test
  void deletesAndForgets() {
    store.put(BUCKET, "del/x", utf8("x"), "text/plain");
    store.delete(BUCKET, "del/x");
    store.delete(BUCKET, "del/x"); // gone already: no error
    assertThat(store.get(BUCKET, "del/x")).isEmpty();
  }
}
