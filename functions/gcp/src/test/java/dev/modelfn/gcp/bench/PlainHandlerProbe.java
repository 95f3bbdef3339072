package dev.modelfn.gcp.bench;

import dev.modelfn.aws.PredictHttpHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** One cold start of the Lambda handler in a fresh JVM: built from the environment, one event answered. */
public final class PlainHandlerProbe {
  private PlainHandlerProbe() {}

  public static void main(String[] args) throws Exception {
    byte[] event = Files.readAllBytes(Path.of(args[0]));
    byte[] answer = new PredictHttpHandler(System.getenv()).handle(event, "cold");
    String a = new String(answer, StandardCharsets.UTF_8);
    int at = a.indexOf("\"statusCode\":");
    System.out.println("ANSWERED " + (at < 0 ? a : a.substring(at, Math.min(a.length(), at + 16))));
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
