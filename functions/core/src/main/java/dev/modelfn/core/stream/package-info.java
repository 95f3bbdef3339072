/**
 * Stream inference, cloud-agnostic: a batch of records from Kinesis or SQS is decoded, scored in
 * one model call, and published to a sink; poison records go to a dead-letter port, transient
 * failures are reported per record so that the platform retries only those.
 */
package dev.modelfn.core.stream;
