package dev.modelfn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.aws.internal.KinesisEventScanner;
import dev.modelfn.codec.Json;
import dev.modelfn.core.stream.SourceRecord;
import dev.modelfn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner against the tree path: the same records for every Kinesis event it reads, null for the rest. */
class KinesisEventScannerTest {
  private static List<String> describe(List<SourceRecord> records) {
    List<String> out = new ArrayList<>();
    for (SourceRecord r : records) {
      out.add(r.id() + "|" + r.position() + "|" + r.group() + "|" + Base64.getEncoder().encodeToString(r.payload())
          + "|" + r.arrived());
    }
    return out;
  }

  private static void sameAsTree(byte[] event) {
    List<SourceRecord> scanned = KinesisEventScanner.scan(event);
    assertThat(scanned).as(new String(event, StandardCharsets.UTF_8)).isNotNull();
    assertThat(describe(scanned)).isEqualTo(describe(StreamInferenceHandler.records(Json.parse(event)).records()));
  }

  @Test
  void readsTheSampleEventAsTheTreePathDoes() {
    byte[] event = Fixtures.bytes("stream/kinesis-records.json");
    sameAsTree(event);
    assertThat(KinesisEventScanner.scan(event)).hasSize(3);
  }

  @Test
  void readsGeneratedEventsAsTheTreePathDoes() {
    Random rnd = new Random(11);
    for (int n = 0; n < 500; n++) {
      sameAsTree(generated(rnd));
    }
  }

