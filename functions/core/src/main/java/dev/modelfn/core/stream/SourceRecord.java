package dev.modelfn.core.stream;

import java.time.Instant;
import java.util.Optional;

/**
 * One record of a stream batch, as the platform delivered it.
 *
 * @param id what the platform names the record by in {@code batchItemFailures} (Kinesis sequence
 *     number, SQS message id)
 * @param position where it came from, for dead letters ({@code shardId-…:seq}, the queue ARN)
 * @param group the SQS FIFO message group, if any
 * @param payload the record's bytes (already base64-decoded)
 * @param arrived when the platform received it, if known
 */
public record SourceRecord(String id, String position, Optional<String> group, byte[] payload,
    Optional<Instant> arrived) {}
