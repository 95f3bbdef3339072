package dev.modelfn.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelfn.codec.Json;
import dev.modelfn.testing.Fixtures;
import java.net.http.HttpRequest;

/**
 * The CloudEvents under {@code events/gcp/} as HTTP requests to a function: {@code *.binary.json}
 * holds the headers ({@code ce-*}, {@code content-type}) and the body Eventarc sends in binary
 * content mode; {@code *.structured.json} is the whole event, sent as {@code
 * application/cloudevents+json} (structured content mode). See
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md.
 */
final class CloudEventFixtures {
  private CloudEventFixtures() {}

  static HttpRequest.Builder request(FunctionServer server, String fixture) throws Exception {
    JsonNode f = Json.mapper().readTree(Fixtures.bytes(fixture));
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/"));
    if (fixture.endsWith(".binary.json")) {
      f.path("headers").fields().forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
      return b.POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(f.path("body"))));
    }
    return b.header("content-type", "application/cloudevents+json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(f)));
  }

  /**
   * A messagePublished fixture ({@code *.binary.json} or {@code *.structured.json}) carrying a
   * message a function published: its data, attributes and id replace the fixture's, the rest of the
   * event stays as Google sends it.
   */
  static HttpRequest.Builder delivery(FunctionServer server, String fixture, com.google.pubsub.v1.PubsubMessage m)
      throws Exception {
    JsonNode f = Json.mapper().readTree(Fixtures.bytes(fixture));
    boolean binary = fixture.endsWith(".binary.json");
    ObjectNode data = (ObjectNode) (binary ? f.path("body") : f.path("data"));
    ObjectNode message = (ObjectNode) data.path("message");
    message.put("data", java.util.Base64.getEncoder().encodeToString(m.getData().toByteArray()));
    ObjectNode attributes = message.putObject("attributes");
    m.getAttributesMap().forEach(attributes::put);
    message.put("messageId", m.getMessageId()).put("message_id", m.getMessageId());
    if (binary) {
      ((ObjectNode) f.path("headers")).put("ce-id", m.getMessageId());
    } else {
      ((ObjectNode) f).put("id", m.getMessageId());
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/"));
    if (binary) {
      f.path("headers").fields().forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
      return b.POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(data)));
    }
    return b.header("content-type", "application/cloudevents+json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(f)));
  }

  /** A messagePublished event (structured mode) carrying {@code data}, as Eventarc delivers a topic's message. */
  static HttpRequest.Builder message(FunctionServer server, String id, byte[] data) throws Exception {
    var e = Json.mapper().createObjectNode();
    e.put("specversion", "1.0").put("id", id).put("type", "google.cloud.pubsub.topic.v1.messagePublished")
        .put("source", "//pubsub.googleapis.com/projects/modelfn-demo/topics/modelfn-continuations")
        .put("time", "2026-12-03T08:05:00Z").put("datacontenttype", "application/json");
    var message = e.putObject("data").putObject("message");
    message.put("data", java.util.Base64.getEncoder().encodeToString(data)).put("messageId", id)
        .put("publishTime", "2026-12-03T08:05:00Z");
    e.with("data").put("subscription", "projects/modelfn-demo/subscriptions/eventarc-continuations");
    return HttpRequest.newBuilder(server.uri("/")).header("content-type", "application/cloudevents+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(e)));
  }
}
