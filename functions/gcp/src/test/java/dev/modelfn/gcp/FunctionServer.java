package dev.modelfn.gcp;

import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The Functions Framework's own invoker (java-function-invoker), run in-process on a loopback port
 * with a function class as its target, as Cloud Functions runs the deployed jar.
 */
final class FunctionServer implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final Invoker invoker;
  private final int port;

  private FunctionServer(Invoker invoker, int port) {
    this.invoker = invoker;
    this.port = port;
  }

  /** @param signature {@code http} or {@code cloudevent}, as {@code --signature-type} */
  static FunctionServer start(Class<?> target, String signature) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Invoker invoker = new Invoker(port, target.getName(), signature, FunctionServer.class.getClassLoader());
    invoker.startTestServer();
    return new FunctionServer(invoker, port);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() throws Exception {
    invoker.stopServer();
  }
}
