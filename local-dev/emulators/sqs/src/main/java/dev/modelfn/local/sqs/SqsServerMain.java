package dev.modelfn.local.sqs;

import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/**
 * Starts ElasticMQ's SQS REST server (query and JSON protocols) for the local cloud.
 *
 * <p>Arguments: {@code <bind host> <port> <public URL> <account id> <region>}. The public URL is
 * the base of the queue URLs the server hands out (the edge endpoint, so that clients reach
 * queues through it). Prints one line with {@code listening} when it accepts connections; stops
 * on SIGTERM.
 */
public final class SqsServerMain {
  private SqsServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: SqsServerMain <bind host> <port> <public URL> <account id> <region>");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    URI pub = URI.create(args[2]);
    int pubPort = pub.getPort() > 0 ? pub.getPort() : ("https".equals(pub.getScheme()) ? 443 : 80);
    SQSRestServer server = SQSRestServerBuilder.withInterface(host).withPort(port)
        .withServerAddress(new NodeAddress(pub.getScheme(), pub.getHost(), pubPort, ""))
        .withAWSAccountId(args[3]).withAWSRegion(args[4]).start();
    server.waitUntilStarted();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Await.result(server.stopAndGetFuture().apply(), Duration.create(5, "s"));
      } catch (Exception e) {
        // stopping anyway
      }
    }, "sqs-stop"));
    System.out.println("modelfn-sqs listening on " + host + ":" + port);
    System.out.flush();
  }
}
