package dev.modelfn.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.core.http.HttpRequest;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The scanner against the tree path: the same request for every HTTP API event it reads, null for the rest. */
class HttpApiEventScannerTest {
  private static String describe(HttpRequest r) {
    return r.method() + "|" + r.path() + "|" + new TreeMap<>(r.headers()) + "|" + new TreeMap<>(r.query()) + "|"
        + Base64.getEncoder().encodeToString(r.body()) + "|" + r.requestId();
  }

  /** The tree path's request, or its error. */
  private static String tree(byte[] event) {
    try {
      ApiGatewayEvents.Decoded d = ApiGatewayEvents.decodeTree(event, "fallback-id");
      return d.format() + " " + describe(d.request());
    } catch (InvalidInputException e) {
      return "error " + e.getMessage();
    }
  }

  /** True when the scanner read the event; then it gave what the tree path gives. */
  private static boolean sameAsTree(byte[] event) {
    HttpRequest scanned = HttpApiEventScanner.scan(event, "fallback-id");
    if (scanned == null) {
      return false;
    }
    assertThat("V2 " + describe(scanned)).as(new String(event, StandardCharsets.UTF_8)).isEqualTo(tree(event));
    return true;
  }

  @Test
  void readsTheHttpApiAndFunctionUrlSamplesAsTheTreePathDoesAndLeavesTheRestApiOnes() throws IOException {
    int read = 0;
    for (String dir : List.of("http/api-v2", "http/function-url", "http/rest-v1")) {
      try (Stream<Path> files = Files.list(Fixtures.path(dir))) {
        for (Path f : files.filter(p -> !p.toString().endsWith(".expected.json")).sorted().toList()) {
          boolean scanned = sameAsTree(Files.readAllBytes(f));
          if (dir.endsWith("rest-v1")) {
            assertThat(scanned).as(f.toString()).isFalse();
          }
          read += scanned ? 1 : 0;
        }
      }
    }
    assertThat(read).isGreaterThan(20);
    assertThat(sameAsTree(Fixtures.bytes("http/api-v2/base64-body.json"))).isTrue();
  }

  @Test
  void readsGeneratedEventsAsTheTreePathDoes() {
    Random rnd = new Random(21);
    int read = 0;
    for (int n = 0; n < 3000; n++) {
      read += sameAsTree(generated(rnd)) ? 1 : 0;
    }
    assertThat(read).as("events the scanner read").isGreaterThan(2000);
  }

