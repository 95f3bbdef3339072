package dev.modelfn.spring.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.springframework.messaging.Message;

/**
 * What the function beans take from the message {@code FunctionInvoker} hands them. The beans
 * declare {@code Message<InputStream>} input: Spring Cloud Function then passes the event's bytes as
 * they came, without its API Gateway handling (which would copy the event's HTTP headers into
 * message headers and wrap the answer in a response of its own), and the bean's answer bytes go
 * back to Lambda unchanged.
 */
final class LambdaEvents {
  /** The message header under which Spring Cloud Function's AWS adapter passes the Lambda context. */
  static final String AWS_CONTEXT = "aws-context";

  private LambdaEvents() {}

  static byte[] bytes(Message<InputStream> message) {
    try (InputStream in = message.getPayload()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Lambda context of the invocation, or null (a direct call). */
  static Context context(Message<?> message) {
    return message.getHeaders().get(AWS_CONTEXT) instanceof Context c ? c : null;
  }

  /** An answer as the bytes Lambda returns. */
  static byte[] json(com.fasterxml.jackson.databind.JsonNode answer) {
    try {
      return dev.modelfn.codec.Json.mapper().writeValueAsBytes(answer);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lambda's request id, or a random one where there is no context. */
  static String requestId(Message<?> message) {
    Context c = context(message);
    return c == null || c.getAwsRequestId() == null ? UUID.randomUUID().toString() : c.getAwsRequestId();
  }
}
