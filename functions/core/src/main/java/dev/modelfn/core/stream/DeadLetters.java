package dev.modelfn.core.stream;

import java.util.List;
import java.util.Set;

/** Where poison records go, with their payload and the reason (an SQS dead-letter queue on AWS). */
public interface DeadLetters {
  /** One dead letter (JSON) and the record it describes. */
  record Letter(String sourceId, byte[] json) {}

  /** @return the source ids whose letters could not be sent (the records are then retried, not lost) */
  Set<String> send(List<Letter> letters);
}