  @Test
  void leavesEverythingElseToTheTreePath() {
    assertThat(KinesisEventScanner.scan(Fixtures.bytes("batch/sqs-object-created.json"))).isNull();
    assertThat(KinesisEventScanner.scan(Fixtures.bytes("async/sqs-job.json"))).isNull();
    for (String bad : List.of("{\"Records\":[", "[]", "{}", "{\"Records\":[]} x", "{\"Records\":[{}]}",
        "{\"Records\":[{\"eventSource\":\"aws:kinesis\",\"kinesis\":{\"data\":\"QQ==\"}}]}")) {
      assertThat(KinesisEventScanner.scan(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isNull();
    }
    String escaped = new String(Fixtures.bytes("stream/kinesis-records.json"), StandardCharsets.UTF_8)
        .replaceFirst("\"data\": \"", "\"data\": \"\\\\u0041");
    assertThat(KinesisEventScanner.scan(escaped.getBytes(StandardCharsets.UTF_8))).isNull();
    // ... and the tree path still reads it (the escaped text is not base64: decoded as poison later).
    assertThat(StreamInferenceHandler.records(escaped.getBytes(StandardCharsets.UTF_8)).records()).hasSize(3);
  }

  @Test
  void keepsDataThatIsNotBase64AsItIsForThePoisonQueue() {
    String event = "{\"Records\":[{\"eventSource\":\"aws:kinesis\",\"eventID\":\"e\",\"kinesis\":"
        + "{\"sequenceNumber\":\"1\",\"data\":\"not base64!\",\"approximateArrivalTimestamp\":1.7e9}}]}";
    sameAsTree(event.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(KinesisEventScanner.scan(event.getBytes(StandardCharsets.UTF_8)).get(0).payload(),
        StandardCharsets.UTF_8)).isEqualTo("not base64!");
  }

  /** Data of every base64 shape, and not quite base64: what the scanner reads, it reads as the tree path does. */
  @Test
  void decodesDataOfEveryShapeAsTheTreePathDoes() {
    List<String> data = new ArrayList<>(List.of("", "QQ", "QQ=", "QQ==", "QUI=", "QUJD", "QR==", "QUJ=", "Q===", "====",
        "QQ=A", "QUJDRA==", "QUJD\\RA==", "QUJD\\u0041", "QUJ\\\"", "QU JD", "QU\tJD", "QUJDR", "-_-_", "QUJDéA==",
        "QUJDRA==QUJD"));
    Random rnd = new Random(5);
    for (int n = 0; n < 300; n++) {
      byte[] payload = new byte[rnd.nextInt(40)];
      rnd.nextBytes(payload);
      data.add(Base64.getEncoder().encodeToString(payload));
      data.add(Base64.getEncoder().withoutPadding().encodeToString(payload));
    }
    for (String d : data) {
      byte[] event = ("{\"Records\":[{\"eventSource\":\"aws:kinesis\",\"eventID\":\"e\",\"kinesis\":"
          + "{\"sequenceNumber\":\"1\",\"data\":\"" + d + "\",\"approximateArrivalTimestamp\":1795500000.123}}]}")
          .getBytes(StandardCharsets.UTF_8);
      List<SourceRecord> scanned = KinesisEventScanner.scan(event);
      if (scanned != null) {
        assertThat(describe(scanned)).as(d).isEqualTo(describe(StreamInferenceHandler.records(Json.parse(event)).records()));
      } else {
        assertThat(d).as("only escapes and non-ASCII send data to the tree path").containsAnyOf("\\", "\t", "é");
      }
    }
  }

  /**
   * Records that share members as a batch's do, each differing from the one before now and then:
   * a value changed, lengthened (a number that goes on where the previous one ended) or nested, a
   * member added, dropped or moved, white space or none. The scanner skips the members a record
   * shares with the previous one by comparing bytes; it must read each record as the tree path does.
   */
  @Test
  void readsRecordsThatShareMembersAsTheTreePathDoes() {
    Random rnd = new Random(23);
    for (int n = 0; n < 300; n++) {
      StringBuilder event = new StringBuilder("{\"Records\":[");
      int records = 1 + rnd.nextInt(8);
      String space = rnd.nextBoolean() ? "" : " ";
      for (int r = 0; r < records; r++) {
        List<String> inner = new ArrayList<>(List.of("\"kinesisSchemaVersion\":" + space + "\"1.0\"",
            "\"partitionKey\":\"card-" + rnd.nextInt(3) + "\"", "\"sequenceNumber\":\"" + (1000 + r) + "\"",
            "\"data\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) r, 1, 2, 3}) + "\"",
            "\"approximateArrivalTimestamp\":1795500000." + rnd.nextInt(10)));
        List<String> outer = new ArrayList<>(List.of("\"eventSource\":\"aws:kinesis\"",
            "\"eventVersion\":" + space + "\"1.0\"", "\"eventID\":\"shardId-000000000000:" + (1000 + r) + "\"",
            "\"eventName\":\"aws:kinesis:record\"", "\"count\":" + (rnd.nextInt(4) == 0 ? "12" : "1"),
            "\"flag\":" + (rnd.nextBoolean() ? "true" : "false"), "\"nested\":{\"a\":[1,{\"b\":null}]}",
            "\"awsRegion\":\"us-east-1\"", "\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:1:stream/s\""));
        switch (rnd.nextInt(6)) {
          case 0 -> outer.add(rnd.nextInt(outer.size()), "\"extra\":\"x" + r + "\"");
          case 1 -> outer.remove(3 + rnd.nextInt(outer.size() - 3));
          case 2 -> Collections.swap(outer, 3 + rnd.nextInt(outer.size() - 3), 3 + rnd.nextInt(outer.size() - 3));
          case 3 -> inner.add(0, "\"kinesisSchemaVersion2\":\"1.0\"");
          default -> { }
        }
        event.append(r == 0 ? "" : "," + space).append("{\"kinesis\":{").append(String.join("," + space, inner))
            .append("},").append(String.join("," + space, outer)).append(space).append('}');
      }
      byte[] bytes = event.append("]}").toString().getBytes(StandardCharsets.UTF_8);
      sameAsTree(bytes);
      assertThat(KinesisEventScanner.scan(bytes)).hasSize(records);
    }
  }

  /** A Kinesis event with shuffled keys, white space or none, and unknown members of every kind. */
  private static byte[] generated(Random rnd) {
    ObjectNode event = Json.mapper().createObjectNode();
    if (rnd.nextBoolean()) {
      event.put("note", "caf\u00e9 \"quoted\" \\ back\ttab");
    }
    ArrayNode recs = event.putArray("Records");
    int n = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      ObjectNode k = Json.mapper().createObjectNode();
      byte[] payload = new byte[rnd.nextInt(80)];
      rnd.nextBytes(payload);
      k.put("kinesisSchemaVersion", "1.0").put("partitionKey", "p\u00e9" + i)
          .put("sequenceNumber", Long.toString(Math.abs(rnd.nextLong())))
          .put("data", Base64.getEncoder().encodeToString(payload));
      switch (rnd.nextInt(4)) {
        case 0 -> k.put("approximateArrivalTimestamp", 1.7e9 + rnd.nextInt(1000) / 1000.0);
        case 1 -> k.put("approximateArrivalTimestamp", 1795500000L + rnd.nextInt(1000));
        case 2 -> k.put("approximateArrivalTimestamp", rnd.nextDouble() * 1e10);
        default -> { }
      }
      if (rnd.nextBoolean()) {
        k.putArray("extra").add(1).add(-2.5e-3).add(true).add(false).addNull().addObject().put("x", "[{\"}]");
      }
      ObjectNode r = Json.mapper().createObjectNode();
      r.put("eventSource", "aws:kinesis").put("eventID", "shardId-000000000000:" + i).put("eventVersion", "1.0");
      r.set("kinesis", shuffled(k, rnd));
      if (rnd.nextBoolean()) {
        r.putObject("nested").putObject("deeper").putArray("list").add("\u2603 snow").add(12345678901234567L);
      }
      recs.add(shuffled(r, rnd));
    }
    try {
      return (rnd.nextBoolean() ? Json.mapper().writerWithDefaultPrettyPrinter() : Json.mapper().writer())
          .writeValueAsBytes(shuffled(event, rnd));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode shuffled(ObjectNode o, Random rnd) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
      fields.add(it.next());
    }
    Collections.shuffle(fields, rnd);
    ObjectNode out = Json.mapper().createObjectNode();
    fields.forEach(f -> out.set(f.getKey(), f.getValue()));
    return out;
  }
}
