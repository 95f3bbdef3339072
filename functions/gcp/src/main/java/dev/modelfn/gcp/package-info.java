/**
 * The Google Cloud Functions adapter (Functions Framework for Java 2.0): one entry point per
 * trigger — {@link dev.modelfn.gcp.PredictHttpFunction} (HTTP), {@link
 * dev.modelfn.gcp.ScoreObjectCloudEventFunction} (Cloud Storage, and Pub/Sub continuations),
 * {@link dev.modelfn.gcp.ScoreRecordsCloudEventFunction} (Pub/Sub), {@link
 * dev.modelfn.gcp.AsyncJobCloudEventFunction} (Pub/Sub, the jobs topic) — each built once per
 * instance by the core's composition root on {@link dev.modelfn.gcp.GcpPlatform}, the core's ports on
 * Google Cloud: Cloud Storage ({@link dev.modelfn.gcp.GcsBlobStore}, {@link
 * dev.modelfn.gcp.GcsModelArtifactFetcher}), Pub/Sub topics (among them the job queue,
 * {@code PubSubJobQueue}), and Cloud Logging ({@link
 * dev.modelfn.gcp.CloudLoggingFormatter}, {@link dev.modelfn.gcp.LogEntryMetrics}). See
 * docs/gcp.md.
 */
package dev.modelfn.gcp;
