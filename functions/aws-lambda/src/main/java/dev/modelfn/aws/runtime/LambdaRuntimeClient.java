package dev.modelfn.aws.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Runtime API loop of a custom runtime for {@link RequestStreamHandler}s: loads the handler
 * named by {@code _HANDLER} (or the first argument), reports a failed construction as an init error,
 * then fetches invocations, runs the handler with the raw event bytes and posts its output or its
 * error, as Lambda's managed Java runtime does for stream handlers. It speaks HTTP over a plain
 * socket and needs only {@code aws-lambda-java-core} (and Jackson's string quoting for error
 * documents), so a cold start loads a few classes instead of a runtime library.
 */
public final class LambdaRuntimeClient {
  private final RuntimeApiConnection api;
  private final Map<String, String> env;

  LambdaRuntimeClient(RuntimeApiConnection api, Map<String, String> env) {
    this.api = api;
    this.env = env;
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> env = System.getenv();
    String address = env.get("AWS_LAMBDA_RUNTIME_API");
    String handler = args.length > 0 ? args[0] : env.get("_HANDLER");
    if (address == null || handler == null) {
      System.err.println("modelfn runtime: AWS_LAMBDA_RUNTIME_API and _HANDLER (or a handler argument) must be set;"
          + " this program runs inside a Lambda execution environment");
      System.exit(2);
    }
    LambdaRuntimeClient client = new LambdaRuntimeClient(new RuntimeApiConnection(address), env);
    RequestStreamHandler h;
    try {
      h = load(handler);
    } catch (Throwable t) {
      Throwable cause = unwrap(t);
      System.err.println("modelfn runtime: cannot initialise " + handler + ": " + cause);
      client.api.initError(errorType(cause), errorDocument(cause));
      System.exit(1);
      return;
    }
    client.loop(h);
  }

  /** Serves invocations until the process ends. */
  void loop(RequestStreamHandler handler) throws IOException {
    while (true) {
      RuntimeApiConnection.Invocation inv = api.next();
      if (inv.traceId() != null) {
        System.setProperty("com.amazonaws.xray.traceHeader", inv.traceId());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
      try {
        handler.handleRequest(new ByteArrayInputStream(inv.body()), out, new InvocationContext(inv, env));
      } catch (Throwable t) {
        api.error(inv.requestId(), errorType(t), errorDocument(t));
        continue;
      }
      api.respond(inv.requestId(), out.toByteArray());
    }
  }

  /** {@code pkg.Class::method} or {@code pkg.Class}; the class must be a {@link RequestStreamHandler}. */
  static RequestStreamHandler load(String handler) throws ReflectiveOperationException {
    int sep = handler.indexOf("::");
    String className = sep < 0 ? handler : handler.substring(0, sep);
    String method = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
    if (!method.equals("handleRequest")) {
      throw new IllegalArgumentException("handler " + handler + ": this runtime calls RequestStreamHandler.handleRequest;"
          + " name the class, or Class::handleRequest");
    }
    Class<?> type = Class.forName(className, true, LambdaRuntimeClient.class.getClassLoader());
    if (!RequestStreamHandler.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("handler " + className + " is not a RequestStreamHandler");
    }
    return (RequestStreamHandler) type.getDeclaredConstructor().newInstance();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof InvocationTargetException || c instanceof ExceptionInInitializerError) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static String errorType(Throwable t) {
    return t.getClass().getName();
  }

  /** The error document Lambda's runtimes send: message, type and stack trace. */
  static byte[] errorDocument(Throwable t) {
    StringBuilder b = new StringBuilder(256).append("{\"errorMessage\":");
    quote(b, String.valueOf(t.getMessage()));
    b.append(",\"errorType\":");
    quote(b, errorType(t));
    b.append(",\"stackTrace\":[");
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i < Math.min(st.length, 50); i++) {
      if (i > 0) {
        b.append(',');
      }
      quote(b, st[i].toString());
    }
    b.append("]}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, b);
    b.append('"');
  }

  /** The {@link Context} of one invocation, from its Runtime API headers and the environment. */
  record InvocationContext(RuntimeApiConnection.Invocation inv, Map<String, String> env) implements Context {
    private static final LambdaLogger LOGGER = new LambdaLogger() {
      @Override
      public void log(String message) {
        System.out.println(message);
      }

      @Override
      public void log(byte[] message) {
        System.out.println(new String(message, StandardCharsets.UTF_8));
      }
    };

    @Override
    public String getAwsRequestId() {
      return inv.requestId();
    }

    @Override
    public String getLogGroupName() {
      return env.get("AWS_LAMBDA_LOG_GROUP_NAME");
    }

    @Override
    public String getLogStreamName() {
      return env.get("AWS_LAMBDA_LOG_STREAM_NAME");
    }

    @Override
    public String getFunctionName() {
      return env.get("AWS_LAMBDA_FUNCTION_NAME");
    }

    @Override
    public String getFunctionVersion() {
      return env.get("AWS_LAMBDA_FUNCTION_VERSION");
    }

    @Override
    public String getInvokedFunctionArn() {
      return inv.functionArn();
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, inv.deadlineMs() - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      String m = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
      return m == null ? 0 : Integer.parseInt(m);
    }

    @Override
    public LambdaLogger getLogger() {
      return LOGGER;
    }
  }
}
