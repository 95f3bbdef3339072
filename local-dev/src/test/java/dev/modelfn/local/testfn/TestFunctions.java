package dev.modelfn.local.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Handlers that exercise the local Lambda runtime: each behaves as its name says. */
public final class TestFunctions {
  private TestFunctions() {}

  /** Answers with the event and what the context and environment told it. */
  public static final class Echo implements RequestStreamHandler {
    private static int invocations;

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
      invocations++;
      String event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String reply = "{\"event\":" + event + ",\"requestId\":\"" + context.getAwsRequestId()
          + "\",\"function\":\"" + context.getFunctionName() + "\",\"arn\":\"" + context.getInvokedFunctionArn()
          + "\",\"memory\":" + context.getMemoryLimitInMB() + ",\"remainingMs\":" + context.getRemainingTimeInMillis()
          + ",\"greeting\":\"" + System.getenv("GREETING") + "\",\"invocations\":" + invocations
          + ",\"pid\":" + ProcessHandle.current().pid() + "}";
      out.write(reply.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Throws. */
  public static final class Fail implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
      throw new IllegalStateException("the model exploded");
    }
  }

  /** Sleeps for the milliseconds given as the event, then answers. */
  public static final class Sleep implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
      long ms = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.write(("{\"slept\":" + ms + ",\"pid\":" + ProcessHandle.current().pid() + "}").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Ends the process in the middle of an invocation. */
  public static final class Exit implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
      Runtime.getRuntime().halt(3);
    }
  }

  /** Fails in its constructor, as a handler with a missing model does. */
  public static final class BrokenInit implements RequestStreamHandler {
    public BrokenInit() {
      throw new IllegalStateException("MODELFN_MODEL_URI is not set");
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {}
  }
}
