package dev.modelfn.spring.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback SQS endpoint speaking the JSON protocol of the AWS SDK v2 ({@code SendMessage},
 * {@code SendMessageBatch}) and keeping what it receives, per queue URL. It can fail entries (a
 * partial batch failure, as SQS reports one) whose body contains a given text, and it can answer
 * for a queue that it does not exist (a call that fails as a whole).
 */
final class FakeSqs implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();
  private final Set<String> failBodiesContaining = ConcurrentHashMap.newKeySet();
  private final Set<String> missingQueues = ConcurrentHashMap.newKeySet();

  FakeSqs() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String queueUrl(String name) {
    return endpoint() + "/123456789012/" + name;
  }

  /** What each queue received, in order. */
  List<String> received(String queueUrl) {
    return List.copyOf(received.getOrDefault(queueUrl, List.of()));
  }

  /** Sets how the next calls go: entries whose body contains one of {@code texts} fail; {@code missing} queues do not exist. */
  void failures(Set<String> texts, Set<String> missing) {
    failBodiesContaining.clear();
    failBodiesContaining.addAll(texts);
    missingQueues.clear();
    missingQueues.addAll(missing);
  }

  void clear() {
    received.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode req = Json.parse(exchange.getRequestBody().readAllBytes());
      String queueUrl = req.path("QueueUrl").asText();
      if (missingQueues.contains(queueUrl)) {
        respond(exchange, 400, Json.mapper().createObjectNode()
            .put("__type", "com.amazonaws.sqs#QueueDoesNotExist").put("message", "The specified queue does not exist."));
        return;
      }
      ObjectNode resp = Json.mapper().createObjectNode();
      if ("AmazonSQS.SendMessage".equals(target)) {
        String body = req.path("MessageBody").asText();
        keep(queueUrl, body);
        resp.put("MessageId", UUID.randomUUID().toString()).put("MD5OfMessageBody", md5(body));
      } else if ("AmazonSQS.SendMessageBatch".equals(target)) {
        ArrayNode ok = resp.putArray("Successful");
        ArrayNode failed = resp.putArray("Failed");
        for (JsonNode e : req.path("Entries")) {
          String body = e.path("MessageBody").asText();
          if (failBodiesContaining.stream().anyMatch(body::contains)) {
            failed.addObject().put("Id", e.path("Id").asText()).put("SenderFault", false).put("Code", "InternalError")
                .put("Message", "injected failure");
          } else {
            keep(queueUrl, body);
            ok.addObject().put("Id", e.path("Id").asText()).put("MessageId", UUID.randomUUID().toString())
                .put("MD5OfMessageBody", md5(body));
          }
        }
      } else {
        respond(exchange, 400, Json.mapper().createObjectNode().put("__type", "com.amazonaws.sqs#UnsupportedOperation")
            .put("message", "not in this fake: " + target));
        return;
      }
      respond(exchange, 200, resp);
    }
  }

  private void keep(String queueUrl, String body) {
    received.computeIfAbsent(queueUrl, q -> new CopyOnWriteArrayList<>()).add(body);
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String md5(String body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
