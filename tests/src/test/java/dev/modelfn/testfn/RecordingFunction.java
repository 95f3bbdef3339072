package dev.modelfn.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * A function for testing the local cloud's event wiring before the real batch and stream functions
 * exist. Appends one line per record it receives to {@code $RECORD_DIR/events.log}
 * ({@code source <TAB> id <TAB> payload}); a record whose payload contains {@code fail} is reported
 * in {@code batchItemFailures}, one containing {@code crash} makes the whole invocation fail.
 */
public final class RecordingFunction implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    Path log = Path.of(System.getenv("RECORD_DIR"), "events.log");
    StringBuilder lines = new StringBuilder();
    ObjectNode response = JSON.createObjectNode();
    ArrayNode failures = response.putArray("batchItemFailures");
    JsonNode records = event.path("Records");
    if (!records.isArray() || records.isEmpty()) {
      lines.append("direct\t").append(context.getAwsRequestId()).append('\t').append(event).append('\n');
      append(log, lines);
      response.remove("batchItemFailures");
      response.put("echo", event);
      output.write(JSON.writeValueAsBytes(response));
      return;
    }
    for (JsonNode r : records) {
      String source = r.path("eventSource").asText();
      String id;
      String payload;
      switch (source) {
        case "aws:sqs" -> {
          id = r.path("messageId").asText();
          payload = r.path("body").asText();
        }
        case "aws:kinesis" -> {
          id = r.path("kinesis").path("sequenceNumber").asText();
          payload = new String(Base64.getDecoder().decode(r.path("kinesis").path("data").asText()),
              StandardCharsets.UTF_8);
        }
        case "aws:s3" -> {
          id = r.path("s3").path("object").path("key").asText();
          payload = r.path("eventName").asText() + " " + r.path("s3").path("object").path("size").asText();
        }
        default -> {
          id = "?";
          payload = r.toString();
        }
      }
      if (payload.contains("crash")) {
        append(log, new StringBuilder("crash\t").append(id).append('\t').append(payload).append('\n'));
        throw new IllegalStateException("crash requested by record " + id);
      }
      lines.append(source).append('\t').append(id).append('\t').append(payload).append('\n');
      if (payload.contains("fail")) {
        failures.addObject().put("itemIdentifier", id);
      }
    }
    append(log, lines);
    output.write(JSON.writeValueAsBytes(response));
  }

  private static void append(Path log, CharSequence lines) throws IOException {
    Files.writeString(log, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
