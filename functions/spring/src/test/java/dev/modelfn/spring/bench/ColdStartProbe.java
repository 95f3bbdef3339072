package dev.modelfn.spring.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start in a fresh JVM, as Lambda's Java runtime makes it: the handler class built with
 * its no-argument constructor (its configuration from the environment), then one event answered
 * through {@code handleRequest}. Prints the answer's status line and the milliseconds from JVM
 * start to handler built and to answer, then halts. Only JDK and Lambda types here, so that the
 * plain handler's run loads nothing of Spring.
 *
 * <p>Arguments: the handler class, the event file.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) throws Exception {
    long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    long built = System.currentTimeMillis();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), out, null);
    long answered = System.currentTimeMillis();
    String answer = out.toString(StandardCharsets.UTF_8);
    int at = answer.indexOf("\"statusCode\":");
    System.out.println("PROBE " + (at < 0 ? "no-status" : answer.substring(at, Math.min(answer.length(), at + 16)))
        + " init=" + (built - start) + " answer=" + (answered - start));
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
