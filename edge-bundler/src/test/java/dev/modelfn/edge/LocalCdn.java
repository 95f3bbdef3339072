package dev.modelfn.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelfn.edge.publish.PointerInvalidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A CDN in front of the local cloud's S3, as CloudFront with Origin Access Control is: devices make
 * plain HTTPS GETs (here HTTP on loopback), the CDN fetches from the bucket with signed requests
 * (through the local cloud's edge endpoint), passing {@code Range} through. For the tests it can
 * also misbehave: cut a response short, or alter what it serves (a compromised cache or network).
 */
public final class LocalCdn implements AutoCloseable {
  private final HttpServer server;
  private final S3Client s3;
  private final String bucket;
  private final Map<String, UnaryOperator<byte[]>> alter = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
  /** Each request as "GET key [Range]". */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  /** Paths invalidated through {@link #invalidator()}. */
  public final List<String> invalidations = new CopyOnWriteArrayList<>();

  public LocalCdn(S3Client s3, String bucket) throws IOException {
    this.s3 = s3;
    this.bucket = bucket;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-cdn");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::serve);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  public PointerInvalidator invalidator() {
    return invalidations::addAll;
  }

  /** Serves {@code key} altered by {@code f} until {@link #heal}. */
  public void alter(String key, UnaryOperator<byte[]> f) {
    alter.put(key, f);
  }

  /** The next response for {@code key} stops after {@code bytes} bytes of its body. */
  public void cutNextAfter(String key, int bytes) {
    cutAfter.put(key, bytes);
  }

  public void heal() {
    alter.clear();
    cutAfter.clear();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String key = ex.getRequestURI().getPath().substring(1);
      String range = ex.getRequestHeaders().getFirst("Range");
      requests.add("GET " + key + (range == null ? "" : " " + range));
      byte[] body;
      String cacheControl;
      try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
        body = in.readAllBytes();
        cacheControl = in.response().cacheControl();
      } catch (NoSuchKeyException e) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      UnaryOperator<byte[]> f = alter.get(key);
      if (f != null) {
        body = f.apply(body.clone());
      }
      if (cacheControl != null) {
        ex.getResponseHeaders().set("Cache-Control", cacheControl);
      }
      int status = 200;
      int from = 0;
      if (range != null && range.matches("bytes=\\d+-")) {
        from = Integer.parseInt(range.substring(6, range.length() - 1));
        status = 206;
        ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      }
      ex.sendResponseHeaders(status, body.length - from);
      Integer cut = cutAfter.remove(key);
      OutputStream out = ex.getResponseBody();
      if (cut != null) {
        out.write(body, from, Math.min(cut, body.length - from));
        out.flush();
        // closing the exchange with the body short of its Content-Length drops the connection
        throw new IOException("cut short on purpose");
      }
      out.write(body, from, body.length - from);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
