package dev.modelfn.core.async;

import java.time.Duration;
import java.util.Objects;

/**
 * A remote endpoint that runs a job's inference asynchronously, its input and output in object
 * storage: a SageMaker asynchronous endpoint ({@code InvokeEndpointAsync}) in the AWS adapter. The
 * job worker hands it the job's stored input, then polls the output and failure locations through
 * delayed messages on the job queue until one appears or the wait ends.
 */
public interface AsyncEndpoint {
  /** Where the endpoint will write its answer (or its failure) for one invocation. */
  record Invocation(String inferenceId, String outputLocation, String failureLocation) {
    public Invocation {
      Objects.requireNonNull(outputLocation, "outputLocation");
    }
  }

  /** A client error of the endpoint (the request is wrong for it): the job fails, no retry helps. */
  final class RefusedException extends RuntimeException {
    public RefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The endpoint's name, recorded with the job. */
  String name();

  /**
   * Queues the inference of the object at {@code inputLocation} ({@code s3://bucket/key}).
   *
   * @throws RefusedException when the endpoint refuses the request; any other exception is transient
   */
  Invocation invoke(String inputLocation, String contentType, String inferenceId);

  /**
   * How the worker waits: the first poll after {@code firstPoll}, each next one twice as late up to
   * {@code pollCap}, and the job fails when nothing came within {@code maxWait}.
   */
  record Polling(Duration firstPoll, Duration pollCap, Duration maxWait) {
    public Polling {
      if (firstPoll.isNegative() || firstPoll.isZero() || pollCap.compareTo(firstPoll) < 0
          || pollCap.compareTo(Duration.ofMinutes(15)) > 0 || maxWait.compareTo(firstPoll) < 0) {
        throw new IllegalArgumentException("polling: expected 0 < firstPoll <= pollCap <= 15 min and maxWait >= "
            + "firstPoll, got " + firstPoll + ", " + pollCap + ", " + maxWait);
      }
    }
  }
}
