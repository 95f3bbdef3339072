package dev.modelfn.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EdgeRouterTest {
  private static HttpHead head(String text) throws IOException {
    return HttpHead.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))).orElseThrow();
  }

  @Test
  void routesBySigV4CredentialScope() throws IOException {
    assertThat(EdgeRouter.service(head("POST / HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 "
        + "Credential=test/20261124/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc\r\n\r\n")))
        .contains("sqs");
    assertThat(EdgeRouter.service(head("GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261124"
        + "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=1 HTTP/1.1\r\n\r\n"))).contains("s3");
    assertThat(EdgeRouter.service(head("POST / HTTP/1.1\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n\r\n")))
        .contains("kinesis");
    assertThat(EdgeRouter.service(head("POST / HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 "
        + "Credential=test/20261124/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc\r\n\r\n")))
        .contains("dynamodb");
    assertThat(EdgeRouter.service(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))).isEmpty();
  }

  @Test
  void recognisesObjectWrites() throws IOException {
    assertThat(EdgeRouter.s3Write(head("PUT /data/incoming/a%20b.csv HTTP/1.1\r\n\r\n"), "127.0.0.1"))
        .get().extracting(EdgeRouter.S3Write::eventName, EdgeRouter.S3Write::bucket, EdgeRouter.S3Write::key)
        .containsExactly("ObjectCreated:Put", "data", "incoming/a b.csv");
    assertThat(EdgeRouter.s3Write(head("PUT /data/k HTTP/1.1\r\nx-amz-copy-source: /data/j\r\n\r\n"), "ip"))
        .get().extracting(EdgeRouter.S3Write::eventName).isEqualTo("ObjectCreated:Copy");
    assertThat(EdgeRouter.s3Write(head("POST /data/k?uploadId=u1 HTTP/1.1\r\n\r\n"), "ip"))
        .get().extracting(EdgeRouter.S3Write::eventName).isEqualTo("ObjectCreated:CompleteMultipartUpload");
    assertThat(EdgeRouter.s3Write(head("PUT /data/k?partNumber=1&uploadId=u1 HTTP/1.1\r\n\r\n"), "ip")).isEmpty();
    assertThat(EdgeRouter.s3Write(head("POST /data/k?uploads HTTP/1.1\r\n\r\n"), "ip")).isEmpty();
    assertThat(EdgeRouter.s3Write(head("PUT /data HTTP/1.1\r\n\r\n"), "ip")).isEmpty();
    assertThat(EdgeRouter.s3Write(head("PUT /data/k?tagging HTTP/1.1\r\n\r\n"), "ip")).isEmpty();
  }

  @Test
  void copiesChunkedBodiesExactly() throws IOException {
    String body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n";
    HttpHead h = head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayInputStream in = new ByteArrayInputStream((body + "NEXT").getBytes(StandardCharsets.ISO_8859_1));
    byte[] kept = h.copyBody(in, out, false, true, 1024);
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(body);
    assertThat(new String(kept, StandardCharsets.ISO_8859_1)).isEqualTo("hello world");
    assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("NEXT");
  }

  @Test
  void keyInEventsIsFormEncodedWithSlashesKept() {
    assertThat(LocalCloud.eventKey("incoming/my file (1).csv")).isEqualTo("incoming/my+file+%281%29.csv");
  }

  @Test
  void anUploadPartAnswerCarriesTheChecksumThePartWasSentWith() throws IOException {
    HttpHead put = head("PUT /b/k?uploadId=u1&partNumber=2 HTTP/1.1\r\nHost: x\r\nx-amz-checksum-crc32: orkEFA==\r\n"
        + "Content-Length: 3\r\n\r\n");
    HttpHead ok = head("HTTP/1.1 200 \r\nETag: \"e\"\r\nContent-Length: 0\r\n\r\n");
    HttpHead echoed = head(new String(EdgeRouter.echoPartChecksums(put, ok), StandardCharsets.ISO_8859_1));
    assertThat(echoed.header("x-amz-checksum-crc32")).contains("orkEFA==");
    assertThat(echoed.header("etag")).contains("\"e\"");
    assertThat(echoed.status()).isEqualTo(200);
    // the same answer to anything else, or when the server already gives the checksum, passes unchanged
    HttpHead plainPut = head("PUT /b/k HTTP/1.1\r\nx-amz-checksum-crc32: orkEFA==\r\n\r\n");
    assertThat(EdgeRouter.echoPartChecksums(plainPut, ok)).isEqualTo(ok.raw());
    HttpHead withSum = head("HTTP/1.1 200 \r\nx-amz-checksum-crc32: orkEFA==\r\n\r\n");
    assertThat(EdgeRouter.echoPartChecksums(put, withSum)).isEqualTo(withSum.raw());
    HttpHead refused = head("HTTP/1.1 400 \r\nContent-Length: 0\r\n\r\n");
    assertThat(EdgeRouter.echoPartChecksums(put, refused)).isEqualTo(refused.raw());
  }

  @Test
  void responseHeadsGetTheirReasonPhrase() throws IOException {
    HttpHead cont = head(new String(EdgeRouter.withReason("HTTP/1.1 100 \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
        StandardCharsets.ISO_8859_1));
    assertThat(cont.startLine()).isEqualTo("HTTP/1.1 100 Continue");
    byte[] ok = EdgeRouter.withReason("HTTP/1.1 200 \r\nETag: \"e\"\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(new String(ok, StandardCharsets.ISO_8859_1))
        .isEqualTo("HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 0\r\n\r\n");
    assertThat(new String(EdgeRouter.withReason("HTTP/1.1 599 \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
        StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 599 Status 599\r\n");
    byte[] phrased = "HTTP/1.1 404 Nicht gefunden\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(EdgeRouter.withReason(phrased)).isSameAs(phrased);
  }
}
