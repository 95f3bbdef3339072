package dev.modelfn.spring.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * Spring Cloud Function's {@code FunctionInvoker} in this process, started as Lambda starts it: the
 * start class from {@code MAIN_CLASS} and the function from {@code spring.cloud.function.definition}
 * (both read from system properties where the environment lacks them), the modelfn variables as
 * system properties for the time of the start.
 */
final class Invokers {
  private Invokers() {}

  /** Starts an invoker whose context pins {@code definition} (null: none), with {@code env} as the modelfn environment. */
  static synchronized FunctionInvoker start(String definition, Map<String, String> env) {
    return start(LambdaFunctions.class, definition, env);
  }

  /** Starts an invoker of the start class {@code main}. */
  static synchronized FunctionInvoker start(Class<?> main, String definition, Map<String, String> env) {
    Map<String, String> props = new HashMap<>(env);
    props.put("MAIN_CLASS", main.getName());
    if (definition != null) {
      props.put("spring.cloud.function.definition", definition);
    }
    Map<String, String> previous = new HashMap<>();
    props.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
    try {
      return new FunctionInvoker();
    } finally {
      previous.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  /** One invocation, as Lambda's Java runtime makes it: the event's bytes in, the answer's bytes out. */
  static byte[] invoke(FunctionInvoker invoker, byte[] event, String lambdaRequestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      invoker.handleRequest(new ByteArrayInputStream(event), out, new TestContext(lambdaRequestId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A Lambda context with a request id and five minutes left. */
  record TestContext(String requestId) implements Context {
    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/modelfn-test";
    }

    @Override
    public String getLogStreamName() {
      return "test";
    }

    @Override
    public String getFunctionName() {
      return "modelfn-test";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:modelfn-test";
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
      return 300_000;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.println(message);
        }

        @Override
        public void log(byte[] message) {
          System.out.println(new String(message, StandardCharsets.UTF_8));
        }
      };
    }
  }
}