  @Test
  void leavesEverythingElseToTheTreePath() {
    String ok = "{\"version\":\"2.0\",\"rawPath\":\"/ping\",\"headers\":{\"Accept\":\"*/*\"},"
        + "\"requestContext\":{\"requestId\":\"r\",\"http\":{\"method\":\"GET\"}},\"isBase64Encoded\":false}";
    assertThat(sameAsTree(ok.getBytes(StandardCharsets.UTF_8))).isTrue();
    for (String bad : List.of(
        ok.replace("\"2.0\"", "\"1.0\""), ok.replace("\"version\":\"2.0\",", ""), ok.replace("\"2.0\"", "2.0"),
        ok.replace("{\"Accept\"", "{\"accept\":\"a\",\"Accept\""), // the same name in two cases
        ok.replace("\"Accept\":\"*/*\"", "\"Accept\":\"*/*\",\"Accept\":\"x\""),
        ok.replace("\"Accept\":\"*/*\"", "\"Accept\":1"), ok.replace("\"Accept\"", "\"Acc\\u0065pt\""),
        ok.replace("\"Accept\":\"*/*\"", "\"Accept\":\"caf\u00e9\""),
        ok.replace("\"rawPath\":\"/ping\"", "\"rawPath\":\"/ping\",\"rawPath\":\"/x\""),
        ok.replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":\"true\""),
        ok.replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":true,\"body\":\"not base64!\""),
        ok.replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":true,\"body\":\"QQ\\u003d\\u003d\""),
        ok.replace("\"isBase64Encoded\":false", "\"body\":\"\\ud800\""), // a lone surrogate
        ok.replace("\"isBase64Encoded\":false", "\"body\":\"\\ud800\\u0041\""),
        ok.replace("\"isBase64Encoded\":false", "\"body\":\"caf\u00e9\""), ok.replace("\"isBase64Encoded\":false", "\"body\":7"),
        ok.replace("\"method\":\"GET\"", "\"verb\":\"GET\""), ok.replace("\"requestId\":\"r\"", "\"requestId\":5"),
        ok.replace("{\"requestId\"", "[{\"requestId\"").replace("}},\"isBase64", "}}],\"isBase64"),
        ok + " x", ok.substring(0, ok.length() - 1), "[]", "", "null", "{\"Records\":[]}")) {
      byte[] event = bad.getBytes(StandardCharsets.UTF_8);
      assertThat(HttpApiEventScanner.scan(event, "fallback-id")).as(bad).isNull();
      tree(event); // the tree path answers each (a request or an InvalidInputException)
    }
  }

  @Test
  void undoesEveryEscapeOfATextBodyAsTheTreePathDoes() {
    List<String> bodies = new ArrayList<>(List.of("", "plain", "{\\\"inputs\\\":[1,2]}", "a\\\\b", "q\\\"q", "s\\/s",
        "\\b\\f\\n\\r\\t", "\\u0000\\u001f\\u007f", "\\u00e9\\u20ac\\uffff", "\\ud83d\\ude00", "x\\uD83D\\uDE00y",
        "\\u00E9", "end\\n"));
    Random rnd = new Random(8);
    for (int n = 0; n < 2000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int k = rnd.nextInt(30); k > 0; k--) {
        int cp = switch (rnd.nextInt(4)) {
          case 0 -> rnd.nextInt(0x80);
          case 1 -> rnd.nextInt(0x800);
          case 2 -> rnd.nextInt(0xd800);
          default -> 0x10000 + rnd.nextInt(0x100000);
        };
        sb.appendCodePoint(cp);
      }
      try {
        // Jackson escapes what JSON must escape; escape every non-ASCII character too, as AWS does
        String quoted = Json.mapper().writeValueAsString(sb.toString());
        StringBuilder ascii = new StringBuilder();
        for (char c : quoted.substring(1, quoted.length() - 1).toCharArray()) {
          ascii.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        bodies.add(ascii.toString());
      } catch (JsonProcessingException e) {
        throw new AssertionError(e);
      }
    }
    for (String body : bodies) {
      byte[] event = ("{\"version\":\"2.0\",\"rawPath\":\"/p\",\"body\":\"" + body + "\",\"requestContext\":"
          + "{\"http\":{\"method\":\"POST\"}}}").getBytes(StandardCharsets.UTF_8);
      assertThat(sameAsTree(event)).as(body).isTrue();
    }
  }

  /** Events with a byte changed: whatever the scanner reads, it reads as the tree path does, and it never throws. */
  @Test
  void agreesWithTheTreePathOnDamagedEvents() {
    Random rnd = new Random(4);
    byte[] base = Fixtures.bytes("http/api-v2/predict-named-instances.json");
    for (int n = 0; n < 5000; n++) {
      byte[] event = base.clone();
      for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
        String damage = "\"\\{}[],:0aA \u0001\u00ff";
        event[rnd.nextInt(event.length)] = (byte) damage.charAt(rnd.nextInt(damage.length()));
      }
      HttpRequest scanned = HttpApiEventScanner.scan(event, "fallback-id");
      String tree = tree(event);
      if (scanned != null && !tree.startsWith("error")) {
        assertThat("V2 " + describe(scanned)).isEqualTo(tree);
      }
    }
  }

  /** An HTTP API event with shuffled keys, white space or none, and unknown members of every kind. */
  private static byte[] generated(Random rnd) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("version", "2.0").put("routeKey", "$default").put("rawPath", rnd.nextBoolean() ? "/v2/models/fraud/infer"
        : "/prod/v2/models/fraud/infer").put("rawQueryString", "a=1&b=2");
    if (rnd.nextInt(4) == 0) {
      e.putArray("cookies").add("c=1").add("d=\"2\"");
    }
    if (rnd.nextInt(10) > 0) {
      ObjectNode h = e.putObject("headers");
      String[] names = {"Content-Type", "accept", "X-Amzn-Trace-Id", "user-agent", "X-Forwarded-For", "Host",
          "inference-header-content-length", "If-None-Match", "x-empty"};
      String[] values = {"application/json", "*/*", "Root=1-5f84c7a8-3e1f0c5a2f6e4d3c2b1a0987", "curl/8.5.0 (x86_64)",
          "203.0.113.10, 10.0.0.1", "abc.execute-api.us-east-1.amazonaws.com", "123", "\"etag-1\"", ""};
      for (int k = 0; k < names.length; k++) {
        if (rnd.nextInt(3) > 0) {
          if (rnd.nextInt(20) == 0) {
            h.putNull(names[k]);
          } else {
            h.put(names[k], values[k] + (rnd.nextInt(8) == 0 ? " \\ tab\t" : ""));
          }
        }
      }
    } else if (rnd.nextBoolean()) {
      e.putNull("headers");
    }
    if (rnd.nextBoolean()) {
      ObjectNode q = e.putObject("queryStringParameters");
      q.put("a", "1").put("B", "x y").put("c", rnd.nextBoolean() ? "q\"uoted" : "");
    }
    ObjectNode ctx = e.putObject("requestContext");
    ctx.put("accountId", "123456789012").put("apiId", "abc");
    if (rnd.nextInt(5) > 0) {
      ctx.put("requestId", "Jh3kPgmuIAMEJnQ=" + rnd.nextInt(100));
    }
    switch (rnd.nextInt(3)) {
      case 0 -> ctx.put("stage", "prod");
      case 1 -> ctx.put("stage", "$default");
      default -> { }
    }
    ObjectNode http = ctx.putObject("http");
    http.put("method", rnd.nextBoolean() ? "POST" : "get").put("path", "/x").put("protocol", "HTTP/1.1")
        .put("sourceIp", "203.0.113.10");
    if (rnd.nextBoolean()) {
      ctx.putObject("authorizer").putObject("jwt").putArray("scopes").add("a").add(1.5e3).add(true).addNull();
    }
    ctx.put("timeEpoch", 1_795_500_000_123L);
    switch (rnd.nextInt(5)) {
      case 0 -> {
        byte[] body = new byte[rnd.nextInt(300)];
        rnd.nextBytes(body);
        e.put("body", Base64.getEncoder().encodeToString(body)).put("isBase64Encoded", true);
      }
      case 1 -> e.put("body", "{\"instances\":[{\"amount\":12.5,\"note\":\"caf\u00e9 \\\"x\\\" \\u2603\"}]}")
          .put("isBase64Encoded", false);
      case 2 -> e.put("body", "amount,hour\n1.5,3\n");
      case 3 -> e.putNull("body").put("isBase64Encoded", rnd.nextBoolean());
      default -> { }
    }
    e.put("pathParameters", (String) null);
    String text;
    try {
      text = (rnd.nextBoolean() ? Json.mapper().writerWithDefaultPrettyPrinter() : Json.mapper().writer())
          .writeValueAsString(shuffled(e, rnd));
    } catch (JsonProcessingException ex) {
      throw new AssertionError(ex);
    }
    // AWS writes non-ASCII as \\u escapes; half of the events keep raw UTF-8 (the tree path's)
    if (rnd.nextBoolean()) {
      StringBuilder ascii = new StringBuilder();
      for (char c : text.toCharArray()) {
        ascii.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
      }
      text = ascii.toString();
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode shuffled(ObjectNode o, Random rnd) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    Collections.shuffle(keys, rnd);
    ObjectNode out = Json.mapper().createObjectNode();
    for (String k : keys) {
      out.set(k, o.get(k) instanceof ObjectNode child ? shuffled(child, rnd) : o.get(k));
    }
    return out;
  }
}
