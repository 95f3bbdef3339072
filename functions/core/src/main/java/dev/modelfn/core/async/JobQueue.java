package dev.modelfn.core.async;

/** The job queue as async inference needs it (SQS in the AWS adapter). */
public interface JobQueue {
  /**
   * Sends a message, visible after {@code delaySeconds} (0 to 900).
   *
   * @throws RuntimeException when the queue cannot be reached; the caller decides what that means
   */
  void send(byte[] message, int delaySeconds);

  /** Puts a message on the dead-letter queue for jobs whose callback could not be delivered. */
  void deadLetter(byte[] message);
}
