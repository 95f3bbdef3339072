package dev.modelfn.spring.lambda;

import dev.modelfn.aws.AwsPlatform;
import dev.modelfn.core.platform.Platform;
import dev.modelfn.spring.ModelfnEnvironment;
import java.io.InputStream;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.cloud.function.context.FunctionProperties;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AliasFor;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Indexed;
import org.springframework.util.StringUtils;

/**
 * The functions on AWS Lambda under Spring Cloud Function's {@code FunctionInvoker}: the start class
 * ({@code MAIN_CLASS}, or the Lambda package's jar's manifest) of a functional application context, which holds
 * the one function the deployment pins with {@code spring.cloud.function.definition}
 * ({@code SPRING_CLOUD_FUNCTION_DEFINITION}): {@value #PREDICT}, {@value #SCORE_RECORDS},
 * {@value #SCORE_OBJECT} or {@value #ASYNC_WORKER}. It is built once, while the context starts
 * (Lambda's init phase, before a SnapStart snapshot), from the environment and {@link AwsPlatform}.
 *
 * <p>No routing: without a definition, or with one that is not exactly one of these names
 * (compositions, {@code functionRouter}), the context refuses to start. Spring Cloud Function's
 * {@code RoutingFunction}, which picks a function from message headers (and so, over API Gateway,
 * from HTTP headers; CVE-2022-22963), is not in this context, and the beans take the event's bytes
 * as a stream, so no header of the event becomes a message header at all.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
public class LambdaFunctions implements ApplicationContextInitializer<GenericApplicationContext> {
  public static final String PREDICT = "predict";
  public static final String SCORE_RECORDS = "scoreRecords";
  public static final String SCORE_OBJECT = "scoreObject";
  public static final String ASYNC_WORKER = "asyncWorker";

  /** {@code Function<Message<InputStream>, byte[]>}: the event's bytes in, the answer's bytes out. */
  static final Type FUNCTION_TYPE = ResolvableType.forClassWithGenerics(Function.class,
      ResolvableType.forClassWithGenerics(Message.class, InputStream.class), ResolvableType.forClass(byte[].class))
      .getType();

  private static final Map<String, BiFunction<Map<String, String>, Platform, Function<Message<InputStream>, byte[]>>>
      FUNCTIONS = new LinkedHashMap<>();

  static {
    FUNCTIONS.put(PREDICT, PredictEventFunction::new);
    FUNCTIONS.put(SCORE_RECORDS, ScoreRecordsEventFunction::new);
    FUNCTIONS.put(SCORE_OBJECT, ScoreObjectEventFunction::new);
    FUNCTIONS.put(ASYNC_WORKER, AsyncJobEventFunction::new);
  }

  /** A function being built on a thread of its own, for the definition and environment it was started with. */
  record Build(String name, Map<String, String> env, CompletableFuture<Function<Message<InputStream>, byte[]>> future) {}

  /** The build {@link EarlyStart} began as Spring Boot started, if any; taken by {@link #initialize}. */
  private static final AtomicReference<Build> EARLY = new AtomicReference<>();

  @Override
  public void initialize(GenericApplicationContext context) {
    String name = pinned(context.getEnvironment().getProperty(FunctionProperties.FUNCTION_DEFINITION));
    Map<String, String> env = ModelfnEnvironment.from(context.getEnvironment());
    Build early = EARLY.getAndSet(null);
    // the early build holds when it was started for the same function and variables (Spring's own
    // property sources could have changed them); else the function is built from here
    Build build = early != null && early.name().equals(name) && early.env().equals(env) ? early : build(name, env);
    context.registerBean(name, FunctionRegistration.class, () -> {
      Function<Message<InputStream>, byte[]> function = built(build.future());
      if (function instanceof Resource snapStart) {
        Core.getGlobalContext().register(snapStart); // the bean keeps it reachable
      }
      return new FunctionRegistration<>(function, name).type(FUNCTION_TYPE);
    });
  }

  /**
   * Starts building the function {@code definition} names, if it names one, as Spring Boot starts
   * ({@link EarlyStart}), so that the model and ONNX Runtime load while Spring prepares its
   * environment and context: on Lambda's two cores, the two largest parts of a cold start overlap.
   */
  static void startEarly(String definition, Map<String, String> env) {
    if (definition != null && FUNCTIONS.containsKey(definition.trim())) {
      EARLY.set(build(definition.trim(), Map.copyOf(env), true));
    }
  }

  private static Build build(String name, Map<String, String> env) {
    return build(name, env, false);
  }

  /**
   * @param preload first {@link #preloadAnnotationProxies()}, and once the function is built,
   *     {@link #preloadInvokerJson()}, on the same thread
   */
  private static Build build(String name, Map<String, String> env, boolean preload) {
    CompletableFuture<Function<Message<InputStream>, byte[]>> future = new CompletableFuture<>();
    Thread builder = new Thread(() -> {
      if (preload) {
        preloadAnnotationProxies();
      }
      try {
        future.complete(FUNCTIONS.get(name).apply(env, new AwsPlatform(env)));
      } catch (Throwable e) {
        future.completeExceptionally(e);
      }
      if (preload) {
        preloadInvokerJson();
      }
    }, "modelfn-" + name + "-init");
    builder.setDaemon(true);
    builder.start();
    return new Build(name, env, future);
  }

  /**
   * Loads and initialises the JSON classes that {@code FunctionInvoker} reaches last in its start,
   * once the function is built and while Spring's start still holds the main thread: Jackson 3
   * with the Joda module, as Spring Cloud Function's {@code JsonMapper} is built, and the AWS
   * adapter's {@code AWSLambdaUtils} (its {@code JsonMasker} makes a mapper of its own). About a
   * thousand classes that the main thread then finds loaded; nothing here is kept. A warm-up only:
   * any failure is ignored, the start then loads them itself.
   */
  static void preloadInvokerJson() {
    try {
      Class.forName("org.springframework.cloud.function.adapter.aws.AWSLambdaUtils", true,
          LambdaFunctions.class.getClassLoader());
      tools.jackson.databind.json.JsonMapper mapper = tools.jackson.databind.json.JsonMapper.builder()
          .addModule(new tools.jackson.datatype.joda.JodaModule()).build();
      mapper.readTree(mapper.writeValueAsBytes(Map.of("warm", java.util.List.of(1, "up"))));
    } catch (Throwable e) {
      // the start loads them itself
    }
  }

  /**
   * The annotation types whose proxy classes Spring's start makes: the JDK makes one proxy class per
   * annotation type the first time it reads such an annotation, at run time (an AOT cache or
   * class-data archive does not keep them), about 2 ms each on Lambda's flags, on the main thread.
   * Listed by running the start with an agent that lists the proxy classes at exit.
   */
  private static final List<Class<?>> ANNOTATIONS_SPRING_READS = List.of(Retention.class, Target.class,
      Documented.class, FunctionalInterface.class, Deprecated.class, AliasFor.class, Autowired.class, Indexed.class,
      Name.class, ConfigurationProperties.class);

  /**
   * Makes the proxy classes of {@link #ANNOTATIONS_SPRING_READS} as the function's build starts, so
   * that Spring's main thread finds them made (the JDK keeps one per annotation type and class
   * loader, whoever asks first). A warm-up only: a failure is ignored, Spring makes them itself.
   */
  static void preloadAnnotationProxies() {
    InvocationHandler unused = (proxy, method, args) -> null;
    for (Class<?> type : ANNOTATIONS_SPRING_READS) {
      try {
        Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, unused);
      } catch (Throwable e) {
        // Spring makes it itself
      }
    }
  }

  private static Function<Message<InputStream>, byte[]> built(
      CompletableFuture<Function<Message<InputStream>, byte[]>> building) {
    try {
      return building.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** The function a definition names; anything but exactly one of the names is refused. */
  static String pinned(String definition) {
    if (!StringUtils.hasText(definition)) {
      throw new IllegalStateException(FunctionProperties.FUNCTION_DEFINITION + " is not set: set "
          + "SPRING_CLOUD_FUNCTION_DEFINITION to the function this deployment serves, one of " + FUNCTIONS.keySet());
    }
    String name = definition.trim();
    if (!FUNCTIONS.containsKey(name)) {
      throw new IllegalStateException(FunctionProperties.FUNCTION_DEFINITION + " is '" + definition
          + "': expected exactly one of " + FUNCTIONS.keySet() + " (no compositions, no routing)");
    }
    return name;
  }
}
