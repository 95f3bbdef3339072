package dev.modelfn.core.stream;

import java.util.List;
import java.util.Set;

/** Where predictions go: an SQS queue, a Kinesis stream, or a JSON Lines object per batch. */
public interface PredictionSink {
  /** One prediction line (JSON) and the record it came from. */
  record Item(String sourceId, byte[] json) {}

  /**
   * Publishes what it can.
   *
   * @return the source ids whose predictions were not accepted (throttled, unavailable): retried
   */
  Set<String> publish(List<Item> items);
}
