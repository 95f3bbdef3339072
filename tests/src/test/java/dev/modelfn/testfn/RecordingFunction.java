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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A function for testing the event wiring of a cloud (the embedded local cloud or LocalStack)
 * before the real batch and stream functions exist. Sends one message per record it receives,
 * {@code source <TAB> id <TAB> payload}, to the FIFO queue named {@code $RECORD_QUEUE} through the
 * AWS SDK (which finds the cloud in {@code AWS_ENDPOINT_URL}); a record whose payload contains
 * {@code fail} is reported in {@code batchItemFailures}, one containing {@code crash} makes the
 * whole invocation fail.
 */
public final class RecordingFunction implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SqsClient SQS = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    List<String> lines = new ArrayList<>();
    ObjectNode response = JSON.createObjectNode();
    ArrayNode failures = response.putArray("batchItemFailures");
    JsonNode records = event.path("Records");
    if (!records.isArray() || records.isEmpty()) {
      lines.add("direct\t" + context.getAwsRequestId() + "\t" + event);
      record(lines);
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
        record(List.of("crash\t" + id + "\t" + payload)); // what the batch did so far is not done

        throw new IllegalStateException("crash requested by record " + id);
      }
      lines.add(source + "\t" + id + "\t" + payload);
      if (payload.contains("fail")) {
        failures.addObject().put("itemIdentifier", id);
      }
    }
    record(lines);
    output.write(JSON.writeValueAsBytes(response));
  }

  private static volatile String queueUrl;

  private static String queueUrl() {
    if (queueUrl == null) {
      queueUrl = SQS.getQueueUrl(r -> r.queueName(System.getenv("RECORD_QUEUE"))).queueUrl();
    }
    return queueUrl;
  }

  private static void record(List<String> lines) {
    String url = queueUrl();
    for (int from = 0; from < lines.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(lines.size(), from + 10); i++) {
        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(lines.get(i))
            .messageGroupId("records").messageDeduplicationId(UUID.randomUUID().toString()).build());
      }
      var result = SQS.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
      if (!result.failed().isEmpty()) {
        throw new IllegalStateException("recording failed: " + result.failed());
      }
    }
  }
}
