package dev.modelfn.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Targets for the invoker in tests. The invoker makes a function with its no-argument constructor,
 * which reads {@code System.getenv()}; these make the real entry points from the environment (and
 * the platform) a test sets first, and hand every request or event to them unchanged.
 */
final class TestTargets {
  private static volatile Map<String, String> env;
  private static volatile Supplier<GcpPlatform> platform;
  private static volatile Clock clock = Clock.systemUTC();

  private TestTargets() {}

  static void use(Map<String, String> environment, Supplier<GcpPlatform> platformOfTest) {
    env = Map.copyOf(environment);
    platform = platformOfTest;
  }

  /** As {@link #use(Map, Supplier)}, with the clock the job worker compares due times with. */
  static void use(Map<String, String> environment, Supplier<GcpPlatform> platformOfTest, Clock clockOfTest) {
    use(environment, platformOfTest);
    clock = clockOfTest;
  }

  public static final class Predict implements HttpFunction {
    private final PredictHttpFunction function = new PredictHttpFunction(env);

    @Override
    public void service(HttpRequest request, HttpResponse response) throws Exception {
      function.service(request, response);
    }
  }

  public static final class PredictOnPlatform implements HttpFunction {
    private final PredictHttpFunction function = new PredictHttpFunction(env, platform.get());

    @Override
    public void service(HttpRequest request, HttpResponse response) throws Exception {
      function.service(request, response);
    }
  }

  public static final class AsyncJob implements CloudEventsFunction {
    private final AsyncJobCloudEventFunction function = new AsyncJobCloudEventFunction(env, platform.get(), clock);

    @Override
    public void accept(CloudEvent event) {
      function.accept(event);
    }
  }

  public static final class ScoreObject implements CloudEventsFunction {
    private final ScoreObjectCloudEventFunction function = new ScoreObjectCloudEventFunction(env, platform.get());

    @Override
    public void accept(CloudEvent event) {
      function.accept(event);
    }
  }

  public static final class ScoreRecords implements CloudEventsFunction {
    private final ScoreRecordsCloudEventFunction function = new ScoreRecordsCloudEventFunction(env, platform.get());

    @Override
    public void accept(CloudEvent event) {
      function.accept(event);
    }
  }
}
