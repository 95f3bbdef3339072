package dev.modelfn.core.batch;

/** Where a batch run that must stop early leaves the message that resumes it (an SQS queue on AWS). */
public interface Continuations {
  /** Enqueues a continuation; the next invocation receives exactly this body. */
  void enqueue(String body);
}
