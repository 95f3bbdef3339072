package dev.modelfn.edge.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * CloudFront's part on a laptop ({@code modelfn-edge cdn}): devices make plain GETs, this server
 * reads the object from the bucket with signed requests (as Origin Access Control does) and passes
 * {@code Range} and {@code Cache-Control} through. For local runs against the local cloud, whose
 * endpoint answers signed requests only; not a cache.
 */
final class CdnServer implements AutoCloseable {
  private final HttpServer server;
  private final S3Client s3;
  private final String bucket;

  CdnServer(S3Client s3, String bucket, String host, int port) throws IOException {
    this.s3 = s3;
    this.bucket = bucket;
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "cdn");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::serve);
    server.start();
  }

  URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/");
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      String key = ex.getRequestURI().getPath().substring(1);
      String range = ex.getRequestHeaders().getFirst("Range");
      try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key).range(range))) {
        GetObjectResponse r = in.response();
        if (r.cacheControl() != null) {
          ex.getResponseHeaders().set("Cache-Control", r.cacheControl());
        }
        if (r.contentType() != null) {
          ex.getResponseHeaders().set("Content-Type", r.contentType());
        }
        if (r.contentRange() != null) {
          ex.getResponseHeaders().set("Content-Range", r.contentRange());
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(r.contentRange() != null ? 206 : 200, head ? -1 : r.contentLength());
        if (!head) {
          copy(in, ex.getResponseBody());
        }
      } catch (NoSuchKeyException e) {
        ex.sendResponseHeaders(404, -1);
      } catch (S3Exception e) {
        ex.sendResponseHeaders(e.statusCode() == 416 ? 416 : 502, -1);
      }
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    in.transferTo(out);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
