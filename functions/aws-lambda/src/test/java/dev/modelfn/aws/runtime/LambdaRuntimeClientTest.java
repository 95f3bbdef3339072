package dev.modelfn.aws.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime client against a Runtime API on loopback that hands out scripted invocations. */
class LambdaRuntimeClientTest {
  /** A call the client made: path, error-type header, body. */
  record Call(String path, String errorType, String body) {}

  private HttpServer server;
  private final Deque<String[]> invocations = new ArrayDeque<>();
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

  private String startApi(boolean chunked) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/2018-06-01/runtime/", ex -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        if (path.endsWith("/invocation/next")) {
          String[] inv;
          synchronized (invocations) {
            inv = invocations.poll();
          }
          if (inv == null) {
            ex.sendResponseHeaders(500, -1); // no more work: ends the client's loop
            return;
          }
          ex.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", inv[0]);
          ex.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 5000));
          ex.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:f");
          byte[] payload = inv[1].getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, chunked ? 0 : payload.length);
          ex.getResponseBody().write(payload);
        } else {
          calls.add(new Call(path, ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
              new String(body, StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(202, -1);
        }
      }
    });
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static final RequestStreamHandler UPPER = (in, out, ctx) -> {
    String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (s.contains("boom")) {
      throw new IllegalStateException("cannot score \"boom\"");
    }
    out.write(("{\"up\":\"" + s.toUpperCase() + "\",\"id\":\"" + ctx.getAwsRequestId() + "\",\"ms\":"
        + (ctx.getRemainingTimeInMillis() > 0) + ",\"arn\":\"" + ctx.getInvokedFunctionArn() + "\"}")
        .getBytes(StandardCharsets.UTF_8));
  };

  private void run(String api) {
    LambdaRuntimeClient client = new LambdaRuntimeClient(new RuntimeApiConnection(api), Map.of());
    assertThatThrownBy(() -> client.loop(UPPER)).isInstanceOf(IOException.class).hasMessageContaining("500");
  }

  @Test
  void postsEachAnswerAndReportsHandlerErrorsWithoutStopping() throws Exception {
    invocations.add(new String[] {"req-1", "abc"});
    invocations.add(new String[] {"req-2", "boom"});
    invocations.add(new String[] {"req-3", "xyz"});
    run(startApi(false));
    Call first = calls.poll(5, TimeUnit.SECONDS);
    Call second = calls.poll(5, TimeUnit.SECONDS);
    Call third = calls.poll(5, TimeUnit.SECONDS);
    assertThat(first.path()).endsWith("/invocation/req-1/response");
    JsonNode answer = Json.parse(first.body().getBytes(StandardCharsets.UTF_8));
    assertThat(answer.get("up").asText()).isEqualTo("ABC");
    assertThat(answer.get("id").asText()).isEqualTo("req-1");
    assertThat(answer.get("ms").asBoolean()).isTrue();
    assertThat(answer.get("arn").asText()).endsWith(":function:f");
    assertThat(second.path()).endsWith("/invocation/req-2/error");
    assertThat(second.errorType()).isEqualTo("java.lang.IllegalStateException");
    JsonNode error = Json.parse(second.body().getBytes(StandardCharsets.UTF_8));
    assertThat(error.get("errorMessage").asText()).isEqualTo("cannot score \"boom\"");
    assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("stackTrace")).isNotEmpty();
    assertThat(third.path()).endsWith("/invocation/req-3/response");
  }

  @Test
  void readsChunkedInvocations() throws Exception {
    invocations.add(new String[] {"req-1", "chunked body"});
    run(startApi(true));
    Call c = calls.poll(5, TimeUnit.SECONDS);
    assertThat(Json.parse(c.body().getBytes(StandardCharsets.UTF_8)).get("up").asText()).isEqualTo("CHUNKED BODY");
  }

  @Test
  void loadsStreamHandlersByClassOrClassAndMethodOnly() throws Exception {
    assertThat(LambdaRuntimeClient.load("dev.modelfn.aws.runtime.LambdaRuntimeClientTest$Echo")).isInstanceOf(Echo.class);
    assertThat(LambdaRuntimeClient.load("dev.modelfn.aws.runtime.LambdaRuntimeClientTest$Echo::handleRequest"))
        .isInstanceOf(Echo.class);
    assertThatThrownBy(() -> LambdaRuntimeClient.load("dev.modelfn.aws.runtime.LambdaRuntimeClientTest$Echo::other"))
        .hasMessageContaining("RequestStreamHandler.handleRequest");
    assertThatThrownBy(() -> LambdaRuntimeClient.load("java.lang.String")).hasMessageContaining("not a RequestStreamHandler");
  }

  /** A stream handler with a public no-arg constructor, as Lambda needs. */
  public static final class Echo implements RequestStreamHandler {
    @Override
    public void handleRequest(java.io.InputStream in, java.io.OutputStream out,
        com.amazonaws.services.lambda.runtime.Context context) throws IOException {
      in.transferTo(out);
    }
  }
}
