/**
 * Batch scoring of objects (the S3-triggered mode), cloud-agnostic: a CSV or JSON Lines object,
 * optionally gzip-compressed, is read as a stream, scored in micro-batches and written back as
 * predictions with a manifest and rejects. Storage and the continuation queue are ports
 * ({@link dev.modelfn.core.storage.BlobStore}, {@link dev.modelfn.core.batch.Continuations}),
 * implemented by the platform adapters.
 */
package dev.modelfn.core.batch;
